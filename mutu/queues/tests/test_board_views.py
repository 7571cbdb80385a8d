"""The public display board and the JSON it polls."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from mutu.queues.selectors.board import spoken_call
from mutu.queues.services import counter as svc
from mutu.queues.services.tickets import issue_ticket
from mutu.standards.models import Maklumat

WITA = ZoneInfo("Asia/Makassar")


def at(h, m=0):
    return dt.datetime(2026, 11, 26, h, m, tzinfo=WITA)


@pytest.fixture
def w(queue_world):
    with time_machine.travel(at(9, 30), tick=False):
        yield queue_world


def data(client, since=None):
    params = {} if since is None else {"since": since}
    response = client.get("/papan/mpp/data.json", params)
    assert response.status_code == 200
    return response.json()


def test_the_spoken_call_spells_the_number_in_indonesian():
    assert spoken_call(prefix="A", number=7, counter_code="A1") == "Nomor antrean A 0 0 7, silakan menuju loket A1"
    spoken = spoken_call(prefix="PBG", number=123, counter_code="2")
    assert spoken == "Nomor antrean P B G 1 2 3, silakan menuju loket 2"


def test_the_board_is_public_and_shows_counters_calls_and_the_maklumat(w, client):
    Maklumat.objects.create(
        unit=w.dpmptsp,
        text="Kami sanggup menyelenggarakan pelayanan sesuai standar.",
        signatory_name="Kepala",
        signatory_title="Kepala DPMPTSP",
        signed_on=dt.date(2026, 1, 2),
        created_at=timezone.now(),
    )
    t = issue_ticket(line=w.line_a, now=at(9))
    svc.call_next(counter=w.counter_a1, officer=w.bob)
    response = client.get("/papan/mpp/")
    assert response.status_code == 200
    body = response.content.decode()
    assert t.code in body and "A1" in body and "B1" in body and "C1" in body
    assert "Kami sanggup menyelenggarakan pelayanan" in body
    assert '<meta http-equiv="refresh" content="30">' in body and "<noscript>" in body
    assert "queues/board.js" in body and 'lang="id"' in body
    assert "bob" not in body.lower()  # no personal data
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_an_unknown_or_closed_location_is_404(w, client):
    assert client.get("/papan/tidak-ada/").status_code == 404
    w.mpp.is_active = False
    w.mpp.save()
    assert client.get("/papan/mpp/").status_code == 404
    assert client.get("/papan/mpp/data.json").status_code == 404


def test_the_json_after_a_call_announces_it_once(w, client):
    first = data(client)
    assert first["calls"] == [] and first["last_id"] == 0
    t = issue_ticket(line=w.line_a, now=at(9))
    svc.call_next(counter=w.counter_a1, officer=w.bob)
    after = data(client, since=first["last_id"])
    assert len(after["calls"]) == 1
    call = after["calls"][0]
    assert call["code"] == t.code == "A-001" and call["counter"] == "A1" and call["recall"] is False
    assert call["speech"] == "Nomor antrean A 0 0 1, silakan menuju loket A1"
    a1 = next(c for c in after["counters"] if c["counter"] == "A1")
    assert a1["code"] == "A-001" and a1["status"] == "called"
    assert [c["code"] for c in after["recent"]] == ["A-001"]
    # Polling again with the new cursor: nothing new.
    assert data(client, since=after["last_id"])["calls"] == []
    # A board just opened (no cursor) does not replay the day.
    assert data(client)["calls"] == []


def test_a_recall_is_announced_again_and_a_finished_ticket_leaves_the_counter(w, client):
    t = issue_ticket(line=w.line_a, now=at(9))
    svc.call_next(counter=w.counter_a1, officer=w.bob)
    cursor = data(client, since=0)["last_id"]
    svc.recall(ticket=t, officer=w.bob)
    recalled = data(client, since=cursor)
    assert [(c["code"], c["recall"]) for c in recalled["calls"]] == [("A-001", True)]
    svc.start_service(ticket=t, officer=w.bob)
    svc.finish_service(ticket=t, officer=w.bob)
    a1 = next(c for c in data(client, since=recalled["last_id"])["counters"] if c["counter"] == "A1")
    assert a1["code"] is None


def test_calls_of_another_location_do_not_show(w, client):
    from mutu.organisations.models import Counter, Gerai, Location

    other = Location.objects.create(name="Kantor", slug="kantor", manager_unit=w.dpmptsp, timezone="Asia/Makassar")
    Counter.objects.create(gerai=Gerai.objects.create(location=other, unit=w.dpmptsp, name="G"), code="Z1", name="Z")
    issue_ticket(line=w.line_a, now=at(9))
    svc.call_next(counter=w.counter_a1, officer=w.bob)
    response = client.get("/papan/kantor/data.json", {"since": 0}).json()
    assert response["calls"] == [] and [c["counter"] for c in response["counters"]] == ["Z1"]
