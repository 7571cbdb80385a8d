"""Demo satisfaction surveys of DPMPTSP Bontang (seed article 002), run by ``manage.py seed_demo``.

Semester II 2024 (30 Sep–30 Oct 2024, at the disability counter and the MPP gerai, with
surveyors from a local college), Semester I and II 2025, all closed and published with their
follow-up plans; Semester II 2026 open and covering late November 2026; and an MPP-wide survey
across every gerai. Answers are drawn from a seeded random generator (the same on every run)
so the IKM lands around 82–88 with "waktu penyelesaian" the weakest unsur, and they are stored
through ``validate_submission`` + ``record_responses`` in batches, so the tallies are right.

Keyed on the survey's slug and on client ids derived from it: a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from mutu.organisations.models import Counter, Gerai, Location, Unit
from mutu.standards.models import Service
from mutu.surveys.calculations import UNSUR_KEYS
from mutu.surveys.models import (
    AgeGroup,
    Channel,
    Education,
    FollowUpAction,
    Gender,
    Occupation,
    Question,
    Response,
    Survey,
    SurveyDevice,
)
from mutu.surveys.services import (
    Submission,
    create_survey,
    questionnaire_spec,
    record_responses,
    template_questionnaire,
    validate_submission,
)
from mutu.surveys.services_planning import copy_questionnaire, question_add, question_update

NAMESPACE = uuid.UUID("6d7574752d736b6d2d64656d6f2d3230")  # fixed: the same client ids on every run
BATCH = 100

# Answer probabilities for 1, 2, 3, 4: most unsur are good, "waktu" lags (as in many SKM reports).
GOOD = (0.01, 0.06, 0.45, 0.48)
SLOW = (0.04, 0.20, 0.52, 0.24)

SUGGESTIONS = [
    ("Waktu penyelesaian izin mohon dipercepat, kami menunggu terlalu lama.", ["waktu"]),
    ("Proses terbit PBG lama sekali, mohon ada kepastian jadwal.", ["waktu", "prosedur"]),
    ("Petugas ramah dan membantu, terima kasih.", ["perilaku"]),
    ("Ruang tunggu kurang kursi saat ramai.", ["sarana"]),
    ("Informasi persyaratan di website belum lengkap.", ["persyaratan"]),
    ("Mohon ada notifikasi WhatsApp ketika berkas selesai.", ["waktu", "pengaduan"]),
    ("Loket disabilitas sangat membantu ibu saya.", ["sarana", "perilaku"]),
    ("Pelayanan sudah cepat dan gratis, pertahankan.", ["waktu", "biaya"]),
]

# (slug, name, first day, last day, status, published, responses, shift of the "good" answers)
PLANS = [
    ("skm-2024-2", "SKM Semester II 2024", dt.date(2024, 9, 30), dt.date(2024, 10, 30), "closed", True, 260, -0.01),
    ("skm-2025-1", "SKM Semester I 2025", dt.date(2025, 3, 3), dt.date(2025, 4, 4), "closed", True, 280, 0.0),
    ("skm-2025-2", "SKM Semester II 2025", dt.date(2025, 9, 29), dt.date(2025, 10, 31), "closed", True, 300, 0.02),
    ("skm-2026-2", "SKM Semester II 2026", dt.date(2026, 10, 1), dt.date(2026, 12, 31), "open", False, 180, 0.04),
]
MPP_PLAN = ("skm-mpp-2026", "SKM Mal Pelayanan Publik Bontang 2026", dt.date(2026, 10, 1), dt.date(2026, 12, 31))

FOLLOW_UPS = {
    "skm-2024-2": [
        (
            "waktu",
            "Menambah satu petugas verifikasi teknis PBG pada hari Senin dan Kamis (hari tersibuk).",
            "Kepala Bidang Perizinan",
            dt.date(2025, 1, 31),
            FollowUpAction.Status.DONE,
            "Petugas tambahan bertugas sejak 6 Januari 2025.",
        ),
        (
            "sarana",
            "Menambah 20 kursi ruang tunggu dan satu kursi roda di Gerai DPMPTSP MPP.",
            "Sekretaris DPMPTSP",
            dt.date(2025, 2, 28),
            FollowUpAction.Status.DONE,
            "Kursi dan kursi roda diterima 20 Februari 2025.",
        ),
    ],
    "skm-2025-2": [
        (
            "waktu",
            "Notifikasi WhatsApp otomatis ketika berkas selesai diproses.",
            "Bidang Pengaduan, Pengawasan dan Informasi Layanan",
            dt.date(2026, 3, 31),
            FollowUpAction.Status.IN_PROGRESS,
            "Uji coba pada layanan PBG sejak Februari 2026.",
        ),
        (
            "persyaratan",
            "Memperbarui daftar persyaratan di website dan papan informasi sesuai standar pelayanan terbaru.",
            "Bidang Pengaduan, Pengawasan dan Informasi Layanan",
            dt.date(2026, 1, 31),
            FollowUpAction.Status.DONE,
            "",
        ),
    ],
}


def _value(rng: random.Random, probabilities: tuple[float, ...], shift: float) -> int:
    p1, p2, p3, p4 = probabilities
    p4 = max(0.0, p4 + shift)
    p2 = max(0.0, p2 - shift / 2)
    p1 = max(0.0, p1 - shift / 2)
    roll = rng.random() * (p1 + p2 + p3 + p4)
    for value, cumulative in ((1, p1), (2, p1 + p2), (3, p1 + p2 + p3)):
        if roll < cumulative:
            return value
    return 4


def _profile(rng: random.Random) -> dict[str, str]:
    return {
        "gender": rng.choice(Gender.values),
        "age_group": rng.choices(AgeGroup.values, weights=[3, 25, 30, 22, 14, 6])[0],
        "education": rng.choices(Education.values, weights=[5, 8, 40, 12, 30, 5])[0],
        "occupation": rng.choices(Occupation.values, weights=[10, 35, 35, 10, 10])[0],
    }


def _fill(
    survey: Survey,
    *,
    count: int,
    shift: float,
    places: list[dict],
    services: list[Service],
    surveyor,
    now: dt.datetime,
    unit_codes: dict[str, str],
) -> int:
    """Store ``count`` answers spread over the survey's days (up to today), in batches."""
    if Response.objects.filter(survey=survey).exists():
        return 0
    zone = ZoneInfo(survey.unit.timezone)
    rng = random.Random(f"mutu-demo-{survey.slug}")  # noqa: S311 - demo data, reproducible, not a secret
    spec = questionnaire_spec(survey.questionnaire_id)
    last_day = min(survey.ends_on, timezone.localtime(now, zone).date() - dt.timedelta(days=1))
    days = [survey.starts_on + dt.timedelta(days=i) for i in range((last_day - survey.starts_on).days + 1)]
    days = [d for d in days if d.weekday() < 5] or [survey.starts_on]
    checked = []
    stored = 0
    for i in range(count):
        place = rng.choice(places)
        channel = rng.choices([Channel.KIOSK, Channel.SURVEYOR, Channel.QR_ANONYMOUS], weights=[5, 4, 1])[0]
        answers: dict[str, object] = {}
        for q in spec:
            if q.unsur:
                value = _value(rng, SLOW if q.unsur == "waktu" else GOOD, shift)
                # A paper questionnaire sometimes leaves one answer blank (a blank is not a zero).
                if channel == Channel.SURVEYOR and rng.random() < 0.02:
                    value = None
                answers[q.code] = value
            elif q.kind == Question.Kind.SCALE:
                answers[q.code] = _value(rng, GOOD, shift)
        suggestion, _tags = rng.choice(SUGGESTIONS) if rng.random() < 0.3 else ("", [])
        day = rng.choice(days)
        answered_at = dt.datetime.combine(day, dt.time(8 + rng.randint(0, 6), rng.randint(0, 59)), tzinfo=zone)
        service = rng.choice(services) if services and place.get("unit_slug") in (None, "dpmptsp-bontang") else None
        submission = Submission(
            answers=answers,
            location=place["location"],
            gerai=place.get("gerai"),
            counter=place.get("counter") if channel == Channel.KIOSK else None,
            service=service,
            profile=_profile(rng),
            suggestion=suggestion,
            answered_at=min(answered_at, now),
            client_id=uuid.uuid5(NAMESPACE, f"{survey.slug}/{i}"),
            surveyor_id=surveyor.pk if surveyor and channel == Channel.SURVEYOR else None,
            paper_number=f"{unit_codes.get(survey.slug, 'P')}-{i + 1:04d}" if channel == Channel.SURVEYOR else "",
        )
        checked.append(
            (channel, validate_submission(survey=survey, submission=submission, spec=spec, now=now, check_open=False))
        )
        if len(checked) >= BATCH:
            stored += _store(survey, checked, now)
            checked = []
    stored += _store(survey, checked, now)
    _tag_suggestions(survey)
    return stored


def _store(survey: Survey, checked, now: dt.datetime) -> int:
    created = 0
    for channel in {c for c, _item in checked}:
        items = [item for c, item in checked if c == channel]
        _responses, n = record_responses(survey=survey, channel=channel, checked=items, now=now)
        created += n
    return created


def _tag_suggestions(survey: Survey) -> None:
    tags = dict(SUGGESTIONS)
    for response in Response.objects.filter(survey=survey).exclude(suggestion="").only("pk", "suggestion"):
        unsur = [key for key in tags.get(response.suggestion, []) if key in UNSUR_KEYS]
        if unsur:
            Response.objects.filter(pk=response.pk).update(suggestion_unsur=unsur)


def _unit_questionnaire(unit: Unit, head, now: dt.datetime):
    """DPMPTSP's own version 1: the template with a clearer U3 and one question of its own."""
    existing = unit.questionnaires.order_by("number").first()
    if existing is not None:
        return existing
    version = copy_questionnaire(unit=unit, by=head, now=now)
    u3 = version.questions.get(code="U3")
    question_update(
        question=u3,
        by=head,
        text="Bagaimana pendapat Saudara tentang kecepatan waktu penyelesaian izin sesuai janji standar pelayanan?",
        labels=["Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"],
        now=now,
    )
    question_add(
        questionnaire=version,
        by=head,
        kind=Question.Kind.SCALE,
        code="P1",
        text="Bagaimana pendapat Saudara tentang kemudahan informasi antrean di layar dan WhatsApp?",
        labels=["Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"],
        is_required=False,
        now=now,
    )
    return version


def _survey(unit: Unit, slug: str, name: str, starts_on, ends_on, *, by, questionnaire, mpp=None, now) -> Survey:
    survey = Survey.objects.filter(unit=unit, slug=slug).first()
    if survey is None:
        survey = create_survey(
            unit=unit,
            name=name,
            slug=slug,
            starts_on=starts_on,
            ends_on=ends_on,
            by=by,
            questionnaire=questionnaire,
            mpp=mpp,
            population=None,
            open_now=True,
            now=now,
        )
    return survey


def _kiosk_device(unit: Unit, counter: Counter | None, head, now: dt.datetime, stdout) -> None:
    if counter is None or SurveyDevice.objects.filter(unit=unit, counter=counter).exists():
        return
    try:
        from mutu.surveys.services_kiosk import create_survey_device
    except ImportError:  # pragma: no cover - the kiosk area is optional for the demo
        return
    _device, code = create_survey_device(
        unit=unit, location=counter.gerai.location, counter=counter, name="Tablet Loket Disabilitas", by=head, now=now
    )
    try:
        path = reverse("surveys:kiosk_register", args=[code])
    except NoReverseMatch:  # pragma: no cover
        return
    stdout.write(f"Survey kiosk at {counter}: register the tablet within 24 hours by opening {path}")


def seed(*, stdout) -> None:
    try:
        dpmptsp = Unit.objects.get(slug="dpmptsp-bontang")
        mpp = Location.objects.get(slug="mpp-bontang")
    except (Unit.DoesNotExist, Location.DoesNotExist):
        return
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["kepala.dpmptsp", "surveyor.stitek"])}
    head, surveyor = users.get("kepala.dpmptsp"), users.get("surveyor.stitek")
    now = timezone.now()
    zone = ZoneInfo(dpmptsp.timezone)
    gerai = Gerai.objects.filter(location=mpp, unit=dpmptsp).first()
    disability = Counter.objects.filter(gerai=gerai, is_disability=True).first() if gerai else None
    office = Location.objects.filter(Q(gerai__unit=dpmptsp), kind=Location.Kind.OFFICE).distinct().first()
    services = list(Service.objects.filter(unit=dpmptsp, is_active=True).order_by("name")[:6])
    places = [{"location": mpp, "gerai": gerai, "counter": disability}] * 2 + [{"location": mpp, "gerai": gerai}] * 3
    if office is not None:
        places.append({"location": office})
    questionnaire_v1 = _unit_questionnaire(dpmptsp, head, dt.datetime(2024, 9, 2, 9, tzinfo=zone))
    stored = 0
    planned = []
    for slug, name, starts_on, ends_on, status, published, count, shift in PLANS:
        created_at = dt.datetime.combine(starts_on - dt.timedelta(days=14), dt.time(9), tzinfo=zone)
        questionnaire = template_questionnaire() if slug == "skm-2024-2" else questionnaire_v1
        survey = _survey(
            dpmptsp, slug, name, starts_on, ends_on, by=head, questionnaire=questionnaire, now=min(created_at, now)
        )
        planned.append(survey)
        if not survey.locations.exists():
            survey.locations.set([mpp] + ([office] if office else []))
            survey.gerai.set([gerai] if gerai else [])
            survey.counters.set([disability] if disability else [])
            survey.services.set(services)
            survey.surveyors.set([surveyor] if surveyor else [])
        stored += _fill(
            survey,
            count=count,
            shift=shift,
            places=places,
            services=services,
            surveyor=surveyor,
            now=now,
            unit_codes={slug: "DPM"},
        )
        population = 700 if status == "closed" else 1100
        Survey.objects.filter(pk=survey.pk, population__isnull=True).update(
            population=population, target_sample=_target(population)
        )
        if status == "closed":
            closed_at = dt.datetime.combine(ends_on + dt.timedelta(days=1), dt.time(0, 5), tzinfo=zone)
            Survey.objects.filter(pk=survey.pk, status=Survey.Status.OPEN).update(status=Survey.Status.CLOSED)
            if published:
                Survey.objects.filter(pk=survey.pk, published_at__isnull=True).update(
                    published_at=closed_at + dt.timedelta(days=20),
                    analysis=(
                        "Unsur dengan nilai terendah adalah waktu penyelesaian: sebagian responden menilai "
                        "penerbitan izin teknis (PBG) lebih lama dari janji standar pelayanan. Unsur perilaku "
                        "dan kompetensi pelaksana tetap tinggi."
                    ),
                )
        for unsur, action, responsible, due, state, note in FOLLOW_UPS.get(slug, []):
            FollowUpAction.objects.get_or_create(
                survey=survey,
                unsur=unsur,
                action=action,
                defaults={
                    "unit": dpmptsp,
                    "responsible": responsible,
                    "due_date": due,
                    "status": state,
                    "progress_note": note,
                    "created_at": dt.datetime.combine(ends_on + dt.timedelta(days=25), dt.time(10), tzinfo=zone),
                    "updated_at": dt.datetime.combine(due, dt.time(10), tzinfo=zone),
                    "created_by": head,
                },
            )

    # The MPP-wide survey: every gerai of the MPP, results per unit and for the whole MPP.
    slug, name, starts_on, ends_on = MPP_PLAN
    mpp_survey = _survey(
        dpmptsp,
        slug,
        name,
        starts_on,
        ends_on,
        by=head,
        questionnaire=template_questionnaire(),
        mpp=mpp,
        now=min(dt.datetime.combine(starts_on, dt.time(8), tzinfo=zone), now),
    )
    mpp_gerai = list(Gerai.objects.filter(location=mpp, is_active=True).select_related("unit"))
    if not mpp_survey.gerai.exists():
        mpp_survey.locations.set([mpp])
        mpp_survey.gerai.set(mpp_gerai)
    stored += _fill(
        mpp_survey,
        count=200,
        shift=0.0,
        places=[{"location": mpp, "gerai": g, "unit_slug": g.unit.slug} for g in mpp_gerai],
        services=services,
        surveyor=surveyor,
        now=now,
        unit_codes={slug: "MPP"},
    )
    Survey.objects.filter(pk=mpp_survey.pk, population__isnull=True).update(
        population=2400, target_sample=_target(2400)
    )
    _kiosk_device(dpmptsp, disability, head, now, stdout)
    stdout.write(f"Satisfaction surveys: {len(planned) + 1} survey periods; {stored} responses stored in this run.")


def _target(population: int) -> int:
    from mutu.surveys.calculations import sample_size

    return sample_size(population)
