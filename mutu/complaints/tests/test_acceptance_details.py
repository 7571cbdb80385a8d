"""Smaller promises of the complaints issue, each through the page that keeps it: the inbox's
service filter, the web form's location, logging a social-media reply from the detail page, and
markup in a report staying text on the notification and verification pages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache

from mutu.complaints.models import Complaint, Message
from mutu.complaints.services_verification import forward_complaint
from mutu.complaints.testing import make_complaint
from mutu.complaints.tests.test_open311_endpoints import published
from mutu.core.models import Notification
from mutu.core.outbox import deliver_due

NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
SCRIPT = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.RATELIMIT_ENABLED = False
    settings.COMPLAINT_CODE_SENDER = "mutu.complaints.senders.ConsoleCodeSender"
    cache.clear()
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_inbox_filters_by_service(login, complaint_world):
    w = complaint_world
    pbg = published(w.dpmptsp, "pbg", "Persetujuan Bangunan Gedung")
    nib = published(w.dpmptsp, "nib", "Nomor Induk Berusaha")
    about_pbg = make_complaint(w, service=pbg, title="PBG lambat")
    about_nib = make_complaint(w, service=nib, title="NIB salah nama")
    make_complaint(w, title="Tanpa layanan")
    client = login(w.verifier)

    page = client.get("/kelola/pengaduan/", {"service": pbg.pk})

    assert page.status_code == 200
    assert [row["complaint"].pk for row in page.context["rows"]] == [about_pbg.pk]
    other = client.get("/kelola/pengaduan/", {"service": nib.pk})
    assert [row["complaint"].pk for row in other.context["rows"]] == [about_nib.pk]
    # A service number that is not one of the choices is a form error, not a 500 and not "everything".
    bad = client.get("/kelola/pengaduan/", {"service": "999999"})
    assert bad.status_code == 200


def test_the_web_form_keeps_where_it_happened(client, complaint_world):
    w = complaint_world
    response = client.post(
        "/pengaduan/baru",
        {
            "instansi": w.bontang.pk,
            "kind": "pengaduan",
            "location": w.mpp.pk,
            "title": "AC mati",
            "description": "Ruang tunggu panas sekali.",
            "reporter_name": "Siti",
            "reporter_email": "siti@example.org",
            "consent": "on",
            "website": "",
        },
    )

    assert response.status_code == 302
    assert Complaint.objects.get().location_id == w.mpp.pk


def test_a_location_that_is_not_offered_is_refused_and_the_text_kept(client, complaint_world):
    w = complaint_world
    response = client.post(
        "/pengaduan/baru",
        {
            "instansi": w.bontang.pk,
            "kind": "pengaduan",
            "location": "987654",
            "title": "AC mati",
            "description": "Ruang tunggu panas sekali.",
            "consent": "on",
            "website": "",
        },
    )

    assert response.status_code in (200, 400, 422)
    assert Complaint.objects.count() == 0
    assert "Ruang tunggu panas sekali." in response.text


def _social_complaint(w):
    complaint = make_complaint(
        w,
        channel="social",
        title="Loket tutup awal",
        source_url="https://www.facebook.com/groups/infobontang/posts/9",
        source_name="Grup Facebook Info Bontang",
        recorded_by=w.complaint_officer,
    )
    return forward_complaint(complaint=complaint, unit=w.dpmptsp, by=w.verifier, now=NOW)


def test_the_officer_logs_the_reply_posted_on_social_media_from_the_detail_page(login, complaint_world):
    w = complaint_world
    complaint = _social_complaint(w)
    client = login(w.complaint_officer)

    response = client.post(
        f"/kelola/pengaduan/{complaint.pk}/tindakan/",
        {"action": "social", "social-body": "Terima kasih, loket kini buka sampai 15.00."},
    )

    assert response.status_code == 302
    logged = Message.objects.get(complaint=complaint, kind=Message.Kind.SOCIAL_POST)
    assert logged.body.startswith("Terima kasih") and logged.author_id == w.complaint_officer.pk
    detail = client.get(f"/kelola/pengaduan/{complaint.pk}/")
    assert "loket kini buka sampai 15.00" in detail.text


def test_an_empty_social_reply_is_refused_with_a_message(login, complaint_world):
    w = complaint_world
    complaint = _social_complaint(w)
    client = login(w.complaint_officer)

    response = client.post(f"/kelola/pengaduan/{complaint.pk}/tindakan/", {"action": "social", "social-body": ""})

    assert response.status_code == 400
    assert not Message.objects.filter(complaint=complaint, kind=Message.Kind.SOCIAL_POST).exists()


def test_markup_in_a_report_stays_text_on_the_verify_page_and_in_notifications(login, complaint_world):
    w = complaint_world
    complaint = make_complaint(w, title=f"Judul {SCRIPT}", description=f"Isi {SCRIPT}", reporter_name=SCRIPT)
    deliver_due(now=NOW)  # the verifier's in-app notice of the new report

    client = login(w.verifier)
    verify = client.get(f"/kelola/pengaduan/verifikasi/{complaint.pk}/")
    assert verify.status_code == 200
    assert SCRIPT not in verify.text and ESCAPED in verify.text

    notice = Notification.objects.filter(user=w.verifier).first()
    assert notice is not None and "<script>" in notice.text  # stored as typed…
    page = client.get("/akun/notifikasi/")
    assert page.status_code == 200
    assert SCRIPT not in page.text  # …and shown as text
    queue = client.get("/kelola/pengaduan/verifikasi/")
    assert SCRIPT not in queue.text and ESCAPED in queue.text
