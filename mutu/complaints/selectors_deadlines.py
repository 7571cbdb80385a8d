"""Reads for the deadline rules page: whose rules a user may set, and what applies per stage."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from mutu.complaints.deadlines import DEFAULT_POLICIES, Policy
from mutu.complaints.models import DeadlinePolicy, Stage
from mutu.organisations.models import Instansi, Membership, Unit
from mutu.organisations.selectors import _instansi_ids, _unit_ids

Role = Membership.Role


def instansi_ruled_by(*, user) -> QuerySet[Instansi]:
    """Instansi whose deadline rules the user sets: instansi administrators (superuser: all)."""
    if not getattr(user, "is_authenticated", False):
        return Instansi.objects.none()
    if user.is_superuser:
        return Instansi.objects.all()
    return Instansi.objects.filter(pk__in=_instansi_ids(user, [Role.INSTANSI_ADMIN]))


def units_ruled_by(*, user) -> QuerySet[Unit]:
    """Units whose own deadline rules the user sets: their unit administrators, and the
    administrators of the unit's instansi."""
    if not getattr(user, "is_authenticated", False):
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    from django.db.models import Q

    return Unit.objects.filter(
        Q(instansi_id__in=_instansi_ids(user, [Role.INSTANSI_ADMIN])) | Q(pk__in=_unit_ids(user, [Role.UNIT_ADMIN]))
    )


@dataclass(frozen=True)
class StageRule:
    stage: str
    label: str
    applies: Policy  # what counts now
    source: str  # "unit", "instansi" or "default"
    own: DeadlinePolicy | None  # the row set at this level (None: inherited)
    inherited: Policy  # what applies without this level's row
    inherited_source: str


def stage_rules(*, instansi: Instansi, unit: Unit | None = None) -> list[StageRule]:
    """Every stage with the rule that applies at this level and where it comes from (one query)."""
    rows = DeadlinePolicy.objects.filter(instansi=instansi)
    rows = rows.filter(unit__isnull=True) | (rows.filter(unit=unit) if unit is not None else rows.none())
    instansi_rows = {}
    unit_rows = {}
    for row in rows:
        (unit_rows if row.unit_id else instansi_rows)[row.stage] = row
    result = []
    for stage in Stage:
        default = DEFAULT_POLICIES[stage]
        inst = instansi_rows.get(stage.value)
        inst_policy = _policy(inst) if inst else default
        inst_source = "instansi" if inst else "default"
        if unit is None:
            own, inherited, inherited_source = inst, default, "default"
        else:
            own, inherited, inherited_source = unit_rows.get(stage.value), inst_policy, inst_source
        applies = _policy(own) if own else inherited
        source = ("unit" if unit is not None else "instansi") if own else inherited_source
        result.append(
            StageRule(
                stage=stage.value,
                label=str(stage.label),
                applies=applies,
                source=source,
                own=own,
                inherited=inherited,
                inherited_source=inherited_source,
            )
        )
    return result


def _policy(row: DeadlinePolicy) -> Policy:
    return Policy(row.days, row.day_kind, row.remind_days_before)


def units_with_overrides(*, units: QuerySet[Unit]) -> list[tuple[Unit, int]]:
    """Units (ordered by instansi and name) with how many stages they override."""
    from django.db.models import Count, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    counts = (
        DeadlinePolicy.objects.filter(unit=OuterRef("pk")).order_by().values("unit").annotate(n=Count("pk")).values("n")
    )
    qs = (
        units.select_related("instansi")
        .annotate(overrides=Coalesce(Subquery(counts), 0))
        .order_by("instansi__name", "name")
    )
    return [(unit, unit.overrides) for unit in qs]
