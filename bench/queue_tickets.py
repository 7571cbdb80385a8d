"""Benchmark: queue tickets from 8 concurrent kiosk clients, on SQLite and on PostgreSQL.

For each backend it builds a fresh database with the test world (mutu.queues.testing),
starts the real app under gunicorn on 127.0.0.1, and lets 8 client threads take tickets
through the public kiosk form (GET for the CSRF cookie, then POSTs). It reports tickets
per second and checks that no number was issued twice. Then it measures the officer
console in-process with 10 and with 10,000 tickets in the day: its query count must stay
flat (no N+1). Figures from one run on this machine, to compare, not to pass or fail.

    .venv/bin/python bench/queue_tickets.py [--clients 8] [--tickets-per-client 25]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import re
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from support import app_env, gunicorn, manage, shell  # bench/ is the script's folder

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "mutu_bench_queue"

SETUP = r"""
import datetime as dt
from mutu.core.testing import build_world
from mutu.queues.testing import build_queue_world
from mutu.organisations.models import OpeningHours, Break
w = build_queue_world(build_world())
OpeningHours.objects.filter(location=w.mpp).delete()
for weekday in range(7):  # open all day, every day, so the bench runs at any hour
    OpeningHours.objects.create(location=w.mpp, weekday=weekday, opens=dt.time(0, 0),
                                closes=dt.time(23, 59), last_ticket=dt.time(23, 59))
print("LINE", w.line_a.pk, "LOCATION", w.mpp.slug)
"""

COUNT = r"""
from mutu.queues.models import Ticket
numbers = list(Ticket.objects.values_list("prefix", "day", "number"))
print("TICKETS", len(numbers), "DISTINCT", len(set(numbers)))
"""

CONSOLE = r"""
import datetime as dt, time
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from mutu.queues.models import Ticket
from mutu.organisations.models import Counter
from django.contrib.auth import get_user_model


bob = get_user_model().objects.get(username="bob")
counter = Counter.objects.get(code="A1", gerai__name="Gerai DPMPTSP")
line = counter.queue_lines.get()
Ticket.objects.all().delete()
client = Client()
client.force_login(bob, backend="django.contrib.auth.backends.ModelBackend")
now = timezone.now()
today = timezone.localdate(now, timezone=dt.timezone(dt.timedelta(hours=8)))

def fill(n):
    Ticket.objects.all().delete()
    Ticket.objects.bulk_create([
        Ticket(location=line.gerai.location, line=line, service=line.service, prefix="Z", number=i + 1, day=today,
               issued_at=now - dt.timedelta(seconds=i), public_token=f"bench{i}")
        for i in range(n)
    ], batch_size=2000)

url = f"/kelola/loket/{counter.pk}/"
for n in (10, 10_000):
    fill(n)
    client.get(url)  # warm caches
    best = None
    for _ in range(3):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - t0
        best = elapsed if best is None else min(best, elapsed)
    print("CONSOLE", n, response.status_code, len(ctx.captured_queries), f"{best * 1000:.1f}")
"""


def client_thread(base, slug, line_id, count, results, errors):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    kiosk = f"{base}/antrean/{slug}/kiosk/?layanan={line_id}"
    try:
        opener.open(kiosk, timeout=30).read()
        token = next(c.value for c in jar if c.name == "csrftoken")
        for _ in range(count):
            data = urllib.parse.urlencode(
                {"csrfmiddlewaretoken": token, "line": line_id, "priority_group": "", "voucher_code": ""}
            ).encode()
            request = urllib.request.Request(f"{base}/antrean/{slug}/kiosk/", data=data, headers={"Referer": kiosk})
            with opener.open(request, timeout=60) as response:
                body = response.read().decode()
                if "/antrean/tiket/" not in response.url:
                    snippet = " ".join(body.split())[:200]
                    errors.append(f"no ticket: {response.status} {snippet}")
                else:
                    results.append(response.url)
    except Exception as exc:  # noqa: BLE001 - reported, the run continues
        errors.append(repr(exc))


def run_backend(name: str, database_url: str, clients: int, per_client: int, tmp: Path) -> dict:
    env = app_env(database_url=database_url, static_root=tmp / f"static-{name}", private_root=tmp / "private")
    manage(env, "migrate", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    out = shell(env, SETUP)
    line_id, slug = re.search(r"LINE (\d+) LOCATION (\S+)", out).groups()
    with gunicorn(env, workers=4) as base:
        results, errors = [], []
        threads = [
            threading.Thread(target=client_thread, args=(base, slug, line_id, per_client, results, errors))
            for _ in range(clients)
        ]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
    counted = re.search(r"TICKETS (\d+) DISTINCT (\d+)", shell(env, COUNT)).groups()
    console = re.findall(r"CONSOLE (\d+) (\d+) (\d+) ([\d.]+)", shell(env, CONSOLE))
    return {
        "name": name,
        "issued": len(results),
        "errors": errors,
        "seconds": elapsed,
        "tickets": int(counted[0]),
        "distinct": int(counted[1]),
        "console": console,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--tickets-per-client", type=int, default=25)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="mutu-bench-"))
    reports = []
    try:
        reports.append(
            run_backend("sqlite", f"sqlite:///{tmp / 'bench.sqlite3'}", args.clients, args.tickets_per_client, tmp)
        )
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
            conn.execute(f"CREATE DATABASE {PG_BENCH_DB}")
        try:
            reports.append(
                run_backend(
                    "postgresql",
                    f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}",
                    args.clients,
                    args.tickets_per_client,
                    tmp,
                )
            )
        finally:
            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(
        f"queue tickets: {args.clients} concurrent kiosk clients x {args.tickets_per_client} tickets, "
        "gunicorn 4 workers on 127.0.0.1"
    )
    ok = True
    for r in reports:
        rate = r["issued"] / r["seconds"] if r["seconds"] else 0
        dupes = r["tickets"] - r["distinct"]
        print(
            f"  {r['name']:10} {r['issued']:4} tickets in {r['seconds']:.2f} s = {rate:6.1f} tickets/s; "
            f"in the database {r['tickets']}, duplicate numbers: {dupes}; errors: {len(r['errors'])}"
        )
        for error in r["errors"][:3]:
            print(f"             {error}")
        for n, status, queries, ms in r["console"]:
            print(
                f"             console with {int(n):>6,} tickets today: HTTP {status}, {queries} queries, "
                f"{ms} ms (best of 3)"
            )
        if len(r["console"]) == 2:
            q10, q10k = int(r["console"][0][2]), int(r["console"][1][2])
            t10, t10k = float(r["console"][0][3]), float(r["console"][1][3])
            print(f"             console queries 10k/10 = {q10k}/{q10}; time ratio 10k/10 = {t10k / t10:.2f}")
        ok = ok and dupes == 0 and not r["errors"]
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
