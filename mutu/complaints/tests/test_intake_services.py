"""Intake services: the web form with its email code, the citizen's reply, reopen and rating, and the
officers' recording of walk-in, letter, phone and social-media reports."""

from __future__ import annotations

import datetime
import io
import re

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mutu.complaints import deadlines, services, services_intake
from mutu.complaints.models import Channel, Complaint, ContactCode, Deadline, Evidence, Kind, Message, Stage, Status
from mutu.complaints.selectors_intake import is_identified
from mutu.core.errors import ApplicationError
from mutu.core.models import StoredFile

NOW = datetime.datetime(2026, 3, 2, 2, 0, tzinfo=datetime.UTC)  # Monday 10:00 WITA


@pytest.fixture(autouse=True)
def _intake_settings(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.COMPLAINT_CODE_SENDER = "mutu.complaints.senders.EmailCodeSender"
    cache.clear()
    yield
    cache.clear()


def png(name="foto.png", size=(40, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def disguised(name="foto.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 200 + b"This program cannot be run", "image/jpeg")


def web(w, **kwargs) -> Complaint:
    kwargs.setdefault("instansi", w.bontang)
    kwargs.setdefault("kind", Kind.COMPLAINT)
    kwargs.setdefault("title", "Antrean tidak jelas")
    kwargs.setdefault("description", "Saya menunggu dua jam di loket.")
    kwargs.setdefault("reporter_name", "Siti Aminah")
    kwargs.setdefault("reporter_email", "siti@example.org")
    kwargs.setdefault("consent", True)
    kwargs.setdefault("now", NOW)
    return services_intake.submit_web_complaint(**kwargs)


def sent_code() -> str:
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def forward(complaint, w, now) -> Complaint:
    """What the verifier's disposition does, enough for these tests."""
    services.transition(
        complaint=complaint,
        to=Status.FORWARDED,
        allowed_from=(Status.SUBMITTED,),
        actor=w.verifier,
        action="forwarded",
        unit=w.dpmptsp,
        forwarded_at=now,
        now=now,
    )
    deadlines.meet_stage(complaint=complaint, stage=Stage.VERIFY, now=now)
    deadlines.start_stage(complaint=complaint, stage=Stage.COMPLETION, now=now, days=5)
    return complaint


def answer(complaint, w, now) -> Complaint:
    services.transition(
        complaint=complaint,
        to=Status.ANSWERED,
        allowed_from=(Status.FORWARDED, Status.IN_PROGRESS, Status.REOPENED),
        actor=w.complaint_officer,
        action="answered",
        answered_at=now,
        now=now,
    )
    deadlines.meet_stage(complaint=complaint, stage=Stage.COMPLETION, now=now)
    deadlines.start_stage(complaint=complaint, stage=Stage.AUTO_CLOSE, now=now)
    deadlines.start_stage(complaint=complaint, stage=Stage.REOPEN_WINDOW, now=now)
    return complaint


def ask_citizen(complaint, w, now, *, to) -> Complaint:
    services.transition(
        complaint=complaint,
        to=to,
        allowed_from=(Status.SUBMITTED, Status.IN_PROGRESS, Status.FORWARDED),
        actor=w.verifier,
        action="asked_citizen",
        paused_since=now,
        now=now,
    )
    deadlines.start_stage(complaint=complaint, stage=Stage.CITIZEN_REPLY, now=now)
    return complaint


# --- web form and code ---------------------------------------------------------------------------


def test_a_web_report_with_evidence_lands_once_and_sends_a_code(complaint_world, django_capture_on_commit_callbacks):
    w = complaint_world
    with django_capture_on_commit_callbacks(execute=True):
        complaint = web(w, uploads=[png("a.png"), png("b.png")])
    assert Complaint.objects.count() == 1
    assert complaint.channel == Channel.WEB and complaint.status == Status.SUBMITTED
    assert Evidence.objects.filter(complaint=complaint, from_citizen=True).count() == 2
    assert set(StoredFile.objects.values_list("purpose", flat=True)) == {"complaint-evidence"}
    row = ContactCode.objects.get(complaint=complaint)
    assert row.expires_at == NOW + datetime.timedelta(minutes=15)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["siti@example.org"]
    code = sent_code()
    assert code not in row.code_hash  # only a hash is kept
    assert not is_identified(complaint)


def test_a_disguised_file_refuses_the_report_and_stores_nothing(complaint_world, settings):
    w = complaint_world
    with pytest.raises(ApplicationError) as caught:
        web(w, uploads=[png("ok.png"), disguised("foto.jpg")])
    assert "foto.jpg" in caught.value.field_errors["evidence"][0]
    assert "Only PDF, PNG and JPEG" in caught.value.field_errors["evidence"][0]
    assert Complaint.objects.count() == 0 and StoredFile.objects.count() == 0
    root = settings.PRIVATE_MEDIA_ROOT
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def test_a_report_refused_after_its_files_were_stored_leaves_no_file_behind(complaint_world, settings):
    # The photo is fine and stored first; the report itself is then refused (no subject): the
    # database rows roll back and the written file is removed again.
    with pytest.raises(ApplicationError):
        web(complaint_world, title=" ", uploads=[png("ok.png")])
    assert Complaint.objects.count() == 0 and StoredFile.objects.count() == 0
    root = settings.PRIVATE_MEDIA_ROOT
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def test_an_oversized_file_refuses_the_report_and_stores_nothing(complaint_world, settings):
    settings.UPLOAD_MAX_BYTES = 500
    with pytest.raises(ApplicationError) as caught:
        web(complaint_world, uploads=[png("besar.png", size=(400, 400))])
    assert "too large" in caught.value.field_errors["evidence"][0]
    assert Complaint.objects.count() == 0 and StoredFile.objects.count() == 0


def test_missing_subject_text_and_consent_are_named(complaint_world):
    with pytest.raises(ApplicationError) as caught:
        web(complaint_world, title=" ", description="", consent=False)
    assert set(caught.value.field_errors) == {"title", "description", "consent"}
    assert Complaint.objects.count() == 0


def test_a_service_of_another_government_is_refused(complaint_world):
    from mutu.standards.models import Service

    other = Service(unit=complaint_world.bpjs, name="Kepesertaan")
    with pytest.raises(ApplicationError) as caught:
        web(complaint_world, service=other)
    assert "service" in caught.value.field_errors


def test_the_right_code_confirms_the_email(complaint_world, django_capture_on_commit_callbacks):
    w = complaint_world
    with django_capture_on_commit_callbacks(execute=True):
        complaint = web(w)
    services_intake.confirm_email(complaint=complaint, code=sent_code(), now=NOW + datetime.timedelta(minutes=3))
    complaint.refresh_from_db()
    assert complaint.email_confirmed_at == NOW + datetime.timedelta(minutes=3)
    assert is_identified(complaint)
    assert ContactCode.objects.get().used_at is not None


def test_a_bad_code_says_how_many_tries_are_left_and_stops_after_five(
    complaint_world, django_capture_on_commit_callbacks
):
    w = complaint_world
    with django_capture_on_commit_callbacks(execute=True):
        complaint = web(w)
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    messages = []
    for _ in range(5):
        with pytest.raises(ApplicationError) as caught:
            services_intake.confirm_email(complaint=complaint, code=wrong, now=NOW)
        messages.append(caught.value.message)
    assert messages[0] == "The code is not right. You have 4 tries left."
    assert messages[3] == "The code is not right. You have 1 tries left."
    assert "no tries are left" in messages[4]
    with pytest.raises(ApplicationError, match="Too many wrong codes"):
        services_intake.confirm_email(complaint=complaint, code=code, now=NOW)
    assert ContactCode.objects.get().attempts == 5
    complaint.refresh_from_db()
    assert complaint.email_confirmed_at is None


def test_an_expired_code_is_refused_and_a_new_one_works(complaint_world, django_capture_on_commit_callbacks):
    w = complaint_world
    with django_capture_on_commit_callbacks(execute=True):
        complaint = web(w)
    late = NOW + datetime.timedelta(minutes=16)
    with pytest.raises(ApplicationError, match="expired"):
        services_intake.confirm_email(complaint=complaint, code=sent_code(), now=late)
    with django_capture_on_commit_callbacks(execute=True):
        services_intake.resend_email_code(complaint=complaint, now=late)
    assert len(mail.outbox) == 2
    services_intake.confirm_email(complaint=complaint, code=sent_code(), now=late + datetime.timedelta(minutes=1))
    complaint.refresh_from_db()
    assert complaint.email_confirmed_at is not None


def test_resending_codes_is_limited(complaint_world, django_capture_on_commit_callbacks):
    w = complaint_world
    complaint = web(w)
    with pytest.raises(ApplicationError, match="wait a minute"):
        services_intake.resend_email_code(complaint=complaint, now=NOW + datetime.timedelta(seconds=10))
    services_intake.resend_email_code(complaint=complaint, now=NOW + datetime.timedelta(minutes=2))
    services_intake.resend_email_code(complaint=complaint, now=NOW + datetime.timedelta(minutes=4))
    with pytest.raises(ApplicationError, match="already sent 3 codes"):
        services_intake.resend_email_code(complaint=complaint, now=NOW + datetime.timedelta(minutes=6))
    assert ContactCode.objects.count() == 3
    # Only the newest code is still valid.
    assert ContactCode.objects.filter(expires_at__gt=NOW + datetime.timedelta(minutes=6)).count() == 1


def test_a_report_without_email_sends_no_code(complaint_world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        web(complaint_world, reporter_email="", reporter_phone="0812 3456 7890")
    assert ContactCode.objects.count() == 0 and mail.outbox == []


def test_the_console_sender_logs_the_code(complaint_world, settings, caplog, django_capture_on_commit_callbacks):
    settings.COMPLAINT_CODE_SENDER = "mutu.complaints.senders.ConsoleCodeSender"
    with django_capture_on_commit_callbacks(execute=True):
        complaint = web(complaint_world)
    assert mail.outbox == []
    assert complaint.tracking_code in caplog.text and re.search(r": \d{6}$", caplog.text.strip().splitlines()[-1])


# --- citizen's reply, reopen, rating ---------------------------------------------------------------


def test_a_reply_to_a_question_of_the_verifier_resumes_the_clocks(complaint_world):
    w = complaint_world
    complaint = web(w)
    verify_due = Deadline.objects.get(complaint=complaint, stage=Stage.VERIFY).due_at
    asked = NOW + datetime.timedelta(days=1)
    ask_citizen(complaint, w, asked, to=Status.NEEDS_INFO)
    replied = asked + datetime.timedelta(days=7)  # a week later (5 working days)
    with time_machine.travel(replied, tick=False):
        services_intake.citizen_reply(complaint=complaint, body="Ini nomor antrean saya: A-017.", now=replied)
    complaint.refresh_from_db()
    assert complaint.status == Status.SUBMITTED and complaint.paused_since is None
    verify = Deadline.objects.get(complaint=complaint, stage=Stage.VERIFY, met_at__isnull=True)
    assert verify.due_at > verify_due
    assert (verify.due_at.date() - verify_due.date()).days == 7
    assert Deadline.objects.get(complaint=complaint, stage=Stage.CITIZEN_REPLY).met_at == replied
    assert Message.objects.get(complaint=complaint).kind == Message.Kind.CITIZEN


def test_a_reply_while_the_unit_waits_goes_back_to_in_progress_with_evidence(complaint_world):
    w = complaint_world
    complaint = forward(web(w), w, NOW)
    services.transition(
        complaint=complaint, to=Status.IN_PROGRESS, allowed_from=(Status.FORWARDED,), actor=w.alice, action="start"
    )
    completion_due = Deadline.objects.get(complaint=complaint, stage=Stage.COMPLETION, met_at__isnull=True).due_at
    ask_citizen(complaint, w, NOW + datetime.timedelta(days=1), to=Status.WAITING_CITIZEN)
    replied = NOW + datetime.timedelta(days=3)
    message = services_intake.citizen_reply(complaint=complaint, body="Foto terlampir.", uploads=[png()], now=replied)
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    new_due = Deadline.objects.get(complaint=complaint, stage=Stage.COMPLETION, met_at__isnull=True).due_at
    assert new_due > completion_due
    assert Evidence.objects.get(message=message).from_citizen


def test_a_reply_to_a_closed_report_is_refused(complaint_world):
    w = complaint_world
    complaint = web(w)
    Complaint.objects.filter(pk=complaint.pk).update(status=Status.ARCHIVED)
    complaint.refresh_from_db()
    with pytest.raises(ApplicationError, match="closed"):
        services_intake.citizen_reply(complaint=complaint, body="Halo?", now=NOW)


def test_the_citizen_may_reopen_within_the_window_only(complaint_world):
    w = complaint_world
    complaint = web(w)
    Complaint.objects.filter(pk=complaint.pk).update(category=w.light)
    complaint.refresh_from_db()
    answer(forward(complaint, w, NOW), w, NOW + datetime.timedelta(days=1))
    window = Deadline.objects.get(complaint=complaint, stage=Stage.REOPEN_WINDOW)
    services_intake.request_reopen(complaint=complaint, reason="Masih belum beres.", now=window.due_at)
    complaint.refresh_from_db()
    assert complaint.status == Status.REOPENED and complaint.reopen_count == 1
    completion = Deadline.objects.get(complaint=complaint, stage=Stage.COMPLETION, met_at__isnull=True)
    assert completion.days == 2 and completion.started_at == window.due_at
    assert Deadline.objects.get(pk=window.pk).met_at == window.due_at
    assert not Deadline.objects.filter(
        complaint=complaint, stage=Stage.AUTO_CLOSE, met_at__isnull=True, cancelled_at__isnull=True
    ).exists()

    answer(complaint, w, NOW + datetime.timedelta(days=20))
    late = Deadline.objects.get(complaint=complaint, stage=Stage.REOPEN_WINDOW, met_at__isnull=True).due_at
    with pytest.raises(ApplicationError, match="no longer be reopened"):
        services_intake.request_reopen(complaint=complaint, reason="Lagi.", now=late + datetime.timedelta(seconds=1))
    complaint.refresh_from_db()
    assert complaint.status == Status.ANSWERED and complaint.reopen_count == 1


def test_a_report_still_in_progress_cannot_be_reopened(complaint_world):
    complaint = web(complaint_world)
    with pytest.raises(ApplicationError, match="no longer be reopened"):
        services_intake.request_reopen(complaint=complaint, reason="Kenapa?", now=NOW)


def test_the_handling_is_rated_once_after_the_answer(complaint_world):
    w = complaint_world
    complaint = web(w)
    with pytest.raises(ApplicationError, match="once the report is answered"):
        services_intake.rate_handling(complaint=complaint, rating=5, now=NOW)
    answer(forward(complaint, w, NOW), w, NOW)
    services_intake.rate_handling(complaint=complaint, rating=4, comment="Cepat.", now=NOW)
    with pytest.raises(ApplicationError, match="already rated"):
        services_intake.rate_handling(complaint=Complaint.objects.get(pk=complaint.pk), rating=1, now=NOW)
    complaint.refresh_from_db()
    assert (complaint.rating, complaint.rating_comment) == (4, "Cepat.")
    with pytest.raises(ApplicationError, match="from 1 to 5"):
        services_intake.rate_handling(complaint=complaint, rating=6, now=NOW)


# --- officers' recording --------------------------------------------------------------------------


@pytest.mark.parametrize("channel", [Channel.WALK_IN, Channel.LETTER, Channel.PHONE])
def test_an_officer_records_a_walk_in_letter_or_phone_report(complaint_world, channel):
    w = complaint_world
    complaint = services_intake.record_complaint(
        recorder=w.complaint_officer,
        instansi=w.bontang,
        channel=channel,
        kind=Kind.COMPLAINT,
        title="Berkas hilang",
        description="Berkas PBG saya hilang di loket.",
        reporter_name="Pak Darto",
        citizen_agreed=True,
        uploads=[png("scan.png")],
        now=NOW,
    )
    assert Complaint.objects.get().pk == complaint.pk
    assert complaint.channel == channel and complaint.recorded_by_id == w.complaint_officer.pk
    assert complaint.consent_at == NOW and is_identified(complaint)
    assert Evidence.objects.get(complaint=complaint).from_citizen is False


def test_a_walk_in_report_needs_the_citizens_agreement(complaint_world):
    w = complaint_world
    with pytest.raises(ApplicationError) as caught:
        services_intake.record_complaint(
            recorder=w.verifier,
            instansi=w.bontang,
            channel=Channel.WALK_IN,
            kind=Kind.COMPLAINT,
            title="x",
            description="y",
            now=NOW,
        )
    assert "citizen_agreed" in caught.value.field_errors
    assert Complaint.objects.count() == 0


def test_an_officer_records_a_social_media_post_with_its_link(complaint_world):
    w = complaint_world
    complaint = services_intake.record_complaint(
        recorder=w.complaint_officer,
        instansi=w.bontang,
        channel=Channel.SOCIAL_MEDIA,
        kind=Kind.COMPLAINT,
        title="Keluhan di grup Facebook",
        description="Warga menulis bahwa loket tutup jam 11.",
        source_url="https://facebook.com/groups/infobontang/posts/1",
        source_name="Grup Facebook Info Bontang",
        uploads=[png("tangkapan.png")],
        now=NOW,
    )
    assert complaint.channel == Channel.SOCIAL_MEDIA and complaint.source_name == "Grup Facebook Info Bontang"
    assert complaint.evidence.count() == 1 and not is_identified(complaint)
    with pytest.raises(ApplicationError) as caught:
        services_intake.record_complaint(
            recorder=w.complaint_officer,
            instansi=w.bontang,
            channel=Channel.SOCIAL_MEDIA,
            kind=Kind.COMPLAINT,
            title="x",
            description="y",
            now=NOW,
        )
    assert "source_url" in caught.value.field_errors
