"""Demo counter service for Bontang: queue lines, officers at counters, the compensation
rules of DPMPTSP (seed article 000), a busy day of tickets with compensations, today's
waiting line, and files processed over days.

Keyed on natural keys (ticket numbers per day, receipt numbers), so running the seed
again on the same day changes nothing. The busy day is the last working day before
today, so the statistics and the register always have something recent to show.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from mutu.organisations.models import Counter, Gerai, Location, Unit
from mutu.queues import calculations as calc
from mutu.queues.detection import detect_breaches
from mutu.queues.models import (
    Berkas,
    CompensationCase,
    CompensationRuleSet,
    CounterAssignment,
    PriorityGroup,
    QueueLine,
    Remedy,
    Ticket,
    Trigger,
)
from mutu.queues.selectors.schedule import location_schedule
from mutu.queues.services.berkas import mark_ready, receive_berkas
from mutu.queues.services.compensation import compensation_record_given, ruleset_create
from mutu.queues.services.tickets import issue_ticket
from mutu.standards.models import Maklumat, Service, StandardVersion
from mutu.standards.selectors import current_version

# Ticket letters per gerai: one numbering for all services of a gerai, as on Bontang's board.
PREFIXES = {
    ("mpp-bontang", "dpmptsp-bontang"): "A",
    ("mpp-bontang", "disdukcapil-bontang"): "B",
    ("mpp-bontang", "bpjs-kesehatan-bontang"): "C",
    ("mpp-bontang", "kantah-bontang"): "D",
}
OFFICE_PREFIX = "K"
ASSIGNMENTS = {"loket.dpmptsp": ["A1", "A2", "A3"], "loket.dukcapil": ["B1", "B2"]}

POSTER = {
    Trigger.WAIT_WITHOUT_INFO: (
        "Menunggu lebih dari 10 menit tanpa informasi yang jelas dari petugas: kami meminta maaf dan "
        "memberikan minuman."
    ),
    Trigger.COUNTER_TIME: (
        "Pelayanan tidak selesai dalam standar waktu: kami memberikan suvenir atau prioritas layanan pada "
        "kunjungan berikutnya."
    ),
    Trigger.BERKAS_LATE: (
        "Berkas selesai melewati tanggal yang dijanjikan: kami memberikan prioritas layanan pada kunjungan berikutnya."
    ),
}


def _lines(stdout) -> list[QueueLine]:
    created = 0
    lines = []
    for gerai in Gerai.objects.filter(is_active=True).select_related("location", "unit"):
        prefix = PREFIXES.get((gerai.location.slug, gerai.unit.slug), OFFICE_PREFIX)
        counters = list(gerai.counters.filter(is_active=True))
        services = Service.objects.filter(unit=gerai.unit, is_active=True).order_by("name")
        for position, service in enumerate(services):
            line, was_created = QueueLine.objects.get_or_create(
                gerai=gerai, service=service, defaults={"prefix": prefix, "position": position}
            )
            if was_created:
                line.counters.set(counters)
                created += 1
            lines.append(line)
    return lines


def _assignments() -> None:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=ASSIGNMENTS)}
    for username, codes in ASSIGNMENTS.items():
        if username not in users:
            continue
        unit_slug = "dpmptsp-bontang" if "dpmptsp" in username else "disdukcapil-bontang"
        for counter in Counter.objects.filter(
            gerai__location__slug="mpp-bontang", gerai__unit__slug=unit_slug, code__in=codes
        ):
            CounterAssignment.objects.get_or_create(
                counter=counter, officer=users[username], defaults={"created_at": timezone.now()}
            )


def _rules(unit: Unit, head) -> None:
    if CompensationRuleSet.objects.filter(unit=unit).exists():
        return
    ruleset_create(
        unit=unit,
        effective_from=dt.date(2024, 11, 1),
        rules=[
            {
                "trigger": Trigger.WAIT_WITHOUT_INFO,
                "threshold_minutes": 10,
                "remedy": Remedy.APOLOGY_DRINK,
                "voucher_valid_days": 30,
                "poster_text": POSTER[Trigger.WAIT_WITHOUT_INFO],
            },
            {
                "trigger": Trigger.COUNTER_TIME,
                "threshold_minutes": None,
                "remedy": Remedy.SOUVENIR_OR_VOUCHER,
                "voucher_valid_days": 30,
                "poster_text": POSTER[Trigger.COUNTER_TIME],
            },
            {
                "trigger": Trigger.BERKAS_LATE,
                "threshold_minutes": None,
                "remedy": Remedy.PRIORITY_VOUCHER,
                "voucher_valid_days": 30,
                "poster_text": POSTER[Trigger.BERKAS_LATE],
            },
        ],
        maklumat=Maklumat.objects.filter(unit=unit).order_by("-signed_on").first(),
        guarantee_reference=(
            "Komponen jaminan pelayanan dalam standar pelayanan DPMPTSP Kota Bontang dan Maklumat Pelayanan."
        ),
        by=head,
        now=dt.datetime(2024, 10, 25, 9, tzinfo=ZoneInfo(unit.timezone)),
    )


def _previous_open_day(schedule: calc.LocationSchedule, today: dt.date) -> dt.date:
    day = today - dt.timedelta(days=1)
    for _ in range(30):
        hours = calc.hours_on(schedule, day)
        if hours is not None and day.weekday() < 5:
            return day
        day -= dt.timedelta(days=1)
    return today - dt.timedelta(days=1)


def _busy_day(location: Location, lines: list[QueueLine], day: dt.date, officers: dict) -> int:
    """About 40 tickets per gerai from opening to the last ticket, with waits and services
    drawn from a fixed seed (same day → same tickets), some priority, some no-shows."""
    tz = ZoneInfo(location.timezone)
    schedule = location_schedule(location=location)
    hours = calc.hours_on(schedule, day)
    if hours is None:
        return 0
    rng = random.Random(day.toordinal())  # noqa: S311 - demo data, reproducible, not a secret
    created = 0
    by_gerai: dict[int, list[QueueLine]] = {}
    for line in lines:
        if line.gerai.location_id == location.id:
            by_gerai.setdefault(line.gerai_id, []).append(line)
    for gerai_lines in by_gerai.values():
        counters = list(gerai_lines[0].counters.all())
        if not counters:
            continue
        officer = officers.get(gerai_lines[0].gerai.unit.slug)
        free_at = {c.pk: dt.datetime.combine(day, hours.opens, tzinfo=tz) for c in counters}
        issued = dt.datetime.combine(day, hours.opens, tzinfo=tz)
        last = dt.datetime.combine(day, hours.last_ticket, tzinfo=tz)
        number = 0
        while True:
            issued += dt.timedelta(minutes=rng.choice([2, 4, 5, 7, 9, 12]))
            if issued >= last:
                break
            number += 1
            line = rng.choice(gerai_lines)
            version = current_version(versions=list(line.service.versions.all()), today=day)
            counter = min(counters, key=lambda c: free_at[c.pk])
            called = max(issued + dt.timedelta(minutes=1), free_at[counter.pk])
            # A few people wait long without news: those become compensation cases.
            if rng.random() < 0.08:
                called += dt.timedelta(minutes=rng.randint(11, 18))
            status = Ticket.Status.NO_SHOW if rng.random() < 0.05 else Ticket.Status.DONE
            standard = (version.counter_time_minutes or 15) if version else 15
            duration = rng.randint(max(3, standard // 3), standard + (8 if rng.random() < 0.1 else 0))
            started = called + dt.timedelta(minutes=1) if status == Ticket.Status.DONE else None
            finished = started + dt.timedelta(minutes=duration) if started else None
            free_at[counter.pk] = finished or called + dt.timedelta(minutes=2)
            _ticket, was_created = Ticket.objects.get_or_create(
                location=location,
                prefix=line.prefix,
                day=day,
                number=number,
                defaults={
                    "line": line,
                    "service": line.service,
                    "standard_version": version,
                    "status": status,
                    "priority_group": rng.choice(
                        [PriorityGroup.ELDERLY, PriorityGroup.DISABILITY, PriorityGroup.PREGNANT]
                    )
                    if rng.random() < 0.07
                    else "",
                    "issued_at": issued,
                    "called_at": called,
                    "call_count": 1,
                    "counter": counter,
                    "officer": officer if status == Ticket.Status.DONE else None,
                    "service_started_at": started,
                    "finished_at": finished,
                },
            )
            created += was_created
    return created


def _waiting_today(location: Location, lines: list[QueueLine], now: dt.datetime) -> int:
    """A short line waiting right now (only while tickets are being issued today)."""
    schedule = location_schedule(location=location)
    if not calc.can_issue_ticket(schedule, now):
        return 0
    today = timezone.localdate(now, timezone=ZoneInfo(location.timezone))
    created = 0
    for line in [ln for ln in lines if ln.gerai.location_id == location.id and ln.position == 0][:2]:
        if Ticket.objects.filter(location=location, prefix=line.prefix, day=today).exists():
            continue
        for n, minutes_ago in enumerate([14, 9, 6, 3, 1], start=1):
            issued = max(now - dt.timedelta(minutes=minutes_ago), now.replace(second=0, microsecond=0))
            if not calc.can_issue_ticket(schedule, issued):
                issued = now
            issue_ticket(line=line, priority_group=PriorityGroup.ELDERLY if n == 4 else "", now=issued)
            created += 1
    return created


def _berkas(unit: Unit, officer, today: dt.date) -> int:
    """Three building approvals: one on time, one late (a voucher), one in progress."""
    try:
        service = Service.objects.get(unit=unit, slug="pbg")
    except Service.DoesNotExist:
        return 0
    tz = ZoneInfo(unit.timezone)
    version = StandardVersion.objects.filter(service=service, status="published").order_by("-effective_date").first()
    positions = list(version.requirements.values_list("position", flat=True)) if version else []
    created = 0
    for name, days_ago, ready_after in [
        ("Hendra Wijaya", 40, 20),
        ("Siti Rahmawati", 45, 35),
        ("Andi Pratama", 5, None),
    ]:
        if Berkas.objects.filter(unit=unit, applicant_name=name).exists():
            continue
        received = dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(10), tzinfo=tz)
        berkas = receive_berkas(
            unit=unit,
            service=service,
            applicant_name=name,
            applicant_phone="0812-5555-0101",
            present_requirements=positions,
            by=officer,
            now=received,
        )
        if ready_after is not None:
            mark_ready(berkas=berkas, by=officer, now=received + dt.timedelta(days=ready_after))
        created += 1
    return created


def _past_waits(unit: Unit, location: Location, day: dt.date) -> None:
    """The cases the detection loop would have opened during the busy day for long waits.

    The loop only sees tickets while they wait; the busy day is created after the fact,
    so its long waits are recorded here with the same rule and measure.
    """
    rules = {r.trigger: r for r in CompensationRuleSet.objects.filter(unit=unit).first().rules.all()}
    rule = rules.get(Trigger.WAIT_WITHOUT_INFO)
    if rule is None:
        return
    schedule = location_schedule(location=location)
    tickets = Ticket.objects.filter(line__gerai__unit=unit, location=location, day=day, called_at__isnull=False)
    for ticket in tickets:
        waited = calc.open_seconds_between(schedule, ticket.issued_at, ticket.called_at) // 60
        if waited > rule.threshold_minutes:
            CompensationCase.objects.get_or_create(
                ticket=ticket,
                trigger=Trigger.WAIT_WITHOUT_INFO,
                defaults={
                    "unit": unit,
                    "rule": rule,
                    "service": ticket.service,
                    "measured_minutes": waited,
                    "detected_at": ticket.issued_at + dt.timedelta(minutes=rule.threshold_minutes + 1),
                },
            )


def seed(*, stdout) -> None:
    User = get_user_model()
    users = {
        u.username: u for u in User.objects.filter(username__in=["kepala.dpmptsp", "loket.dpmptsp", "loket.dukcapil"])
    }
    try:
        dpmptsp = Unit.objects.get(slug="dpmptsp-bontang")
        mpp = Location.objects.get(slug="mpp-bontang")
    except (Unit.DoesNotExist, Location.DoesNotExist):
        return
    lines = _lines(stdout)
    _assignments()
    _rules(dpmptsp, users.get("kepala.dpmptsp"))
    now = timezone.now()
    today = timezone.localdate(now, timezone=ZoneInfo(mpp.timezone))
    busy_day = _previous_open_day(location_schedule(location=mpp), today)
    officers = {"dpmptsp-bontang": users.get("loket.dpmptsp"), "disdukcapil-bontang": users.get("loket.dukcapil")}
    tickets = _busy_day(mpp, lines, busy_day, officers)
    waiting = _waiting_today(mpp, lines, now)
    berkas = _berkas(dpmptsp, users.get("loket.dpmptsp"), today)
    _past_waits(dpmptsp, mpp, busy_day)
    end_of_busy_day = dt.datetime.combine(busy_day, dt.time(23, 0), tzinfo=ZoneInfo(mpp.timezone))
    detect_breaches(now=end_of_busy_day, unit=dpmptsp)
    # Most cases of the busy day were handled at the counter; those of odd ticket numbers are
    # still open (a fixed choice, so a second run gives nothing more).
    given = 0
    due = CompensationCase.objects.filter(unit=dpmptsp, status=CompensationCase.Status.DUE)
    for case in due.select_related("rule", "ticket"):
        if case.ticket is not None and case.ticket.number % 2:
            continue
        remedy = Remedy.SOUVENIR if case.rule.remedy == Remedy.SOUVENIR_OR_VOUCHER else case.rule.remedy
        compensation_record_given(
            case=case,
            remedy=remedy,
            by=users.get("loket.dpmptsp"),
            now=min(case.detected_at + dt.timedelta(minutes=5), now),
        )
        given += 1
    stdout.write(
        f"Counter service: {len(lines)} queue lines; {tickets} tickets on {busy_day:%Y-%m-%d}, "
        f"{waiting} waiting today, {berkas} berkas; {given} compensations recorded as given."
    )
