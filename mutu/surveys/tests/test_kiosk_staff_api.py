"""Staff endpoints of the survey API: responses pushed by an integration, and the IKM."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
import time_machine

from mutu.surveys.models import Response
from mutu.surveys.selectors import Slice, ikm_for
from mutu.surveys.testing import add_response, answers

NOW = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def push(client, survey_id, payload):
    return client.post(
        f"/api/v1/surveys/{survey_id}/responses", data=json.dumps(payload), content_type="application/json"
    )


def test_a_unit_admin_pushes_a_response_through_the_api(client, login, survey_world, frozen):
    w = survey_world
    login(w.alice)
    key = str(uuid.uuid4())
    response = push(client, w.survey.pk, {"client_id": key, "answers": answers(4, 4, 3, 3, 4, 4, 4, 3, 4)})
    assert response.status_code == 201, response.content
    assert response.json()["created"] is True
    stored = Response.objects.get(pk=response.json()["id"])
    assert (stored.channel, stored.unit_id) == ("api", w.dpmptsp.pk)

    again = push(client, w.survey.pk, {"client_id": key, "answers": answers(4, 4, 3, 3, 4, 4, 4, 3, 4)})
    assert again.status_code == 200
    assert again.json() == {"id": stored.pk, "client_id": key, "created": False}
    assert Response.objects.count() == 1


def test_an_out_of_range_pushed_answer_is_422_and_nothing_is_stored(client, login, survey_world, frozen):
    login(survey_world.alice)
    response = push(client, survey_world.survey.pk, {"answers": answers(4, 4, 7, 3, 4, 4, 4, 3, 4)})
    assert response.status_code == 422
    assert "U3" in response.json()["errors"]
    assert Response.objects.count() == 0


def test_a_push_into_a_closed_survey_is_refused(client, login, survey_world, frozen):
    w = survey_world
    w.survey.status = "closed"
    w.survey.save()
    login(w.alice)
    response = push(client, w.survey.pk, {"answers": answers(4, 4, 4, 3, 4, 4, 4, 3, 4)})
    assert response.status_code == 422
    assert Response.objects.count() == 0


def test_an_mpp_survey_push_names_the_gerai_that_served(client, login, survey_world, frozen):
    w = survey_world
    login(w.alice)
    missing = push(client, w.mpp_survey.pk, {"answers": answers(4, 4, 4, 3, 4, 4, 4, 3, 4)})
    assert missing.status_code == 422
    response = push(
        client, w.mpp_survey.pk, {"answers": answers(4, 4, 4, 3, 4, 4, 4, 3, 4), "gerai_id": w.gerai_bpjs.pk}
    )
    assert response.status_code == 201
    stored = Response.objects.get()
    assert (stored.unit_id, stored.location_id) == (w.bpjs.pk, w.mpp.pk)


def test_a_gerai_outside_the_survey_is_refused(client, login, survey_world, frozen):
    w = survey_world
    login(w.alice)
    response = push(
        client, w.survey.pk, {"answers": answers(4, 4, 4, 3, 4, 4, 4, 3, 4), "gerai_id": w.gerai_dukcapil.pk}
    )
    assert response.status_code == 422
    assert "gerai_id" in response.json()["errors"]


def test_another_units_admin_cannot_push_into_the_survey(client, login, survey_world, frozen):
    login(survey_world.charlie)
    response = push(client, survey_world.survey.pk, {"answers": answers(4, 4, 4, 3, 4, 4, 4, 3, 4)})
    assert response.status_code == 404
    assert Response.objects.count() == 0


def test_pushing_needs_a_session(client, survey_world, frozen):
    response = push(client, survey_world.survey.pk, {"answers": answers(4, 4, 4, 3, 4, 4, 4, 3, 4)})
    assert response.status_code == 401


def test_pushing_with_a_session_needs_the_csrf_token(survey_world, frozen):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(survey_world.alice, backend="django.contrib.auth.backends.ModelBackend")
    response = push(client, survey_world.survey.pk, {"answers": answers(4, 4, 4, 3, 4, 4, 4, 3, 4)})
    assert response.status_code == 403
    assert Response.objects.count() == 0


# --- IKM -----------------------------------------------------------------------------------------


def _fill(w):
    rows = [
        (4, 3, 4, 4, 3, 4, 4, 2, 3),
        (3, 3, 2, 4, None, 4, 3, 2, 3),
        (4, 4, 4, 4, 4, 4, 4, 4, 4),
        (1, 2, 3, 4, 1, 2, 3, 4, 1),
    ]
    for number, values in enumerate(rows, start=1):
        # A paper questionnaire keeps a blank (a blank is not a zero).
        add_response(
            w.survey,
            channel="surveyor",
            surveyor_id=w.surveyor.pk,
            paper_number=str(number),
            answers=answers(*values),
            now=NOW,
        )


def test_the_ikm_endpoint_gives_the_numbers_of_ikm_for(client, login, survey_world, frozen):
    w = survey_world
    _fill(w)
    login(w.alice)
    response = client.get(f"/api/v1/surveys/{w.survey.pk}/ikm")
    assert response.status_code == 200
    data = response.json()
    expected = ikm_for(survey=w.survey)
    assert data["respondents"] == expected.respondents == 4
    assert data["ikm"] == float(expected.converted)
    assert data["ikm_weighted"] == float(expected.weighted_4dp)
    assert (data["mutu"], data["kinerja"]) == (expected.mutu, expected.kinerja)
    assert [u["code"] for u in data["unsur"]] == [f"U{i}" for i in range(1, 10)]
    u5 = data["unsur"][4]
    assert (u5["name"], u5["answered"], u5["nrr"]) == ("Produk Spesifikasi Jenis Pelayanan", 3, 8 / 3)
    assert data["unsur"][0]["nrr"] == 3.0
    # The same object as `mutu ikm --format json` prints, plus which survey and weights.
    from mutu.cli import ikm_json

    assert {k: v for k, v in data.items() if k not in ("survey_id", "weight_mode")} == ikm_json(expected)
    assert (data["survey_id"], data["weight_mode"]) == (w.survey.pk, "exact")


def test_the_ikm_of_an_empty_survey_has_no_index(client, login, survey_world, frozen):
    login(survey_world.alice)
    data = client.get(f"/api/v1/surveys/{survey_world.survey.pk}/ikm").json()
    assert data["respondents"] == 0
    assert data["ikm"] is None and data["mutu"] is None
    assert all(u["nrr"] is None for u in data["unsur"])


def test_another_unit_gets_404_for_the_ikm(client, login, survey_world, frozen):
    login(survey_world.charlie)
    assert client.get(f"/api/v1/surveys/{survey_world.survey.pk}/ikm").status_code == 404


def test_a_tenant_sees_only_its_own_part_of_the_mpp_survey(client, login, survey_world, frozen):
    w = survey_world
    add_response(w.mpp_survey, gerai=w.gerai_bpjs, answers=answers(2, 2, 2, 2, 2, 2, 2, 2, 2), now=NOW)
    add_response(w.mpp_survey, gerai=w.gerai_dpmptsp, answers=answers(4, 4, 4, 4, 4, 4, 4, 4, 4), now=NOW)
    login(w.dave)
    data = client.get(f"/api/v1/surveys/{w.mpp_survey.pk}/ikm").json()
    assert data["respondents"] == 1
    assert data["ikm"] == float(ikm_for(survey=w.mpp_survey, slice=Slice(unit_id=w.bpjs.pk)).converted) == 50.0
    client.logout()
    login(w.alice)
    assert client.get(f"/api/v1/surveys/{w.mpp_survey.pk}/ikm").json()["respondents"] == 2
