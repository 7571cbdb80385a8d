"""A small counter-service world on top of ``mutu.core.testing.build_world``.

The MPP (WITA) is open Mon–Sat 08:00–16:00, last ticket 15:00, lunch 12:00–13:00.
DPMPTSP serves "Izin Reklame" (counter time 15 min) on line A at counter A1, where
bob is assigned; Disdukcapil serves "KTP-el" on line B at counter B1 (charlie's unit).
The DPMPTSP compensation rules are the Bontang defaults.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from mutu.organisations.models import Break, OpeningHours
from mutu.queues.models import CompensationRule, CompensationRuleSet, CounterAssignment, QueueLine, Remedy, Trigger
from mutu.standards.models import ProcedureStep, RequirementItem, Service, StandardVersion


def published_service(*, unit, name: str, slug: str, counter_minutes: int = 15, completion=(5, "working_days")):
    service = Service.objects.create(unit=unit, name=name, slug=slug)
    version = StandardVersion.objects.create(
        service=service,
        number=1,
        created_at=timezone.now(),
        counter_time_minutes=counter_minutes,
        completion_time_value=completion[0],
        completion_time_unit=completion[1],
        fee_legal_basis="Perda",
        product="Izin",
        complaint_handling="WhatsApp 0811-53-1515",
    )
    RequirementItem.objects.bulk_create(
        [
            RequirementItem(version=version, position=i, text=t)
            for i, t in enumerate(["Fotokopi KTP", "Surat permohonan", "Gambar desain"], 1)
        ]
    )
    ProcedureStep.objects.create(version=version, position=1, text="Ajukan berkas")
    StandardVersion.objects.filter(pk=version.pk).update(
        status="published", effective_date=dt.date(2025, 1, 1), published_at=timezone.now()
    )
    version.refresh_from_db()
    return service, version


def default_rules(*, unit, effective_from=dt.date(2025, 1, 1)) -> CompensationRuleSet:
    ruleset = CompensationRuleSet.objects.create(
        unit=unit, number=1, effective_from=effective_from, created_at=timezone.now()
    )
    CompensationRule.objects.bulk_create(
        [
            CompensationRule(
                ruleset=ruleset,
                trigger=Trigger.WAIT_WITHOUT_INFO,
                threshold_minutes=10,
                remedy=Remedy.APOLOGY_DRINK,
                poster_text="Menunggu lebih dari 10 menit tanpa informasi: permintaan maaf dan minuman.",
            ),
            CompensationRule(
                ruleset=ruleset,
                trigger=Trigger.COUNTER_TIME,
                remedy=Remedy.SOUVENIR_OR_VOUCHER,
                poster_text="Layanan melebihi standar waktu: suvenir atau prioritas kunjungan berikutnya.",
            ),
            CompensationRule(
                ruleset=ruleset,
                trigger=Trigger.BERKAS_LATE,
                remedy=Remedy.PRIORITY_VOUCHER,
                voucher_valid_days=30,
                poster_text="Berkas selesai melewati janji: prioritas layanan pada kunjungan berikutnya.",
            ),
        ]
    )
    return ruleset


def build_queue_world(w):
    """Add queue lines, hours with a lunch break, assignments and rules to ``build_world()``."""
    OpeningHours.objects.filter(location=w.mpp).delete()
    for weekday in range(6):
        hours = OpeningHours.objects.create(
            location=w.mpp, weekday=weekday, opens=dt.time(8), closes=dt.time(16), last_ticket=dt.time(15)
        )
        Break.objects.create(hours=hours, label="Istirahat", starts=dt.time(12), ends=dt.time(13))
    w.reklame, w.reklame_v1 = published_service(unit=w.dpmptsp, name="Izin Reklame", slug="reklame")
    w.ktp, w.ktp_v1 = published_service(
        unit=w.dukcapil, name="KTP-el", slug="ktp-el", counter_minutes=20, completion=(1, "hours")
    )
    w.line_a = QueueLine.objects.create(gerai=w.gerai_dpmptsp, service=w.reklame, prefix="A")
    w.line_a.counters.add(w.counter_a1)
    w.line_b = QueueLine.objects.create(gerai=w.gerai_dukcapil, service=w.ktp, prefix="B")
    w.line_b.counters.add(w.counter_b1)
    CounterAssignment.objects.create(counter=w.counter_a1, officer=w.bob, created_at=timezone.now())
    w.rules = default_rules(unit=w.dpmptsp)
    return w
