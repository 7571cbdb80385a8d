"""Two counters calling from the same line at the same moment never notify a citizen twice.

Every waiting ticket has opted in; each call may claim the "near" notices of the same tickets.
SQLite is raced with real processes on a copy of the small-office file; PostgreSQL with threads
on the test database (each thread has its own connection).
"""

import datetime as dt
import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
TICKETS = 24
CALLS_EACH = 10
MONDAY_NINE = dt.datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Makassar"))

SETUP = f"""
import django
django.setup()
import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo
from django.contrib.auth import get_user_model
from django.utils import timezone
from mutu.messaging.testing import build_chat_world
from mutu.organisations.models import Counter, Instansi
from mutu.queues.models import CounterAssignment, QueueLine
from mutu.queues.services.notices import request_ticket_notice
from mutu.queues.services.tickets import issue_ticket
build_chat_world(SimpleNamespace(bontang=Instansi.objects.get(slug="kota-bontang")))
line = QueueLine.objects.get(service__slug="reklame")
a2 = Counter.objects.create(gerai=line.gerai, code="A2", name="Loket 2")
line.counters.add(a2)
CounterAssignment.objects.create(
    counter=a2, officer=get_user_model().objects.get(username="alice"), created_at=timezone.now()
)
now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Makassar"))
for i in range({TICKETS}):
    ticket = issue_ticket(line=line, now=now + dt.timedelta(seconds=i))
    request_ticket_notice(ticket=ticket, phone=f"0812-0000-{{i:04d}}", consent=True, now=now)
"""

RACE = f"""
import django
django.setup()
import datetime as dt, sys, time
from zoneinfo import ZoneInfo
from django.contrib.auth import get_user_model
from mutu.core.errors import ApplicationError
from mutu.organisations.models import Counter
from mutu.queues.services.counter import call_next, mark_no_show
counter = Counter.objects.get(code=sys.argv[2], gerai__name="Gerai DPMPTSP")
officer = get_user_model().objects.get(username=sys.argv[3])
start = dt.datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Makassar"))
start_at = float(sys.argv[1])
while time.time() < start_at:
    time.sleep(0.001)
called = []
for i in range({CALLS_EACH}):
    now = start + dt.timedelta(minutes=i)
    for _attempt in range(50):
        try:
            ticket = call_next(counter=counter, officer=officer, now=now)
            break
        except ApplicationError:  # "other counters are calling at the same moment"
            time.sleep(0.01)
    called.append(ticket.code)
    mark_no_show(ticket=ticket, officer=officer, now=now + dt.timedelta(seconds=30))
print(" ".join(called))
"""

CHECK = """
import django
django.setup()
import json
from mutu.messaging.models import ChatMessage
from mutu.queues.models import TicketNotice
rows = list(ChatMessage.objects.values_list("outbox__dedupe_key", "outbox__template_name"))
print(json.dumps({
    "messages": len(rows),
    "keys": len({key for key, _purpose in rows}),
    "called": sum(1 for _key, purpose in rows if purpose == "queue_called"),
    "near": sum(1 for _key, purpose in rows if purpose == "queue_near"),
    "near_claimed": TicketNotice.objects.filter(near_sent_at__isnull=False).count(),
    "called_claimed": TicketNotice.objects.filter(called_sent_at__isnull=False).count(),
}))
"""


def _run(env: dict, code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_two_counters_racing_on_sqlite_notify_each_citizen_once(sqlite_office):
    _run(sqlite_office, SETUP)
    start_at = str(time.time() + 3)
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACE, start_at, code, officer],
            cwd=ROOT,
            env=sqlite_office,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for code, officer in (("A1", "bob"), ("A2", "alice"))
    ]
    results = [r.communicate(timeout=240) for r in racers]
    assert all(r.returncode == 0 for r in racers), [err for _out, err in results]
    codes = [code for out, _err in results for code in out.split()]
    assert len(codes) == len(set(codes)) == 2 * CALLS_EACH
    counts = json.loads(_run(sqlite_office, CHECK))
    assert counts["messages"] == counts["keys"]  # no message twice
    assert counts["called"] == counts["called_claimed"] == 2 * CALLS_EACH
    # Each near notice sent once; the called tickets' near notices were sent or became moot.
    assert counts["near"] <= counts["near_claimed"]
    # Those left waiting are near the front now (a racing call may tell the last one a call later).
    assert counts["near"] >= TICKETS - 2 * CALLS_EACH - 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="threads would share one in-memory SQLite database; SQLite is raced with processes above",
)
@pytest.mark.django_db(transaction=True)
def test_two_counters_racing_on_postgresql_notify_each_citizen_once(queue_world, settings):
    from django.db import connections

    from mutu.core.errors import ApplicationError
    from mutu.messaging.models import ChatMessage
    from mutu.messaging.testing import build_chat_world
    from mutu.organisations.models import Counter
    from mutu.queues.models import CounterAssignment, TicketNotice
    from mutu.queues.services.counter import call_next, mark_no_show
    from mutu.queues.services.notices import request_ticket_notice
    from mutu.queues.services.tickets import issue_ticket

    settings.QUEUE_NOTICE_PLACES_AHEAD = 3
    w = build_chat_world(queue_world)
    a2 = Counter.objects.create(gerai=w.gerai_dpmptsp, code="A2", name="Loket 2")
    w.line_a.counters.add(a2)
    CounterAssignment.objects.create(counter=a2, officer=w.alice, created_at=MONDAY_NINE)
    for i in range(TICKETS):
        ticket = issue_ticket(line=w.line_a, now=MONDAY_NINE + dt.timedelta(seconds=i))
        request_ticket_notice(ticket=ticket, phone=f"0812-0000-{i:04d}", consent=True, now=MONDAY_NINE)

    barrier = threading.Barrier(2, timeout=60)
    errors, called = [], []

    def counter_at_work(counter, officer):
        try:
            for i in range(CALLS_EACH):
                now = MONDAY_NINE + dt.timedelta(hours=1, minutes=i)
                barrier.wait()  # both counters press "call" together
                for _attempt in range(50):
                    try:
                        ticket = call_next(counter=counter, officer=officer, now=now)
                        break
                    except ApplicationError:
                        time.sleep(0.01)
                called.append(ticket.code)
                mark_no_show(ticket=ticket, officer=officer, now=now + dt.timedelta(seconds=30))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
            barrier.abort()
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=counter_at_work, args=(w.counter_a1, w.bob)),
        threading.Thread(target=counter_at_work, args=(a2, w.alice)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(called) == len(set(called)) == 2 * CALLS_EACH
    rows = list(ChatMessage.objects.values_list("outbox__dedupe_key", "outbox__template_name"))
    assert len(rows) == len({key for key, _purpose in rows})
    assert sum(1 for _k, p in rows if p == "queue_called") == 2 * CALLS_EACH
    near_claimed = TicketNotice.objects.filter(near_sent_at__isnull=False).count()
    assert 0 < sum(1 for _k, p in rows if p == "queue_near") <= near_claimed
