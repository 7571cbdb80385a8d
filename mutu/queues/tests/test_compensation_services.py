"""Rules as versioned data, handing a compensation over exactly once, corrections."""

import datetime as dt

import pytest

from mutu.core.errors import ApplicationError
from mutu.core.models import AuditEvent
from mutu.queues.detection import detect_breaches
from mutu.queues.models import CompensationCase, CompensationRuleSet, PriorityVoucher, Ticket, Trigger
from mutu.queues.selectors.compensation import cases_due_for_location, rules_in_force
from mutu.queues.services.compensation import (
    compensation_correct,
    compensation_record_declined,
    compensation_record_given,
    ruleset_create,
)
from mutu.queues.tests.compensation_fixtures import DAY, at, make_berkas, make_ticket, now_is
from mutu.standards.models import Maklumat

WAIT = Trigger.WAIT_WITHOUT_INFO
RULES = [
    {"trigger": WAIT, "threshold_minutes": 15, "remedy": "apology_drink", "poster_text": "Lima belas menit."},
    {"trigger": "counter_time", "threshold_minutes": None, "remedy": "souvenir", "poster_text": "Suvenir."},
]


def due_case(w, *, issued=None, number=1):
    make_ticket(w, number, issued=issued or at(9, 0))
    detect_breaches(now=at(9, 30))
    return CompensationCase.objects.get(ticket__number=number)


def served_case(w):
    make_ticket(
        w,
        9,
        issued=at(8, 0),
        status=Ticket.Status.DONE,
        called_at=at(9, 0),
        service_started_at=at(9, 0),
        finished_at=at(9, 30),
        counter=w.counter_a1,
        officer=w.bob,
    )
    detect_breaches(now=at(9, 31))
    return CompensationCase.objects.get(trigger="counter_time")


# --- rules ---------------------------------------------------------------------------------


def test_a_new_version_is_numbered_and_takes_over_on_its_date(queue_world):
    w = queue_world
    with now_is(at(10, 0)):
        ruleset = ruleset_create(unit=w.dpmptsp, effective_from=DAY + dt.timedelta(days=5), rules=RULES, by=w.head)
    assert ruleset.number == 2 and ruleset.created_by == w.head
    assert rules_in_force(unit=w.dpmptsp, day=DAY)[WAIT].threshold_minutes == 10
    later = rules_in_force(unit=w.dpmptsp, day=DAY + dt.timedelta(days=5))
    assert later[WAIT].threshold_minutes == 15 and set(later) == {WAIT, "counter_time"}
    assert AuditEvent.objects.filter(action="compensation.rules_created", object_id=str(ruleset.pk)).exists()


def test_rules_cannot_take_effect_in_the_past_once_cases_exist(queue_world):
    w = queue_world
    due_case(w)
    with now_is(at(10, 0)), pytest.raises(ApplicationError) as error:
        ruleset_create(unit=w.dpmptsp, effective_from=DAY - dt.timedelta(days=1), rules=RULES, by=w.head)
    assert "effective_from" in error.value.field_errors
    assert CompensationRuleSet.objects.filter(unit=w.dpmptsp).count() == 1


def test_a_unit_without_cases_may_start_its_rules_in_the_past(queue_world):
    w = queue_world
    with now_is(at(10, 0)):
        ruleset = ruleset_create(unit=w.dukcapil, effective_from=dt.date(2026, 1, 1), rules=RULES, by=w.charlie)
    assert ruleset.number == 1


def test_two_versions_on_one_date_are_refused_with_a_field_message(queue_world):
    w = queue_world
    with now_is(at(10, 0)), pytest.raises(ApplicationError) as error:
        ruleset_create(unit=w.dpmptsp, effective_from=dt.date(2025, 1, 1), rules=RULES, by=w.head)
    assert "effective_from" in error.value.field_errors


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"trigger": WAIT, "threshold_minutes": None, "remedy": "apology_drink", "poster_text": "x"}, "threshold"),
        ({"trigger": WAIT, "threshold_minutes": 10, "remedy": "gold", "poster_text": "x"}, "remedy"),
        ({"trigger": WAIT, "threshold_minutes": 10, "remedy": "apology_drink", "poster_text": " "}, "poster_text"),
        (
            {
                "trigger": "berkas_late",
                "threshold_minutes": None,
                "remedy": "priority_voucher",
                "voucher_valid_days": 0,
                "poster_text": "x",
            },
            "voucher_valid_days",
        ),
    ],
)
def test_each_rule_field_is_checked_with_a_message_for_its_field(queue_world, rule, field):
    w = queue_world
    with now_is(at(10, 0)), pytest.raises(ApplicationError) as error:
        ruleset_create(unit=w.dpmptsp, effective_from=DAY + dt.timedelta(days=1), rules=[rule], by=w.head)
    assert any(field in name for name in error.value.field_errors), error.value.field_errors


def test_a_maklumat_of_another_unit_is_refused(queue_world):
    w = queue_world
    other = Maklumat.objects.create(
        unit=w.dukcapil,
        text="Kami berjanji",
        signatory_name="Kepala",
        signatory_title="Kepala Dinas",
        signed_on=dt.date(2026, 1, 1),
        created_at=at(8, 0),
    )
    with now_is(at(10, 0)), pytest.raises(ApplicationError) as error:
        ruleset_create(
            unit=w.dpmptsp, effective_from=DAY + dt.timedelta(days=1), rules=RULES, maklumat=other, by=w.head
        )
    assert "maklumat" in error.value.field_errors


# --- handing over --------------------------------------------------------------------------


def test_recording_given_twice_is_refused_and_changes_nothing(queue_world):
    w = queue_world
    case = due_case(w)
    compensation_record_given(case=case, remedy="apology_drink", by=w.bob, now=at(9, 31))
    with pytest.raises(ApplicationError, match="already been recorded"):
        compensation_record_given(case=case, remedy="apology_drink", by=w.alice, now=at(9, 40))
    with pytest.raises(ApplicationError):
        compensation_record_declined(case=case, by=w.alice, now=at(9, 41))
    case.refresh_from_db()
    assert (case.status, case.given_by, case.given_at) == ("given", w.bob, at(9, 31))
    assert AuditEvent.objects.filter(action="compensation.given", object_id=str(case.pk)).count() == 1


def test_what_is_given_must_be_what_the_rule_promises(queue_world):
    w = queue_world
    case = due_case(w)
    with pytest.raises(ApplicationError):
        compensation_record_given(case=case, remedy="souvenir", by=w.bob, now=at(9, 31))
    case.refresh_from_db()
    assert case.status == "due"


def test_souvenir_or_voucher_lets_the_officer_pick_and_only_the_voucher_makes_a_code(queue_world):
    w = queue_world
    case = served_case(w)
    with pytest.raises(ApplicationError):
        compensation_record_given(case=case, remedy="souvenir_or_voucher", by=w.bob, now=at(9, 32))
    compensation_record_given(case=case, remedy="souvenir", by=w.bob, now=at(9, 32))
    assert not PriorityVoucher.objects.exists()


def test_choosing_the_voucher_issues_one_valid_for_the_rules_days(queue_world):
    w = queue_world
    case = served_case(w)
    given = compensation_record_given(case=case, remedy="priority_voucher", by=w.bob, now=at(9, 32))
    voucher = given.voucher
    assert voucher.valid_until == DAY + dt.timedelta(days=30)
    assert voucher.case_id == case.pk and voucher.issued_at == at(9, 32)
    other = compensation_record_given(case=due_case(w, number=2), remedy="apology_drink", by=w.bob, now=at(9, 33))
    assert not PriorityVoucher.objects.filter(case=other).exists()


def test_voucher_codes_do_not_repeat(queue_world):
    from mutu.queues.services.compensation import new_voucher_code

    codes = {new_voucher_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert not any(ch in code for code in codes for ch in "0O1I")


def test_declined_is_recorded_once_with_time_and_officer(queue_world):
    w = queue_world
    case = compensation_record_declined(case=due_case(w), by=w.bob, note="Sudah pulang", now=at(9, 35))
    assert (case.status, case.given_at, case.given_by, case.note) == ("declined", at(9, 35), w.bob, "Sudah pulang")


def test_a_correction_is_an_audit_row_with_before_after_and_reason(queue_world):
    w = queue_world
    case = compensation_record_declined(case=due_case(w), by=w.bob, now=at(9, 35))
    corrected = compensation_correct(
        case=case, status="given", remedy="apology_drink", reason="Salah tekan", by=w.head, now=at(10, 0)
    )
    assert corrected.status == "given" and corrected.remedy_given == "apology_drink"
    event = AuditEvent.objects.get(action="compensation.corrected")
    assert event.before["status"] == "declined" and event.after["status"] == "given"
    assert event.after["reason"] == "Salah tekan"
    assert CompensationCase.objects.count() == 1  # nothing deleted, nothing duplicated


def test_a_handed_out_voucher_cannot_be_corrected_away(queue_world):
    w = queue_world
    case = compensation_record_given(case=served_case(w), remedy="priority_voucher", by=w.bob, now=at(9, 32))
    with pytest.raises(ApplicationError, match="voucher"):
        compensation_correct(case=case, status="declined", reason="x", by=w.head)


def test_a_due_case_cannot_be_corrected(queue_world):
    w = queue_world
    with pytest.raises(ApplicationError):
        compensation_correct(case=due_case(w), status="given", remedy="apology_drink", reason="x", by=w.head)


# --- console selector ----------------------------------------------------------------------


def test_cases_due_at_a_location_for_the_officers_units(queue_world, django_assert_num_queries):
    w = queue_world
    waiting = due_case(w)
    make_berkas(w, received=at(9, 0, day=dt.date(2026, 11, 2)), due_date=dt.date(2026, 11, 9), finished=at(9, 0))
    detect_breaches(now=at(9, 40))
    handled = due_case(w, number=3, issued=at(9, 1))
    compensation_record_given(case=handled, remedy="apology_drink", by=w.bob, now=at(9, 41))
    with django_assert_num_queries(1):
        rows = list(cases_due_for_location(location=w.mpp, units=[w.dpmptsp]))
        labels = [(c.ticket.code if c.ticket else c.berkas.receipt_number, c.trigger, c.rule.remedy) for c in rows]
    assert labels == [("A-001", WAIT, "apology_drink"), ("RKL/2026/00001", "berkas_late", "priority_voucher")]
    assert rows[0].pk == waiting.pk
    assert list(cases_due_for_location(location=w.mpp, units=[w.dukcapil])) == []
    assert list(cases_due_for_location(location=w.dukcapil_office, units=[w.dpmptsp]))[0].berkas is not None
