"""Reads of the survey kiosk: devices, what a device may survey, and its configuration."""

from __future__ import annotations

import datetime
import hashlib

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from mutu.organisations.models import Counter, Gerai, Location, Unit
from mutu.standards.models import Service
from mutu.surveys.models import Question, ScaleOption, Survey, SurveyDevice
from mutu.surveys.services import is_open_on, survey_zone


def hash_secret(secret: str) -> str:
    """The stored form of a device token or registration code (both are long random strings)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def devices_of_unit(*, unit: Unit) -> QuerySet[SurveyDevice]:
    """A unit's kiosks with where they stand and how many responses each sent (one query)."""
    return (
        SurveyDevice.objects.filter(unit=unit)
        .select_related("location", "counter__gerai")
        .annotate(response_count=Count("responses"))
        .order_by("revoked_at", "location__name", "name", "pk")
    )


def device_locations(*, unit: Unit) -> QuerySet[Location]:
    """Where a unit may place a kiosk: locations with one of its active gerai, and its own offices."""
    with_gerai = Gerai.objects.filter(unit=unit, is_active=True).values("location_id")
    return Location.objects.filter(Q(pk__in=with_gerai) | Q(manager_unit=unit), is_active=True).order_by("name")


def device_counters(*, unit: Unit) -> QuerySet[Counter]:
    """The unit's active counters (the disability counter included), by location."""
    return (
        Counter.objects.filter(gerai__unit=unit, is_active=True, gerai__is_active=True)
        .select_related("gerai__location")
        .order_by("gerai__location__name", "code")
    )


def device_from_token(*, token: str) -> SurveyDevice | None:
    """The registered device holding ``token`` (revoked ones too: the caller refuses those)."""
    if not token or len(token) > 200:
        return None
    return (
        SurveyDevice.objects.select_related("unit", "location", "counter__gerai")
        .filter(token_hash=hash_secret(token), registered_at__isnull=False)
        .first()
    )


def device_for_registration(*, code: str, now: datetime.datetime) -> SurveyDevice | None:
    """The device a registration link may still register (unused, not expired, not revoked)."""
    if not code or len(code) > 200:
        return None
    return (
        SurveyDevice.objects.select_related("unit", "location", "counter")
        .filter(
            registration_code_hash=hash_secret(code),
            registration_expires_at__gt=now,
            registered_at__isnull=True,
            revoked_at__isnull=True,
        )
        .first()
    )


def device_gerai(*, device: SurveyDevice) -> Gerai | None:
    """The gerai a kiosk stands at: its counter's, else the unit's gerai at its location."""
    if device.counter_id:
        return device.counter.gerai
    return (
        Gerai.objects.filter(unit_id=device.unit_id, location_id=device.location_id)
        .order_by("-is_active", "pk")
        .first()
    )


def kiosk_surveys_for(*, device: SurveyDevice) -> list[Survey]:
    """Surveys a kiosk may collect for, preferred first (any status; the caller checks the day).

    The unit's own surveys that list the kiosk's location (or list no location at all, i.e.
    cover all of them) come first; then an MPP-wide survey of the mall the kiosk stands in.
    """
    own = Q(unit_id=device.unit_id, mpp__isnull=True) & (Q(locations=device.location_id) | Q(locations__isnull=True))
    mall = Q(mpp_id=device.location_id)
    ids = Survey.objects.filter(own | mall).values("pk")
    return list(
        Survey.objects.filter(pk__in=ids)
        .exclude(status=Survey.Status.DRAFT)
        .select_related("unit", "questionnaire")
        .annotate(own=Case(When(mpp__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("own", "-starts_on", "-pk")
    )


def open_survey_for(*, surveys: list[Survey], when: datetime.datetime) -> Survey | None:
    """The first of ``surveys`` open on the day ``when`` falls on in its unit's time zone."""
    for survey in surveys:
        if is_open_on(survey, timezone.localtime(when, survey_zone(survey)).date()):
            return survey
    return None


def kiosk_services(*, survey: Survey, device: SurveyDevice) -> list[Service]:
    """Services a respondent may say they received: the survey's list, else the unit's services."""
    listed = list(survey.services.filter(unit_id=device.unit_id, is_active=True).order_by("name"))
    if listed or survey.services.exists():
        return listed
    return list(Service.objects.filter(unit_id=device.unit_id, is_active=True).order_by("name"))


def kiosk_questions(*, survey: Survey) -> list[Question]:
    """The survey's questions in order with their scale options (two queries)."""
    return list(
        Question.objects.filter(questionnaire_id=survey.questionnaire_id)
        .select_related("scale")
        .prefetch_related(Prefetch("scale__options", queryset=ScaleOption.objects.order_by("value")))
        .order_by("position")
    )


def kiosk_config(*, device: SurveyDevice, now: datetime.datetime) -> dict:
    """Everything a kiosk needs to run offline: its place, the open survey, its questions."""
    from django.utils.translation import gettext as _

    from mutu.surveys.services import PROFILE_CHOICES

    counter = device.counter
    surveys = kiosk_surveys_for(device=device)
    survey = open_survey_for(surveys=surveys, when=now)
    profile_labels = {
        "gender": _("Gender"),
        "age_group": _("Age"),
        "education": _("Education"),
        "occupation": _("Occupation"),
    }
    config = {
        "device": {
            "id": device.pk,
            "name": device.name,
            "unit": device.unit.name,
            "location": device.location.name,
            "counter": f"{counter.code} {counter.name}" if counter else "",
            "is_disability_counter": bool(counter and counter.is_disability),
        },
        "survey": None,
        "message": "",
        "profile": [
            {
                "name": name,
                "label": profile_labels[name],
                "options": [{"value": value, "label": str(label)} for value, label in choices.choices],
            }
            for name, choices in PROFILE_CHOICES.items()
        ],
        "generated_at": now,
    }
    if survey is None:
        config["message"] = _("There is no open survey at this place today. Thank you for wanting to help.")
        return config
    config["survey"] = {
        "id": survey.pk,
        "name": survey.name,
        "intro": survey.questionnaire.intro,
        "starts_on": survey.starts_on,
        "ends_on": survey.ends_on,
        "questions": [
            {
                "id": q.pk,
                "code": q.code,
                "text": q.text,
                "kind": q.kind,
                "required": q.is_required,
                "options": [
                    {"value": o.value, "label": o.label, "face": o.face}
                    for o in (q.scale.options.all() if q.scale_id else [])
                ],
            }
            for q in kiosk_questions(survey=survey)
        ],
        "services": [{"id": s.pk, "name": s.name} for s in kiosk_services(survey=survey, device=device)],
    }
    return config
