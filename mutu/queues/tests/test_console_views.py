"""The console pages: permissions, plain and htmx actions, polling partials, location overview."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mutu.queues.models import Announcement, Ticket
from mutu.queues.services import counter as svc
from mutu.queues.services.tickets import issue_ticket

WITA = ZoneInfo("Asia/Makassar")


def at(h, m=0):
    return dt.datetime(2026, 11, 26, h, m, tzinfo=WITA)


@pytest.fixture
def w(queue_world):
    return queue_world


@pytest.fixture
def clock():
    with time_machine.travel(at(9, 30), tick=False) as traveller:
        yield traveller


@pytest.fixture
def tickets(w, clock):
    return [
        issue_ticket(line=w.line_a, now=at(9, 0)),
        issue_ticket(line=w.line_a, priority_group="elderly", now=at(9, 5)),
        issue_ticket(line=w.line_a, now=at(9, 10)),
    ]


def url(w, name=""):
    base = f"/kelola/loket/{w.counter_a1.pk}/"
    return base + (f"{name}/" if name else "")


def post(client, path, data=None, htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(path, data or {}, headers=headers)


def statuses():
    return dict(Ticket.objects.values_list("number", "status"))


# --- Pages and permissions ----------------------------------------------------------------------


def test_the_officer_sees_the_console_with_the_waiting_list_in_calling_order(w, tickets, login):
    response = login(w.bob).get(url(w))
    assert response.status_code == 200
    body = response.content.decode()
    assert "A-002" in body and body.index("A-002") < body.index("A-001") < body.index("A-003")
    assert 'hx-trigger="every 10s"' in body
    assert "btn-call-next" in body
    # 30, 25 and 20 minutes of open time waited.
    assert ">30<" in body and ">25<" in body and ">20<" in body


def test_the_index_lists_the_assigned_counter_and_goes_straight_to_it(w, login):
    response = login(w.bob).get("/kelola/loket/")
    assert response.status_code == 302 and response["Location"] == url(w)


def test_the_index_of_a_unit_admin_lists_their_units_counters_to_watch(w, login):
    response = login(w.alice).get("/kelola/loket/")
    assert response.status_code == 200
    body = response.content.decode()
    assert url(w) in body and f"/kelola/loket/{w.counter_b1.pk}/" not in body


def test_a_unit_admin_watches_read_only_and_may_not_post(w, tickets, login):
    client = login(w.alice)
    response = client.get(url(w))
    assert response.status_code == 200
    body = response.content.decode()
    assert "btn-call-next" not in body and "A-001" in body
    assert post(client, url(w, "panggil")).status_code == 403
    assert statuses() == {1: "waiting", 2: "waiting", 3: "waiting"}


@pytest.mark.parametrize(
    "path",
    ["", "?part=waiting", "?part=cases"],
)
def test_another_units_people_get_404_on_the_console(w, tickets, login, path):
    for user in (w.charlie, w.dave, w.surveyor, w.mpp_manager):
        assert login(user).get(url(w) + path).status_code == 404, user


@pytest.mark.parametrize(
    "action",
    [
        "panggil",
        "panggil-ulang",
        "tidak-hadir",
        "mulai",
        "selesai",
        "alihkan",
        "informasi",
        "pengumuman",
        "kompensasi/1",
    ],
)
def test_another_units_officer_gets_404_on_every_post(w, tickets, login, action):
    svc.call_next(counter=w.counter_a1, officer=w.bob)
    before = statuses()
    client = login(w.charlie)
    data = {"ticket": tickets[1].pk, "text": "x", "scope": "location", "to_line": w.line_b.pk, "remedy": "souvenir"}
    assert post(client, url(w, action), data).status_code == 404
    assert post(client, url(w, action), data, htmx=True).status_code == 404
    assert statuses() == before


def test_an_officer_of_the_same_unit_not_assigned_to_the_counter_gets_404(w, tickets, login):
    from mutu.core.testing import Role, give_role, make_user

    dina = make_user("dina")
    give_role(dina, Role.COUNTER_OFFICER, instansi=w.bontang, unit=w.dpmptsp)
    client = login(dina)
    assert client.get(url(w)).status_code == 404
    assert post(client, url(w, "panggil")).status_code == 404
    assert statuses() == {1: "waiting", 2: "waiting", 3: "waiting"}


def test_a_person_without_any_role_is_refused(w, login):
    assert login(w.nobody).get(url(w)).status_code == 403
    assert login(w.nobody).get("/kelola/loket/").status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(w, client):
    response = client.get(url(w))
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


# --- Actions ---------------------------------------------------------------------------------------


def test_a_plain_post_calls_the_next_ticket_and_redirects_back(w, tickets, login):
    client = login(w.bob)
    response = post(client, url(w, "panggil"))
    assert response.status_code == 302 and response["Location"] == url(w)
    assert statuses()[2] == "called"
    page = client.get(url(w)).content.decode()
    assert "A-002 called to counter A1." in page or "A-002 dipanggil" in page


def test_htmx_actions_swap_the_console_region(w, tickets, login):
    client = login(w.bob)
    response = post(client, url(w, "panggil"), htmx=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="console"') and "<html" not in body
    assert "btn-start" in body and "btn-recall" in body and "btn-no-show" in body
    current = Ticket.objects.get(number=2)
    for action, status in (("panggil-ulang", "called"), ("mulai", "serving"), ("selesai", "done")):
        response = post(client, url(w, action), {"ticket": current.pk}, htmx=True)
        assert response.status_code == 200
        assert statuses()[2] == status
    current.refresh_from_db()
    assert current.call_count == 2


def test_no_show_from_the_console(w, tickets, login):
    client = login(w.bob)
    post(client, url(w, "panggil"))
    post(client, url(w, "tidak-hadir"), {"ticket": tickets[1].pk})
    assert statuses()[2] == "no_show"


def test_finishing_a_waiting_ticket_shows_the_error_and_changes_nothing(w, tickets, login):
    client = login(w.bob)
    Ticket.objects.filter(pk=tickets[0].pk).update(counter=w.counter_a1)  # reserved for A1, still waiting
    response = post(client, url(w, "selesai"), {"ticket": tickets[0].pk}, htmx=True)
    assert response.status_code == 200
    assert "never called" in response.content.decode() or "belum pernah dipanggil" in response.content.decode()
    assert statuses() == {1: "waiting", 2: "waiting", 3: "waiting"}


def test_a_ticket_of_another_counter_is_404(w, tickets, login):
    b = issue_ticket(line=w.line_b, now=at(9, 20))
    assert post(login(w.bob), url(w, "mulai"), {"ticket": b.pk}).status_code == 404


def test_transfer_from_the_console(w, tickets, login):
    client = login(w.bob)
    post(client, url(w, "panggil"))
    response = post(client, url(w, "alihkan"), {"ticket": tickets[1].pk, "to_line": w.line_b.pk}, htmx=True)
    assert response.status_code == 200
    new = Ticket.objects.get(transferred_from=tickets[1])
    assert new.code == "B-001" and new.status == "waiting"
    assert "B-001" in response.content.decode()


def test_a_transfer_without_a_target_is_refused(w, tickets, login):
    client = login(w.bob)
    post(client, url(w, "panggil"))
    response = post(client, url(w, "alihkan"), {"ticket": tickets[1].pk}, htmx=True)
    assert response.status_code == 200
    assert statuses()[2] == "called"


def test_information_to_one_waiting_ticket_from_the_console(w, tickets, login):
    response = post(login(w.bob), url(w, "informasi"), {"ticket": tickets[2].pk}, htmx=True)
    assert response.status_code == 200
    assert Ticket.objects.get(pk=tickets[2].pk).info_given_at == at(9, 30)
    assert Ticket.objects.get(pk=tickets[0].pk).info_given_at is None


def test_an_announcement_from_the_console(w, tickets, login):
    client = login(w.bob)
    response = post(client, url(w, "pengumuman"), {"scope": f"line:{w.line_a.pk}", "text": "Server lambat"}, htmx=True)
    assert response.status_code == 200
    assert Announcement.objects.get().tickets_reached == 3
    response = post(client, url(w, "pengumuman"), {"scope": "location", "text": ""}, htmx=True)
    assert Announcement.objects.count() == 1


def test_the_polling_partials_return_just_their_section(w, tickets, login):
    client = login(w.bob)
    waiting = client.get(url(w), {"part": "waiting"}, headers={"HX-Request": "true"}).content.decode()
    assert waiting.lstrip().startswith('<section id="console-waiting"') and "A-003" in waiting
    cases = client.get(url(w), {"part": "cases"}, headers={"HX-Request": "true"}).content.decode()
    assert cases.lstrip().startswith('<section id="console-cases"')


# --- Location overview ---------------------------------------------------------------------------


def test_the_mpp_manager_sees_every_gerai_of_the_location(w, tickets, login):
    svc.call_next(counter=w.counter_a1, officer=w.bob)
    issue_ticket(line=w.line_b, now=at(9, 20))
    response = login(w.mpp_manager).get("/kelola/loket/lokasi/mpp/")
    assert response.status_code == 200
    body = response.content.decode()
    for text in ("Gerai DPMPTSP", "Gerai Disdukcapil", "Gerai BPJS Kesehatan", "A-002", "KTP-el"):
        assert text in body
    overview = response.context["overview"]
    assert overview.waiting_total == 3


@pytest.mark.parametrize("persona", ["dave", "charlie", "bob", "alice"])
def test_tenants_and_unit_staff_do_not_get_the_mpp_overview(w, login, persona):
    assert login(getattr(w, persona)).get("/kelola/loket/lokasi/mpp/").status_code == 404


# --- Compensation panel ------------------------------------------------------------------------


@pytest.fixture
def due_case(w, clock):
    from mutu.queues.detection import detect_breaches
    from mutu.queues.models import CompensationCase

    t = issue_ticket(line=w.line_a, now=at(9, 0))
    detect_breaches(now=at(9, 12))
    return CompensationCase.objects.get(ticket=t)


def test_the_console_shows_the_cases_due_at_its_location_for_its_unit(w, due_case, login):
    body = login(w.bob).get(url(w)).content.decode()
    assert f"/kompensasi/{due_case.pk}/" in body and "A-001" in body
    # Disdukcapil's counter shows nothing of DPMPTSP's cases.
    from mutu.core.testing import Role, give_role, make_user
    from mutu.queues.models import CounterAssignment

    budi = make_user("budi")
    give_role(budi, Role.COUNTER_OFFICER, instansi=w.bontang, unit=w.dukcapil)
    CounterAssignment.objects.create(counter=w.counter_b1, officer=budi, created_at=at(8))
    other = login(budi).get(f"/kelola/loket/{w.counter_b1.pk}/").content.decode()
    assert f"/kompensasi/{due_case.pk}/" not in other


def test_recording_a_compensation_as_given_happens_exactly_once(w, due_case, login):
    client = login(w.bob)
    path = url(w, f"kompensasi/{due_case.pk}")
    response = post(client, path, {"remedy": "apology_drink", "note": "Teh manis"}, htmx=True)
    assert response.status_code == 200
    due_case.refresh_from_db()
    assert (due_case.status, due_case.remedy_given, due_case.given_by, due_case.note) == (
        "given",
        "apology_drink",
        w.bob,
        "Teh manis",
    )
    assert f"/kompensasi/{due_case.pk}/" not in response.content.decode()
    given_at = due_case.given_at
    again = post(client, path, {"remedy": "apology_drink", "note": "lagi"}, htmx=True)
    assert again.status_code == 200
    due_case.refresh_from_db()
    assert due_case.given_at == given_at and due_case.note == "Teh manis"


def test_a_remedy_the_rule_does_not_give_is_refused(w, due_case, login):
    post(login(w.bob), url(w, f"kompensasi/{due_case.pk}"), {"remedy": "priority_voucher"})
    due_case.refresh_from_db()
    assert due_case.status == "due"


def test_a_case_can_be_recorded_as_declined(w, due_case, login):
    post(login(w.bob), url(w, f"kompensasi/{due_case.pk}"), {"outcome": "declined", "note": "sudah pulang"})
    due_case.refresh_from_db()
    assert due_case.status == "declined"


def test_a_watching_unit_head_sees_the_cases_but_cannot_record(w, due_case, login):
    client = login(w.head)
    body = client.get(url(w)).content.decode()
    assert "A-001" in body and f'action="/kelola/loket/{w.counter_a1.pk}/kompensasi/' not in body
    assert post(client, url(w, f"kompensasi/{due_case.pk}"), {"remedy": "apology_drink"}).status_code == 403
