"""The console, the board and the location overview read a flat number of queries: the same
with 10 tickets in the day as with 10,000 (no N+1), pinned for both sizes."""

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mutu.queues.models import CompensationCase, Ticket, TicketEvent

WITA = ZoneInfo("Asia/Makassar")
DAY = dt.date(2026, 11, 26)
START = dt.datetime(2026, 11, 26, 8, 0, tzinfo=WITA)
NOW = dt.datetime(2026, 11, 26, 11, 0, tzinfo=WITA)

# Generous enough for a session row and the memberships, tight enough to catch one query per row.
MAX_QUERIES = {
    "console": 22,
    "console_waiting": 15,
    "console_cases": 7,
    "call_next": 35,
    "location_overview": 12,
    "board": 6,
    "board_data": 6,
}


def fill_day(w, n: int) -> None:
    """``n`` tickets on line A: the first half served at A1 (with their call events), the rest
    waiting, one in ten of them a priority group; a few compensation cases due."""
    step = (NOW - START) / (n + 1)
    groups = ["", "", "", "", "", "", "", "", "", "elderly"]
    tickets = []
    for i in range(n):
        issued = START + step * i
        done = i < n // 2
        tickets.append(
            Ticket(
                location=w.mpp,
                line=w.line_a,
                service=w.reklame,
                standard_version=w.reklame_v1,
                prefix="A",
                number=i + 1,
                day=DAY,
                issued_at=issued,
                status=Ticket.Status.DONE if done else Ticket.Status.WAITING,
                priority_group=groups[i % 10],
                counter=w.counter_a1 if done else None,
                officer=w.bob if done else None,
                called_at=issued + step / 2 if done else None,
                finished_at=issued + step if done else None,
                info_given_at=issued + step if i % 7 == 0 else None,
            )
        )
    Ticket.objects.bulk_create(tickets, batch_size=2000)
    served = list(Ticket.objects.filter(status=Ticket.Status.DONE).values_list("pk", "called_at"))
    TicketEvent.objects.bulk_create(
        [TicketEvent(ticket_id=pk, kind="called", at=called, counter=w.counter_a1) for pk, called in served],
        batch_size=2000,
    )
    rule = w.rules.rules.get(trigger="wait_without_info")
    waiting = Ticket.objects.filter(status=Ticket.Status.WAITING).order_by("pk")[:3]
    CompensationCase.objects.bulk_create(
        [
            CompensationCase(
                unit=w.dpmptsp,
                trigger="wait_without_info",
                rule=rule,
                ticket=t,
                service=w.reklame,
                detected_at=NOW,
                measured_minutes=11,
            )
            for t in waiting
        ]
    )


def page_requests(w, client_for) -> dict:
    """One callable per page, each making the request an officer, manager or board makes."""
    counter = w.counter_a1.pk
    bob, manager, public = client_for(w.bob), client_for(w.mpp_manager), client_for(None)
    htmx = {"HX-Request": "true"}
    return {
        "console": lambda: bob.get(f"/kelola/loket/{counter}/"),
        "console_waiting": lambda: bob.get(f"/kelola/loket/{counter}/", {"part": "waiting"}, headers=htmx),
        "console_cases": lambda: bob.get(f"/kelola/loket/{counter}/", {"part": "cases"}, headers=htmx),
        "call_next": lambda: bob.post(f"/kelola/loket/{counter}/panggil/", headers=htmx),
        "location_overview": lambda: manager.get("/kelola/loket/lokasi/mpp/"),
        "board": lambda: public.get("/papan/mpp/"),
        "board_data": lambda: public.get("/papan/mpp/data.json", {"since": 0}),
    }


def measure(w, client_for, timings: dict | None = None) -> dict[str, int]:
    counts = {}
    for name, request in page_requests(w, client_for).items():
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = request()
        if timings is not None:
            timings[name] = round((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(queries)
    # Let the next measurement call again (the officer finished the ticket).
    Ticket.objects.filter(status="called").update(status="done", finished_at=NOW)
    return counts


@pytest.fixture
def client_for():
    def _client(user):
        c = Client()
        if user is not None:
            c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return c

    return _client


@pytest.mark.parametrize("size", [10, 10_000])
def test_each_page_stays_under_its_pin(queue_world, client_for, django_assert_max_num_queries, size):
    w = queue_world
    fill_day(w, size)
    with time_machine.travel(NOW, tick=False):
        for name, request in page_requests(w, client_for).items():
            with django_assert_max_num_queries(MAX_QUERIES[name]):
                assert request().status_code == 200, name
    assert Ticket.objects.filter(status="called").count() == 1


def test_the_counts_are_the_same_with_10_and_10000_tickets(queue_world, client_for):
    w = queue_world
    fill_day(w, 10)
    small_ms, big_ms = {}, {}
    with time_machine.travel(NOW, tick=False):
        small = measure(w, client_for, small_ms)
    step = (NOW - START) / 10_000
    Ticket.objects.bulk_create(
        [
            Ticket(
                location=w.mpp,
                line=w.line_a,
                service=w.reklame,
                prefix="A",
                number=100 + i,
                day=DAY,
                issued_at=START + step * i,
                priority_group="pregnant" if i % 9 == 0 else "",
            )
            for i in range(9_990)
        ],
        batch_size=2000,
    )
    assert Ticket.objects.filter(day=DAY).count() == 10_000
    with time_machine.travel(NOW, tick=False):
        big = measure(w, client_for, big_ms)
    print(f"\nqueries with 10 tickets:     {small}\nqueries with 10,000 tickets: {big}")
    print(f"ms with 10 tickets:     {small_ms}\nms with 10,000 tickets: {big_ms}")  # a figure, not a check
    assert small == big
