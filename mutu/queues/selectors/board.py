"""Reads for the public display board (a TV page per location): no personal data, ticket codes only.

A "call" is a ``TicketEvent`` of kind called or recalled; its id is the cursor the board
polls with (``calls since <id>``), so a recall is announced again and nothing is missed
between two polls. Every function here reads a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from mutu.organisations.models import Counter, Location
from mutu.queues.models import Ticket, TicketEvent
from mutu.queues.selectors.console import CURRENT_STATUSES, local_today
from mutu.standards.selectors import current_maklumat

CALL_KINDS = (TicketEvent.Kind.CALLED, TicketEvent.Kind.RECALLED)
RECENT_CALLS = 5
MAX_CALLS_PER_POLL = 20


def board_location(*, slug: str) -> Location:
    """An active location by slug (Location.DoesNotExist otherwise)."""
    return Location.objects.select_related("manager_unit").get(slug=slug, is_active=True)


def spoken_call(*, prefix: str, number: int, counter_code: str) -> str:
    """What the board says, always in Indonesian (it is spoken with ``lang="id-ID"``).

    Letters and digits are spaced so the voice reads them one by one:
    ``Nomor antrean A 0 0 7, silakan menuju loket A1``.
    """
    code = " ".join([*prefix, *f"{number:03d}"])
    return f"Nomor antrean {code}, silakan menuju loket {counter_code}"


@dataclass
class Call:
    id: int
    code: str
    counter_code: str
    counter_name: str
    at: dt.datetime
    is_recall: bool
    speech: str

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "code": self.code,
            "counter": self.counter_code,
            "counter_name": self.counter_name,
            "at": self.at.isoformat(),
            "recall": self.is_recall,
            "speech": self.speech,
        }


@dataclass
class CounterDisplay:
    counter: Counter
    ticket: Ticket | None

    def as_json(self) -> dict:
        return {
            "id": self.counter.pk,
            "counter": self.counter.code,
            "name": self.counter.name,
            "code": self.ticket.code if self.ticket else None,
            "status": self.ticket.status if self.ticket else None,
        }


def _calls(location: Location, day: dt.date):
    return (
        TicketEvent.objects.filter(kind__in=CALL_KINDS, ticket__location=location, ticket__day=day)
        .select_related("ticket", "counter")
        .only(
            "id",
            "kind",
            "at",
            "ticket__prefix",
            "ticket__number",
            "counter__code",
            "counter__name",
        )
    )


def _as_call(event: TicketEvent) -> Call:
    ticket, counter = event.ticket, event.counter
    counter_code = counter.code if counter else ""
    return Call(
        id=event.pk,
        code=ticket.code,
        counter_code=counter_code,
        counter_name=counter.name if counter else "",
        at=event.at,
        is_recall=event.kind == TicketEvent.Kind.RECALLED,
        speech=spoken_call(prefix=ticket.prefix, number=ticket.number, counter_code=counter_code),
    )


def recent_calls(*, location: Location, day: dt.date, limit: int = RECENT_CALLS) -> list[Call]:
    """The latest calls of the day, newest first."""
    return [_as_call(e) for e in _calls(location, day).order_by("-id")[:limit]]


def calls_since(*, location: Location, day: dt.date, since: int) -> list[Call]:
    """Calls with an id above ``since``, oldest first (at most ``MAX_CALLS_PER_POLL``, the newest)."""
    events = list(_calls(location, day).filter(id__gt=since).order_by("-id")[:MAX_CALLS_PER_POLL])
    return [_as_call(e) for e in reversed(events)]


def counters_now(*, location: Location, day: dt.date) -> list[CounterDisplay]:
    """Every active counter of the location with the ticket it calls or serves now (two queries)."""
    counters = list(
        Counter.objects.filter(gerai__location=location, gerai__is_active=True, is_active=True)
        .select_related("gerai")
        .order_by("gerai__name", "code")
    )
    current: dict[int, Ticket] = {}
    for ticket in (
        Ticket.objects.filter(location=location, day=day, status__in=CURRENT_STATUSES, counter__isnull=False)
        .only("id", "prefix", "number", "status", "counter_id", "called_at")
        .order_by("called_at", "id")
    ):
        current[ticket.counter_id] = ticket  # the latest call wins
    return [CounterDisplay(counter=c, ticket=current.get(c.pk)) for c in counters]


@dataclass
class BoardState:
    location: Location
    day: dt.date
    counters: list[CounterDisplay]
    recent: list[Call]
    last_call_id: int
    running_text: str


def board_state(*, location: Location, now: dt.datetime | None = None) -> BoardState:
    now = now or timezone.now()
    day = local_today(location, now)
    recent = recent_calls(location=location, day=day)
    maklumat = current_maklumat(unit=location.manager_unit, today=day)
    return BoardState(
        location=location,
        day=day,
        counters=counters_now(location=location, day=day),
        recent=recent,
        last_call_id=recent[0].id if recent else 0,
        running_text=" ".join(maklumat.text.split()) if maklumat else "",
    )


def board_data(*, location: Location, since: int | None, now: dt.datetime | None = None) -> dict:
    """The JSON the board polls: new calls since the cursor, current number per counter, last calls.

    Without a cursor no call is returned as new (a board just opened does not replay the day).
    """
    now = now or timezone.now()
    day = local_today(location, now)
    recent = recent_calls(location=location, day=day)
    last_id = recent[0].id if recent else 0
    new = calls_since(location=location, day=day, since=since) if since is not None and since < last_id else []
    return {
        "location": location.slug,
        "now": now.isoformat(),
        "last_id": max(last_id, since or 0),
        "calls": [c.as_json() for c in new],
        "recent": [c.as_json() for c in recent],
        "counters": [c.as_json() for c in counters_now(location=location, day=day)],
    }
