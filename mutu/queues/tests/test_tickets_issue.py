"""Issuing tickets: daily numbering per location and prefix, opening hours, standards, vouchers."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone, translation

from mutu.core.errors import ApplicationError
from mutu.core.models import AuditEvent
from mutu.organisations.models import CalendarException, Gerai, OpeningHours
from mutu.queues.models import Kiosk, PriorityVoucher, QueueLine, Ticket, TicketEvent
from mutu.queues.services.tickets import issue_ticket, register_kiosk
from mutu.standards.models import Service, StandardVersion

WITA = ZoneInfo("Asia/Makassar")
MONDAY = dt.date(2026, 11, 23)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=WITA)


def refused(**kwargs) -> str:
    """The English message of the ApplicationError that issue_ticket raises."""
    with translation.override("en"), pytest.raises(ApplicationError) as info:
        issue_ticket(**kwargs)
    return info.value.message


def test_a_ticket_records_its_day_standard_event_and_audit(queue_world):
    w = queue_world
    ticket = issue_ticket(line=w.line_a, now=at(MONDAY, 9))
    assert ticket.code == "A-001"
    assert ticket.day == MONDAY
    assert ticket.location == w.mpp and ticket.service == w.reklame
    assert ticket.standard_version == w.reklame_v1
    assert ticket.status == Ticket.Status.WAITING and ticket.priority_group == ""
    assert list(ticket.events.values_list("kind", flat=True)) == [TicketEvent.Kind.ISSUED]
    audit = AuditEvent.objects.get(action="ticket.issue", object_id=str(ticket.pk))
    assert audit.unit == w.dpmptsp and audit.after["number"] == 1
    assert issue_ticket(line=w.line_a, now=at(MONDAY, 9, 1)).code == "A-002"


def test_numbers_restart_at_midnight_in_the_locations_time_zone(queue_world):
    """Late hours make the WITA date differ from the UTC date: 07.30 WITA Tuesday is Monday in UTC."""
    w = queue_world
    OpeningHours.objects.filter(location=w.mpp, weekday__in=[0, 1]).update(
        opens=dt.time(6), closes=dt.time(23, 30), last_ticket=dt.time(23)
    )
    with time_machine.travel(at(MONDAY, 22, 30), tick=False):
        assert [issue_ticket(line=w.line_a).code for _ in range(2)] == ["A-001", "A-002"]
    tuesday_morning = at(MONDAY + dt.timedelta(days=1), 7, 30)
    assert tuesday_morning.astimezone(dt.UTC).date() == MONDAY
    with time_machine.travel(tuesday_morning, tick=False):
        ticket = issue_ticket(line=w.line_a)
    assert ticket.code == "A-001"
    assert ticket.day == MONDAY + dt.timedelta(days=1)


def test_lines_sharing_a_prefix_at_one_location_share_the_numbering(queue_world):
    w = queue_world
    QueueLine.objects.filter(pk=w.line_b.pk).update(prefix="A")
    codes = [
        (line.service.name, issue_ticket(line=line, now=at(MONDAY, 9)).code)
        for line in (w.line_a, w.line_b, w.line_a, w.line_b)
    ]
    assert codes == [("Izin Reklame", "A-001"), ("KTP-el", "A-002"), ("Izin Reklame", "A-003"), ("KTP-el", "A-004")]
    # Another prefix, or another location, counts on its own.
    QueueLine.objects.filter(pk=w.line_b.pk).update(prefix="B")
    assert issue_ticket(line=w.line_b, now=at(MONDAY, 9, 5)).code == "B-001"
    office_line = QueueLine.objects.create(gerai=w.gerai_dukcapil_office, service=w.ktp, prefix="A")
    OpeningHours.objects.create(
        location=w.dukcapil_office, weekday=0, opens=dt.time(8), closes=dt.time(15), last_ticket=dt.time(14)
    )
    assert issue_ticket(line=office_line, now=at(MONDAY, 9, 5)).code == "A-001"


def test_the_declared_priority_group_is_stored(queue_world):
    ticket = issue_ticket(line=queue_world.line_a, priority_group="elderly", now=at(MONDAY, 9))
    ticket.refresh_from_db()
    assert ticket.priority_group == "elderly" and ticket.is_priority


def test_a_priority_group_that_is_not_offered_is_refused(queue_world):
    assert "priority group" in refused(line=queue_world.line_a, priority_group="voucher", now=at(MONDAY, 9))
    assert "priority group" in refused(line=queue_world.line_a, priority_group="vip", now=at(MONDAY, 9))
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (at(dt.date(2026, 11, 29), 10), "MPP Bontang is closed today"),  # Sunday
        (at(MONDAY, 7, 45), "issued from 08.00"),
        (at(MONDAY, 15, 0), "no longer issued after 15.00"),
        (at(MONDAY, 15, 59), "no longer issued after 15.00"),
    ],
)
def test_no_ticket_outside_the_ticket_hours(queue_world, instant, expected):
    assert expected in refused(line=queue_world.line_a, now=instant)
    assert not Ticket.objects.exists()
    assert not AuditEvent.objects.filter(action="ticket.issue").exists()


def test_tickets_are_issued_during_the_lunch_break(queue_world):
    assert issue_ticket(line=queue_world.line_a, now=at(MONDAY, 12, 30)).number == 1


def test_no_ticket_on_a_closure_of_the_unit_that_runs_the_location(queue_world):
    w = queue_world
    CalendarException.objects.create(unit=w.dpmptsp, day=MONDAY, kind="closed", reason="Pemadaman listrik")
    assert "closed today" in refused(line=w.line_b, now=at(MONDAY, 9))


def test_no_ticket_for_a_service_without_a_published_standard(queue_world):
    w = queue_world
    draft_only = Service.objects.create(unit=w.dpmptsp, name="Izin Baru", slug="izin-baru")
    StandardVersion.objects.create(service=draft_only, number=1, created_at=timezone.now())
    line = QueueLine.objects.create(gerai=w.gerai_dpmptsp, service=draft_only, prefix="C")
    assert "no published service standard" in refused(line=line, now=at(MONDAY, 9))
    # A version published with a later effective date is not in force yet either.
    later = Service.objects.create(unit=w.dpmptsp, name="Izin Nanti", slug="izin-nanti")
    StandardVersion.objects.create(service=later, number=1, created_at=timezone.now())
    StandardVersion.objects.filter(service=later).update(
        status="published", effective_date=MONDAY + dt.timedelta(days=1), published_at=timezone.now()
    )
    line_later = QueueLine.objects.create(gerai=w.gerai_dpmptsp, service=later, prefix="D")
    assert "no published service standard" in refused(line=line_later, now=at(MONDAY, 9))
    assert not Ticket.objects.exists()


def test_no_ticket_for_an_inactive_line_or_gerai(queue_world):
    w = queue_world
    QueueLine.objects.filter(pk=w.line_a.pk).update(is_active=False)
    assert "not taking queue tickets" in refused(line=w.line_a, now=at(MONDAY, 9))
    QueueLine.objects.filter(pk=w.line_a.pk).update(is_active=True)
    Gerai.objects.filter(pk=w.gerai_dpmptsp.pk).update(is_active=False)
    assert "not taking queue tickets" in refused(line=w.line_a, now=at(MONDAY, 9))
    assert not Ticket.objects.exists()


# --- Vouchers ------------------------------------------------------------------------------


def voucher(w, code="PRIO-7K2M", *, valid_until=MONDAY, unit=None):
    return PriorityVoucher.objects.create(
        code=code, unit=unit or w.dpmptsp, issued_at=at(MONDAY - dt.timedelta(days=3), 10), valid_until=valid_until
    )


def test_a_voucher_gives_priority_once(queue_world):
    w = queue_world
    v = voucher(w)
    ticket = issue_ticket(line=w.line_a, voucher_code=" prio-7k2m ", now=at(MONDAY, 9))
    v.refresh_from_db()
    assert ticket.priority_group == "voucher" and ticket.voucher == v
    assert v.used_at == at(MONDAY, 9)

    assert "already been used" in refused(line=w.line_a, voucher_code="PRIO-7K2M", now=at(MONDAY, 10))
    v.refresh_from_db()
    assert v.used_at == at(MONDAY, 9)
    assert Ticket.objects.count() == 1


def test_an_expired_voucher_is_refused(queue_world):
    w = queue_world
    v = voucher(w, valid_until=MONDAY - dt.timedelta(days=1))
    message = refused(line=w.line_a, voucher_code=v.code, now=at(MONDAY, 9))
    assert "expired on 22-11-2026" in message
    v.refresh_from_db()
    assert v.used_at is None and not Ticket.objects.exists()


def test_a_voucher_is_valid_through_its_last_day_in_the_locations_time_zone(queue_world):
    w = queue_world
    voucher(w, valid_until=MONDAY)
    # 14.59 WITA on the last day is still that day (06.59 UTC).
    assert issue_ticket(line=w.line_a, voucher_code="PRIO-7K2M", now=at(MONDAY, 14, 59)).priority_group == "voucher"


def test_a_voucher_of_another_unit_or_an_unknown_code_is_refused(queue_world):
    w = queue_world
    voucher(w, code="DUKCAPIL-1", unit=w.dukcapil)
    assert "no priority voucher with this code" in refused(line=w.line_a, voucher_code="DUKCAPIL-1", now=at(MONDAY, 9))
    assert "no priority voucher with this code" in refused(line=w.line_a, voucher_code="NOPE", now=at(MONDAY, 9))
    assert not Ticket.objects.exists()


def test_a_voucher_refused_for_closing_time_is_not_used_up(queue_world):
    w = queue_world
    v = voucher(w)
    assert "no longer issued" in refused(line=w.line_a, voucher_code=v.code, now=at(MONDAY, 15, 30))
    v.refresh_from_db()
    assert v.used_at is None


# --- Kiosks --------------------------------------------------------------------------------


def test_a_ticket_from_a_registered_kiosk_marks_it_seen(queue_world):
    w = queue_world
    kiosk, secret = register_kiosk(location=w.mpp, name="Lobi", by=w.mpp_manager)
    assert len(secret) >= 40 and secret not in kiosk.secret_hash
    ticket = issue_ticket(line=w.line_a, kiosk=kiosk, now=at(MONDAY, 9))
    kiosk.refresh_from_db()
    assert ticket.kiosk == kiosk and kiosk.last_seen_at == at(MONDAY, 9)


def test_a_kiosk_of_another_location_cannot_issue_here(queue_world):
    w = queue_world
    kiosk = Kiosk.objects.create(
        location=w.dukcapil_office, name="Lain", secret_hash="x" * 64, registered_at=timezone.now()
    )
    assert "not registered at MPP Bontang" in refused(line=w.line_a, kiosk=kiosk, now=at(MONDAY, 9))
