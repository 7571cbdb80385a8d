"""A small public catalogue on top of the shared ``world`` (see mutu/core/testing.py).

Today is Monday 2 March 2026, 10.00 WITA, in every test that uses ``catalogue``.
"""

from __future__ import annotations

import datetime
import uuid
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from mutu.core.models import StoredFile
from mutu.organisations.models import Break, Counter, OpeningHours, SpecialPeriod
from mutu.standards.models import (
    Maklumat,
    ProcedureStep,
    RequirementItem,
    Service,
    ServiceCategory,
    StandardVersion,
)

WITA = ZoneInfo("Asia/Makassar")
NOW = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=WITA)
TODAY = NOW.date()
t = datetime.time
d = datetime.date

PUBLIC_TEXT = {
    "counter_time_minutes": 20,
    "completion_time_value": 28,
    "completion_time_unit": "working_days",
    "fee_kind": "free",
    "fee_amount": None,
    "fee_legal_basis": "Peraturan Daerah Kota Bontang tentang Retribusi Daerah",
    "product": "Dokumen Persetujuan Bangunan Gedung",
    "complaint_handling": "Kotak saran di gerai, WhatsApp 0811-5400-1234, SP4N-LAPOR!",
    "legal_basis": "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik",
    "facilities": "Ruang tunggu ber-AC dan loket disabilitas",
    "staff_competence": "Memahami peraturan bangunan gedung",
    "internal_supervision": "Atasan langsung dan Inspektorat",
    "staff_count": "4 orang",
    "service_guarantee": "Tepat waktu; bila terlambat, layanan prioritas pada kunjungan berikutnya",
    "safety_guarantee": "Dokumen pemohon disimpan dengan aman",
    "staff_evaluation": "Evaluasi kinerja setiap semester",
}


def publish(service, *, number, effective_date, requirements, procedure, **fields) -> StandardVersion:
    """Write a draft with its items, then publish it the way the database allows: by one update."""
    version = StandardVersion.objects.create(
        service=service, number=number, created_at=timezone.now(), **{**PUBLIC_TEXT, **fields}
    )
    RequirementItem.objects.bulk_create(
        RequirementItem(version=version, position=i, text=text) for i, text in enumerate(requirements, 1)
    )
    ProcedureStep.objects.bulk_create(
        ProcedureStep(version=version, position=i, text=text) for i, text in enumerate(procedure, 1)
    )
    StandardVersion.objects.filter(pk=version.pk).update(
        status=StandardVersion.Status.PUBLISHED,
        effective_date=effective_date,
        published_at=timezone.now(),
    )
    version.refresh_from_db()
    return version


@pytest.fixture
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def catalogue(world, frozen_now):
    w = world
    c = SimpleNamespace(world=w)

    w.dpmptsp.address = "Jl. Awang Long No. 1, Bontang"
    w.dpmptsp.phone = "0548 123456"
    w.dpmptsp.whatsapp = "0811-5400-1234"
    w.dpmptsp.email = "dpmptsp@bontangkota.go.id"
    w.dpmptsp.website = "https://dpmptsp.bontangkota.go.id/"
    w.dpmptsp.save()
    w.mpp.address = "Jl. MT Haryono, Bontang"
    w.mpp.save()

    # Friday has a long prayer break; Saturday is a half day; Sunday stays closed.
    friday = OpeningHours.objects.get(location=w.mpp, weekday=4, special_period=None)
    Break.objects.create(hours=friday, label="Istirahat dan salat Jumat", starts=t(11, 30), ends=t(13, 30))
    OpeningHours.objects.create(location=w.mpp, weekday=5, opens=t(8), closes=t(12), last_ticket=t(11, 30))
    c.disability_counter = Counter.objects.create(gerai=w.gerai_dpmptsp, code="A2", name="Loket 2", is_disability=True)
    c.ramadan = SpecialPeriod.objects.create(
        location=w.mpp, name="Ramadan 1447 H", starts_on=d(2026, 2, 18), ends_on=d(2026, 3, 19)
    )
    OpeningHours.objects.create(
        location=w.mpp,
        special_period=c.ramadan,
        weekday=0,
        opens=t(8),
        closes=t(14),
        last_ticket=t(13),
    )
    c.past_closure = SpecialPeriod.objects.create(
        location=w.mpp,
        name="Renovasi atap",
        kind="closed",
        starts_on=d(2026, 1, 5),
        ends_on=d(2026, 1, 9),
    )
    c.election = SpecialPeriod.objects.create(
        location=w.mpp,
        name="Pemungutan suara",
        kind="closed",
        starts_on=d(2026, 4, 15),
        ends_on=d(2026, 4, 15),
    )

    building = ServiceCategory.objects.create(unit=w.dpmptsp, name="Perizinan Bangunan", position=1)
    business = ServiceCategory.objects.create(unit=w.dpmptsp, name="Perizinan Usaha", position=2)
    c.pbg = Service.objects.create(
        unit=w.dpmptsp,
        category=building,
        slug="pbg",
        name="Persetujuan Bangunan Gedung (PBG)",
        summary="Izin membangun, mengubah atau merawat bangunan gedung",
        national_system="SIMBG",
    )
    c.pbg_v1 = publish(
        c.pbg,
        number=1,
        effective_date=d(2026, 1, 5),
        fee_kind="fixed",
        fee_amount=150_000,
        requirements=["Fotokopi KTP pemohon", "Bukti kepemilikan tanah", "Gambar rencana bangunan"],
        procedure=[
            "Daftar akun di SIMBG",
            "Unggah dokumen teknis",
            "Konsultasi dengan TPA",
            "Bayar retribusi",
        ],
        decree_number="188.45/12/DPMPTSP/2025",
        decree_date=d(2025, 12, 20),
    )
    c.pbg_v2 = publish(
        c.pbg,
        number=2,
        effective_date=d(2026, 7, 1),
        fee_kind="fixed",
        fee_amount=175_000,
        completion_time_value=20,
        requirements=[
            "Fotokopi KTP pemohon",
            "Bukti kepemilikan tanah",
            "Surat pernyataan tetangga",
        ],
        procedure=["Daftar akun di SIMBG", "Unggah dokumen teknis", "Bayar retribusi"],
    )
    c.nib = Service.objects.create(
        unit=w.dpmptsp,
        category=business,
        slug="nib",
        name="Nomor Induk Berusaha (NIB)",
        national_system="OSS-RBA",
    )
    c.nib_v1 = publish(
        c.nib,
        number=1,
        effective_date=d(2025, 6, 1),
        requirements=["KTP pemilik usaha"],
        procedure=["Daftar di OSS-RBA", "Terbitkan NIB"],
        completion_time_value=1,
        completion_time_unit="hours",
        product="NIB",
    )
    c.ktp = Service.objects.create(
        unit=w.dukcapil,
        slug="ktp-el",
        name="Kartu Tanda Penduduk elektronik",
        summary="KTP-el bagi penduduk berusia 17 tahun atau sudah menikah",
    )
    c.ktp_v1 = publish(
        c.ktp,
        number=1,
        effective_date=d(2025, 1, 1),
        requirements=["Kartu Keluarga"],
        procedure=["Rekam sidik jari dan foto", "Cetak KTP-el"],
        product="KTP-el",
    )
    c.billboard = Service.objects.create(unit=w.dpmptsp, slug="izin-reklame", name="Izin Reklame")
    StandardVersion.objects.create(service=c.billboard, number=1, created_at=timezone.now(), **PUBLIC_TEXT)
    c.pharmacist = Service.objects.create(unit=w.dpmptsp, slug="sip-apoteker", name="Surat Izin Praktik Apoteker")
    publish(
        c.pharmacist,
        number=1,
        effective_date=d(2026, 5, 1),
        requirements=["STR apoteker"],
        procedure=["Ajukan berkas"],
    )

    c.maklumat_scan = StoredFile.objects.create(
        id=uuid.uuid4(),
        created_at=timezone.now(),
        unit=w.dpmptsp,
        is_public=True,
        purpose="maklumat",
        original_name="maklumat.pdf",
        kind="pdf",
        content_type="application/pdf",
        size=1234,
        sha256="0" * 64,
        relative_path="2025/12/maklumat-test",
    )
    c.maklumat = Maklumat.objects.create(
        unit=w.dpmptsp,
        signed_on=d(2025, 12, 1),
        created_at=timezone.now(),
        scan=c.maklumat_scan,
        text="Kami menyatakan sanggup menyelenggarakan pelayanan sesuai standar pelayanan.",
        signatory_name="Dra. Siti Rahmawati",
        signatory_title="Kepala DPMPTSP Kota Bontang",
    )
    return c


@pytest.fixture
def english_client():
    client = Client()
    client.cookies["mutu_language"] = "en"
    return client
