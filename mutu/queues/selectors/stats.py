"""Counter-service statistics per service, counter and hour of day.

Read as plain tuples (one query for tickets, one for cases) and folded in Python with
the pure helpers of ``calculations``, so the cost grows with the tickets in the period
and not with the number of groups.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from mutu.queues.calculations import median, percentile
from mutu.queues.models import CompensationCase, Ticket


@dataclass
class GroupStats:
    label: str
    tickets: int = 0
    served: int = 0
    no_show: int = 0
    compensations: int = 0
    within_standard: int = 0
    with_standard: int = 0
    waits: list[float] = field(default_factory=list)
    services: list[float] = field(default_factory=list)

    @property
    def wait_median(self) -> float | None:
        return median(self.waits)

    @property
    def wait_p90(self) -> float | None:
        return percentile(self.waits, 90)

    @property
    def service_median(self) -> float | None:
        return median(self.services)

    @property
    def service_p90(self) -> float | None:
        return percentile(self.services, 90)

    @property
    def no_show_rate(self) -> float | None:
        closed = self.served + self.no_show
        return self.no_show / closed if closed else None

    @property
    def compensation_rate(self) -> float | None:
        return self.compensations / self.tickets if self.tickets else None

    @property
    def within_standard_share(self) -> float | None:
        return self.within_standard / self.with_standard if self.with_standard else None


@dataclass
class QueueStats:
    start: dt.date
    end: dt.date
    total: GroupStats
    by_service: list[GroupStats]
    by_counter: list[GroupStats]
    by_hour: list[GroupStats]


def _minutes(a: dt.datetime | None, b: dt.datetime | None) -> float | None:
    if a is None or b is None or b < a:
        return None
    return (b - a).total_seconds() / 60


def queue_statistics(*, unit, start: dt.date, end: dt.date) -> QueueStats:
    """Waiting and service times (median, p90), no-shows, compensations and the share of
    tickets served within the standard's counter time, for ``start``–``end`` inclusive."""
    tz = ZoneInfo(unit.timezone)
    rows = list(
        Ticket.objects.filter(line__gerai__unit=unit, day__gte=start, day__lte=end)
        .exclude(status=Ticket.Status.TRANSFERRED)
        .values_list(
            "id",
            "status",
            "issued_at",
            "called_at",
            "service_started_at",
            "finished_at",
            "service__name",
            "counter__code",
            "standard_version__counter_time_minutes",
        )
    )
    ticket_ids_with_case = set(
        CompensationCase.objects.filter(unit=unit, ticket__day__gte=start, ticket__day__lte=end).values_list(
            "ticket_id", flat=True
        )
    )
    total = GroupStats(label="")
    by_service: dict[str, GroupStats] = {}
    by_counter: dict[str, GroupStats] = {}
    by_hour: dict[int, GroupStats] = defaultdict(lambda: GroupStats(label=""))
    for tid, status, issued, called, started, finished, service_name, counter_code, standard in rows:
        hour = issued.astimezone(tz).hour
        groups = [
            total,
            by_service.setdefault(service_name, GroupStats(label=service_name)),
            by_hour[hour],
        ]
        if counter_code:
            groups.append(by_counter.setdefault(counter_code, GroupStats(label=counter_code)))
        wait = _minutes(issued, called)
        service_time = _minutes(started, finished) if status == Ticket.Status.DONE else None
        for g in groups:
            g.tickets += 1
            g.served += status == Ticket.Status.DONE
            g.no_show += status == Ticket.Status.NO_SHOW
            g.compensations += tid in ticket_ids_with_case
            if wait is not None:
                g.waits.append(wait)
            if service_time is not None:
                g.services.append(service_time)
                if standard:
                    g.with_standard += 1
                    g.within_standard += service_time <= standard
    for hour, g in by_hour.items():
        g.label = f"{hour:02d}.00"
    return QueueStats(
        start=start,
        end=end,
        total=total,
        by_service=sorted(by_service.values(), key=lambda g: g.label),
        by_counter=sorted(by_counter.values(), key=lambda g: g.label),
        by_hour=[by_hour[h] for h in sorted(by_hour)],
    )
