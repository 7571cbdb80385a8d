"""Demo complaints for Pemerintah Kota Bontang: one or more in every state, from every channel.

Each story runs through the real services (intake, verification, handling, LAPOR! import) with
moments in the past, so deadlines, the history and the statistics look lived in.  A story is
keyed on its subject (and LAPOR!'s tracking number), so running the seed again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from mutu.complaints import deadlines, lapor
from mutu.complaints import services_handling as handling
from mutu.complaints import services_intake as intake
from mutu.complaints import services_verification as verification
from mutu.complaints.models import Category, Channel, Complaint, Kind, Stage, Status
from mutu.complaints.services import submit_complaint, transition
from mutu.complaints.services_lapor import import_lapor_file
from mutu.organisations.models import Instansi, Unit
from mutu.standards.models import Service

INSTANSI = "kota-bontang"
DPMPTSP = "dpmptsp-bontang"
DUKCAPIL = "disdukcapil-bontang"
VERIFIER = "verifikator.bontang"
OFFICER = "pengaduan.dpmptsp"
# Categories as units publish them on SIPPN (working days).
CATEGORIES = {
    DPMPTSP: [("Ringan", 2, "Pelayanan Publik"), ("Normatif", 5, "Perizinan"), ("Perlu pemeriksaan", 14, "")],
    DUKCAPIL: [("Ringan", 2, "Administrasi Kependudukan"), ("Perlu pemeriksaan", 14, "")],
}

# Two reports as SP4N-LAPOR! exports them (dates filled in relative to today).
LAPOR_ROWS = [
    {
        lapor.TRACKING: "LAP-8812345",
        lapor.TITLE: "Izin usaha tak kunjung terbit di OSS",
        lapor.TEXT: "Permohonan NIB saya sejak tiga minggu lalu belum terbit, sudah ke MPP dua kali.",
        lapor.KIND: "Pengaduan",
        lapor.CATEGORY: "Perizinan",
        lapor.STATUS: "Belum Ditindaklanjuti",
        lapor.ANONYMOUS: "Tidak",
        lapor.CONFIDENTIAL: "Tidak",
    },
    {
        lapor.TRACKING: "LAP-8812377",
        lapor.TITLE: "Usul layanan antar KTP untuk lansia",
        lapor.TEXT: "Mohon ada layanan jemput bola perekaman KTP-el untuk lansia di Kelurahan Lok Tuan.",
        lapor.KIND: "Aspirasi",
        lapor.CATEGORY: "Administrasi Kependudukan",
        lapor.STATUS: "Belum Ditindaklanjuti",
        lapor.ANONYMOUS: "Ya",
        lapor.CONFIDENTIAL: "Tidak",
    },
]


@dataclass
class Ctx:
    instansi: Instansi
    dpmptsp: Unit
    dukcapil: Unit
    verifier: object
    officer: object
    service: Service | None
    categories: dict[tuple[str, str], Category]
    now: dt.datetime

    def at(self, days_ago: float, hours: float = 0) -> dt.datetime:
        return self.now - dt.timedelta(days=days_ago) + dt.timedelta(hours=hours)


def _web(ctx: Ctx, title: str, description: str, days_ago: float, **kwargs) -> Complaint:
    kwargs.setdefault("reporter_name", "Warga Bontang")
    kwargs.setdefault("reporter_email", "warga.demo@example.org")
    return submit_complaint(
        instansi=ctx.instansi,
        channel=kwargs.pop("channel", Channel.WEB),
        title=title,
        description=description,
        consent=True,
        service=kwargs.pop("service", ctx.service),
        now=ctx.at(days_ago),
        **kwargs,
    )


def _forward(ctx: Ctx, c: Complaint, days_ago: float, unit: Unit | None = None, category: str = "Ringan"):
    unit = unit or ctx.dpmptsp
    return verification.forward_complaint(
        complaint=c,
        unit=unit,
        category=ctx.categories.get((unit.slug, category)),
        note="Mohon ditindaklanjuti.",
        by=ctx.verifier,
        now=ctx.at(days_ago),
    )


def _handled(ctx: Ctx, c: Complaint, days_ago: float) -> Complaint:
    c = _forward(ctx, c, days_ago)
    handling.assign_complaint(complaint=c, officer=ctx.officer, by=ctx.officer, now=ctx.at(days_ago, 1))
    return handling.start_handling(complaint=c, by=ctx.officer, now=ctx.at(days_ago, 2))


def _answered(ctx: Ctx, c: Complaint, days_ago: float) -> Complaint:
    c = _handled(ctx, c, days_ago)
    handling.post_public_reply(
        complaint=c, body="Terima kasih, laporan Anda sedang kami periksa.", by=ctx.officer, now=ctx.at(days_ago, 3)
    )
    return handling.answer_complaint(
        complaint=c,
        outcome="Petugas loket sudah diberi teguran dan papan informasi antrean diperbaiki.",
        by=ctx.officer,
        now=ctx.at(days_ago, 26),
    )


def s_submitted(ctx: Ctx, title: str) -> Complaint:
    return _web(ctx, title, "Saya menunggu lebih dari satu jam tanpa informasi di loket perizinan.", 0.2)


def s_needs_info(ctx: Ctx, title: str) -> Complaint:
    c = _web(ctx, title, "Ada petugas yang meminta uang tambahan.", 2)
    return verification.request_more_information(
        complaint=c, question="Mohon sebutkan tanggal, loket dan ciri-ciri petugasnya.", by=ctx.verifier, now=ctx.at(1)
    )


def s_forwarded(ctx: Ctx, title: str) -> Complaint:
    c = _web(ctx, title, "Kartu keluarga saya belum dicetak sejak dua minggu.", 2, service=None)
    return _forward(ctx, c, 1, unit=ctx.dukcapil)


def s_in_progress_walk_in(ctx: Ctx, title: str) -> Complaint:
    c = intake.record_complaint(
        recorder=ctx.officer,
        instansi=ctx.instansi,
        channel=Channel.WALK_IN,
        kind=Kind.COMPLAINT,
        title=title,
        description="Pemohon datang ke MPP: syarat PBG di laman berbeda dengan di loket.",
        reporter_name="Bapak Hendra",
        reporter_phone="0812 5555 0101",
        citizen_agreed=True,
        now=ctx.at(4),
    )
    return _handled(ctx, c, 3)


def s_waiting(ctx: Ctx, title: str) -> Complaint:
    c = _handled(ctx, _web(ctx, title, "Berkas saya dinyatakan kurang, padahal sudah lengkap.", 5), 4)
    return handling.ask_citizen(
        complaint=c, question="Mohon kirim foto tanda terima berkas Anda.", by=ctx.officer, now=ctx.at(3)
    )


def s_answered_social(ctx: Ctx, title: str) -> Complaint:
    c = intake.record_complaint(
        recorder=ctx.officer,
        instansi=ctx.instansi,
        channel=Channel.SOCIAL_MEDIA,
        kind=Kind.COMPLAINT,
        title=title,
        description="Unggahan di grup Facebook warga: antrean MPP tidak tertib pada Senin pagi.",
        source_url="https://www.facebook.com/groups/contoh-warga-bontang/posts/1",
        source_name="Grup Facebook warga Bontang",
        now=ctx.at(6),
    )
    return _answered(ctx, c, 5)


def s_reopened(ctx: Ctx, title: str) -> Complaint:
    c = _answered(ctx, _web(ctx, title, "Papan informasi tarif tidak ada di gerai.", 4), 3)
    return intake.request_reopen(complaint=c, reason="Papannya masih belum dipasang.", now=ctx.at(1))


def s_closed(ctx: Ctx, title: str) -> Complaint:
    c = _answered(ctx, _web(ctx, title, "Ruang tunggu panas, AC mati.", 20), 19)
    c = handling.close_complaint(complaint=c, by=ctx.officer, now=ctx.at(15))
    return intake.rate_handling(complaint=c, rating=5, comment="Cepat ditangani, terima kasih.", now=ctx.at(14))


def s_withdrawn(ctx: Ctx, title: str) -> Complaint:
    c = _web(ctx, title, "Pelayanan lambat.", 45)
    c = verification.request_more_information(
        complaint=c, question="Layanan apa dan kapan kejadiannya?", by=ctx.verifier, now=ctx.at(44)
    )
    # What the nightly job does after 30 days without the citizen's reply.
    moment = ctx.at(13)
    transition(
        complaint=c,
        to=Status.WITHDRAWN,
        allowed_from=[Status.NEEDS_INFO],
        actor=None,
        action="withdraw",
        note="no reply within the citizen's deadline",
        now=moment,
        paused_since=None,
        closed_at=moment,
    )
    deadlines.cancel_stages(complaint=c, stages=tuple(Stage.values), now=moment)
    return c


def s_not_authority(ctx: Ctx, title: str) -> Complaint:
    c = _web(ctx, title, "Jalan nasional di depan pelabuhan berlubang.", 3, service=None)
    return verification.mark_not_authority(
        complaint=c,
        reason="Jalan nasional adalah kewenangan Balai Pelaksanaan Jalan Nasional; silakan lapor melalui SP4N-LAPOR!.",
        by=ctx.verifier,
        now=ctx.at(2),
    )


def s_archived(ctx: Ctx, title: str) -> Complaint:
    c = _web(ctx, title, "tes tes", 8, service=None)
    return verification.archive_complaint(
        complaint=c, reason="Bukan laporan: pesan uji coba.", by=ctx.verifier, now=ctx.at(7)
    )


def s_merged(ctx: Ctx, title: str) -> Complaint:
    into = Complaint.objects.filter(instansi=ctx.instansi, title=STORY_TITLES["submitted"]).first()
    c = _web(ctx, title, "Antrean loket perizinan lama sekali tanpa pemberitahuan.", 0.1)
    return verification.merge_complaint(duplicate=c, into=into, by=ctx.verifier, now=ctx.now)


def s_information_request(ctx: Ctx, title: str) -> Complaint:
    c = _web(ctx, title, "Berapa lama dan berapa biaya pengurusan PBG untuk rumah tinggal?", 3, kind=Kind.INFORMATION)
    return _forward(ctx, c, 2, category="Normatif")


def s_anonim_rahasia(ctx: Ctx, title: str) -> Complaint:
    c = _web(
        ctx,
        title,
        "Ada calo yang menawarkan percepatan izin di parkiran MPP.",
        1,
        is_anonymous=True,
        is_confidential=True,
        reporter_name="Pelapor Rahasia",
    )
    return c


STORIES: list[tuple[str, str, Callable[[Ctx, str], Complaint]]] = [
    ("submitted", "Antrean loket perizinan tanpa informasi", s_submitted),
    ("needs_info", "Dugaan pungutan di loket", s_needs_info),
    ("forwarded", "Kartu keluarga belum dicetak", s_forwarded),
    ("in_progress", "Syarat PBG berbeda di laman dan di loket", s_in_progress_walk_in),
    ("waiting", "Berkas dinyatakan kurang", s_waiting),
    ("answered", "Antrean MPP tidak tertib (grup Facebook)", s_answered_social),
    ("reopened", "Papan tarif tidak ada di gerai", s_reopened),
    ("closed", "AC ruang tunggu mati", s_closed),
    ("withdrawn", "Pelayanan lambat", s_withdrawn),
    ("not_authority", "Jalan nasional berlubang", s_not_authority),
    ("archived", "tes", s_archived),
    ("merged", "Antrean perizinan lama (laporan ganda)", s_merged),
    ("information", "Biaya dan lama pengurusan PBG", s_information_request),
    ("anonim_rahasia", "Calo di parkiran MPP", s_anonim_rahasia),
]
STORY_TITLES = {key: title for key, title, _story in STORIES}


def seed(*, stdout) -> None:
    User = get_user_model()
    instansi = Instansi.objects.filter(slug=INSTANSI).first()
    if instansi is None:
        return
    units = {u.slug: u for u in Unit.objects.filter(slug__in=[DPMPTSP, DUKCAPIL])}
    categories = {}
    for unit_slug, rows in CATEGORIES.items():
        for name, days, lapor_category in rows:
            category, _created = Category.objects.get_or_create(
                unit=units[unit_slug], name=name, defaults={"completion_days": days, "lapor_category": lapor_category}
            )
            categories[(unit_slug, name)] = category
    ctx = Ctx(
        instansi=instansi,
        dpmptsp=units[DPMPTSP],
        dukcapil=units[DUKCAPIL],
        verifier=User.objects.get(username=VERIFIER),
        officer=User.objects.get(username=OFFICER),
        service=Service.objects.filter(unit=units[DPMPTSP], is_active=True).order_by("name").first(),
        categories=categories,
        now=timezone.now(),
    )
    created = 0
    for _key, title, story in STORIES:
        if Complaint.objects.filter(instansi=instansi, title=title).exists():
            continue
        story(ctx, title)
        created += 1
    zone = ZoneInfo(instansi.timezone)
    rows = [{**row, lapor.REPORTED_AT: lapor.format_datetime(ctx.at(2 - i), zone)} for i, row in enumerate(LAPOR_ROWS)]
    result = import_lapor_file(
        instansi=instansi,
        content=lapor.build_csv(rows),
        filename="lapor-demo.csv",
        by=ctx.verifier,
        now=ctx.now,
    )
    if result.created:
        first = Complaint.objects.get(instansi=instansi, external_id=result.created[0])
        _forward(ctx, first, 1, category="Normatif")
    created += len(result.created)
    stdout.write(f"Complaints: {created} demo reports created, every state present.")
