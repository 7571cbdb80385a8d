"""Writes of the deadline rules page: an instansi's rules, and a unit's overrides."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from mutu.complaints.models import DayKind, DeadlinePolicy, Stage
from mutu.core.audit import record_audit
from mutu.core.errors import ApplicationError
from mutu.organisations.models import Instansi, Unit

MAX_DAYS = 365
MAX_REMIND_DAYS = 60


@dataclass(frozen=True)
class RuleInput:
    days: int
    day_kind: str
    remind_days_before: int


def save_deadline_rules(
    *,
    instansi: Instansi,
    unit: Unit | None,
    rules: dict[str, RuleInput | None],
    by,
    now: datetime.datetime,
) -> int:
    """Set (or, with ``None``, remove) this level's rule for each stage given; returns rows changed.

    A unit's rule overrides its instansi's; without either, the LAPOR! default applies. Rules
    apply to deadlines started from now on; running clocks keep their due date.
    """
    if unit is not None and unit.instansi_id != instansi.pk:
        raise ValueError("unit of another instansi")
    errors: dict[str, list[str]] = {}
    for stage, rule in rules.items():
        if stage not in Stage.values:
            raise ValueError(f"unknown stage {stage!r}")
        if rule is None:
            continue
        if not 1 <= rule.days <= MAX_DAYS:
            errors[f"{stage}_days"] = [_("Enter a number of days from 1 to %(n)s.") % {"n": MAX_DAYS}]
        if rule.day_kind not in DayKind.values:
            errors[f"{stage}_day_kind"] = [_("Choose one of the listed options.")]
        if not 0 <= rule.remind_days_before <= MAX_REMIND_DAYS:
            errors[f"{stage}_remind"] = [_("Enter a number of days from 0 to %(n)s.") % {"n": MAX_REMIND_DAYS}]
        elif rule.remind_days_before >= rule.days and rule.remind_days_before > 0:
            errors[f"{stage}_remind"] = [_("The reminder must come before the deadline: fewer days than the limit.")]
    if errors:
        raise ApplicationError(_("Some rules need attention."), field_errors=errors)
    changed = 0
    with transaction.atomic():
        existing = {row.stage: row for row in DeadlinePolicy.objects.filter(instansi=instansi, unit=unit)}
        before, after = {}, {}
        for stage, rule in rules.items():
            row = existing.get(stage)
            if rule is None:
                if row is not None:
                    before[stage] = [row.days, row.day_kind, row.remind_days_before]
                    after[stage] = None
                    row.delete()
                    changed += 1
                continue
            values = [rule.days, rule.day_kind, rule.remind_days_before]
            if row is not None and [row.days, row.day_kind, row.remind_days_before] == values:
                continue
            before[stage] = [row.days, row.day_kind, row.remind_days_before] if row else None
            after[stage] = values
            DeadlinePolicy.objects.update_or_create(
                instansi=instansi,
                unit=unit,
                stage=stage,
                defaults={"days": rule.days, "day_kind": rule.day_kind, "remind_days_before": rule.remind_days_before},
            )
            changed += 1
        if changed:
            record_audit(
                actor=by,
                action="complaints.deadline_rules",
                obj=unit or instansi,
                unit=unit,
                before=before,
                after=after,
                now=now,
            )
    return changed
