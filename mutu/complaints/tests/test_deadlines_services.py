"""Notification rules, deadline rules and the time-based jobs (reminders, escalation,
withdrawal, auto-close), with frozen time."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from mutu.complaints import deadlines, jobs
from mutu.complaints.deadlines import policy_for
from mutu.complaints.models import Channel, Complaint, DayKind, Deadline, DeadlinePolicy, Message, Stage, Status
from mutu.complaints.services import add_message, transition
from mutu.complaints.services_deadlines import RuleInput, save_deadline_rules
from mutu.complaints.testing import make_complaint
from mutu.core.errors import ApplicationError
from mutu.core.models import Notification, OutboxMessage
from mutu.core.outbox import deliver_due
from mutu.organisations.models import Holiday

pytestmark = pytest.mark.django_db
WITA = dt.timezone(dt.timedelta(hours=8))
# Thursday 26 Nov 2026, 10:00 in Bontang (WITA).
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
EMAIL = OutboxMessage.Channel.EMAIL
IN_APP = OutboxMessage.Channel.IN_APP


def wita(day, hour=9, month=12, year=2026):
    return dt.datetime(year, month, day, hour, tzinfo=WITA).astimezone(dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def confirmed(w, **kw):
    complaint = make_complaint(w, **kw)
    Complaint.objects.filter(pk=complaint.pk).update(email_confirmed_at=NOW)
    complaint.refresh_from_db()
    return complaint


def forward(w, complaint, unit=None, now=NOW):
    unit = unit or w.dpmptsp
    transition(
        complaint=complaint,
        to=Status.FORWARDED,
        allowed_from=[Status.SUBMITTED],
        actor=w.verifier,
        action="forward",
        now=now,
        unit=unit,
        verified_at=now,
        forwarded_at=now,
    )
    deadlines.meet_stage(complaint=complaint, stage=Stage.VERIFY, now=now)
    deadlines.start_stage(complaint=complaint, stage=Stage.FIRST_RESPONSE, now=now)
    deadlines.start_stage(complaint=complaint, stage=Stage.COMPLETION, now=now)
    complaint.refresh_from_db()
    return complaint


def answer(w, complaint, outcome="Petugas sudah ditegur dan papan informasi dipasang.", now=NOW):
    transition(
        complaint=complaint,
        to=Status.IN_PROGRESS,
        allowed_from=[Status.FORWARDED],
        actor=w.complaint_officer,
        action="start",
        now=now,
    )
    transition(
        complaint=complaint,
        to=Status.ANSWERED,
        allowed_from=[Status.IN_PROGRESS],
        actor=w.complaint_officer,
        action="answer",
        now=now,
        outcome=outcome,
        answered_at=now,
    )
    deadlines.meet_stage(complaint=complaint, stage=Stage.COMPLETION, now=now)
    deadlines.start_stage(complaint=complaint, stage=Stage.AUTO_CLOSE, now=now)
    deadlines.start_stage(complaint=complaint, stage=Stage.REOPEN_WINDOW, now=now)
    complaint.refresh_from_db()
    return complaint


def ask_citizen(w, complaint, question="Di loket mana dan jam berapa?", question_first=False, now=NOW):
    def reply():
        add_message(complaint=complaint, kind=Message.Kind.PUBLIC_REPLY, body=question, author=w.verifier, now=now)

    if question_first:
        reply()
    transition(
        complaint=complaint,
        to=Status.NEEDS_INFO,
        allowed_from=[Status.SUBMITTED],
        actor=w.verifier,
        action="ask",
        now=now,
        paused_since=now,
    )
    deadlines.start_stage(complaint=complaint, stage=Stage.CITIZEN_REPLY, now=now)
    if not question_first:
        reply()
    complaint.refresh_from_db()
    return complaint


def citizen_emails(complaint):
    return OutboxMessage.objects.filter(channel=EMAIL, address=complaint.reporter_email).order_by("id")


# --- notification rules ------------------------------------------------------------------------


def test_a_new_report_notifies_the_verifiers_in_the_app(complaint_world):
    w = complaint_world
    complaint = make_complaint(w)
    notice = OutboxMessage.objects.get(channel=IN_APP, recipient=w.verifier)
    assert complaint.tracking_code in notice.subject
    assert not OutboxMessage.objects.filter(recipient=w.complaint_officer).exists()


def test_an_unconfirmed_web_address_gets_no_email(complaint_world):
    complaint = make_complaint(complaint_world)
    assert not citizen_emails(complaint).exists()


def test_a_walk_in_report_emails_the_tracking_code_to_the_address_the_officer_took_down(complaint_world):
    w = complaint_world
    complaint = make_complaint(w, channel=Channel.WALK_IN, consent=False, recorded_by=w.complaint_officer)
    row = citizen_emails(complaint).get()
    assert complaint.tracking_code in row.subject and complaint.tracking_code in row.body
    assert f"/lacak/{complaint.tracking_code}" in row.body or row.url == ""


def test_a_confirmed_address_gets_the_submitted_email_once(complaint_world):
    from mutu.complaints import notifications

    w = complaint_world
    complaint = confirmed(w)
    notifications.complaint_changed(complaint_id=complaint.pk, what="email_confirmed")
    notifications.complaint_changed(complaint_id=complaint.pk, what="email_confirmed")
    assert citizen_emails(complaint).count() == 1


def test_forwarding_tells_the_citizen_and_the_units_complaint_officers(complaint_world):
    w = complaint_world
    complaint = forward(w, confirmed(w))
    row = citizen_emails(complaint).get()
    assert "DPMPTSP Kota Bontang" in row.body
    notice = OutboxMessage.objects.get(channel=IN_APP, recipient=w.complaint_officer)
    assert complaint.tracking_code in notice.subject
    assert not OutboxMessage.objects.filter(recipient=w.charlie).exists()


@pytest.mark.parametrize("question_first", [False, True])
def test_asking_the_citizen_sends_one_email_with_the_question(complaint_world, question_first):
    w = complaint_world
    complaint = ask_citizen(w, confirmed(w), question_first=question_first)
    rows = list(citizen_emails(complaint))
    assert len(rows) == 1, [r.subject for r in rows]
    assert "Di loket mana dan jam berapa?" in rows[0].body
    assert "26 Desember 2026" in rows[0].body or "26 December 2026" in rows[0].body


def test_the_answer_email_has_the_outcome_and_no_internal_note(complaint_world):
    w = complaint_world
    complaint = forward(w, confirmed(w))
    add_message(complaint=complaint, kind=Message.Kind.INTERNAL_NOTE, body="RAHASIA INTERNAL", author=w.alice)
    complaint = answer(w, complaint)
    bodies = " ".join(citizen_emails(complaint).values_list("body", flat=True))
    assert "Petugas sudah ditegur" in bodies
    assert "RAHASIA INTERNAL" not in bodies


def test_not_authority_and_merged_tell_the_citizen_why(complaint_world):
    w = complaint_world
    refused = confirmed(w)
    transition(
        complaint=refused,
        to=Status.NOT_AUTHORITY,
        allowed_from=[Status.SUBMITTED],
        actor=w.verifier,
        action="not_authority",
        decision_reason="Jalan nasional adalah wewenang Kementerian PU.",
    )
    assert "Kementerian PU" in citizen_emails(refused).last().body
    main = make_complaint(w, reporter_email="budi@example.org")
    duplicate = confirmed(w, reporter_email="rina@example.org")
    transition(
        complaint=duplicate,
        to=Status.MERGED,
        allowed_from=[Status.SUBMITTED],
        actor=w.verifier,
        action="merge",
        merged_into=main,
    )
    merged_email = citizen_emails(duplicate).last().body
    assert main.tracking_code not in merged_email
    assert duplicate.tracking_code in merged_email


def test_a_citizen_reply_notifies_the_assignee(complaint_world):
    w = complaint_world
    complaint = forward(w, confirmed(w))
    Complaint.objects.filter(pk=complaint.pk).update(assigned_to=w.alice)
    add_message(complaint=complaint, kind=Message.Kind.CITIZEN, body="Ini fotonya.")
    assert OutboxMessage.objects.filter(channel=IN_APP, recipient=w.alice).exists()
    assert not OutboxMessage.objects.filter(recipient=w.complaint_officer, subject__contains="wrote").exists()


def test_staff_notices_of_an_anonim_report_never_carry_the_identity(complaint_world):
    w = complaint_world
    w.verifier.email = "verifikator@bontang.go.id"
    w.verifier.save()
    complaint = forward(w, confirmed(w, is_anonymous=True, reporter_name="Siti Aminah"))
    add_message(complaint=complaint, kind=Message.Kind.CITIZEN, body="Tambahan.")
    staff_rows = OutboxMessage.objects.exclude(address=complaint.reporter_email)
    assert staff_rows.count() >= 3
    for row in staff_rows:
        assert "Siti" not in row.body + row.subject
        assert "siti@example.org" not in row.body + row.subject


def test_the_notices_are_delivered_as_emails_and_notifications(complaint_world):
    w = complaint_world
    complaint = forward(w, confirmed(w))
    result = deliver_due(now=NOW)
    assert result.failed == 0 and result.sent >= 3
    assert [m.to for m in mail.outbox] == [["siti@example.org"]]
    assert complaint.tracking_code in mail.outbox[0].subject
    assert Notification.objects.filter(user=w.verifier).exists()
    assert Notification.objects.filter(user=w.complaint_officer).exists()


# --- deadline rules ----------------------------------------------------------------------------


def test_a_unit_rule_overrides_the_instansi_rule_which_overrides_the_default(complaint_world):
    w = complaint_world
    assert policy_for(instansi_id=w.bontang.pk, unit_id=w.dpmptsp.pk, stage=Stage.FIRST_RESPONSE).days == 5
    save_deadline_rules(
        instansi=w.bontang,
        unit=None,
        rules={Stage.FIRST_RESPONSE: RuleInput(4, DayKind.WORKING, 1)},
        by=w.instansi_admin,
        now=NOW,
    )
    assert policy_for(instansi_id=w.bontang.pk, unit_id=w.dpmptsp.pk, stage=Stage.FIRST_RESPONSE).days == 4
    save_deadline_rules(
        instansi=w.bontang,
        unit=w.dpmptsp,
        rules={Stage.FIRST_RESPONSE: RuleInput(2, DayKind.CALENDAR, 1)},
        by=w.alice,
        now=NOW,
    )
    assert policy_for(instansi_id=w.bontang.pk, unit_id=w.dpmptsp.pk, stage=Stage.FIRST_RESPONSE).days == 2
    assert policy_for(instansi_id=w.bontang.pk, unit_id=w.dukcapil.pk, stage=Stage.FIRST_RESPONSE).days == 4
    complaint = forward(w, make_complaint(w))
    first = Deadline.objects.get(complaint=complaint, stage=Stage.FIRST_RESPONSE)
    assert first.day_kind == DayKind.CALENDAR
    assert first.due_at.astimezone(WITA).date() == dt.date(2026, 11, 28)
    # Removing the unit's rule falls back to the instansi's.
    save_deadline_rules(instansi=w.bontang, unit=w.dpmptsp, rules={Stage.FIRST_RESPONSE: None}, by=w.alice, now=NOW)
    assert policy_for(instansi_id=w.bontang.pk, unit_id=w.dpmptsp.pk, stage=Stage.FIRST_RESPONSE).days == 4


def test_rules_out_of_range_are_refused_with_the_field_named(complaint_world):
    w = complaint_world
    with pytest.raises(ApplicationError) as caught:
        save_deadline_rules(
            instansi=w.bontang,
            unit=None,
            rules={Stage.VERIFY: RuleInput(0, DayKind.WORKING, 0), Stage.COMPLETION: RuleInput(3, DayKind.WORKING, 5)},
            by=w.instansi_admin,
            now=NOW,
        )
    assert set(caught.value.field_errors) == {"verify_days", "completion_remind"}
    assert not DeadlinePolicy.objects.exists()


# --- reminders and escalation ------------------------------------------------------------------


def test_a_reminder_goes_once_to_the_complaint_officer_the_day_before(complaint_world):
    w = complaint_world
    complaint = forward(w, make_complaint(w))
    # FIRST_RESPONSE: 5 working days from Thu 26 Nov → due Thu 3 Dec; reminded from Wed 2 Dec.
    assert jobs.send_deadline_reminders(now=wita(1, 23)).done == 0
    assert jobs.send_deadline_reminders(now=wita(2, 9)).done == 1
    assert jobs.send_deadline_reminders(now=wita(2, 10)).done == 0
    reminders = OutboxMessage.objects.filter(dedupe_key__contains=":reminder:")
    assert list(reminders.values_list("recipient", flat=True)) == [w.complaint_officer.pk]
    assert complaint.tracking_code in reminders.get().subject
    first = Deadline.objects.get(complaint=complaint, stage=Stage.FIRST_RESPONSE)
    assert first.reminded_at == wita(2, 9)


def test_the_verifier_is_reminded_of_verification(complaint_world):
    w = complaint_world
    make_complaint(w)  # VERIFY: 3 working days → Tue 1 Dec, reminded from Mon 30 Nov
    assert jobs.send_deadline_reminders(now=wita(30, 9, month=11)).done == 1
    assert OutboxMessage.objects.filter(dedupe_key__contains=":reminder:", recipient=w.verifier).exists()


def test_escalation_tells_the_unit_head_once_even_when_run_twice(complaint_world):
    w = complaint_world
    complaint = forward(w, make_complaint(w))
    assert jobs.escalate_overdue(now=wita(3, 23)).done == 0
    first = jobs.escalate_overdue(now=wita(4, 9))
    second = jobs.escalate_overdue(now=wita(4, 9))
    assert first.done == 1 and second.done == 0
    rows = OutboxMessage.objects.filter(dedupe_key__contains=":escalated:")
    assert list(rows.values_list("recipient", flat=True)) == [w.head.pk]
    assert complaint.tracking_code in rows.get().subject


def test_a_missed_verification_goes_to_the_verifiers_and_instansi_admins(complaint_world):
    w = complaint_world
    make_complaint(w)
    assert jobs.escalate_overdue(now=wita(2, 9)).done == 1
    recipients = set(
        OutboxMessage.objects.filter(dedupe_key__contains=":escalated:").values_list("recipient", flat=True)
    )
    assert recipients == {w.verifier.pk, w.instansi_admin.pk}


def test_a_paused_clock_is_not_escalated(complaint_world):
    w = complaint_world
    ask_citizen(w, make_complaint(w))
    assert jobs.escalate_overdue(now=wita(10, 9)).done == 0
    assert not OutboxMessage.objects.filter(dedupe_key__contains=":escalated:").exists()


def test_the_dedupe_key_is_the_backstop_when_a_claim_is_lost(complaint_world):
    w = complaint_world
    forward(w, make_complaint(w))
    jobs.escalate_overdue(now=wita(4, 9))
    Deadline.objects.update(escalated_at=None)  # as if a second run had read the row before the claim
    jobs.escalate_overdue(now=wita(4, 9))
    assert OutboxMessage.objects.filter(dedupe_key__contains=":escalated:").count() == 1


# --- withdrawal and auto-close -----------------------------------------------------------------


def test_no_reply_within_30_days_counts_as_withdrawn_and_the_citizen_is_told(complaint_world):
    w = complaint_world
    complaint = ask_citizen(w, confirmed(w))
    # 30 calendar days from 26 Nov → due at the end of 26 Dec (WITA).
    assert jobs.send_deadline_reminders(now=wita(22, 23)).done == 0
    assert jobs.send_deadline_reminders(now=wita(23, 10)).done == 1  # the citizen is reminded 3 days before
    assert citizen_emails(complaint).filter(template_name="citizen_reminder").count() == 1
    assert jobs.withdraw_unanswered(now=wita(26, 23)).done == 0
    with time_machine.travel(wita(27, 1), tick=False):
        assert jobs.withdraw_unanswered(now=wita(27, 1)).done == 1
        assert jobs.withdraw_unanswered(now=wita(27, 2)).done == 0
    complaint.refresh_from_db()
    assert complaint.status == Status.WITHDRAWN and complaint.lapor_status == "Diarsipkan"
    assert complaint.paused_since is None
    assert not Deadline.objects.filter(complaint=complaint, met_at__isnull=True, cancelled_at__isnull=True).exists()
    assert citizen_emails(complaint).filter(template_name="withdrawn").count() == 1


def test_a_citizen_who_replied_in_time_is_not_withdrawn(complaint_world):
    w = complaint_world
    complaint = ask_citizen(w, confirmed(w))
    transition(
        complaint=complaint,
        to=Status.SUBMITTED,
        allowed_from=[Status.NEEDS_INFO],
        actor=None,
        action="citizen_reply",
        paused_since=None,
    )
    deadlines.meet_stage(complaint=complaint, stage=Stage.CITIZEN_REPLY, now=NOW)
    assert jobs.withdraw_unanswered(now=wita(28, 1)).done == 0


def test_an_undisputed_answer_closes_after_10_working_days_across_a_holiday(complaint_world):
    w = complaint_world
    Holiday.objects.create(
        instansi=w.bontang,
        day=dt.date(2026, 12, 1),
        kind=Holiday.Kind.PUBLIC,
        name="Uji",
        source="test",
        updated_at=NOW,
    )
    complaint = answer(w, forward(w, confirmed(w)))
    # Fri 27, Mon 30, (Tue 1 holiday), Wed 2 … → the 10th working day is Fri 11 Dec.
    due = Deadline.objects.get(complaint=complaint, stage=Stage.AUTO_CLOSE).due_at
    assert due.astimezone(WITA).date() == dt.date(2026, 12, 11)
    assert jobs.auto_close_answered(now=wita(11, 16)).done == 0
    with time_machine.travel(wita(12, 1), tick=False):
        assert jobs.auto_close_answered(now=wita(12, 1)).done == 1
        assert jobs.auto_close_answered(now=wita(12, 2)).done == 0
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED and complaint.closed_at == wita(12, 1)
    assert Deadline.objects.get(complaint=complaint, stage=Stage.AUTO_CLOSE).met_at == wita(12, 1)
    assert citizen_emails(complaint).filter(template_name="closed").count() == 1


def test_an_answer_the_citizen_replied_to_is_not_closed_automatically(complaint_world):
    w = complaint_world
    complaint = answer(w, forward(w, confirmed(w)))
    with time_machine.travel(wita(2, 9), tick=False):
        add_message(complaint=complaint, kind=Message.Kind.CITIZEN, body="Belum selesai, antrean masih kacau.")
    assert jobs.auto_close_answered(now=wita(20, 9)).done == 0
    complaint.refresh_from_db()
    assert complaint.status == Status.ANSWERED


def test_the_jobs_are_registered_in_the_periodic_loop():
    from mutu.core.periodic import PERIODIC_JOBS

    for name in ("send_deadline_reminders", "escalate_overdue", "withdraw_unanswered", "auto_close_answered"):
        assert f"mutu.complaints.jobs.{name}" in PERIODIC_JOBS
