"""Waiting without information: open time since issue or the last "informasi diberikan"."""

import pytest

from mutu.queues.detection import detect_breaches
from mutu.queues.models import CompensationCase, Ticket, Trigger
from mutu.queues.selectors.compensation import RegisterFilters, compensation_register, compensation_summary
from mutu.queues.services.compensation import compensation_record_given
from mutu.queues.tests.compensation_fixtures import DAY, at, make_ticket, now_is

WAIT = Trigger.WAIT_WITHOUT_INFO


def test_a_ticket_waiting_11_minutes_is_due_and_the_officer_records_it(queue_world):
    w = queue_world
    ticket = make_ticket(w, issued=at(9, 0))
    with now_is(at(9, 11)):
        result = detect_breaches()
    assert result.created[WAIT] == 1
    case = CompensationCase.objects.get(ticket=ticket)
    assert case.status == CompensationCase.Status.DUE
    assert case.trigger == WAIT and case.measured_minutes == 11
    assert case.unit == w.dpmptsp and case.service == w.reklame
    assert case.rule.ruleset == w.rules and case.rule.trigger == WAIT
    assert case.officer is None and case.counter is None

    with now_is(at(9, 14)):
        given = compensation_record_given(case=case, remedy="apology_drink", by=w.bob)
    assert given.status == CompensationCase.Status.GIVEN
    assert given.given_by == w.bob and given.given_at == at(9, 14)

    rows = list(compensation_register(units=[w.dpmptsp], filters=RegisterFilters(start=DAY, end=DAY)))
    assert [r.pk for r in rows] == [case.pk]
    summary = compensation_summary(unit=w.dpmptsp, start=DAY, end=DAY)
    assert (summary.total.cases, summary.total.given, summary.total.due) == (1, 1, 0)
    assert [(g.key, g.given) for g in summary.by_service] == [(w.reklame.pk, 1)]
    assert {g.key: g.cases for g in summary.by_trigger}[WAIT] == 1
    assert [g.key for g in summary.by_month] == [DAY.replace(day=1)]
    assert [(g.key, g.cases) for g in summary.by_officer] == [(None, 1)]


def test_ten_minutes_exactly_is_not_yet_due(queue_world):
    make_ticket(queue_world, issued=at(9, 0))
    with now_is(at(9, 10)):
        assert detect_breaches().total == 0
    assert not CompensationCase.objects.exists()


def test_waiting_over_the_lunch_break_counts_only_open_time(queue_world):
    w = queue_world
    ticket = make_ticket(w, issued=at(11, 55))
    # 69 minutes on the clock, but 5 before lunch + 4 after = 9 minutes of open time.
    with now_is(at(13, 4)):
        assert detect_breaches().total == 0
    # 5 + 6 = 11 minutes of open time: now it is due.
    with now_is(at(13, 6)):
        assert detect_breaches().created[WAIT] == 1
    assert CompensationCase.objects.get(ticket=ticket).measured_minutes == 11


def test_informasi_diberikan_restarts_the_clock(queue_world):
    w = queue_world
    ticket = make_ticket(w, issued=at(9, 0), info_given_at=at(9, 8))
    with now_is(at(9, 15)):
        assert detect_breaches().total == 0  # 7 minutes since the information
    with now_is(at(9, 19)):
        assert detect_breaches().created[WAIT] == 1
    assert CompensationCase.objects.get(ticket=ticket).measured_minutes == 11


def test_an_announcement_to_everyone_waiting_resets_each_ticket(queue_world):
    w = queue_world
    tickets = [make_ticket(w, n, issued=at(9, n)) for n in range(1, 4)]
    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(info_given_at=at(9, 9))
    with now_is(at(9, 18)):
        assert detect_breaches().total == 0
    with now_is(at(9, 20)):
        assert detect_breaches().created[WAIT] == 3


def test_running_detection_twice_creates_one_case(queue_world):
    make_ticket(queue_world, issued=at(9, 0))
    with now_is(at(9, 12)):
        first = detect_breaches()
        second = detect_breaches()
    assert (first.total, second.total) == (1, 0)
    assert CompensationCase.objects.count() == 1


@pytest.mark.parametrize("status", [Ticket.Status.CALLED, Ticket.Status.SERVING, Ticket.Status.NO_SHOW])
def test_a_ticket_already_called_is_not_waiting(queue_world, status):
    make_ticket(queue_world, issued=at(9, 0), status=status, called_at=at(9, 5))
    with now_is(at(9, 30)):
        assert detect_breaches().created[WAIT] == 0


def test_a_unit_without_rules_has_no_cases(queue_world):
    w = queue_world
    make_ticket(w, issued=at(9, 0), line=w.line_b)  # Disdukcapil has no compensation rules
    with now_is(at(9, 40)):
        assert detect_breaches().total == 0


def test_the_rule_of_the_tickets_day_applies(queue_world):
    w = queue_world
    from mutu.queues.services.compensation import ruleset_create

    with now_is(at(8, 0, day=DAY.replace(day=1))):
        newer = ruleset_create(
            unit=w.dpmptsp,
            effective_from=DAY,
            rules=[
                {"trigger": WAIT, "threshold_minutes": 20, "remedy": "apology_drink", "poster_text": "Dua puluh menit."}
            ],
            by=w.head,
        )
    make_ticket(w, issued=at(9, 0))
    with now_is(at(9, 15)):
        assert detect_breaches().total == 0
    with now_is(at(9, 21)):
        assert detect_breaches().total == 1
    assert CompensationCase.objects.get().rule.ruleset == newer


def test_detection_for_one_unit_leaves_the_others(queue_world):
    w = queue_world
    make_ticket(w, issued=at(9, 0))
    with now_is(at(9, 12)):
        assert detect_breaches(unit=w.dukcapil).total == 0
        assert detect_breaches(unit=w.dpmptsp).total == 1


def test_detection_reads_a_fixed_number_of_queries(queue_world, django_assert_max_num_queries):
    w = queue_world
    for n in range(1, 31):
        make_ticket(w, n, issued=at(9, 0))
    with now_is(at(9, 12)), django_assert_max_num_queries(20 + 3 * 30):
        # reads are constant; each new case is a savepoint, an insert and its release
        assert detect_breaches().total == 30
    with now_is(at(9, 13)), django_assert_max_num_queries(12):
        assert detect_breaches().total == 0
