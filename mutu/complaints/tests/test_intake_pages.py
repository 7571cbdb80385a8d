"""Intake pages: the citizen's form with its code, /lacak, and the officers' recording and evidence.

Pages are Indonesian by default; tests that match messages added by this area read the English
source (language cookie "en") so they do not depend on the catalogue being compiled.
"""

from __future__ import annotations

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mutu.complaints import deadlines, services, services_intake, views_intake
from mutu.complaints.models import Channel, Complaint, Evidence, Kind, Message, Stage, Status
from mutu.complaints.testing import make_complaint
from mutu.core.models import StoredFile

SCRIPT = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


@pytest.fixture(autouse=True)
def _intake_settings(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.COMPLAINT_CODE_SENDER = "mutu.complaints.senders.EmailCodeSender"
    settings.RATELIMIT_ENABLED = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def png(name="foto.png", size=(40, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 30)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def form_data(w, **overrides) -> dict:
    data = {
        "instansi": w.bontang.pk,
        "kind": Kind.COMPLAINT,
        "title": "Antrean tidak jelas",
        "description": "Saya menunggu dua jam di loket perizinan.",
        "occurred_on": "2026-03-01",
        "reporter_name": "Siti Aminah",
        "reporter_email": "siti@example.org",
        "reporter_phone": "",
        "reporter_nik": "",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def code_from_mail() -> str:
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def answered(w, **kwargs) -> Complaint:
    complaint = make_complaint(w, **kwargs)
    now = complaint.submitted_at
    services.transition(
        complaint=complaint,
        to=Status.FORWARDED,
        allowed_from=(Status.SUBMITTED,),
        actor=w.verifier,
        action="forwarded",
        unit=w.dpmptsp,
        now=now,
    )
    services.transition(
        complaint=complaint,
        to=Status.ANSWERED,
        allowed_from=(Status.FORWARDED,),
        actor=w.complaint_officer,
        action="answered",
        now=now,
    )
    deadlines.start_stage(complaint=complaint, stage=Stage.REOPEN_WINDOW, now=now)
    return complaint


# --- the public form --------------------------------------------------------------------------------


def test_the_form_is_indonesian_with_a_hidden_honeypot(client, complaint_world):
    response = client.get("/pengaduan/baru")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id">' in html
    trap = re.search(r'<div class="intake-trap" aria-hidden="true">.*?</div>', html, re.S).group(0)
    assert 'name="website"' in trap and 'tabindex="-1"' in trap and 'autocomplete="off"' in trap
    for kind in Kind.values:
        assert f'value="{kind}"' in html
    assert 'name="evidence"' in html and "multiple" in html


def test_a_citizen_sends_a_report_confirms_the_email_and_gets_the_code(
    english, complaint_world, django_capture_on_commit_callbacks
):
    w = complaint_world
    with django_capture_on_commit_callbacks(execute=True):
        response = english.post("/pengaduan/baru", {**form_data(w), "evidence": [png("a.png"), png("b.png")]})
    complaint = Complaint.objects.get()
    confirm = f"/pengaduan/{complaint.tracking_code}/konfirmasi"
    assert response.status_code == 302 and response["Location"] == confirm
    assert complaint.channel == Channel.WEB and complaint.evidence.count() == 2
    assert complaint.occurred_on == datetime.date(2026, 3, 1)
    assert len(mail.outbox) == 1

    page = english.get(confirm)
    assert "s•••@example.org" in page.content.decode()
    wrong = english.post(confirm, {"code": "000000" if code_from_mail() != "000000" else "111111"})
    assert "The code is not right. You have 4 tries left." in wrong.content.decode()
    done = english.post(confirm, {"code": code_from_mail()})
    assert done.status_code == 302 and done["Location"] == confirm
    thanks = english.get(confirm).content.decode()
    assert "Your email address is confirmed." in thanks
    assert "".join(re.findall(r'intake-code__char">(.)<', thanks)) == complaint.tracking_code
    assert f'href="/lacak/{complaint.tracking_code}"' in thanks
    complaint.refresh_from_db()
    assert complaint.email_confirmed_at is not None


def test_a_citizen_may_skip_the_code_and_still_gets_the_tracking_code(english, complaint_world):
    english.post("/pengaduan/baru", form_data(complaint_world))
    complaint = Complaint.objects.get()
    page = english.get(f"/pengaduan/{complaint.tracking_code}/konfirmasi?lewati=1").content.decode()
    assert "not confirmed yet" in page and complaint.tracking_code in page


def test_a_filled_honeypot_pretends_success_and_stores_nothing(client, complaint_world):
    response = client.post("/pengaduan/baru", form_data(complaint_world, website="http://spam.example"))
    assert response.status_code == 200
    assert "intake-code__char" in response.content.decode()
    assert Complaint.objects.count() == 0 and mail.outbox == []


def test_the_form_is_rate_limited_per_ip(client, complaint_world, monkeypatch):
    monkeypatch.setattr(views_intake, "NEW_PER_IP", (2, 3600))
    for n in range(2):
        client.post("/pengaduan/baru", form_data(complaint_world, reporter_email=f"a{n}@example.org"))
    response = client.post("/pengaduan/baru", form_data(complaint_world, reporter_email="z@example.org"))
    assert response.status_code == 429 and response["Retry-After"] == "3600"
    assert Complaint.objects.count() == 2


def test_the_form_is_rate_limited_per_contact(client, complaint_world, monkeypatch):
    monkeypatch.setattr(views_intake, "NEW_PER_CONTACT", (2, 3600))
    for n in range(2):
        client.post("/pengaduan/baru", form_data(complaint_world), REMOTE_ADDR=f"10.0.0.{n}")
    response = client.post(
        "/pengaduan/baru", form_data(complaint_world, reporter_email="SITI@example.org"), REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 429
    assert Complaint.objects.count() == 2
    other = client.post("/pengaduan/baru", form_data(complaint_world, reporter_email="budi@example.org"))
    assert other.status_code == 302


def test_a_disguised_file_is_refused_in_indonesian_and_the_text_is_kept(client, complaint_world):
    fake = SimpleUploadedFile("foto.jpg", b"MZ\x90\x00" + b"\x00" * 300, content_type="image/jpeg")
    data = form_data(complaint_world, description="Petugas meminta uang tambahan di loket 3.")
    response = client.post("/pengaduan/baru", {**data, "evidence": [png("ok.png"), fake]})
    html = response.content.decode()
    assert response.status_code == 200
    assert "foto.jpg: Hanya berkas PDF, PNG, dan JPEG yang diterima." in html
    assert "Petugas meminta uang tambahan di loket 3." in html
    assert 'value="Siti Aminah"' in html and 'value="siti@example.org"' in html
    assert Complaint.objects.count() == 0 and StoredFile.objects.count() == 0


def test_an_oversized_file_is_refused_in_indonesian_and_the_text_is_kept(client, complaint_world, settings):
    settings.UPLOAD_MAX_BYTES = 600
    response = client.post("/pengaduan/baru", {**form_data(complaint_world), "evidence": png("besar.png", (300, 300))})
    html = response.content.decode()
    assert "Berkas terlalu besar" in html and "Saya menunggu dua jam di loket perizinan." in html
    assert Complaint.objects.count() == 0 and StoredFile.objects.count() == 0


def test_missing_fields_are_listed_and_the_rest_is_kept(english, complaint_world):
    response = english.post("/pengaduan/baru", form_data(complaint_world, title="", consent=None))
    html = response.content.decode()
    assert "Please write a short subject." in html
    assert "We need your consent to process the personal data in this report." in html
    assert "Saya menunggu dua jam di loket perizinan." in html
    assert Complaint.objects.count() == 0


# --- tracking ------------------------------------------------------------------------------------------


def test_the_lookup_accepts_lower_case_spaces_and_no_dash(client, complaint_world):
    complaint = make_complaint(complaint_world)
    typed = complaint.tracking_code.replace("-", " ").lower()
    response = client.get("/lacak", {"code": typed})
    assert response.status_code == 302 and response["Location"] == f"/lacak/{complaint.tracking_code}"


def test_an_unknown_code_is_a_404_on_the_same_page(client, complaint_world):
    make_complaint(complaint_world)
    by_form = client.get("/lacak", {"code": "BBBB-CCCC"})
    by_path = client.get("/lacak/BBBB-CCCC")
    assert by_form.status_code == by_path.status_code == 404
    assert by_form.templates[0].name == by_path.templates[0].name == "complaints/track_lookup.html"
    assert client.get("/pengaduan/BBBB-CCCC/konfirmasi").status_code == 404


def test_tracking_lookups_are_rate_limited(client, complaint_world, monkeypatch):
    monkeypatch.setattr(views_intake, "TRACK_PER_IP", (3, 600))
    for _ in range(3):
        client.get("/lacak/BBBB-CCCC")
    assert client.get("/lacak/BBBB-CCCC").status_code == 429


def test_the_tracking_page_shows_public_replies_but_never_notes_or_identity(english, complaint_world):
    w = complaint_world
    complaint = make_complaint(
        w, title=f"Judul {SCRIPT}", reporter_nik="6474010101010001", reporter_phone="081234567890"
    )
    Complaint.objects.filter(pk=complaint.pk).update(unit=w.dpmptsp, status=Status.IN_PROGRESS)
    services.add_message(complaint=complaint, kind=Message.Kind.INTERNAL_NOTE, body="Catatan internal rahasia")
    services.add_message(complaint=complaint, kind=Message.Kind.PUBLIC_REPLY, body=f"Balasan {SCRIPT}")
    services.add_message(complaint=complaint, kind=Message.Kind.CITIZEN, body="Tambahan dari saya")
    html = english.get(f"/lacak/{complaint.tracking_code}").content.decode()
    assert "Balasan " + ESCAPED in html and "Judul " + ESCAPED in html and SCRIPT not in html
    assert "Tambahan dari saya" in html
    assert "Catatan internal" not in html
    for secret in ("Siti Aminah", "siti@example.org", "6474010101010001", "081234567890"):
        assert secret not in html
    assert "Being handled" in html


def test_an_anonim_and_rahasia_report_is_shown_to_the_holder_of_its_code(english, complaint_world):
    complaint = make_complaint(complaint_world, is_anonymous=True, is_confidential=True)
    response = english.get(f"/lacak/{complaint.tracking_code}")
    html = response.content.decode()
    assert response.status_code == 200 and complaint.title in html
    assert "your identity is hidden from the officers of the unit" in html
    assert "Siti Aminah" not in html


def test_deadlines_show_their_dates_and_pause_while_waiting_for_the_citizen(english, complaint_world):
    w = complaint_world
    complaint = make_complaint(w)
    verify = complaint.deadlines.get(stage=Stage.VERIFY)
    html = english.get(f"/lacak/{complaint.tracking_code}").content.decode()
    due = verify.due_at.astimezone(ZoneInfo("Asia/Makassar"))
    assert "Checked and sent to the unit responsible by" in html
    assert f"{due:%A}, {due.day} {due:%B} {due.year}" in html
    assert "paused while we wait for you" not in html
    now = complaint.submitted_at
    services.transition(
        complaint=complaint,
        to=Status.NEEDS_INFO,
        allowed_from=(Status.SUBMITTED,),
        actor=w.verifier,
        action="asked",
        paused_since=now,
        now=now,
    )
    deadlines.start_stage(complaint=complaint, stage=Stage.CITIZEN_REPLY, now=now)
    html = english.get(f"/lacak/{complaint.tracking_code}").content.decode()
    assert "paused while we wait for you" in html and "Your reply is needed by" in html
    assert "Reply to the officer" in html


def test_a_reply_on_the_tracking_page_resumes_the_report(english, complaint_world):
    w = complaint_world
    complaint = make_complaint(w)
    services.transition(
        complaint=complaint,
        to=Status.NEEDS_INFO,
        allowed_from=(Status.SUBMITTED,),
        actor=w.verifier,
        action="asked",
        paused_since=complaint.submitted_at,
    )
    url = f"/lacak/{complaint.tracking_code}"
    response = english.post(url, {"action": "reply", "body": f"Nomor antrean A-017 {SCRIPT}", "evidence": png()})
    assert response.status_code == 302 and response["Location"] == url
    complaint.refresh_from_db()
    assert complaint.status == Status.SUBMITTED
    message = Message.objects.get(complaint=complaint, kind=Message.Kind.CITIZEN)
    assert Evidence.objects.filter(message=message).count() == 1
    html = english.get(url).content.decode()
    assert "Thank you. Your message was added to the report." in html
    assert "Nomor antrean A-017 " + ESCAPED in html and "foto.png" in html
    assert "/kelola/pengaduan/bukti/" not in html  # names only, no download link


def test_an_empty_reply_is_refused_with_a_message(english, complaint_world):
    complaint = make_complaint(complaint_world)
    response = english.post(f"/lacak/{complaint.tracking_code}", {"action": "reply", "body": ""})
    assert response.status_code == 200 and "Please write a message." in response.content.decode()
    assert not Message.objects.exists()


def test_the_citizen_rates_once_and_may_reopen_from_the_tracking_page(english, complaint_world):
    complaint = answered(complaint_world)
    url = f"/lacak/{complaint.tracking_code}"
    html = english.get(url).content.decode()
    assert "Rate the handling" in html and "Not solved? Ask to reopen" in html
    assert english.post(url, {"action": "rate", "rating": "5", "comment": "Bagus"}).status_code == 302
    html = english.get(url).content.decode()
    assert "Rate the handling" not in html and "You rated the handling 5 out of 5." in html
    again = english.post(url, {"action": "rate", "rating": "1"})
    assert "already rated" in again.content.decode()
    complaint.refresh_from_db()
    assert complaint.rating == 5
    assert english.post(url, {"action": "reopen", "reason": "Belum beres"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.REOPENED and complaint.reopen_count == 1


def test_reopening_after_the_window_is_refused(english, complaint_world):
    complaint = answered(complaint_world)
    complaint.deadlines.filter(stage=Stage.REOPEN_WINDOW).update(due_at=complaint.submitted_at)
    url = f"/lacak/{complaint.tracking_code}"
    assert "Not solved? Ask to reopen" not in english.get(url).content.decode()
    response = english.post(url, {"action": "reopen", "reason": "Belum beres"})
    assert "can no longer be reopened" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.ANSWERED


# --- officers' recording ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["complaint_officer", "verifier", "instansi_admin", "superuser"])
def test_complaint_staff_may_open_the_recording_pages(login, complaint_world, persona):
    client = login(getattr(complaint_world, persona))
    assert client.get("/kelola/pengaduan/catat/").status_code == 200
    assert client.get("/kelola/pengaduan/catat/media-sosial/").status_code == 200


@pytest.mark.parametrize("persona", ["bob", "dave", "charlie", "nobody", "surveyor"])
def test_other_staff_get_404_on_the_recording_pages(login, complaint_world, persona):
    client = login(getattr(complaint_world, persona))
    assert client.get("/kelola/pengaduan/catat/").status_code == 404
    assert client.post("/kelola/pengaduan/catat/media-sosial/", {}).status_code == 404
    assert Complaint.objects.count() == 0


def test_the_recording_pages_need_a_login(client, complaint_world):
    response = client.get("/kelola/pengaduan/catat/")
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


@pytest.mark.parametrize("channel", [Channel.WALK_IN, Channel.LETTER, Channel.PHONE])
def test_an_officer_records_a_report_on_a_citizens_behalf(login, complaint_world, channel):
    w = complaint_world
    client = login(w.complaint_officer)
    data = form_data(w, channel=channel, consent=None, citizen_agreed="on", reporter_email="")
    data.pop("instansi")
    response = client.post("/kelola/pengaduan/catat/", {**data, "evidence": png("scan.png")})
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.channel == channel and complaint.recorded_by_id == w.complaint_officer.pk
    assert complaint.evidence.count() == 1 and complaint.instansi_id == w.bontang.pk


def test_a_recording_without_the_citizens_agreement_keeps_the_text_escaped(login, complaint_world):
    w = complaint_world
    client = login(w.verifier)
    data = form_data(w, channel=Channel.WALK_IN, consent=None, description=f"Isi {SCRIPT}")
    data.pop("instansi")
    response = client.post("/kelola/pengaduan/catat/", data)
    html = response.content.decode()
    assert response.status_code == 200 and ESCAPED in html and SCRIPT not in html
    assert Complaint.objects.count() == 0


def test_an_officer_records_a_social_media_post(login, complaint_world):
    w = complaint_world
    client = login(w.complaint_officer)
    response = client.post(
        "/kelola/pengaduan/catat/media-sosial/",
        {
            "source_url": "https://www.facebook.com/groups/infobontang/posts/42",
            "source_name": "Grup Facebook Info Bontang",
            "reporter_name": "@warga_bontang",
            "kind": Kind.COMPLAINT,
            "title": "Loket tutup lebih awal",
            "description": "Warga menulis bahwa loket tutup jam 11.",
            "evidence": png("tangkapan.png"),
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.channel == Channel.SOCIAL_MEDIA and complaint.source_url.endswith("/posts/42")
    assert complaint.recorded_by_id == w.complaint_officer.pk and complaint.evidence.count() == 1


def test_each_channel_lands_exactly_one_report(client, login, complaint_world):
    w = complaint_world
    client.post("/pengaduan/baru", form_data(w))
    officer = login(w.complaint_officer)
    for channel in (Channel.WALK_IN, Channel.LETTER, Channel.PHONE):
        data = form_data(w, channel=channel, consent=None, citizen_agreed="on")
        data.pop("instansi")
        officer.post("/kelola/pengaduan/catat/", data)
    officer.post(
        "/kelola/pengaduan/catat/media-sosial/",
        {
            "source_url": "https://news.example/a",
            "source_name": "Berita",
            "kind": "pengaduan",
            "title": "t",
            "description": "d",
        },
    )
    counts = {c: Complaint.objects.filter(channel=c).count() for c in Channel.values}
    assert counts == {
        **dict.fromkeys(Channel.values, 0),
        Channel.WEB: 1,
        Channel.WALK_IN: 1,
        Channel.LETTER: 1,
        Channel.PHONE: 1,
        Channel.SOCIAL_MEDIA: 1,
    }
    assert Complaint.objects.filter(status=Status.SUBMITTED, instansi=w.bontang).count() == 5


# --- evidence download --------------------------------------------------------------------------------


def _evidence_of_forwarded(w) -> Evidence:
    complaint = services_intake.submit_web_complaint(
        instansi=w.bontang,
        kind=Kind.COMPLAINT,
        title="Bukti",
        description="Foto loket.",
        consent=True,
        uploads=[png("loket.png")],
        now=datetime.datetime(2026, 3, 2, 2, 0, tzinfo=datetime.UTC),
    )
    services.transition(
        complaint=complaint,
        to=Status.FORWARDED,
        allowed_from=(Status.SUBMITTED,),
        actor=w.verifier,
        action="forwarded",
        unit=w.dpmptsp,
    )
    return complaint.evidence.get()


@pytest.mark.parametrize("persona", ["verifier", "complaint_officer", "alice"])
def test_staff_who_see_the_report_download_its_evidence(login, complaint_world, persona):
    item = _evidence_of_forwarded(complaint_world)
    response = login(getattr(complaint_world, persona)).get(f"/kelola/pengaduan/bukti/{item.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert "loket" not in response["Content-Disposition"]


@pytest.mark.parametrize("persona", ["charlie", "dave", "bob", "nobody"])
def test_others_get_404_for_evidence(login, complaint_world, persona):
    item = _evidence_of_forwarded(complaint_world)
    assert login(getattr(complaint_world, persona)).get(f"/kelola/pengaduan/bukti/{item.pk}/").status_code == 404


def test_evidence_needs_a_login(client, complaint_world):
    item = _evidence_of_forwarded(complaint_world)
    assert client.get(f"/kelola/pengaduan/bukti/{item.pk}/").status_code == 302
