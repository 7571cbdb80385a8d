"""The counter officer's actions: call order, recall, no-show, serve, transfer, information."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db.models.query import QuerySet
from django.utils import timezone

from mutu.core.errors import ApplicationError
from mutu.core.models import AuditEvent
from mutu.core.testing import Role, give_role, make_user
from mutu.organisations.models import Counter
from mutu.queues.models import Announcement, CounterAssignment, QueueLine, Ticket, TicketEvent
from mutu.queues.services import counter as svc
from mutu.queues.services.tickets import issue_ticket

WITA = ZoneInfo("Asia/Makassar")
DAY = dt.date(2026, 11, 26)  # a Thursday


def at(h, m=0, s=0):
    return dt.datetime(2026, 11, 26, h, m, s, tzinfo=WITA)


def ticket(w, minute, *, line=None, group="", hour=9):
    return issue_ticket(line=line or w.line_a, priority_group=group, now=at(hour, minute))


def snapshot_tickets():
    return list(
        Ticket.objects.order_by("pk").values_list(
            "pk", "status", "counter_id", "officer_id", "call_count", "called_at", "finished_at", "info_given_at"
        )
    )


@pytest.fixture
def w(queue_world):
    return queue_world


# --- Calling order --------------------------------------------------------------------------


def test_priority_tickets_are_called_first_then_first_come_first_served(w):
    a1 = ticket(w, 0)
    a2 = ticket(w, 1)
    elderly = ticket(w, 2, group="elderly")
    a4 = ticket(w, 3)
    pregnant = ticket(w, 4, group="pregnant")
    order = []
    for minute in range(10, 15):
        called = svc.call_next(counter=w.counter_a1, officer=w.bob, now=at(9, minute))
        order.append(called.pk)
        svc.start_service(ticket=called, officer=w.bob, now=at(9, minute))
        svc.finish_service(ticket=called, officer=w.bob, now=at(9, minute, 30))
    assert order == [elderly.pk, pregnant.pk, a1.pk, a2.pk, a4.pk]
    assert svc.call_next(counter=w.counter_a1, officer=w.bob, now=at(9, 20)) is None


def test_a_priority_counter_follows_the_same_rule(w):
    w.counter_a1.is_priority = True
    w.counter_a1.is_disability = True
    w.counter_a1.save()
    regular = ticket(w, 0)
    disabled = ticket(w, 5, group="disability")
    assert svc.call_next(counter=w.counter_a1, officer=w.bob, now=at(9, 10)).pk == disabled.pk
    svc.mark_no_show(ticket=disabled, officer=w.bob, now=at(9, 11))
    # Not exclusive: with no priority ticket waiting it calls the regular one.
    assert svc.call_next(counter=w.counter_a1, officer=w.bob, now=at(9, 12)).pk == regular.pk


def test_calling_sets_the_ticket_and_records_event_and_audit(w):
    t = ticket(w, 0)
    called = svc.call_next(counter=w.counter_a1, officer=w.bob, now=at(9, 7))
    assert called.pk == t.pk
    assert (called.status, called.counter_id, called.officer_id, called.call_count) == (
        "called",
        w.counter_a1.pk,
        w.bob.pk,
        1,
    )
    assert called.called_at == at(9, 7)
    assert TicketEvent.objects.filter(ticket=t, kind="called", counter=w.counter_a1).count() == 1
    assert AuditEvent.objects.filter(action="ticket.call", object_id=str(t.pk)).exists()


def test_a_counter_calls_only_the_lines_it_serves_and_only_today(w):
    ticket(w, 0, line=w.line_b)
    Ticket.objects.create(
        location=w.mpp,
        line=w.line_a,
        service=w.reklame,
        prefix="A",
        number=99,
        day=DAY - dt.timedelta(days=1),
        issued_at=at(9) - dt.timedelta(days=1),
    )
    assert svc.call_next(counter=w.counter_a1, officer=w.bob, now=at(9, 10)) is None


def test_an_officer_not_assigned_to_the_counter_gets_an_error_and_nothing_changes(w):
    ticket(w, 0)
    before = snapshot_tickets()
    for officer in (w.alice, w.charlie):
        with pytest.raises(ApplicationError, match="not assigned to this counter"):
            svc.call_next(counter=w.counter_a1, officer=officer, now=at(9, 5))
    assert snapshot_tickets() == before
    assert not TicketEvent.objects.filter(kind="called").exists()


def test_an_assignment_without_a_role_in_the_unit_any_more_does_not_count(w):
    ticket(w, 0)
    w.bob.memberships.all().delete()
    w.bob._mutu_memberships = None
    with pytest.raises(ApplicationError, match="not assigned"):
        svc.call_next(counter=w.counter_a1, officer=w.bob, now=at(9, 5))


def test_an_officer_with_a_ticket_open_cannot_call_another(w):
    first = ticket(w, 0)
    ticket(w, 1)
    svc.call_next(counter=w.counter_a1, officer=w.bob, now=at(9, 5))
    before = snapshot_tickets()
    with pytest.raises(ApplicationError, match=first.code):
        svc.call_next(counter=w.counter_a1, officer=w.bob, now=at(9, 6))
    assert snapshot_tickets() == before


def test_a_lost_claim_moves_on_to_the_next_candidate(w, monkeypatch):
    first = ticket(w, 0)
    second = ticket(w, 1)
    real_update = QuerySet.update
    stolen = []

    # Another counter claims the first candidate between our read and our UPDATE.
    def racing_update(self, **kwargs):
        if not stolen and self.model is Ticket and kwargs.get("status") == "called":
            stolen.append(True)
            real_update(Ticket.objects.filter(pk=first.pk), status="called", called_at=at(9, 4))
        return real_update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", racing_update)
    called = svc.call_next(counter=w.counter_a1, officer=w.bob, now=at(9, 5))
    assert stolen and called.pk == second.pk


# --- Recall, no-show, start, finish ------------------------------------------------------------


def test_recall_increments_the_call_count_and_adds_an_event(w):
    t = ticket(w, 0)
    svc.call_next(counter=w.counter_a1, officer=w.bob, now=at(9, 5))
    svc.recall(ticket=t, officer=w.bob, now=at(9, 6))
    recalled = svc.recall(ticket=t, officer=w.bob, now=at(9, 7))
    assert recalled.call_count == 3
    assert recalled.called_at == at(9, 5)  # the first call still ends the wait
    assert TicketEvent.objects.filter(ticket=t, kind="recalled").count() == 2


def test_no_show_closes_a_called_ticket(w):
    t = ticket(w, 0)
    svc.call_next(counter=w.counter_a1, officer=w.bob, now=at(9, 5))
    closed = svc.mark_no_show(ticket=t, officer=w.bob, now=at(9, 8))
    assert closed.status == "no_show" and closed.finished_at == at(9, 8)
    with pytest.raises(ApplicationError, match="already closed"):
        svc.mark_no_show(ticket=t, officer=w.bob, now=at(9, 9))


def test_start_and_finish_service(w):
    t = ticket(w, 0)
    svc.call_next(counter=w.counter_a1, officer=w.bob, now=at(9, 5))
    serving = svc.start_service(ticket=t, officer=w.bob, now=at(9, 6))
    assert serving.status == "serving" and serving.service_started_at == at(9, 6)
    done = svc.finish_service(ticket=t, officer=w.bob, now=at(9, 20))
    assert done.status == "done" and done.finished_at == at(9, 20)
    kinds = list(TicketEvent.objects.filter(ticket=t).values_list("kind", flat=True))
    assert kinds == ["issued", "called", "started", "finished"]


def test_finishing_a_ticket_that_was_never_called_is_refused_without_change(w):
    t = ticket(w, 0)
    before = snapshot_tickets()
    with pytest.raises(ApplicationError, match="never called"):
        svc.finish_service(ticket=t, officer=w.bob, now=at(9, 5))
    assert snapshot_tickets() == before


def test_finishing_a_called_ticket_asks_to_start_it_first(w):
    t = ticket(w, 0)
    svc.call_next(counter=w.counter_a1, officer=w.bob, now=at(9, 5))
    with pytest.raises(ApplicationError, match="Start the service"):
        svc.finish_service(ticket=t, officer=w.bob, now=at(9, 6))


def test_another_officer_cannot_act_on_a_ticket_at_a_counter_they_are_not_assigned_to(w):
    t = ticket(w, 0)
    svc.call_next(counter=w.counter_a1, officer=w.bob, now=at(9, 5))
    before = snapshot_tickets()
    for action in (svc.recall, svc.mark_no_show, svc.start_service):
        with pytest.raises(ApplicationError, match="not assigned"):
            action(ticket=t, officer=w.alice, now=at(9, 6))
    assert snapshot_tickets() == before


def test_a_colleague_assigned_to_the_same_counter_may_take_over(w):
    t = ticket(w, 0)
    svc.call_next(counter=w.counter_a1, officer=w.bob, now=at(9, 5))
    dina = make_user("dina")
    give_role(dina, Role.COUNTER_OFFICER, instansi=w.bontang, unit=w.dpmptsp)
    CounterAssignment.objects.create(counter=w.counter_a1, officer=dina, created_at=timezone.now())
    assert svc.start_service(ticket=t, officer=dina, now=at(9, 6)).status == "serving"


# --- Transfer ----------------------------------------------------------------------------------


def test_transfer_to_another_service_keeps_issue_time_and_priority(w):
    b_early = ticket(w, 0, line=w.line_b)
    t = ticket(w, 1, group="elderly")
    b_late = ticket(w, 2, line=w.line_b)
    token = t.public_token
    svc.call_next(counter=w.counter_a1, officer=w.bob, now=at(9, 5))
    svc.start_service(ticket=t, officer=w.bob, now=at(9, 6))
    new = svc.transfer(ticket=t, officer=w.bob, to_line=w.line_b, to_counter=None, now=at(9, 10))
    t.refresh_from_db()
    assert t.status == "transferred" and t.finished_at == at(9, 10)
    assert new.status == "waiting" and new.line == w.line_b and new.prefix == "B"
    assert new.number == 3  # the next B number of the day
    assert new.transferred_from_id == t.pk
    assert new.issued_at == at(9, 1) and new.priority_group == "elderly"
    assert new.info_given_at == at(9, 10)
    assert new.standard_version == w.ktp_v1
    # The paper ticket's QR code follows the citizen.
    assert new.public_token == token and t.public_token != token
    # Fair place in line: priority, then by the original issue time.
    charlie_officer = make_user("budi")
    give_role(charlie_officer, Role.COUNTER_OFFICER, instansi=w.bontang, unit=w.dukcapil)
    CounterAssignment.objects.create(counter=w.counter_b1, officer=charlie_officer, created_at=timezone.now())
    order = []
    for minute in range(20, 23):
        called = svc.call_next(counter=w.counter_b1, officer=charlie_officer, now=at(9, minute))
        order.append(called.pk)
        svc.mark_no_show(ticket=called, officer=charlie_officer, now=at(9, minute))
    assert order == [new.pk, b_early.pk, b_late.pk]


def test_transfer_to_a_counter_of_the_same_service_waits_for_that_counter_only(w):
    a2 = Counter.objects.create(gerai=w.gerai_dpmptsp, code="A2", name="Loket 2")
    w.line_a.counters.add(a2)
    dina = make_user("dina")
    give_role(dina, Role.COUNTER_OFFICER, instansi=w.bontang, unit=w.dpmptsp)
    CounterAssignment.objects.create(counter=a2, officer=dina, created_at=timezone.now())
    t = ticket(w, 0)
    svc.call_next(counter=w.counter_a1, officer=w.bob, now=at(9, 5))
    new = svc.transfer(ticket=t, officer=w.bob, to_line=None, to_counter=a2, now=at(9, 6))
    assert new.line == w.line_a and new.counter == a2 and new.prefix == "A" and new.number == 2
    assert svc.call_next(counter=w.counter_a1, officer=w.bob, now=at(9, 7)) is None
    assert svc.call_next(counter=a2, officer=dina, now=at(9, 8)).pk == new.pk


def test_a_refused_transfer_changes_nothing(w):
    t = ticket(w, 0)
    before = snapshot_tickets()
    with pytest.raises(ApplicationError, match="not been called"):
        svc.transfer(ticket=t, officer=w.bob, to_line=w.line_b, to_counter=None, now=at(9, 5))
    svc.call_next(counter=w.counter_a1, officer=w.bob, now=at(9, 5))
    before = snapshot_tickets()
    with pytest.raises(ApplicationError, match="another service or another counter"):
        svc.transfer(ticket=t, officer=w.bob, to_line=w.line_a, to_counter=None, now=at(9, 6))
    with pytest.raises(ApplicationError, match="does not serve"):
        svc.transfer(ticket=t, officer=w.bob, to_line=w.line_b, to_counter=w.counter_a1, now=at(9, 6))
    with pytest.raises(ApplicationError, match="Choose the service or the counter"):
        svc.transfer(ticket=t, officer=w.bob, to_line=None, to_counter=None, now=at(9, 6))
    office_line = QueueLine.objects.create(gerai=w.gerai_dukcapil_office, service=w.ktp, prefix="K")
    with pytest.raises(ApplicationError, match="offered at this location"):
        svc.transfer(ticket=t, officer=w.bob, to_line=office_line, to_counter=None, now=at(9, 6))
    assert snapshot_tickets() == before
    assert Ticket.objects.count() == 1


# --- Information -------------------------------------------------------------------------------


@pytest.fixture
def waiting(w):
    """Three A tickets, two B tickets, one A ticket already called."""
    called = ticket(w, 0)
    svc.call_next(counter=w.counter_a1, officer=w.bob, now=at(9, 1))
    a = [ticket(w, m) for m in (2, 3, 4)]
    b = [ticket(w, m, line=w.line_b) for m in (5, 6)]
    return called, a, b


def info_times():
    return dict(Ticket.objects.values_list("pk", "info_given_at"))


def test_information_for_one_ticket_restarts_only_its_clock(w, waiting):
    called, a, b = waiting
    reached = svc.give_information(officer=w.bob, ticket=a[1], text="", now=at(9, 10))
    assert reached == 1
    times = info_times()
    assert times[a[1].pk] == at(9, 10)
    assert [times[t.pk] for t in (called, a[0], a[2], *b)] == [None] * 5
    event = TicketEvent.objects.get(kind="info_given")
    assert event.ticket_id == a[1].pk and event.officer == w.bob
    assert not Announcement.objects.exists()


def test_information_for_a_line_reaches_exactly_its_waiting_tickets(w, waiting):
    called, a, b = waiting
    reached = svc.give_information(officer=w.bob, line=w.line_a, text="Sistem lambat, mohon menunggu", now=at(9, 10))
    assert reached == 3
    times = info_times()
    assert {t.pk for t in a} == {pk for pk, v in times.items() if v == at(9, 10)}
    assert times[called.pk] is None
    announcement = Announcement.objects.get()
    assert announcement.line == w.line_a and announcement.tickets_reached == 3
    assert TicketEvent.objects.filter(kind="info_given").count() == 3


def test_a_location_announcement_by_the_mpp_manager_reaches_everyone_waiting(w, waiting):
    called, a, b = waiting
    reached = svc.give_information(officer=w.mpp_manager, location=w.mpp, text="Listrik padam", now=at(9, 10))
    assert reached == 5
    times = info_times()
    assert {pk for pk, v in times.items() if v == at(9, 10)} == {t.pk for t in a + b}
    assert times[called.pk] is None
    assert Announcement.objects.get().line is None


def test_a_unit_officer_announcing_at_the_location_reaches_only_their_units_tickets(w, waiting):
    called, a, b = waiting
    reached = svc.give_information(officer=w.bob, location=w.mpp, text="Mohon menunggu", now=at(9, 10))
    assert reached == 3
    assert {pk for pk, v in info_times().items() if v} == {t.pk for t in a}


def test_information_needs_a_role_in_the_unit_and_changes_nothing_otherwise(w, waiting):
    called, a, b = waiting
    before = snapshot_tickets()
    with pytest.raises(ApplicationError, match="no role"):
        svc.give_information(officer=w.charlie, line=w.line_a, text="x", now=at(9, 10))
    with pytest.raises(ApplicationError, match="no role"):
        svc.give_information(officer=w.dave, ticket=a[0], text="", now=at(9, 10))
    with pytest.raises(ApplicationError, match="no role"):
        svc.give_information(officer=w.surveyor, location=w.mpp, text="x", now=at(9, 10))
    with pytest.raises(ApplicationError, match="no longer waiting"):
        svc.give_information(officer=w.bob, ticket=called, text="", now=at(9, 10))
    with pytest.raises(ApplicationError, match="Write what was announced"):
        svc.give_information(officer=w.bob, line=w.line_a, text="  ", now=at(9, 10))
    assert snapshot_tickets() == before
    assert not TicketEvent.objects.filter(kind="info_given").exists()
    assert not Announcement.objects.exists()
