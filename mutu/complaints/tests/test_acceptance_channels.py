"""An item from each official channel reaches the staff inbox exactly once.

Each report goes in through its own real entry point (the citizen's form, the officers' recording
pages, a LAPOR! file, Open311, the JSON API, the WhatsApp and Instagram webhooks), each entry is
sent twice where a channel can repeat itself, and the verifier's inbox page lists each exactly once.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from mutu.complaints.models import Channel, Complaint
from mutu.complaints.tests.test_open311_endpoints import published
from mutu.messaging.models import Platform
from mutu.messaging.testing import build_chat_world
from mutu.messaging.tests.conversation_chat import Chat

NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
OPEN311_KEY = "kunci-uji-kanal-123"

# One subject per channel, so the inbox page can be searched for each.
TITLES = {
    Channel.WEB: "Formulir web: loket tutup awal",
    Channel.WALK_IN: "Datang langsung: antrean dilewati",
    Channel.LETTER: "Surat: izin usaha belum terbit",
    Channel.PHONE: "Telepon: petugas tidak ramah",
    Channel.SOCIAL_MEDIA: "Media sosial: AC ruang tunggu mati",
    Channel.LAPOR: "LAPOR: pungutan di luar tarif",
    Channel.OPEN311: "Papan informasi PBG rusak",
    Channel.API: "API: nomor antrean hilang",
    Channel.WHATSAPP: "WhatsApp: berkas izin hilang di loket",
    Channel.INSTAGRAM: "Instagram: petugas loket tidak ada di tempat",
}


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.RATELIMIT_ENABLED = False
    settings.OPEN311_API_KEYS = {OPEN311_KEY: "kota-bontang"}
    settings.COMPLAINT_CODE_SENDER = "mutu.complaints.senders.ConsoleCodeSender"
    cache.clear()
    with time_machine.travel(NOW, tick=False):
        yield


def _send_web(client, w):
    return client.post(
        "/pengaduan/baru",
        {
            "instansi": w.bontang.pk,
            "kind": "pengaduan",
            "title": TITLES[Channel.WEB],
            "description": "Loket perizinan tutup pukul 11.00 padahal jadwal sampai 15.00.",
            "reporter_name": "Siti Aminah",
            "reporter_email": "siti@example.org",
            "consent": "on",
            "website": "",
        },
    )


def _record(officer, channel):
    return officer.post(
        "/kelola/pengaduan/catat/",
        {
            "channel": channel,
            "kind": "pengaduan",
            "title": TITLES[channel],
            "description": "Dicatat petugas atas nama warga.",
            "reporter_name": "Pak Darto",
            "citizen_agreed": "on",
        },
    )


def _record_social(officer):
    return officer.post(
        "/kelola/pengaduan/catat/media-sosial/",
        {
            "source_url": "https://www.facebook.com/groups/infobontang/posts/77",
            "source_name": "Grup Facebook Info Bontang",
            "kind": "pengaduan",
            "title": TITLES[Channel.SOCIAL_MEDIA],
            "description": "Warga menulis AC ruang tunggu MPP mati sejak pagi.",
        },
    )


def _import_lapor(verifier):
    content = (
        "Nomor Tracking,Judul,Isi Laporan,Jenis,Tanggal Laporan,Anonim,Rahasia\n"
        f"LAP-7001,{TITLES[Channel.LAPOR]},Diminta membayar di luar tarif resmi,Pengaduan,"
        "2026-11-25 09:15,Tidak,Tidak\n"
    ).encode()
    return verifier.post(
        "/kelola/pengaduan/lapor/", {"file": SimpleUploadedFile("lapor.csv", content, content_type="text/csv")}
    )


def _post_open311(client):
    return client.post(
        "/open311/v2/requests.json",
        {
            "api_key": OPEN311_KEY,
            "service_code": "dpmptsp.pbg",
            "lat": "0.1333",
            "long": "117.5000",
            "description": TITLES[Channel.OPEN311] + ", tulisannya tidak terbaca.",
            "email": "warga@example.org",
        },
    )


def _post_api(client):
    payload = {
        "instansi": "kota-bontang",
        "kind": "pengaduan",
        "title": TITLES[Channel.API],
        "description": "Nomor antrean saya hilang dari layar.",
        "reporter_name": "Rina",
        "reporter_email": "rina@example.org",
        "consent": True,
    }
    return client.post("/api/v1/complaints", data=json.dumps(payload), content_type="application/json")


def _chat(client, graph, platform, sender):
    """A whole guided conversation through the signed webhook; the citizen's first message is
    delivered twice (Meta retries), the report must still be one."""
    chat = Chat(client, graph, platform=platform, sender=sender)
    chat.say(TITLES[platform] + ", sudah tiga hari tidak ada kabar.")
    chat.resend_last()
    for answer in ("0", "Gedung MPP Bontang", "lanjut", "Rahmat Hidayat", "1", "kirim"):
        chat.say(answer)
    return chat


def test_an_item_from_each_channel_reaches_the_inbox_once(client, login, complaint_world, fake_graph, webhook_secrets):
    w = build_chat_world(complaint_world)
    published(w.dpmptsp, "pbg", "Persetujuan Bangunan Gedung")
    _chat(client, fake_graph, Platform.WHATSAPP, "6281299990001")
    _chat(client, fake_graph, Platform.INSTAGRAM, "5310000000000042")

    assert _send_web(client, w).status_code == 302
    assert _post_open311(client).status_code == 200
    assert _post_api(client).status_code == 201
    officer = login(w.complaint_officer)
    for channel in (Channel.WALK_IN, Channel.LETTER, Channel.PHONE):
        assert _record(officer, channel).status_code == 302
    assert _record_social(officer).status_code == 302
    verifier = login(w.verifier)
    assert _import_lapor(verifier).status_code == 200
    # The LAPOR! file is the only entry a unit sends twice on purpose (reconciliation): nothing new.
    assert _import_lapor(verifier).status_code == 200

    assert Complaint.objects.count() == len(TITLES)
    page = verifier.get("/kelola/pengaduan/")
    assert page.status_code == 200
    listed = [row["complaint"] for row in page.context["rows"]]
    assert sorted(c.channel for c in listed) == sorted(TITLES)
    for channel, title in TITLES.items():
        complaint = Complaint.objects.get(channel=channel)
        assert title in complaint.title or title in complaint.description
        assert page.text.count(complaint.tracking_code) == 1, channel
        filtered = verifier.get("/kelola/pengaduan/", {"channel": channel})
        assert [row["complaint"].pk for row in filtered.context["rows"]] == [complaint.pk], channel
