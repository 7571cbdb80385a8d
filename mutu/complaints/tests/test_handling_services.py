"""The unit's handling services: each action's allowed states, the deadlines they meet and start,
assignment inside the unit only, notes never public, categories and canned replies."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction

from mutu.complaints import deadlines
from mutu.complaints.models import (
    CannedReply,
    Category,
    Channel,
    Complaint,
    Deadline,
    Handling,
    Kind,
    Message,
    Stage,
    Status,
)
from mutu.complaints.selectors_handling import canned_replies_for
from mutu.complaints.services import transition
from mutu.complaints.services_handling import (
    add_internal_note,
    answer_complaint,
    ask_citizen,
    assign_complaint,
    assign_complaints,
    close_complaint,
    extend_information_deadline,
    log_social_post,
    post_public_reply,
    record_redress,
    save_canned_reply,
    save_category,
    set_category,
    start_handling,
)
from mutu.complaints.testing import make_complaint
from mutu.core.errors import ApplicationError
from mutu.core.models import AuditEvent

pytestmark = pytest.mark.django_db
# Thursday 26 Nov 2026, 10:00 in Bontang (WITA).
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
WITA = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def forward(w, complaint: Complaint, unit, *, now=NOW) -> Complaint:
    """What the verifier's disposition does (the verification area's service, reproduced for these tests)."""
    with transaction.atomic():
        Handling.objects.filter(complaint=complaint, until__isnull=True).update(until=now)
        Handling.objects.create(complaint=complaint, unit=unit, since=now, forwarded_by=w.verifier)
        transition(
            complaint=complaint,
            to=Status.FORWARDED,
            allowed_from=[Status.SUBMITTED, Status.FORWARDED, Status.IN_PROGRESS],
            actor=w.verifier,
            action="forward",
            now=now,
            unit=unit,
            forwarded_at=now,
            verified_at=now,
        )
        deadlines.meet_stage(complaint=complaint, stage=Stage.VERIFY, now=now)
        deadlines.start_stage(complaint=complaint, stage=Stage.FIRST_RESPONSE, now=now)
        deadlines.start_stage(complaint=complaint, stage=Stage.COMPLETION, now=now)
    complaint.refresh_from_db()
    return complaint


def forwarded(w, unit=None, **kwargs) -> Complaint:
    return forward(w, make_complaint(w, **kwargs), unit or w.dpmptsp)


def open_deadline(complaint, stage):
    return Deadline.objects.filter(
        complaint=complaint, stage=stage, met_at__isnull=True, cancelled_at__isnull=True
    ).first()


def local_day(moment):
    return moment.astimezone(WITA).date()


# --- start, reply, first response --------------------------------------------------------------------


def test_starting_moves_a_forwarded_complaint_in_progress_and_takes_it(complaint_world):
    w = complaint_world
    complaint = forwarded(w)
    start_handling(complaint=complaint, by=w.complaint_officer)
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    assert complaint.assigned_to_id == w.complaint_officer.pk
    with pytest.raises(ApplicationError, match="changed by someone else"):
        start_handling(complaint=complaint, by=w.complaint_officer)


def test_another_unit_cannot_act_on_the_complaint(complaint_world):
    w = complaint_world
    complaint = forwarded(w)
    with pytest.raises(ApplicationError, match="Only the unit that holds"):
        start_handling(complaint=complaint, by=w.charlie)
    with pytest.raises(ApplicationError):
        post_public_reply(complaint=complaint, body="Halo", by=w.dave)
    assert Complaint.objects.get(pk=complaint.pk).status == Status.FORWARDED


def test_the_first_public_reply_meets_the_first_response_deadline_once(complaint_world):
    w = complaint_world
    complaint = forwarded(w)
    post_public_reply(complaint=complaint, body="Kami sedang memeriksa.", by=w.complaint_officer)
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    assert complaint.first_response_at == NOW
    met = Deadline.objects.get(complaint=complaint, stage=Stage.FIRST_RESPONSE)
    assert met.met_at == NOW
    later = NOW + dt.timedelta(hours=3)
    post_public_reply(complaint=complaint, body="Tambahan.", by=w.complaint_officer, now=later)
    complaint.refresh_from_db()
    assert complaint.first_response_at == NOW
    assert Deadline.objects.get(complaint=complaint, stage=Stage.FIRST_RESPONSE).met_at == NOW


def test_an_internal_note_is_never_public_and_does_not_count_as_a_response(complaint_world):
    w = complaint_world
    complaint = forwarded(w)
    note = add_internal_note(complaint=complaint, body="Cek CCTV loket 3", by=w.complaint_officer)
    assert note.kind == Message.Kind.INTERNAL_NOTE
    assert not note.is_public
    complaint.refresh_from_db()
    assert complaint.first_response_at is None
    assert open_deadline(complaint, Stage.FIRST_RESPONSE) is not None


def test_an_empty_reply_is_refused_with_the_field_named(complaint_world):
    w = complaint_world
    complaint = forwarded(w)
    with pytest.raises(ApplicationError) as caught:
        post_public_reply(complaint=complaint, body="   ", by=w.complaint_officer)
    assert "body" in caught.value.field_errors


# --- ask the citizen ---------------------------------------------------------------------------------


def test_asking_the_citizen_pauses_and_starts_the_30_day_reply_clock(complaint_world):
    w = complaint_world
    complaint = forwarded(w)
    with pytest.raises(ApplicationError):
        ask_citizen(complaint=complaint, question="Nomor berkas?", by=w.complaint_officer)  # still FORWARDED
    start_handling(complaint=complaint, by=w.complaint_officer)
    ask_citizen(complaint=complaint, question="Mohon kirim nomor berkas.", by=w.complaint_officer)
    complaint.refresh_from_db()
    assert complaint.status == Status.WAITING_CITIZEN
    assert complaint.paused_since == NOW
    reply_clock = open_deadline(complaint, Stage.CITIZEN_REPLY)
    assert reply_clock.days == 30 and reply_clock.day_kind == "calendar"
    assert local_day(reply_clock.due_at) == dt.date(2026, 12, 26)
    assert complaint.messages.filter(kind=Message.Kind.PUBLIC_REPLY).count() == 1


# --- answer, close -----------------------------------------------------------------------------------


def test_answering_needs_an_outcome_and_meets_completion_and_starts_auto_close(complaint_world):
    w = complaint_world
    complaint = forwarded(w)
    with pytest.raises(ApplicationError):
        answer_complaint(complaint=complaint, outcome="Sudah", by=w.complaint_officer)  # FORWARDED
    start_handling(complaint=complaint, by=w.complaint_officer)
    with pytest.raises(ApplicationError) as caught:
        answer_complaint(complaint=complaint, outcome="", by=w.complaint_officer)
    assert "outcome" in caught.value.field_errors
    answer_complaint(complaint=complaint, outcome="Petugas ditegur; papan informasi dipasang.", by=w.complaint_officer)
    complaint.refresh_from_db()
    assert complaint.status == Status.ANSWERED
    assert complaint.answered_at == NOW
    assert complaint.first_response_at == NOW
    assert Deadline.objects.get(complaint=complaint, stage=Stage.COMPLETION).met_at == NOW
    assert open_deadline(complaint, Stage.AUTO_CLOSE) is not None
    assert open_deadline(complaint, Stage.REOPEN_WINDOW) is not None


def test_an_information_request_answer_meets_the_information_clock(complaint_world):
    w = complaint_world
    complaint = forwarded(w, kind=Kind.INFORMATION)
    start_handling(complaint=complaint, by=w.complaint_officer)
    answer_complaint(complaint=complaint, outcome="Tarif PBG: lihat Perda 2/2024.", by=w.complaint_officer)
    assert Deadline.objects.get(complaint=complaint, stage=Stage.INFORMATION).met_at == NOW


def test_closing_is_only_from_answered_and_keeps_the_reopen_window(complaint_world):
    w = complaint_world
    complaint = forwarded(w)
    start_handling(complaint=complaint, by=w.complaint_officer)
    with pytest.raises(ApplicationError):
        close_complaint(complaint=complaint, by=w.complaint_officer)
    answer_complaint(complaint=complaint, outcome="Selesai.", by=w.complaint_officer)
    close_complaint(complaint=complaint, by=w.complaint_officer, now=NOW + dt.timedelta(days=1))
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    assert complaint.closed_at == NOW + dt.timedelta(days=1)
    assert open_deadline(complaint, Stage.AUTO_CLOSE) is None
    assert open_deadline(complaint, Stage.REOPEN_WINDOW) is not None


def test_a_reopened_complaint_can_be_started_and_answered_again(complaint_world):
    w = complaint_world
    complaint = forwarded(w)
    start_handling(complaint=complaint, by=w.complaint_officer)
    answer_complaint(complaint=complaint, outcome="Selesai.", by=w.complaint_officer)
    transition(complaint=complaint, to=Status.REOPENED, allowed_from=[Status.ANSWERED], actor=None, action="reopen")
    answer_complaint(complaint=complaint, outcome="Diperbaiki lagi.", by=w.complaint_officer)
    assert Complaint.objects.get(pk=complaint.pk).status == Status.ANSWERED


# --- category, redress, extension, social ------------------------------------------------------------


def test_setting_a_category_restarts_completion_with_its_limit_from_the_disposition(complaint_world):
    w = complaint_world
    complaint = forwarded(w)
    assert open_deadline(complaint, Stage.COMPLETION).days == 14
    later = NOW + dt.timedelta(days=1)
    set_category(complaint=complaint, category=w.light, by=w.complaint_officer, now=later)
    row = open_deadline(complaint, Stage.COMPLETION)
    assert row.days == 2 and row.started_at == NOW
    # Thu 26 Nov + 2 working days = Mon 30 Nov.
    assert local_day(row.due_at) == dt.date(2026, 11, 30)
    with pytest.raises(ApplicationError):
        set_category(complaint=complaint, category=w.dukcapil_light, by=w.complaint_officer)


def test_redress_claim_and_decision_are_recorded_and_audited(complaint_world):
    w = complaint_world
    complaint = forwarded(w)
    record_redress(complaint=complaint, claim="Biaya fotokopi Rp 20.000", decision="", by=w.complaint_officer)
    record_redress(
        complaint=complaint, claim="Biaya fotokopi Rp 20.000", decision="Dikembalikan", by=w.complaint_officer
    )
    complaint.refresh_from_db()
    assert complaint.redress_decision == "Dikembalikan"
    assert AuditEvent.objects.filter(action="complaint.redress", object_id=str(complaint.pk)).count() == 2


def test_an_information_request_is_extended_once_by_seven_working_days(complaint_world):
    w = complaint_world
    complaint = forwarded(w, kind=Kind.INFORMATION)
    before = open_deadline(complaint, Stage.INFORMATION).due_at
    row = extend_information_deadline(complaint=complaint, reason="Data di arsip lama.", by=w.complaint_officer)
    assert row.extended
    # Due Thu 10 Dec (10 working days from Thu 26 Nov); + 7 working days = Mon 21 Dec.
    assert local_day(before) == dt.date(2026, 12, 10)
    assert local_day(row.due_at) == dt.date(2026, 12, 21)
    told = complaint.messages.get(kind=Message.Kind.PUBLIC_REPLY)
    assert "Data di arsip lama." in told.body
    with pytest.raises(ApplicationError, match="only once"):
        extend_information_deadline(complaint=complaint, reason="Lagi", by=w.complaint_officer)


def test_only_information_requests_are_extended(complaint_world):
    w = complaint_world
    complaint = forwarded(w)
    with pytest.raises(ApplicationError, match="Only an information request"):
        extend_information_deadline(complaint=complaint, reason="x", by=w.complaint_officer)


def test_a_reply_posted_on_social_media_is_logged_for_social_complaints_only(complaint_world):
    w = complaint_world
    social = forwarded(w, channel=Channel.SOCIAL_MEDIA, recorded_by=w.complaint_officer, consent=False)
    message = log_social_post(
        complaint=social, body="Sudah kami balas di grup.", link="https://facebook.com/x", by=w.complaint_officer
    )
    assert message.kind == Message.Kind.SOCIAL_POST
    web = forwarded(w)
    with pytest.raises(ApplicationError):
        log_social_post(complaint=web, body="x", by=w.complaint_officer)


# --- assignment -------------------------------------------------------------------------------------


def test_a_complaint_is_assigned_only_to_an_officer_of_its_unit(complaint_world):
    w = complaint_world
    complaint = forwarded(w)
    assign_complaint(complaint=complaint, officer=w.alice, by=w.complaint_officer)
    assert Complaint.objects.get(pk=complaint.pk).assigned_to_id == w.alice.pk
    with pytest.raises(ApplicationError):
        assign_complaint(complaint=complaint, officer=w.charlie, by=w.complaint_officer)
    with pytest.raises(ApplicationError):
        assign_complaint(complaint=complaint, officer=w.bob, by=w.complaint_officer)  # counter officer


def test_bulk_assignment_skips_complaints_of_other_units(complaint_world):
    w = complaint_world
    ours = [forwarded(w) for _ in range(2)]
    theirs = forwarded(w, unit=w.dukcapil)
    waiting = make_complaint(w)  # still with the verifier
    assigned, skipped = assign_complaints(complaints=[*ours, theirs, waiting], officer=w.complaint_officer, by=w.alice)
    assert (assigned, skipped) == (2, 2)
    assert set(Complaint.objects.filter(assigned_to=w.complaint_officer).values_list("pk", flat=True)) == {
        c.pk for c in ours
    }


# --- categories and canned replies ------------------------------------------------------------------


def test_a_unit_admin_saves_categories_with_unique_names(complaint_world):
    w = complaint_world
    category = save_category(unit=w.dpmptsp, by=w.alice, name="Berat", completion_days=60, day_kind="working")
    assert category.unit_id == w.dpmptsp.pk
    with pytest.raises(ApplicationError) as caught:
        save_category(unit=w.dpmptsp, by=w.alice, name="ringan", completion_days=3)
    assert "name" in caught.value.field_errors
    with pytest.raises(ApplicationError) as caught:
        save_category(unit=w.dpmptsp, by=w.alice, name="Nol", completion_days=0)
    assert "completion_days" in caught.value.field_errors
    save_category(unit=w.dpmptsp, by=w.alice, category=category, name="Berat", completion_days=30)
    assert Category.objects.get(pk=category.pk).completion_days == 30


def test_canned_replies_are_scoped_to_the_unit_and_category(complaint_world):
    w = complaint_world
    general = save_canned_reply(unit=w.dpmptsp, by=w.alice, title="Umum", body="Terima kasih.")
    CannedReply.objects.create(unit=w.dukcapil, title="Dukcapil", body="Dari unit lain")
    CannedReply.objects.create(unit=w.dpmptsp, category=w.normative, title="Normatif", body="Normatif")
    complaint = forwarded(w)
    assert {r.pk for r in canned_replies_for(complaint=complaint)} == {general.pk}
    set_category(complaint=complaint, category=w.light, by=w.complaint_officer)
    assert {r.title for r in canned_replies_for(complaint=complaint)} == {"Umum", "Terima kasih"}
    with pytest.raises(ApplicationError):
        save_canned_reply(unit=w.dpmptsp, by=w.alice, title="X", body="Y", category=w.dukcapil_light)
