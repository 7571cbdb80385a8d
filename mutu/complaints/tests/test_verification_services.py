"""Disposition, asking for more, refusing, archiving, merging, passing on and identity looks."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mutu.complaints import services_verification as svc
from mutu.complaints.models import (
    Complaint,
    Deadline,
    Event,
    Evidence,
    Handling,
    IdentityView,
    Message,
    Stage,
    Status,
)
from mutu.complaints.selectors import can_act_on, complaints_visible_to
from mutu.complaints.selectors_verification import can_redirect, possible_duplicates, verify_queue
from mutu.complaints.testing import make_complaint
from mutu.core.errors import ApplicationError
from mutu.core.models import AuditEvent, StoredFile
from mutu.organisations.models import CalendarException, Unit

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")
# Thursday 26 Nov 2026, 10:00 in Bontang (WITA).
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _due_day(complaint, stage):
    row = Deadline.objects.get(complaint=complaint, stage=stage, met_at__isnull=True, cancelled_at__isnull=True)
    return row.due_at.astimezone(WITA).date()


def _forward(w, complaint=None, **kwargs):
    complaint = complaint or make_complaint(w)
    kwargs.setdefault("unit", w.dpmptsp)
    return svc.forward_complaint(complaint=complaint, by=w.verifier, now=NOW, **kwargs)


def _evidence(complaint, sha: str, name: str = "foto.jpg"):
    stored = StoredFile.objects.create(
        created_at=NOW,
        purpose="complaint",
        original_name=name,
        kind=StoredFile.Kind.JPEG,
        content_type="image/jpeg",
        size=1234,
        sha256=sha,
        relative_path=f"test/{uuid.uuid4()}.jpg",
    )
    return Evidence.objects.create(complaint=complaint, file=stored, created_at=NOW)


# --- forward (disposisi) ---------------------------------------------------------------------------


def test_forwarding_hands_the_report_to_the_unit_and_starts_its_clocks(complaint_world):
    w = complaint_world
    complaint = _forward(w, category=w.light, note="Mohon ditangani")
    assert complaint.status == Status.FORWARDED
    assert complaint.unit_id == w.dpmptsp.pk and complaint.category_id == w.light.pk
    assert complaint.verified_at == NOW and complaint.forwarded_at == NOW
    assert Deadline.objects.get(complaint=complaint, stage=Stage.VERIFY).met_at == NOW
    # Thu 26 Nov + 5 working days = Thu 3 Dec; the Ringan category allows 2: Mon 30 Nov.
    assert _due_day(complaint, Stage.FIRST_RESPONSE) == dt.date(2026, 12, 3)
    assert _due_day(complaint, Stage.COMPLETION) == dt.date(2026, 11, 30)
    handling = Handling.objects.get(complaint=complaint)
    assert handling.unit_id == w.dpmptsp.pk and handling.until is None and handling.forwarded_by_id == w.verifier.pk
    assert Event.objects.filter(complaint=complaint, action="forward", unit=w.dpmptsp).exists()
    assert AuditEvent.objects.filter(action="complaint.forward", object_id=str(complaint.pk)).exists()
    note = Message.objects.get(complaint=complaint, kind=Message.Kind.INTERNAL_NOTE)
    assert note.body == "Mohon ditangani" and note.unit_id == w.dpmptsp.pk


def test_without_a_category_the_completion_limit_is_the_policy_default(complaint_world):
    complaint = _forward(complaint_world)
    # 14 working days from Thu 26 Nov: Wed 16 Dec.
    assert _due_day(complaint, Stage.COMPLETION) == dt.date(2026, 12, 16)


def test_the_deadlines_follow_the_new_units_own_calendar(complaint_world):
    w = complaint_world
    # DPMPTSP closes on Friday 27 Nov (its own closure, not a national holiday).
    CalendarException.objects.create(unit=w.dpmptsp, day=dt.date(2026, 11, 27), kind="closed", reason="Pindah kantor")
    to_dpmptsp = _forward(w, category=w.light)
    to_dukcapil = _forward(w, unit=w.dukcapil, category=w.dukcapil_light)
    assert _due_day(to_dpmptsp, Stage.COMPLETION) == dt.date(2026, 12, 1)
    assert _due_day(to_dukcapil, Stage.COMPLETION) == dt.date(2026, 11, 30)


def test_a_stale_second_forward_is_refused(complaint_world):
    w = complaint_world
    complaint = make_complaint(w)
    stale = Complaint.objects.get(pk=complaint.pk)
    _forward(w, complaint)
    with pytest.raises(ApplicationError, match="changed by someone else"):
        svc.forward_complaint(complaint=stale, unit=w.dukcapil, by=w.verifier, now=NOW)
    assert Handling.objects.filter(complaint=complaint).count() == 1
    assert Complaint.objects.get(pk=complaint.pk).unit_id == w.dpmptsp.pk


def test_a_unit_of_another_instansi_is_refused_even_if_it_is_an_mpp_tenant(complaint_world):
    w = complaint_world
    complaint = make_complaint(w)
    with pytest.raises(ApplicationError) as caught:
        _forward(w, complaint, unit=w.bpjs)
    assert "unit" in caught.value.field_errors
    assert Complaint.objects.get(pk=complaint.pk).status == Status.SUBMITTED


def test_a_category_of_another_unit_is_refused(complaint_world):
    w = complaint_world
    with pytest.raises(ApplicationError) as caught:
        _forward(w, unit=w.dukcapil, category=w.light)
    assert "category" in caught.value.field_errors


# --- redirect to another unit ------------------------------------------------------------------------


def test_the_unit_passes_a_report_on_and_keeps_only_read_access(complaint_world):
    w = complaint_world
    complaint = _forward(w, category=w.light)
    Complaint.objects.filter(pk=complaint.pk).update(assigned_to=w.complaint_officer)
    complaint.refresh_from_db()
    later = NOW + dt.timedelta(days=1)
    complaint = svc.redirect_complaint(
        complaint=complaint, unit=w.dukcapil, note="Urusan KTP, bukan perizinan", by=w.complaint_officer, now=later
    )
    assert complaint.status == Status.FORWARDED and complaint.unit_id == w.dukcapil.pk
    assert complaint.assigned_to_id is None and complaint.category_id is None
    rows = list(Handling.objects.filter(complaint=complaint).order_by("since"))
    assert [(r.unit_id, r.until) for r in rows] == [(w.dpmptsp.pk, later), (w.dukcapil.pk, None)]
    # The new unit acts; the old unit reads; a third unit sees nothing.
    assert can_act_on(user=w.charlie, complaint=complaint)
    assert not can_act_on(user=w.complaint_officer, complaint=complaint)
    assert complaints_visible_to(user=w.complaint_officer).filter(pk=complaint.pk).exists()
    assert not can_redirect(user=w.complaint_officer, complaint=complaint)
    assert not complaints_visible_to(user=w.dave).filter(pk=complaint.pk).exists()
    # The old unit's note keeps its unit; the new unit's clocks run from the hand-over.
    note = Message.objects.get(complaint=complaint, body="Urusan KTP, bukan perizinan")
    assert note.unit_id == w.dpmptsp.pk
    assert _due_day(complaint, Stage.FIRST_RESPONSE) == dt.date(2026, 12, 4)


def test_passing_on_needs_a_reason_and_another_unit(complaint_world):
    w = complaint_world
    complaint = _forward(w)
    with pytest.raises(ApplicationError) as caught:
        svc.redirect_complaint(complaint=complaint, unit=w.dukcapil, note=" ", by=w.complaint_officer)
    assert "note" in caught.value.field_errors
    with pytest.raises(ApplicationError) as caught:
        svc.redirect_complaint(complaint=complaint, unit=w.dpmptsp, note="x", by=w.complaint_officer)
    assert "unit" in caught.value.field_errors


def test_a_report_still_at_the_verifier_cannot_be_passed_on(complaint_world):
    w = complaint_world
    complaint = make_complaint(w)
    Complaint.objects.filter(pk=complaint.pk).update(unit=w.dpmptsp)
    complaint.refresh_from_db()
    with pytest.raises(ApplicationError, match="changed by someone else"):
        svc.redirect_complaint(complaint=complaint, unit=w.dukcapil, note="x", by=w.verifier)


def test_only_the_holding_units_officer_or_admin_and_the_verifier_may_pass_on(complaint_world):
    w = complaint_world
    complaint = _forward(w)
    assert can_redirect(user=w.complaint_officer, complaint=complaint)
    assert can_redirect(user=w.alice, complaint=complaint)
    assert can_redirect(user=w.verifier, complaint=complaint)
    for denied in (w.head, w.bob, w.charlie, w.dave, w.nobody):
        assert not can_redirect(user=denied, complaint=complaint), denied


# --- ask for more, not our authority, archive ----------------------------------------------------


def test_asking_for_more_pauses_the_clocks_and_tells_the_citizen(complaint_world):
    w = complaint_world
    complaint = make_complaint(w)
    complaint = svc.request_more_information(
        complaint=complaint, question="Mohon lampirkan nomor berkas.", by=w.verifier, now=NOW
    )
    assert complaint.status == Status.NEEDS_INFO and complaint.paused_since == NOW
    reply = Message.objects.get(complaint=complaint)
    assert reply.kind == Message.Kind.PUBLIC_REPLY and reply.is_public
    assert reply.body == "Mohon lampirkan nomor berkas."
    # 30 calendar days: Sat 26 Dec.
    assert _due_day(complaint, Stage.CITIZEN_REPLY) == dt.date(2026, 12, 26)
    # The verify deadline stays open, to be moved on when the citizen answers.
    assert Deadline.objects.filter(complaint=complaint, stage=Stage.VERIFY, met_at__isnull=True).exists()


def test_a_question_is_required(complaint_world):
    with pytest.raises(ApplicationError, match="should add"):
        svc.request_more_information(complaint=make_complaint(complaint_world), question="", by=None)


def test_not_our_authority_gives_the_citizen_the_reason(complaint_world):
    w = complaint_world
    complaint = make_complaint(w)
    reason = "Jalan nasional dikelola Balai Besar Pelaksanaan Jalan Nasional; silakan lapor ke sana."
    complaint = svc.mark_not_authority(complaint=complaint, reason=reason, by=w.verifier, now=NOW)
    assert complaint.status == Status.NOT_AUTHORITY and complaint.lapor_status == "Bukan Wewenang"
    assert complaint.decision_reason == reason and complaint.closed_at == NOW
    assert Message.objects.filter(complaint=complaint, kind=Message.Kind.PUBLIC_REPLY, body=reason).exists()
    assert not Deadline.objects.filter(complaint=complaint, met_at__isnull=True, cancelled_at__isnull=True).exists()


def test_not_our_authority_needs_a_reason(complaint_world):
    with pytest.raises(ApplicationError) as caught:
        svc.mark_not_authority(complaint=make_complaint(complaint_world), reason="  ", by=None)
    assert "reason" in caught.value.field_errors


def test_archiving_cancels_every_open_deadline_and_keeps_the_reason_internal(complaint_world):
    w = complaint_world
    complaint = make_complaint(w, kind="informasi")
    complaint = svc.archive_complaint(complaint=complaint, reason="Spam", by=w.verifier, now=NOW)
    assert complaint.status == Status.ARCHIVED and complaint.decision_reason == ""
    assert Deadline.objects.filter(complaint=complaint, cancelled_at=NOW).count() == 2
    assert Message.objects.get(complaint=complaint).kind == Message.Kind.INTERNAL_NOTE


def test_a_report_waiting_for_the_citizen_can_still_be_archived(complaint_world):
    w = complaint_world
    complaint = svc.request_more_information(complaint=make_complaint(w), question="?", by=w.verifier)
    svc.archive_complaint(complaint=complaint, reason="Uji coba", by=w.verifier)
    assert Complaint.objects.get(pk=complaint.pk).paused_since is None


# --- duplicates and merging -----------------------------------------------------------------------------


def test_a_duplicate_is_found_by_similar_text(complaint_world):
    w = complaint_world
    first = make_complaint(
        w,
        reporter_email="a@example.org",
        title="Antrean loket perizinan lama",
        description="Saya antre dua jam di loket perizinan MPP tanpa kejelasan dari petugas.",
    )
    second = make_complaint(
        w,
        reporter_email="b@example.org",
        title="Antrean lama di loket perizinan",
        description="Dua jam mengantre di loket perizinan MPP, petugas tidak memberi kejelasan.",
    )
    unrelated = make_complaint(
        w,
        reporter_email="c@example.org",
        title="Jalan rusak",
        description="Ada lubang besar di jalan depan sekolah dasar.",
    )
    found = possible_duplicates(complaint=second)
    assert [(d.complaint.pk, d.reasons) for d in found] == [(first.pk, ("text",))]
    assert unrelated.pk not in {d.complaint.pk for d in found}


def test_a_duplicate_is_found_by_the_same_contact_or_the_same_file(complaint_world):
    w = complaint_world
    first = make_complaint(w, reporter_phone="+62 812-3456-7890", title="A", description="Satu hal.")
    same_phone = make_complaint(
        w, reporter_email="other@example.org", reporter_phone="081234567890", title="B", description="Hal lain."
    )
    same_file = make_complaint(
        w, reporter_email="x@example.org", reporter_phone="", title="C", description="Foto sama sekali lain."
    )
    unrelated = make_complaint(w, reporter_email="y@example.org", title="D", description="Tidak ada kaitan.")
    _evidence(first, "ab" * 32)
    _evidence(same_file, "ab" * 32)
    _evidence(unrelated, "cd" * 32)
    found = {d.complaint.pk: d.reasons for d in possible_duplicates(complaint=first)}
    assert found[same_phone.pk] == ("phone",)
    assert found[same_file.pk] == ("evidence",)
    assert unrelated.pk not in found


def test_old_and_other_instansi_reports_are_not_compared(complaint_world):
    w = complaint_world
    old = make_complaint(w, submitted_at=NOW - dt.timedelta(days=45))
    other = make_complaint(w, instansi=w.bpjs_instansi)
    recent = make_complaint(w)
    found = {d.complaint.pk for d in possible_duplicates(complaint=recent)}
    assert old.pk not in found and other.pk not in found


def test_the_duplicate_search_runs_a_fixed_number_of_queries(complaint_world, django_assert_max_num_queries):
    w = complaint_world
    for i in range(12):
        complaint = make_complaint(w, title=f"Antrean lama {i}")
        _evidence(complaint, f"{i:064x}")
    with django_assert_max_num_queries(3):
        found = possible_duplicates(complaint=complaint)
    assert len(found) == 11


def test_merging_joins_the_duplicate_without_revealing_the_other_code(complaint_world):
    w = complaint_world
    into = _forward(w)
    duplicate = make_complaint(w, reporter_email="b@example.org")
    _evidence(duplicate, "ef" * 32)
    duplicate = svc.merge_complaint(duplicate=duplicate, into=into, by=w.verifier, now=NOW)
    assert duplicate.status == Status.MERGED and duplicate.merged_into_id == into.pk
    notice = Message.objects.get(complaint=duplicate, kind=Message.Kind.PUBLIC_REPLY)
    # A tracking code is the key to another citizen's report: never told.
    assert into.tracking_code not in notice.body
    assert Evidence.objects.filter(complaint=duplicate).count() == 1
    assert Message.objects.filter(
        complaint=into, kind=Message.Kind.INTERNAL_NOTE, body__contains=duplicate.tracking_code
    )
    assert not Deadline.objects.filter(complaint=duplicate, met_at__isnull=True, cancelled_at__isnull=True).exists()


def test_merging_into_a_rahasia_report_does_not_reveal_its_code(complaint_world):
    w = complaint_world
    into = make_complaint(w, is_confidential=True)
    duplicate = svc.merge_complaint(duplicate=make_complaint(w), into=into, by=w.verifier)
    notice = Message.objects.get(complaint=duplicate, kind=Message.Kind.PUBLIC_REPLY)
    assert into.tracking_code not in notice.body


def test_a_report_cannot_be_merged_into_itself_or_a_merged_one(complaint_world):
    w = complaint_world
    a, b, c = make_complaint(w), make_complaint(w), make_complaint(w)
    with pytest.raises(ApplicationError, match="into itself"):
        svc.merge_complaint(duplicate=a, into=a, by=w.verifier)
    svc.merge_complaint(duplicate=b, into=a, by=w.verifier)
    b.refresh_from_db()
    with pytest.raises(ApplicationError, match="merged or archived"):
        svc.merge_complaint(duplicate=c, into=b, by=w.verifier)
    assert Complaint.objects.get(pk=c.pk).status == Status.SUBMITTED


def test_a_forwarded_report_is_no_longer_merged_by_the_verifier(complaint_world):
    w = complaint_world
    forwarded = _forward(w)
    with pytest.raises(ApplicationError):
        svc.merge_complaint(duplicate=forwarded, into=make_complaint(w), by=w.verifier)


# --- the queue ----------------------------------------------------------------------------------------


def test_the_queue_puts_overdue_reports_first_and_separates_those_waiting_for_the_citizen(
    complaint_world, django_assert_max_num_queries
):
    w = complaint_world
    fresh = make_complaint(w, title="Baru")
    overdue = make_complaint(w, title="Lama", submitted_at=NOW - dt.timedelta(days=10))
    asked = svc.request_more_information(complaint=make_complaint(w), question="?", by=w.verifier)
    _forward(w)
    make_complaint(w, instansi=w.bpjs_instansi)
    w.verifier.refresh_from_db()
    with django_assert_max_num_queries(2):
        queue = verify_queue(user=w.verifier, now=NOW)
    assert [r.complaint.pk for r in queue.waiting] == [overdue.pk, fresh.pk]
    assert queue.waiting[0].overdue and queue.waiting[0].days_overdue > 0
    assert queue.waiting[1].days_left == 5  # Tue 1 Dec, three working days on
    assert [r.complaint.pk for r in queue.needs_info] == [asked.pk]
    assert queue.needs_info[0].due_day == dt.date(2026, 12, 26)


def test_the_queue_is_empty_for_unit_staff(complaint_world):
    w = complaint_world
    make_complaint(w)
    for user in (w.complaint_officer, w.charlie, w.dave, w.bob, w.nobody):
        queue = verify_queue(user=user, now=NOW)
        assert not queue.waiting and not queue.needs_info


# --- identity ------------------------------------------------------------------------------------------


def test_each_look_at_an_anonim_identity_is_logged_with_its_reason(complaint_world):
    w = complaint_world
    complaint = make_complaint(w, is_anonymous=True)
    svc.show_identity(complaint=complaint, reason="Cek duplikat", by=w.verifier, now=NOW)
    svc.show_identity(complaint=complaint, reason="Konfirmasi NIK", by=w.verifier, now=NOW)
    assert list(IdentityView.objects.values_list("reason", flat=True).order_by("pk")) == [
        "Cek duplikat",
        "Konfirmasi NIK",
    ]
    assert AuditEvent.objects.filter(action="complaint.identity_view").count() == 2


def test_a_look_needs_a_reason(complaint_world):
    w = complaint_world
    with pytest.raises(ApplicationError):
        svc.show_identity(complaint=make_complaint(w, is_anonymous=True), reason="", by=w.verifier)
    assert not IdentityView.objects.exists()


def test_a_deactivated_unit_is_refused(complaint_world):
    w = complaint_world
    Unit.objects.filter(pk=w.dukcapil.pk).update(is_active=False)
    w.dukcapil.refresh_from_db()
    with pytest.raises(ApplicationError):
        _forward(w, unit=w.dukcapil)


def test_the_queue_calls_a_report_identified_by_the_same_rule_as_intake(complaint_world):
    from django.utils import timezone

    from mutu.complaints.models import Channel
    from mutu.complaints.selectors_verification import verify_queue

    w = complaint_world
    social = make_complaint(w, channel=Channel.SOCIAL_MEDIA, recorded_by=w.complaint_officer, reporter_email="")
    walk_in = make_complaint(w, channel=Channel.WALK_IN, recorded_by=w.complaint_officer, reporter_email="")
    rows = {row.complaint.pk: row for row in verify_queue(user=w.verifier, now=timezone.now()).waiting}
    assert not rows[social.pk].identified
    assert rows[walk_in.pk].identified
