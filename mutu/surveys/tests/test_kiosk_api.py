"""The kiosk API: device-token auth, configuration, offline batches (idempotent), bad input."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
import time_machine
from django.urls import reverse

from mutu.core.models import AuditEvent
from mutu.surveys.models import Answer, Response, Survey, SurveyDevice, Tally
from mutu.surveys.selectors import Slice, ikm_for
from mutu.surveys.services_kiosk import create_survey_device, register_survey_device, revoke_survey_device
from mutu.surveys.testing import answers

NOW = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)  # 10.00 WITA on a Tuesday
CONFIG = "/api/v1/surveys/kiosk/config"
RESPONSES = "/api/v1/surveys/kiosk/responses"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def kiosk(survey_world, frozen):
    """A registered kiosk of DPMPTSP at its counter A1 in the MPP, and its token."""
    w = survey_world
    device, code = create_survey_device(
        unit=w.dpmptsp, location=w.mpp, counter=w.counter_a1, name="Tablet A1", by=w.alice, now=frozen
    )
    device, token = register_survey_device(code=code, now=frozen)
    w.device, w.token = device, token
    return w


def auth(token):
    return {"HTTP_AUTHORIZATION": f"Device {token}"}


def item(**overrides):
    data = {
        "client_id": str(uuid.uuid4()),
        "answered_at": (NOW - dt.timedelta(minutes=5)).isoformat(),
        "answers": answers(4, 3, 4, 4, 3, 4, 4, 2, 3),
        "profile": {"gender": "f", "age_group": "30_39"},
        "suggestion": "Ruang tunggu panas.",
    }
    data.update(overrides)
    return data


def post_batch(client, token, items):
    return client.post(RESPONSES, data=json.dumps({"responses": items}), content_type="application/json", **auth(token))


# --- Authentication ------------------------------------------------------------------------------


def test_config_without_a_token_is_unauthorised(client, kiosk):
    assert client.get(CONFIG).status_code == 401


def test_config_with_an_unknown_token_is_forbidden(client, kiosk):
    assert client.get(CONFIG, **auth("not-a-real-token")).status_code == 403


def test_a_revoked_kiosk_can_neither_load_its_config_nor_post(client, kiosk):
    revoke_survey_device(device=kiosk.device, by=kiosk.alice, now=NOW)
    assert client.get(CONFIG, **auth(kiosk.token)).status_code == 403
    response = post_batch(client, kiosk.token, [item()])
    assert response.status_code == 403
    assert Response.objects.count() == 0


def test_a_posted_batch_with_an_unknown_token_stores_nothing(client, kiosk):
    assert post_batch(client, "forged", [item()]).status_code == 403
    assert Response.objects.count() == 0


def test_the_http_only_cookie_counts_only_with_the_kiosk_header(client, kiosk):
    client.cookies["mutu_survey_kiosk"] = kiosk.token
    assert client.get(CONFIG).status_code == 401
    assert client.get(CONFIG, HTTP_X_MUTU_KIOSK="1").status_code == 200


def test_the_kiosk_endpoints_ignore_a_staff_session(client, kiosk, login):
    login(kiosk.alice)
    assert client.get(CONFIG).status_code == 401


# --- Configuration -------------------------------------------------------------------------------


def test_config_gives_the_open_survey_of_the_kiosks_place_with_faces(client, kiosk):
    response = client.get(CONFIG, **auth(kiosk.token))
    assert response.status_code == 200
    data = response.json()
    assert data["device"] == {
        "id": kiosk.device.pk,
        "name": "Tablet A1",
        "unit": "DPMPTSP Kota Bontang",
        "location": "MPP Bontang",
        "counter": "A1 Loket 1",
        "is_disability_counter": False,
    }
    survey = data["survey"]
    assert survey["id"] == kiosk.survey.pk  # the unit's own survey before the MPP-wide one
    assert [q["code"] for q in survey["questions"]][:9] == [f"U{i}" for i in range(1, 10)]
    first = survey["questions"][0]
    assert [o["value"] for o in first["options"]] == [1, 2, 3, 4]
    assert [o["face"] for o in first["options"]] == ["very_sad", "sad", "happy", "very_happy"]
    assert first["options"][3]["label"] == "Sangat sesuai"
    assert [f["name"] for f in data["profile"]] == ["gender", "age_group", "education", "occupation"]


def test_config_updates_when_the_kiosk_was_last_heard_from(client, kiosk):
    SurveyDevice.objects.filter(pk=kiosk.device.pk).update(last_seen_at=NOW - dt.timedelta(hours=3))
    client.get(CONFIG, **auth(kiosk.token))
    kiosk.device.refresh_from_db()
    assert kiosk.device.last_seen_at == NOW


def test_config_says_so_when_no_survey_is_open(client, kiosk):
    Survey.objects.update(status=Survey.Status.CLOSED)
    data = client.get(CONFIG, **auth(kiosk.token)).json()
    assert data["survey"] is None
    assert data["message"]


def test_a_tenant_kiosk_in_the_mall_gets_the_mpp_wide_survey(client, survey_world, frozen):
    w = survey_world
    device, code = create_survey_device(unit=w.bpjs, location=w.mpp, counter=None, name="BPJS", by=w.dave, now=NOW)
    _device, token = register_survey_device(code=code, now=NOW)
    data = client.get(CONFIG, **auth(token)).json()
    assert data["survey"]["id"] == w.mpp_survey.pk
    response = post_batch(client, token, [item(survey_id=w.mpp_survey.pk)])
    assert response.json()["stored"] == 1
    stored = Response.objects.get()
    assert (stored.unit_id, stored.gerai_id, stored.location_id) == (w.bpjs.pk, w.gerai_bpjs.pk, w.mpp.pk)


# --- Batches -------------------------------------------------------------------------------------


def test_a_batch_is_stored_with_the_kiosks_place_and_channel(client, kiosk):
    batch = [item(), item(answers=answers(1, 2, 3, 4, 1, 2, 3, 4, 1), profile={})]
    response = post_batch(client, kiosk.token, batch)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["stored"], body["duplicate"], body["rejected"]) == (2, 0, 0)
    assert [r["status"] for r in body["results"]] == ["stored", "stored"]
    assert [r["client_id"] for r in body["results"]] == [b["client_id"] for b in batch]
    stored = Response.objects.get(client_id=batch[0]["client_id"])
    assert stored.channel == "kiosk"
    assert stored.device_id == kiosk.device.pk
    assert (stored.unit_id, stored.location_id, stored.counter_id, stored.gerai_id) == (
        kiosk.dpmptsp.pk,
        kiosk.mpp.pk,
        kiosk.counter_a1.pk,
        kiosk.gerai_dpmptsp.pk,
    )
    assert stored.answered_at == NOW - dt.timedelta(minutes=5)
    assert stored.received_at == NOW
    assert (stored.gender, stored.age_group, stored.suggestion) == ("f", "30_39", "Ruang tunggu panas.")
    assert Answer.objects.filter(response=stored).count() == 9
    assert AuditEvent.objects.filter(action="survey_device.batch", object_id=str(kiosk.device.pk)).count() == 1


def test_a_replayed_batch_stores_nothing_twice(client, kiosk):
    batch = [item(), item()]
    first = post_batch(client, kiosk.token, batch)
    assert first.json()["stored"] == 2
    tallies = list(Tally.objects.order_by("key").values_list("key", "answered", "total"))
    again = post_batch(client, kiosk.token, batch)
    assert again.status_code == 200
    assert [r["status"] for r in again.json()["results"]] == ["duplicate", "duplicate"]
    assert Response.objects.count() == 2
    assert list(Tally.objects.order_by("key").values_list("key", "answered", "total")) == tallies


def test_the_same_client_id_twice_in_one_batch_is_stored_once(client, kiosk):
    one = item()
    body = post_batch(client, kiosk.token, [one, dict(one)]).json()
    assert [r["status"] for r in body["results"]] == ["stored", "duplicate"]
    assert Response.objects.count() == 1


def test_a_replay_after_the_survey_closed_is_still_a_duplicate(client, kiosk):
    one = item()
    post_batch(client, kiosk.token, [one])
    Survey.objects.update(status=Survey.Status.CLOSED)
    body = post_batch(client, kiosk.token, [one]).json()
    assert body["results"][0]["status"] == "duplicate"


@pytest.mark.parametrize(
    "bad",
    [
        {"answers": answers(5, 3, 4, 4, 3, 4, 4, 2, 3)},  # out of range
        {"answers": answers(0, 3, 4, 4, 3, 4, 4, 2, 3)},
        {"answers": {**answers(4, 3, 4, 4, 3, 4, 4, 2, 3), "U1": "sangat baik"}},
        {"answers": {**answers(4, 3, 4, 4, 3, 4, 4, 2, 3), "U99": 4}},  # no such question
        {"answers": answers(4, 3, 4)},  # required answers missing
        {"profile": {"gender": "x"}},
        {"answered_at": (NOW + dt.timedelta(days=1)).isoformat()},
        {"survey_id": 999_999},
        {"service_id": 999_999},
    ],
)
def test_a_forged_item_fails_the_whole_batch_and_nothing_is_stored(client, kiosk, bad):
    response = post_batch(client, kiosk.token, [item(), item(**bad)])
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"]
    assert any(key.startswith("responses.1.") for key in body["errors"]), body
    assert Response.objects.count() == 0
    assert Tally.objects.count() == 0


def test_an_answer_of_a_fractional_value_is_refused_by_the_schema(client, kiosk):
    response = post_batch(client, kiosk.token, [item(answers={**answers(4, 4, 4, 4, 4, 4, 4, 4, 4), "U1": 3.5})])
    assert response.status_code == 422
    assert Response.objects.count() == 0


def test_a_batch_larger_than_the_limit_is_refused(client, kiosk):
    response = post_batch(client, kiosk.token, [item() for _ in range(101)])
    assert response.status_code == 422
    assert Response.objects.count() == 0


def test_an_item_answered_while_the_survey_was_closed_is_rejected_but_the_others_are_stored(client, kiosk):
    Survey.objects.filter(pk=kiosk.survey.pk).update(starts_on=dt.date(2026, 3, 10))
    early = item(answered_at="2026-03-09T07:00:00+08:00", survey_id=kiosk.survey.pk)
    body = post_batch(client, kiosk.token, [item(), early]).json()
    assert [r["status"] for r in body["results"]] == ["stored", "rejected"]
    assert body["results"][1]["errors"]["__all__"]
    assert Response.objects.count() == 1


def test_items_of_a_closed_survey_are_rejected(client, kiosk):
    Survey.objects.update(status=Survey.Status.CLOSED)
    body = post_batch(client, kiosk.token, [item(survey_id=kiosk.survey.pk), item()]).json()
    assert [r["status"] for r in body["results"]] == ["rejected", "rejected"]
    assert Response.objects.count() == 0


def test_a_service_offered_by_the_kiosk_is_recorded(client, kiosk):
    from mutu.standards.models import Service

    service = Service.objects.create(unit=kiosk.dpmptsp, name="Izin Usaha", slug="izin-usaha")
    config = client.get(CONFIG, **auth(kiosk.token)).json()
    assert {"id": service.pk, "name": "Izin Usaha"} in config["survey"]["services"]
    post_batch(client, kiosk.token, [item(service_id=service.pk)])
    assert Response.objects.get().service_id == service.pk


def test_the_ikm_after_kiosk_batches_matches_the_stored_answers(client, kiosk):
    post_batch(client, kiosk.token, [item(), item(answers=answers(2, 2, 2, 2, 2, 2, 2, 2, 2))])
    from mutu.surveys.selectors import unsur_totals_from_answers, unsur_totals_from_tallies

    assert unsur_totals_from_tallies(survey_ids=[kiosk.survey.pk], slice=Slice()) == unsur_totals_from_answers(
        survey_ids=[kiosk.survey.pk], slice=Slice()
    )
    assert ikm_for(survey=kiosk.survey).respondents == 2


def test_the_batch_endpoint_needs_no_csrf_token(kiosk):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert post_batch(client, kiosk.token, [item()]).status_code == 200


def test_the_api_names_are_stable():
    assert reverse("api:survey_kiosk_config") == CONFIG
    assert reverse("api:survey_kiosk_responses") == RESPONSES


def test_the_config_costs_the_same_few_queries_however_many_kiosks_and_services(client, kiosk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mutu.standards.models import Service

    with CaptureQueriesContext(connection) as before:
        client.get(CONFIG, **auth(kiosk.token))
    for i in range(5):
        Service.objects.create(unit=kiosk.dpmptsp, name=f"Layanan {i}", slug=f"layanan-{i}")
        create_survey_device(
            unit=kiosk.dpmptsp, location=kiosk.mpp, counter=None, name=f"T{i}", by=kiosk.alice, now=NOW
        )
    with CaptureQueriesContext(connection) as after:
        client.get(CONFIG, **auth(kiosk.token))
    assert len(after) == len(before) <= 12


def test_the_devices_page_costs_the_same_queries_for_many_kiosks(client, login, kiosk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(kiosk.alice)
    url = reverse("surveys:devices", args=[kiosk.dpmptsp.slug])
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for i in range(5):
        create_survey_device(
            unit=kiosk.dpmptsp, location=kiosk.mpp, counter=kiosk.counter_a1, name=f"T{i}", by=kiosk.alice, now=NOW
        )
    with CaptureQueriesContext(connection) as six:
        client.get(url)
    assert len(six) == len(one)


def test_the_openapi_schema_documents_the_survey_endpoints(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    operations = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {
        "get_survey_kiosk_config",
        "post_survey_kiosk_responses",
        "post_survey_response",
        "get_survey_ikm",
    } <= operations
