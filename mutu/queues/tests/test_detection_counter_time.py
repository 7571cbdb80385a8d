"""Time at the counter over the standard's counter time (Izin Reklame: 15 minutes)."""

from mutu.queues.detection import detect_breaches
from mutu.queues.models import CompensationCase, CompensationRule, Ticket, Trigger
from mutu.queues.tests.compensation_fixtures import at, make_ticket, now_is

COUNTER = Trigger.COUNTER_TIME


def served(w, number=1, *, started, finished=None):
    return make_ticket(
        w,
        number,
        issued=at(8, 0),
        status=Ticket.Status.DONE if finished else Ticket.Status.SERVING,
        called_at=started,
        service_started_at=started,
        finished_at=finished,
        counter=w.counter_a1,
        officer=w.bob,
    )


def test_a_service_still_going_after_the_standard_time_is_due_with_its_officer(queue_world):
    w = queue_world
    ticket = served(w, started=at(9, 0))
    with now_is(at(9, 15)):
        assert detect_breaches().created[COUNTER] == 0
    with now_is(at(9, 16)):
        assert detect_breaches().created[COUNTER] == 1
    case = CompensationCase.objects.get(ticket=ticket)
    assert (case.officer, case.counter, case.measured_minutes) == (w.bob, w.counter_a1, 16)
    assert case.rule.remedy == "souvenir_or_voucher"


def test_a_finished_service_is_judged_on_its_own_time(queue_world):
    w = queue_world
    slow = served(w, 1, started=at(9, 0), finished=at(9, 20))
    quick = served(w, 2, started=at(9, 0), finished=at(9, 14))
    with now_is(at(10, 0)):
        assert detect_breaches().created[COUNTER] == 1
    assert CompensationCase.objects.get().ticket == slow
    assert not CompensationCase.objects.filter(ticket=quick).exists()
    assert CompensationCase.objects.get().measured_minutes == 20


def test_the_rules_own_threshold_wins_over_the_standard(queue_world):
    w = queue_world
    CompensationRule.objects.filter(ruleset=w.rules, trigger=COUNTER).update(threshold_minutes=30)
    served(w, 1, started=at(9, 0), finished=at(9, 20))
    served(w, 2, started=at(9, 0), finished=at(9, 31))
    with now_is(at(10, 0)):
        assert detect_breaches().created[COUNTER] == 1
    assert CompensationCase.objects.get().measured_minutes == 31


def test_a_ticket_over_time_gets_one_case_across_runs(queue_world):
    w = queue_world
    ticket = served(w, started=at(9, 0))
    with now_is(at(9, 17)):
        detect_breaches()
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.DONE, finished_at=at(9, 40))
    with now_is(at(9, 41)):
        assert detect_breaches().total == 0
    assert CompensationCase.objects.filter(ticket=ticket).count() == 1


def test_without_a_standard_counter_time_and_without_a_rule_threshold_there_is_no_case(queue_world):
    w = queue_world
    ticket = served(w, started=at(9, 0), finished=at(10, 0))
    Ticket.objects.filter(pk=ticket.pk).update(standard_version=None)
    with now_is(at(10, 5)):
        assert detect_breaches().total == 0
