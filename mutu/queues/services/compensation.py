"""Writes for service compensation: versions of a unit's rules, and handing a compensation over.

Rules kept here:

* Rules are data, one version (``CompensationRuleSet``) per effective date.  A version is never
  edited: a change is a new version.  A new version may not take effect in the past once the
  unit has cases (they point at the rule in force on their day), so history stays true.
* A case is handed over (given or declined) exactly once: a conditional
  ``UPDATE … WHERE status = 'due'``; the second officer gets a clear error and nothing changes.
* A priority voucher has an unguessable code (``secrets``, no look-alike characters), is valid
  for the rule's number of days from the day it is given, and is used once (by the kiosk).
* Nothing is deleted.  A correction changes the case and writes an audit row with the state
  before and after and the reason.
"""

from __future__ import annotations

import datetime as dt
import secrets
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from mutu.core.audit import record_audit, snapshot
from mutu.core.errors import ApplicationError
from mutu.queues.models import (
    CompensationCase,
    CompensationRule,
    CompensationRuleSet,
    PriorityVoucher,
    Remedy,
    Trigger,
)

Status = CompensationCase.Status

VOUCHER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed at a kiosk
VOUCHER_LENGTH = 10
MAX_THRESHOLD_MINUTES = 24 * 60
MAX_VOUCHER_DAYS = 366
RULE_FIELDS = ("trigger", "threshold_minutes", "remedy", "voucher_valid_days", "poster_text")

# What an officer may record for each remedy a rule promises.
ALLOWED_GIVEN = {
    Remedy.APOLOGY_DRINK: {Remedy.APOLOGY_DRINK},
    Remedy.SOUVENIR: {Remedy.SOUVENIR},
    Remedy.PRIORITY_VOUCHER: {Remedy.PRIORITY_VOUCHER},
    Remedy.SOUVENIR_OR_VOUCHER: {Remedy.SOUVENIR, Remedy.PRIORITY_VOUCHER},
}


def _actor(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _today(unit, now: dt.datetime) -> dt.date:
    return now.astimezone(ZoneInfo(unit.timezone)).date()


def rule_field_name(trigger: str, name: str) -> str:
    """The form field that shows an error about ``name`` of the rule for ``trigger``."""
    return f"{trigger}__{name}"


# --- Rules ---------------------------------------------------------------------------------


def _clean_rules(rules: list[dict]) -> tuple[list[dict], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    cleaned: list[dict] = []
    seen: set[str] = set()

    def err(trigger, name, message):
        errors.setdefault(rule_field_name(trigger, name), []).append(message)

    for raw in rules:
        unknown = set(raw) - set(RULE_FIELDS)
        if unknown:
            raise ValueError(f"unknown rule fields: {sorted(unknown)}")
        trigger = raw.get("trigger") or ""
        if trigger not in Trigger.values:
            errors.setdefault("rules", []).append(_("Unknown trigger: %(trigger)s.") % {"trigger": trigger})
            continue
        if trigger in seen:
            errors.setdefault("rules", []).append(_("Each trigger may have only one rule."))
            continue
        seen.add(trigger)
        threshold = raw.get("threshold_minutes")
        remedy = raw.get("remedy") or ""
        days = raw.get("voucher_valid_days")
        poster_text = (raw.get("poster_text") or "").strip()
        if threshold is not None and not 1 <= threshold <= MAX_THRESHOLD_MINUTES:
            err(trigger, "threshold_minutes", _("Give a number of minutes from 1 to 1440."))
        if trigger == Trigger.WAIT_WITHOUT_INFO and threshold is None:
            err(trigger, "threshold_minutes", _("Waiting needs a number of minutes."))
        if trigger == Trigger.BERKAS_LATE and threshold is not None:
            err(trigger, "threshold_minutes", _("A late file is measured in days; leave the minutes empty."))
        if remedy not in Remedy.values:
            err(trigger, "remedy", _("Choose what is given."))
        gives_voucher = remedy in (Remedy.PRIORITY_VOUCHER, Remedy.SOUVENIR_OR_VOUCHER)
        if days is None:
            days = 30
        if gives_voucher and not 1 <= days <= MAX_VOUCHER_DAYS:
            err(trigger, "voucher_valid_days", _("A voucher is valid for 1 to 366 days."))
        if not poster_text:
            err(trigger, "poster_text", _("Write the sentence printed on the counter poster."))
        elif len(poster_text) > 300:
            err(trigger, "poster_text", _("At most 300 characters."))
        cleaned.append(
            {
                "trigger": trigger,
                "threshold_minutes": threshold,
                "remedy": remedy,
                "voucher_valid_days": days,
                "poster_text": poster_text,
            }
        )
    if not cleaned and not errors:
        errors.setdefault("rules", []).append(_("Give at least one rule."))
    return cleaned, errors


def ruleset_create(
    *,
    unit,
    effective_from: dt.date,
    rules: list[dict],
    maklumat=None,
    guarantee_reference: str = "",
    by,
    now: dt.datetime | None = None,
) -> CompensationRuleSet:
    """A new version of the unit's rules, numbered after the last one.

    ``rules`` is a list of dicts with ``trigger``, ``threshold_minutes`` (None for counter time
    means "the standard's counter time"; berkas lateness has none), ``remedy``,
    ``voucher_valid_days`` and ``poster_text``.  Errors name the form field
    (``rule_field_name(trigger, name)``, ``effective_from``, ``maklumat``, ``rules``).
    """
    now = now or timezone.now()
    today = _today(unit, now)
    cleaned, errors = _clean_rules(rules)
    if effective_from is None:
        errors.setdefault("effective_from", []).append(_("Give the date the rules take effect."))
    elif effective_from < today and CompensationCase.objects.filter(unit=unit).exists():
        errors.setdefault("effective_from", []).append(
            _("Rules cannot take effect in the past once cases were recorded: choose today or a later date.")
        )
    elif CompensationRuleSet.objects.filter(unit=unit, effective_from=effective_from).exists():
        errors.setdefault("effective_from", []).append(_("Another version of the rules takes effect on this date."))
    if maklumat is not None and maklumat.unit_id != unit.pk:
        errors.setdefault("maklumat", []).append(_("Choose a maklumat of this unit."))
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, field_errors=errors)

    try:
        with transaction.atomic():
            last = CompensationRuleSet.objects.filter(unit=unit).aggregate(n=Max("number"))["n"] or 0
            ruleset = CompensationRuleSet.objects.create(
                unit=unit,
                number=last + 1,
                effective_from=effective_from,
                maklumat=maklumat,
                guarantee_reference=guarantee_reference.strip(),
                created_at=now,
                created_by=_actor(by),
            )
            CompensationRule.objects.bulk_create([CompensationRule(ruleset=ruleset, **rule) for rule in cleaned])
            record_audit(
                actor=by,
                action="compensation.rules_created",
                obj=ruleset,
                unit=unit,
                after={**snapshot(ruleset), "rules": cleaned},
                now=now,
            )
    except IntegrityError as exc:
        # Two heads saving at once: the unique (unit, number) / (unit, date) constraints decide.
        raise ApplicationError(_("Another version was saved at the same moment. Please check and try again.")) from exc
    return ruleset


# --- Handing a compensation over -----------------------------------------------------------


def new_voucher_code() -> str:
    return "".join(secrets.choice(VOUCHER_ALPHABET) for _ in range(VOUCHER_LENGTH))


def _issue_voucher(*, case: CompensationCase, now: dt.datetime) -> PriorityVoucher:
    valid_until = _today(case.unit, now) + dt.timedelta(days=case.rule.voucher_valid_days)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return PriorityVoucher.objects.create(
                    code=new_voucher_code(), unit=case.unit, case=case, issued_at=now, valid_until=valid_until
                )
        except IntegrityError:  # a code collision (32^10 codes): draw again
            continue
    raise ApplicationError(_("No voucher code could be made. Please try again."))


def _close(*, case: CompensationCase, status: str, remedy: str, by, note: str, now: dt.datetime) -> CompensationCase:
    updated = CompensationCase.objects.filter(pk=case.pk, status=Status.DUE).update(
        status=status, remedy_given=remedy, given_at=now, given_by=_actor(by), note=note.strip()[:300]
    )
    if updated != 1:
        raise ApplicationError(_("This compensation has already been recorded."))
    return CompensationCase.objects.select_related("unit", "rule", "ticket", "berkas", "service").get(pk=case.pk)


def compensation_record_given(
    *, case: CompensationCase, remedy: str, by, note: str = "", now: dt.datetime | None = None
) -> CompensationCase:
    """Record that the compensation of a due case was handed over; exactly once.

    ``remedy`` must be what the rule promises (for "souvenir or voucher", the one chosen).  A
    priority voucher is created with the case; read it as ``case.voucher``.
    """
    now = now or timezone.now()
    rule = case.rule
    allowed = ALLOWED_GIVEN.get(rule.remedy, {rule.remedy})
    if remedy not in allowed:
        raise ApplicationError(
            _("Choose what was given: %(choices)s.")
            % {"choices": ", ".join(str(Remedy(r).label) for r in sorted(allowed))},
            field_errors={"remedy": [_("This rule does not give that.")]},
        )
    with transaction.atomic():
        before = snapshot(case, ["status", "remedy_given", "given_at", "given_by", "note"])
        case = _close(case=case, status=Status.GIVEN, remedy=remedy, by=by, note=note, now=now)
        voucher = _issue_voucher(case=case, now=now) if remedy == Remedy.PRIORITY_VOUCHER else None
        after = snapshot(case, ["status", "remedy_given", "given_at", "given_by", "note"])
        if voucher is not None:
            after["voucher_id"] = voucher.pk
            after["voucher_valid_until"] = voucher.valid_until
        record_audit(
            actor=by, action="compensation.given", obj=case, unit=case.unit, before=before, after=after, now=now
        )
    return case


def compensation_record_declined(
    *, case: CompensationCase, by, note: str = "", now: dt.datetime | None = None
) -> CompensationCase:
    """Record that the citizen declined (or had left before it could be given); exactly once."""
    now = now or timezone.now()
    with transaction.atomic():
        before = snapshot(case, ["status", "remedy_given", "given_at", "given_by", "note"])
        case = _close(case=case, status=Status.DECLINED, remedy="", by=by, note=note, now=now)
        record_audit(
            actor=by,
            action="compensation.declined",
            obj=case,
            unit=case.unit,
            before=before,
            after=snapshot(case, ["status", "remedy_given", "given_at", "given_by", "note"]),
            now=now,
        )
    return case


def compensation_correct(
    *,
    case: CompensationCase,
    status: str,
    remedy: str = "",
    reason: str,
    by,
    now: dt.datetime | None = None,
) -> CompensationCase:
    """Correct how a handled case was recorded (given ↔ declined, or what was given).

    The case keeps its identity; the audit row holds the state before and after and the
    reason.  A voucher already handed out stays valid, so a case with a voucher cannot be
    corrected to something else; correcting to a voucher issues one.
    """
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Say why it is corrected."), field_errors={"reason": [_("This field is required.")]})
    if status not in (Status.GIVEN, Status.DECLINED):
        raise ApplicationError(_("A case can be corrected to given or declined only."))
    if status == Status.GIVEN:
        allowed = ALLOWED_GIVEN.get(case.rule.remedy, {case.rule.remedy})
        if remedy not in allowed:
            raise ApplicationError(
                _("This rule does not give that."), field_errors={"remedy": [_("This rule does not give that.")]}
            )
    else:
        remedy = ""
    fields = ["status", "remedy_given", "given_at", "given_by", "note"]
    with transaction.atomic():
        current = CompensationCase.objects.select_related("unit", "rule").get(pk=case.pk)
        if current.status == Status.DUE:
            raise ApplicationError(_("This case has not been recorded yet; record it at the counter."))
        has_voucher = PriorityVoucher.objects.filter(case=current).exists()
        if has_voucher and remedy != Remedy.PRIORITY_VOUCHER:
            raise ApplicationError(_("A voucher was handed out for this case; it stays valid and cannot be undone."))
        if current.status == status and current.remedy_given == remedy:
            raise ApplicationError(_("Nothing to correct: the case is already recorded like this."))
        before = snapshot(current, fields)
        updated = CompensationCase.objects.filter(
            pk=current.pk, status=current.status, remedy_given=current.remedy_given
        ).update(status=status, remedy_given=remedy)
        if updated != 1:
            raise ApplicationError(_("The case was changed at the same moment. Please reload and try again."))
        current.refresh_from_db()
        after = {**snapshot(current, fields), "reason": reason}
        if remedy == Remedy.PRIORITY_VOUCHER and not has_voucher:
            voucher = _issue_voucher(case=current, now=now)
            after["voucher_id"] = voucher.pk
        record_audit(
            actor=by,
            action="compensation.corrected",
            obj=current,
            unit=current.unit,
            before=before,
            after=after,
            now=now,
        )
    return current
