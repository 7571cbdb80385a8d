"""The complaints JSON API: public intake (the web form's rules), tracking, and staff reads."""

import datetime as dt
import json

import pytest
import time_machine

from mutu.complaints.models import Channel, Complaint, Message, Status
from mutu.complaints.services import add_message, transition
from mutu.complaints.testing import make_complaint

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
API = "/api/v1/complaints"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def send(client, **fields):
    payload = {
        "instansi": "kota-bontang",
        "kind": "pengaduan",
        "title": "Antrean kacau",
        "description": "Nomor antrean dilewati petugas.",
        "reporter_name": "Rina",
        "reporter_email": "rina@example.org",
        "consent": True,
    }
    payload.update(fields)
    return client.post(API, data=json.dumps(payload), content_type="application/json")


def test_a_citizen_sends_a_complaint_and_gets_a_tracking_code(client, complaint_world):
    response = send(client)
    assert response.status_code == 201, response.content
    data = response.json()
    complaint = Complaint.objects.get(tracking_code=data["tracking_code"])
    assert complaint.instansi == complaint_world.bontang and complaint.status == Status.SUBMITTED
    assert complaint.channel == Channel.API
    assert data["tracking_url"].endswith(f"/lacak/{complaint.tracking_code}")
    assert data["email_confirmation_needed"] is True


def test_missing_consent_and_bad_fields_are_422_with_field_errors(client, complaint_world):
    response = send(client, consent=False, reporter_nik="123", reporter_phone="abc", title="")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {"consent", "reporter_nik", "reporter_phone", "title"} <= set(errors)
    response = send(client, kind="keluhan")
    assert response.status_code == 422
    response = send(client, instansi="atlantis")
    assert response.status_code == 422 and "instansi" in response.json()["errors"]
    # Two governments receive complaints here, so the API must be told which one.
    response = send(client, instansi="")
    assert response.status_code == 422 and "instansi" in response.json()["errors"]
    response = send(client, instansi="kota\x00bontang", title="a\x00b")
    assert response.status_code == 422
    response = client.post(API, data="{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert not Complaint.objects.exists()


def test_a_service_of_another_instansi_is_refused(client, complaint_world):
    from mutu.complaints.tests.test_open311_endpoints import published

    w = complaint_world
    bpjs_service = published(w.bpjs, "jkn", "JKN")
    response = send(client, instansi="kota-bontang", service_id=bpjs_service.pk)
    assert response.status_code == 422 and "service" in response.json()["errors"]


def test_flooding_the_api_is_stopped_per_contact(client, complaint_world, settings):
    settings.RATELIMIT_ENABLED = True
    from django.core.cache import cache

    cache.clear()
    codes = [send(client, reporter_email="banjir@example.org").status_code for _ in range(6)]
    assert codes == [201] * 5 + [429]
    cache.clear()


def test_tracking_shows_public_replies_and_deadlines_but_never_identity_or_notes(client, complaint_world):
    w = complaint_world
    complaint = make_complaint(w, is_confidential=True, reporter_name="Siti Rahasia")
    transition(
        complaint=complaint,
        to=Status.IN_PROGRESS,
        allowed_from=[Status.SUBMITTED],
        actor=w.verifier,
        action="forward",
        unit=w.dpmptsp,
    )
    add_message(complaint=complaint, kind=Message.Kind.PUBLIC_REPLY, body="Sedang kami periksa.", now=NOW)
    add_message(complaint=complaint, kind=Message.Kind.INTERNAL_NOTE, body="catatan dalam", now=NOW)
    response = client.get(f"{API}/track/{complaint.tracking_code.lower().replace('-', '')}")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "in_progress" and data["lapor_status"] == "Proses"
    assert [m["body"] for m in data["messages"]] == ["Sedang kami periksa."]
    assert data["deadlines"] and all({"stage", "due_on", "paused", "overdue"} <= set(d) for d in data["deadlines"])
    body = response.content.decode()
    assert "Siti" not in body and "siti@example.org" not in body and "catatan dalam" not in body
    assert client.get(f"{API}/track/ZZZZ-ZZZZ").status_code == 404


def test_staff_list_only_what_they_may_see_with_filters(client, login, complaint_world):
    w = complaint_world
    web = make_complaint(w)
    walk = make_complaint(w, channel=Channel.WALK_IN, title="Di loket")
    forwarded = make_complaint(w, title="Untuk DPMPTSP")
    transition(
        complaint=forwarded,
        to=Status.FORWARDED,
        allowed_from=[Status.SUBMITTED],
        actor=w.verifier,
        action="forward",
        unit=w.dpmptsp,
    )
    ids = lambda response: {c["id"] for c in response.json()}  # noqa: E731
    verifier = login(w.verifier)
    assert ids(verifier.get(API)) == {web.pk, walk.pk, forwarded.pk}
    assert ids(verifier.get(API, {"channel": "walk_in"})) == {walk.pk}
    assert ids(verifier.get(API, {"status": "forwarded"})) == {forwarded.pk}
    assert verifier.get(API, {"status": "nope"}).status_code == 422
    assert len(verifier.get(API, {"limit": 1}).json()) == 1
    officer = login(w.complaint_officer)
    assert ids(officer.get(API)) == {forwarded.pk}
    charlie = login(w.charlie)
    assert ids(charlie.get(API)) == set()
    dave = login(w.dave)
    assert ids(dave.get(API)) == set()


def test_the_staff_list_needs_a_session(client, complaint_world):
    assert client.get(API).status_code == 401
    assert client.get(f"{API}/1").status_code == 401


def test_staff_detail_is_404_for_another_unit_and_hides_anonim_identity(client, login, complaint_world):
    w = complaint_world
    complaint = make_complaint(w, title="Untuk DPMPTSP")
    transition(
        complaint=complaint,
        to=Status.FORWARDED,
        allowed_from=[Status.SUBMITTED],
        actor=w.verifier,
        action="forward",
        unit=w.dpmptsp,
    )
    anonim = make_complaint(w, is_anonymous=True, reporter_name="Tersembunyi")
    officer = login(w.complaint_officer)
    data = officer.get(f"{API}/{complaint.pk}").json()
    assert data["identity"]["name"] == "Siti Aminah" and data["status"] == "forwarded"
    assert officer.get(f"{API}/{anonim.pk}").status_code == 404
    for persona in (w.charlie, w.dave, w.nobody):
        assert login(persona).get(f"{API}/{complaint.pk}").status_code == 404
    verifier = login(w.verifier)
    detail = verifier.get(f"{API}/{anonim.pk}").json()
    assert detail["identity"] is None and "Tersembunyi" not in json.dumps(detail)
    assert verifier.get(f"{API}/999999").status_code == 404
