"""A berkas finished after its due date → case → priority voucher → priority once, next day."""

import datetime as dt

import pytest

from mutu.core.errors import ApplicationError
from mutu.queues.detection import detect_breaches
from mutu.queues.models import Berkas, CompensationCase, PriorityGroup, PriorityVoucher, Ticket, Trigger
from mutu.queues.services.compensation import VOUCHER_ALPHABET, compensation_record_given
from mutu.queues.tests.compensation_fixtures import DAY, at, make_berkas, now_is

LATE = Trigger.BERKAS_LATE


def test_a_berkas_finished_after_its_due_date_is_a_case_in_days_late(queue_world):
    w = queue_world
    berkas = make_berkas(
        w, received=at(9, 0, day=dt.date(2026, 11, 16)), due_date=dt.date(2026, 11, 23), finished=at(10, 0)
    )
    with now_is(at(10, 5)):
        assert detect_breaches().created[LATE] == 1
    case = CompensationCase.objects.get(berkas=berkas)
    assert case.measured_minutes == 3  # 23 → 26 November: three days late
    assert case.ticket is None and case.officer is None
    assert case.rule.remedy == "priority_voucher"


def test_finished_on_the_due_date_late_in_the_evening_is_on_time(queue_world):
    w = queue_world
    # 23:30 WITA on the due date is 15:30 UTC: the unit's zone decides the day.
    make_berkas(w, received=at(9, 0, day=dt.date(2026, 11, 16)), due_date=DAY, finished=at(23, 30))
    with now_is(at(23, 45)):
        assert detect_breaches().total == 0


def test_a_late_berkas_not_yet_finished_is_not_a_case_until_it_is_finished(queue_world):
    w = queue_world
    berkas = make_berkas(w, received=at(9, 0, day=dt.date(2026, 11, 2)), due_date=dt.date(2026, 11, 9))
    with now_is(at(10, 0)):
        assert detect_breaches().total == 0
    Berkas.objects.filter(pk=berkas.pk).update(status=Berkas.Status.READY, finished_at=at(10, 30))
    with now_is(at(10, 31)):
        assert detect_breaches().created[LATE] == 1


def test_the_voucher_gives_priority_the_next_day_and_only_once(queue_world):
    tickets = pytest.importorskip("mutu.queues.services.tickets")
    w = queue_world
    make_berkas(w, received=at(9, 0, day=dt.date(2026, 11, 16)), due_date=dt.date(2026, 11, 23), finished=at(10, 0))
    with now_is(at(10, 1)):
        detect_breaches()
    case = CompensationCase.objects.get(trigger=LATE)
    with now_is(at(10, 30)):
        case = compensation_record_given(case=case, remedy="priority_voucher", by=w.bob)
    voucher = PriorityVoucher.objects.get(case=case)
    assert len(voucher.code) == 10 and set(voucher.code) <= set(VOUCHER_ALPHABET)
    assert voucher.valid_until == DAY + dt.timedelta(days=30)
    assert voucher.unit == w.dpmptsp and voucher.used_at is None

    next_day = DAY + dt.timedelta(days=1)
    with now_is(at(9, 0, day=next_day)):
        ticket = tickets.issue_ticket(line=w.line_a, voucher_code=voucher.code)
    assert ticket.priority_group == PriorityGroup.VOUCHER and ticket.is_priority
    assert ticket.voucher == voucher
    voucher.refresh_from_db()
    assert voucher.used_at == at(9, 0, day=next_day)

    with now_is(at(9, 5, day=next_day)), pytest.raises(ApplicationError) as refused:
        tickets.issue_ticket(line=w.line_a, voucher_code=voucher.code)
    assert "voucher_code" in refused.value.field_errors
    assert Ticket.objects.filter(line=w.line_a).count() == 1


def test_an_expired_voucher_is_refused(queue_world):
    tickets = pytest.importorskip("mutu.queues.services.tickets")
    w = queue_world
    make_berkas(w, received=at(9, 0, day=dt.date(2026, 11, 16)), due_date=dt.date(2026, 11, 23), finished=at(10, 0))
    with now_is(at(10, 1)):
        detect_breaches()
        case = compensation_record_given(
            case=CompensationCase.objects.get(), remedy="priority_voucher", by=w.bob, now=at(10, 1)
        )
    expired_day = case.voucher.valid_until + dt.timedelta(days=1)
    while expired_day.weekday() == 6:  # the MPP is closed on Sundays
        expired_day += dt.timedelta(days=1)
    with now_is(at(9, 0, day=expired_day)), pytest.raises(ApplicationError):
        tickets.issue_ticket(line=w.line_a, voucher_code=case.voucher.code)
