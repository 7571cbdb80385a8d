"""Writes of the survey kiosk: devices (create, register once, revoke) and offline batches.

A kiosk is registered once with a one-time link and from then on posts with its own long
random token; only hashes of the link's code and of the token are stored.  Answers wait on the
tablet while it is offline and arrive later in batches; each carries a client-generated id, so
a replayed batch stores nothing twice (``record_responses`` is idempotent on it).
"""

from __future__ import annotations

import datetime
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from mutu.core.audit import record_audit, snapshot
from mutu.core.errors import ApplicationError
from mutu.organisations.models import Counter, Location, Unit
from mutu.surveys.models import Channel, Response, Survey, SurveyDevice
from mutu.surveys.selectors_kiosk import (
    device_counters,
    device_gerai,
    device_locations,
    hash_secret,
    kiosk_services,
    kiosk_surveys_for,
    open_survey_for,
)
from mutu.surveys.services import (
    CheckedSubmission,
    Submission,
    is_open_on,
    questionnaire_spec,
    record_responses,
    validate_submission,
)

REGISTRATION_VALID_FOR = datetime.timedelta(hours=24)
BATCH_MAX = 100
# last_seen_at is written at most this often per device, not on every request.
SEEN_EVERY = datetime.timedelta(minutes=1)
AUDITED_FIELDS = ["unit", "location", "counter", "name", "registered_at", "revoked_at"]

STORED = "stored"
DUPLICATE = "duplicate"
REJECTED = "rejected"


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


def create_survey_device(
    *, unit: Unit, location: Location, counter: Counter | None, name: str, by, now: datetime.datetime
) -> tuple[SurveyDevice, str]:
    """Create a kiosk for a location (and optionally a counter); returns it and its one-time code.

    The code goes into the registration link shown once to the administrator; only its hash
    is kept, and it expires after :data:`REGISTRATION_VALID_FOR`.
    """
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the kiosk a name, e.g. the counter it stands at.")]
    if not device_locations(unit=unit).filter(pk=location.pk).exists():
        errors["location"] = [_("Choose a location where this unit serves.")]
    if counter is not None:
        if not device_counters(unit=unit).filter(pk=counter.pk).exists():
            errors["counter"] = [_("Choose one of this unit's counters.")]
        elif counter.gerai.location_id != location.pk:
            errors["counter"] = [_("This counter is at another location.")]
    if errors:
        raise ApplicationError(_("The kiosk could not be created."), field_errors=errors)
    code = _new_secret()
    device = SurveyDevice(
        unit=unit,
        location=location,
        counter=counter,
        name=name[:80],
        registration_code_hash=hash_secret(code),
        registration_expires_at=now + REGISTRATION_VALID_FOR,
        created_at=now,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    device.full_clean()
    with transaction.atomic():
        device.save()
        record_audit(
            actor=by,
            action="survey_device.create",
            obj=device,
            unit=unit,
            after=snapshot(device, AUDITED_FIELDS),
            now=now,
        )
    return device, code


def renew_survey_device_link(*, device: SurveyDevice, by, now: datetime.datetime) -> str:
    """A new one-time registration link for a kiosk that has not been registered yet."""
    code = _new_secret()
    with transaction.atomic():
        updated = SurveyDevice.objects.filter(pk=device.pk, registered_at__isnull=True, revoked_at__isnull=True).update(
            registration_code_hash=hash_secret(code), registration_expires_at=now + REGISTRATION_VALID_FOR
        )
        if updated != 1:
            raise ApplicationError(
                _("Only a kiosk that is not registered yet gets a new link. Revoke it and add a new kiosk instead.")
            )
        record_audit(actor=by, action="survey_device.renew_link", obj=device, unit=device.unit, now=now)
    return code


def register_survey_device(*, code: str, now: datetime.datetime) -> tuple[SurveyDevice, str]:
    """Use a one-time registration code: issue the device token and return it (only this once).

    The code is consumed by one conditional UPDATE, so two tablets opening the same link at
    once cannot both register.
    """
    token = _new_secret()
    with transaction.atomic():
        updated = SurveyDevice.objects.filter(
            registration_code_hash=hash_secret(code or ""),
            registration_expires_at__gt=now,
            registered_at__isnull=True,
            revoked_at__isnull=True,
        ).update(
            registration_code_hash=None,
            registration_expires_at=None,
            token_hash=hash_secret(token),
            registered_at=now,
            last_seen_at=now,
        )
        if updated != 1:
            raise ApplicationError(
                _(
                    "This registration link cannot be used: it was used already, it expired or the kiosk "
                    "was revoked. Ask the unit administrator for a new link."
                )
            )
        device = SurveyDevice.objects.select_related("unit", "location", "counter").get(token_hash=hash_secret(token))
        record_audit(
            actor=None,
            action="survey_device.register",
            obj=device,
            unit=device.unit,
            after=snapshot(device, AUDITED_FIELDS),
            now=now,
        )
    return device, token


def revoke_survey_device(*, device: SurveyDevice, by, now: datetime.datetime) -> SurveyDevice:
    """Switch a kiosk off for good: its token and any unused link stop working at once."""
    with transaction.atomic():
        updated = SurveyDevice.objects.filter(pk=device.pk, revoked_at__isnull=True).update(
            revoked_at=now, registration_code_hash=None, registration_expires_at=None
        )
        if updated != 1:
            raise ApplicationError(_("This kiosk was revoked already."))
        device.refresh_from_db()
        record_audit(
            actor=by,
            action="survey_device.revoke",
            obj=device,
            unit=device.unit,
            before={"revoked_at": None},
            after={"revoked_at": now},
            now=now,
        )
    return device


def touch_survey_device(*, device: SurveyDevice, now: datetime.datetime) -> None:
    """Note that the kiosk was heard from (at most once a minute, so a busy kiosk costs no writes)."""
    if device.last_seen_at is None or now - device.last_seen_at >= SEEN_EVERY:
        SurveyDevice.objects.filter(pk=device.pk).update(last_seen_at=now)
        device.last_seen_at = now


# --- Offline batches -----------------------------------------------------------------------------


@dataclass
class KioskItem:
    """One respondent's answers as the kiosk queued them."""

    client_id: uuid.UUID
    answered_at: datetime.datetime
    answers: Mapping[str, object]
    profile: Mapping[str, str] = field(default_factory=dict)
    service_id: int | None = None
    suggestion: str = ""
    survey_id: int | None = None


@dataclass
class ItemResult:
    client_id: uuid.UUID
    status: str  # STORED, DUPLICATE or REJECTED
    errors: dict[str, list[str]] = field(default_factory=dict)
    response_id: int | None = None


def submit_kiosk_batch(*, device: SurveyDevice, items: Sequence[KioskItem], now: datetime.datetime) -> list[ItemResult]:
    """Store a kiosk's queued responses; one result per item, in order.

    - Any answer that the questionnaire does not allow (out of range, unknown question, a
      service or survey the kiosk does not offer) fails the whole batch with
      ``ApplicationError`` (the API answers 422) and nothing is stored: a real kiosk never
      sends one, so the batch is forged or broken.
    - An item answered on a day its survey was not open is ``rejected`` with the closed
      message; the others are stored.
    - An item whose client id was stored before (a replay) is ``duplicate``; nothing changes.
    """
    if device.revoked_at is not None or device.registered_at is None:
        raise ApplicationError(_("This kiosk is not registered."))
    if len(items) > BATCH_MAX:
        raise ApplicationError(
            _("Send at most %(n)s responses at a time.") % {"n": BATCH_MAX},
            field_errors={"responses": [_("Send at most %(n)s responses at a time.") % {"n": BATCH_MAX}]},
        )
    surveys = kiosk_surveys_for(device=device)
    by_id = {s.pk: s for s in surveys}
    gerai = device_gerai(device=device)
    specs: dict[int, list] = {}
    services: dict[int, dict[int, object]] = {}
    errors: dict[str, list[str]] = {}
    planned: list[tuple[KioskItem, Survey | None, CheckedSubmission | None]] = []

    for index, item in enumerate(items):
        if item.survey_id is not None:
            survey = by_id.get(item.survey_id)
            if survey is None:
                errors[f"responses.{index}.survey_id"] = [_("This kiosk does not collect answers for that survey.")]
                planned.append((item, None, None))
                continue
        else:
            survey = open_survey_for(surveys=surveys, when=item.answered_at) or (surveys[0] if surveys else None)
        if survey is None:
            planned.append((item, None, None))
            continue
        if survey.questionnaire_id not in specs:
            specs[survey.questionnaire_id] = questionnaire_spec(survey.questionnaire_id)
        if survey.pk not in services:
            services[survey.pk] = {s.pk: s for s in kiosk_services(survey=survey, device=device)}
        service = None
        if item.service_id is not None:
            service = services[survey.pk].get(item.service_id)
            if service is None:
                errors[f"responses.{index}.service_id"] = [_("This kiosk does not offer that service.")]
                planned.append((item, survey, None))
                continue
        submission = Submission(
            answers=item.answers,
            unit=device.unit,
            location=device.location,
            gerai=gerai,
            counter=device.counter,
            service=service,
            profile=dict(item.profile or {}),
            suggestion=item.suggestion or "",
            answered_at=item.answered_at,
            client_id=item.client_id,
            device_id=device.pk,
        )
        try:
            checked = validate_submission(
                survey=survey, submission=submission, spec=specs[survey.questionnaire_id], now=now, check_open=False
            )
        except ApplicationError as exc:
            for name, messages in (exc.field_errors or {"__all__": [exc.message]}).items():
                errors[f"responses.{index}.{name}"] = list(messages)
            planned.append((item, survey, None))
            continue
        planned.append((item, survey, checked))

    if errors:
        raise ApplicationError(_("Some answers are not valid, so nothing was stored."), field_errors=errors)

    existing = _stored_client_ids(planned)
    results: list[ItemResult] = []
    to_store: dict[int, list[tuple[int, CheckedSubmission]]] = {}
    seen: set[tuple[int, uuid.UUID]] = set()
    closed = _("This survey is closed. Thank you for wanting to help.")
    for item, survey, checked in planned:
        if survey is None or checked is None:
            results.append(ItemResult(item.client_id, REJECTED, {"__all__": [closed]}))
            continue
        key = (survey.pk, item.client_id)
        if key in existing:
            results.append(ItemResult(item.client_id, DUPLICATE, response_id=existing[key]))
            continue
        if key in seen:
            results.append(ItemResult(item.client_id, DUPLICATE))
            continue
        seen.add(key)
        if not is_open_on(survey, checked.day):
            results.append(ItemResult(item.client_id, REJECTED, {"__all__": [closed]}))
            continue
        results.append(ItemResult(item.client_id, STORED))
        to_store.setdefault(survey.pk, []).append((len(results) - 1, checked))

    with transaction.atomic():
        stored = 0
        for survey_id, entries in to_store.items():
            responses, created = record_responses(
                survey=by_id[survey_id], channel=Channel.KIOSK, checked=[c for _i, c in entries], now=now
            )
            stored += created
            for (position, _checked), response in zip(entries, responses, strict=True):
                results[position].response_id = response.pk
        # Duplicates within the batch point at the response stored for their first copy.
        first = {r.client_id: r.response_id for r in results if r.status == STORED}
        for r in results:
            if r.status == DUPLICATE and r.response_id is None:
                r.response_id = first.get(r.client_id)
        touch_survey_device(device=device, now=now)
        if stored:
            record_audit(
                actor=None,
                action="survey_device.batch",
                obj=device,
                unit=device.unit,
                after={
                    "stored": stored,
                    "duplicate": sum(r.status == DUPLICATE for r in results),
                    "rejected": sum(r.status == REJECTED for r in results),
                },
                now=now,
            )
    return results


def _stored_client_ids(planned) -> dict[tuple[int, uuid.UUID], int]:
    """(survey id, client id) → response id of items stored before: one query per survey."""
    wanted: dict[int, list[uuid.UUID]] = {}
    for item, survey, checked in planned:
        if survey is not None and checked is not None:
            wanted.setdefault(survey.pk, []).append(item.client_id)
    found: dict[tuple[int, uuid.UUID], int] = {}
    for survey_id, client_ids in wanted.items():
        rows = Response.objects.filter(survey_id=survey_id, client_id__in=client_ids).values_list("client_id", "pk")
        for client_id, pk in rows:
            found[(survey_id, client_id)] = pk
    return found


# --- Responses pushed by an integration (API) ----------------------------------------------------


def submit_api_response(
    *,
    survey: Survey,
    by,
    now: datetime.datetime,
    answers: Mapping[str, object],
    client_id: uuid.UUID | None = None,
    answered_at: datetime.datetime | None = None,
    profile: Mapping[str, str] | None = None,
    location_id: int | None = None,
    gerai_id: int | None = None,
    counter_id: int | None = None,
    service_id: int | None = None,
    suggestion: str = "",
) -> tuple[Response, bool]:
    """Store one response an integration pushed (channel ``api``); (response, created).

    Places and the service must belong to the survey: its unit's, or in an MPP-wide survey
    any gerai of the mall and the unit that gerai belongs to.
    """
    from mutu.organisations.models import Gerai
    from mutu.standards.models import Service
    from mutu.surveys.services import submit_response

    errors: dict[str, list[str]] = {}
    gerai_qs = (
        Gerai.objects.filter(location_id=survey.mpp_id) if survey.mpp_id else Gerai.objects.filter(unit=survey.unit)
    )
    counter = gerai = location = service = None
    if counter_id is not None:
        counter = Counter.objects.select_related("gerai").filter(pk=counter_id, gerai__in=gerai_qs).first()
        if counter is None:
            errors["counter_id"] = [_("This counter does not take part in the survey.")]
    if gerai_id is not None:
        gerai = gerai_qs.select_related("unit").filter(pk=gerai_id).first()
        if gerai is None:
            errors["gerai_id"] = [_("This gerai does not take part in the survey.")]
    elif counter is not None:
        gerai = counter.gerai
    if location_id is not None:
        allowed = Location.objects.filter(pk=survey.mpp_id) if survey.mpp_id else device_locations(unit=survey.unit)
        location = allowed.filter(pk=location_id).first()
        if location is None:
            errors["location_id"] = [_("This location does not take part in the survey.")]
    elif gerai is not None:
        location = gerai.location
    served_unit_id = gerai.unit_id if gerai is not None else (None if survey.mpp_id else survey.unit_id)
    if service_id is not None:
        service = Service.objects.filter(pk=service_id, unit_id=served_unit_id).first()
        if service is None:
            errors["service_id"] = [_("This service is not one of the unit's services.")]
    if errors:
        raise ApplicationError(_("Some answers need attention."), field_errors=errors)
    submission = Submission(
        answers=answers,
        location=location,
        gerai=gerai,
        counter=counter,
        service=service,
        profile=dict(profile or {}),
        suggestion=suggestion or "",
        answered_at=answered_at,
        client_id=client_id,
    )
    with transaction.atomic():
        response, created = submit_response(survey=survey, channel=Channel.API, submission=submission, now=now)
        if created:
            record_audit(actor=by, action="survey_response.api", obj=response, unit=survey.unit, now=now)
    return response, created
