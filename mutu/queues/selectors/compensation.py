"""Reads for service compensation: rules in force, the cases due at a counter, the register
and the summaries that staff evaluation consumes.

Visibility: the views decide who may read a unit's compensation (its head and admin, and the
instansi's admin and evaluator); every selector here takes the unit(s) already allowed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from mutu.organisations.models import Location, Membership, Unit
from mutu.organisations.selectors import has_unit_role, memberships_of
from mutu.queues.models import CompensationCase, CompensationRule, CompensationRuleSet, Trigger

Role = Membership.Role
MANAGE_ROLES = (Role.UNIT_HEAD, Role.UNIT_ADMIN)
READ_INSTANSI_ROLES = (Role.INSTANSI_ADMIN, Role.EVALUATOR)

# --- Permissions ---------------------------------------------------------------------------


def can_read_compensation(*, user, unit: Unit) -> bool:
    """The unit's head and admin, and the instansi's admin and evaluator (read-only)."""
    if getattr(user, "is_superuser", False):
        return True
    if has_unit_role(user=user, unit=unit, roles=MANAGE_ROLES):
        return True
    return any(
        m.unit_id is None and m.instansi_id == unit.instansi_id and m.role in READ_INSTANSI_ROLES
        for m in memberships_of(user)
    )


def can_change_compensation_rules(*, user, unit: Unit) -> bool:
    """Only the unit's own head and admin set its rules (the instansi's roles only read)."""
    return has_unit_role(user=user, unit=unit, roles=MANAGE_ROLES)


# --- Rules ---------------------------------------------------------------------------------


def rulesets_of(*, unit: Unit) -> list[CompensationRuleSet]:
    """Every version of the unit's rules, newest effective date first, rules prefetched."""
    return list(
        CompensationRuleSet.objects.filter(unit=unit)
        .select_related("maklumat", "created_by")
        .prefetch_related(Prefetch("rules", queryset=CompensationRule.objects.order_by("id")))
        .order_by("-effective_from", "-number")
    )


def pick_ruleset(rulesets: Iterable[CompensationRuleSet], day: dt.date) -> CompensationRuleSet | None:
    """The version in force on ``day``: the latest effective date on or before it."""
    best = None
    for ruleset in rulesets:
        if ruleset.effective_from <= day and (best is None or ruleset.effective_from > best.effective_from):
            best = ruleset
    return best


def ruleset_in_force(*, unit: Unit, day: dt.date) -> CompensationRuleSet | None:
    return (
        CompensationRuleSet.objects.filter(unit=unit, effective_from__lte=day)
        .select_related("maklumat")
        .prefetch_related(Prefetch("rules", queryset=CompensationRule.objects.order_by("id")))
        .order_by("-effective_from")
        .first()
    )


def rules_in_force(*, unit: Unit, day: dt.date) -> dict[str, CompensationRule]:
    """``{trigger: rule}`` of the version in force on ``day`` (empty when the unit has none)."""
    ruleset = ruleset_in_force(unit=unit, day=day)
    return {} if ruleset is None else {rule.trigger: rule for rule in ruleset.rules.all()}


# --- Cases at a counter --------------------------------------------------------------------


def cases_due_for_location(*, location: Location, units: Iterable[Unit]) -> QuerySet[CompensationCase]:
    """Cases still due for ``units`` at ``location``, oldest first, for the counter console.

    Ticket cases are those of tickets taken at the location; a late berkas is shown where its
    receipt ticket was taken, or at every location of the unit when it had no ticket.  Each
    row has ``ticket`` (``ticket.code``), ``berkas``, ``rule`` (``rule.remedy``), ``service``,
    ``counter``, ``trigger`` and ``measured_minutes`` loaded in the one query.
    """
    unit_ids = [u.pk if isinstance(u, Unit) else u for u in units]
    return (
        CompensationCase.objects.filter(status=CompensationCase.Status.DUE, unit_id__in=unit_ids)
        .filter(
            Q(ticket__location=location)
            | Q(berkas__isnull=False, berkas__ticket__location=location)
            | Q(berkas__isnull=False, berkas__ticket__isnull=True)
        )
        .select_related("ticket", "berkas", "rule", "service", "counter")
        .order_by("detected_at", "id")
    )


# --- Register ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterFilters:
    """What the register can be narrowed to; every field is optional.

    ``start``/``end`` are dates of detection in each unit's time zone, both inclusive.
    """

    status: str = ""
    trigger: str = ""
    service_id: int | None = None
    officer_id: int | None = None
    counter_id: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None


def _local_midnight(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz)


def compensation_register(
    *, units: Iterable[Unit], filters: RegisterFilters | None = None
) -> QuerySet[CompensationCase]:
    """Every case of ``units`` matching ``filters``, newest first, ready for a table or export."""
    filters = filters or RegisterFilters()
    units = list(units)
    qs = CompensationCase.objects.filter(unit__in=units)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.trigger:
        qs = qs.filter(trigger=filters.trigger)
    if filters.service_id:
        qs = qs.filter(service_id=filters.service_id)
    if filters.officer_id:
        qs = qs.filter(officer_id=filters.officer_id)
    if filters.counter_id:
        qs = qs.filter(counter_id=filters.counter_id)
    if filters.start or filters.end:
        # "Which day" is each unit's own: one condition per unit (there are few).
        per_unit = Q(pk__in=[])
        for unit in units:
            tz = ZoneInfo(unit.timezone)
            cond = Q(unit=unit)
            if filters.start:
                cond &= Q(detected_at__gte=_local_midnight(filters.start, tz))
            if filters.end:
                cond &= Q(detected_at__lt=_local_midnight(filters.end + dt.timedelta(days=1), tz))
            per_unit |= cond
        qs = qs.filter(per_unit)
    return qs.select_related(
        "unit", "ticket", "berkas", "service", "counter", "officer", "given_by", "rule", "voucher"
    ).order_by("-detected_at", "-id")


# --- Summary -------------------------------------------------------------------------------


@dataclass
class CaseCounts:
    """Counts of cases in one group.

    ``cases`` is every case detected; ``due`` those not yet handled, ``given`` those whose
    compensation was handed over, ``declined`` those the citizen declined
    (``cases == due + given + declined``).
    """

    key: object
    label: str
    cases: int = 0
    due: int = 0
    given: int = 0
    declined: int = 0

    def add(self, status: str) -> None:
        self.cases += 1
        if status == CompensationCase.Status.DUE:
            self.due += 1
        elif status == CompensationCase.Status.GIVEN:
            self.given += 1
        elif status == CompensationCase.Status.DECLINED:
            self.declined += 1


@dataclass
class CompensationSummary:
    """A unit's compensation cases detected from ``start`` to ``end`` (inclusive, unit's zone).

    The input of staff evaluation.  Groups are lists of :class:`CaseCounts`:

    * ``by_officer`` — ``key`` is the user id of the officer whose service breached the
      promise (counter time); ``None`` groups the cases not tied to one officer (waiting
      without information, late berkas);
    * ``by_service`` — ``key`` is the service id;
    * ``by_month`` — ``key`` is the first day of the month (``datetime.date``), in order;
    * ``by_trigger`` — ``key`` is the :class:`Trigger` code, every trigger present (zeros too).
    """

    unit_id: int
    start: dt.date
    end: dt.date
    total: CaseCounts
    by_officer: list[CaseCounts] = field(default_factory=list)
    by_service: list[CaseCounts] = field(default_factory=list)
    by_month: list[CaseCounts] = field(default_factory=list)
    by_trigger: list[CaseCounts] = field(default_factory=list)


def _officer_label(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username


def compensation_summary(*, unit: Unit, start: dt.date, end: dt.date) -> CompensationSummary:
    """Counts per officer, service, month and trigger (one query, folded in Python)."""
    tz = ZoneInfo(unit.timezone)
    rows = CompensationCase.objects.filter(
        unit=unit,
        detected_at__gte=_local_midnight(start, tz),
        detected_at__lt=_local_midnight(end + dt.timedelta(days=1), tz),
    ).values_list(
        "status",
        "trigger",
        "detected_at",
        "service_id",
        "service__name",
        "officer_id",
        "officer__first_name",
        "officer__last_name",
        "officer__username",
    )
    total = CaseCounts(key=None, label=_("All cases"))
    by_officer: dict[int | None, CaseCounts] = {}
    by_service: dict[int, CaseCounts] = {}
    by_month: dict[dt.date, CaseCounts] = {}
    by_trigger = {t.value: CaseCounts(key=t.value, label=str(t.label)) for t in Trigger}
    for status, trigger, detected_at, service_id, service_name, officer_id, first, last, username in rows:
        month = detected_at.astimezone(tz).date().replace(day=1)
        officer_label = _officer_label(first, last, username) if officer_id else _("Not tied to one officer")
        groups = (
            total,
            by_officer.setdefault(officer_id, CaseCounts(key=officer_id, label=officer_label)),
            by_service.setdefault(service_id, CaseCounts(key=service_id, label=service_name)),
            by_month.setdefault(month, CaseCounts(key=month, label=month.strftime("%Y-%m"))),
            by_trigger.setdefault(trigger, CaseCounts(key=trigger, label=trigger)),
        )
        for group in groups:
            group.add(status)
    officers = sorted(by_officer.values(), key=lambda g: (g.key is None, g.label.lower()))
    return CompensationSummary(
        unit_id=unit.pk,
        start=start,
        end=end,
        total=total,
        by_officer=officers,
        by_service=sorted(by_service.values(), key=lambda g: g.label.lower()),
        by_month=[by_month[m] for m in sorted(by_month)],
        by_trigger=list(by_trigger.values()),
    )
