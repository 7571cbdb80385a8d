"""Benchmark: complaint intake through the public web form, on SQLite and on PostgreSQL.

For each backend it builds a fresh database with the test world (mutu.core.testing and
mutu.complaints.testing), starts the real app under gunicorn on 127.0.0.1, and lets 4 client
threads send complaints through ``/pengaduan/baru`` (GET for the CSRF cookie, then POSTs of the
full form with consent; the rate limit is off, everything else — validation, deadlines, audit,
the outbox row of the email code — runs as in production). It reports submissions per second
and checks that every accepted report is in the database once. Then it calls
``services.submit_complaint`` directly in one process (calls per second), the floor of every
channel's cost. Figures from one run on this machine, to compare, not to pass or fail.

    .venv/bin/python bench/complaint_intake.py [--clients 4] [--per-client 25] [--direct 300]
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
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "mutu_bench_complaints"

SETUP = r"""
from mutu.core.testing import build_world
from mutu.complaints.testing import build_complaint_world
w = build_complaint_world(build_world())
print("INSTANSI", w.bontang.pk)
"""

COUNT = r"""
from mutu.complaints.models import Complaint
rows = list(Complaint.objects.values_list("tracking_code", flat=True))
print("COMPLAINTS", len(rows), "DISTINCT", len(set(rows)))
"""

DIRECT = r"""
import time
from django.utils import timezone
from mutu.complaints.services import submit_complaint
from mutu.organisations.models import Instansi

bontang = Instansi.objects.get(slug="kota-bontang")
n = {n}
t0 = time.perf_counter()
for i in range(n):
    submit_complaint(
        instansi=bontang, channel="web", title=f"Uji langsung {{i}}",
        description="Antrean tanpa informasi di loket perizinan.", reporter_name="Bench",
        reporter_email=f"direct{{i}}@example.org", consent=True, now=timezone.now(),
    )
print("DIRECT", n, f"{{time.perf_counter() - t0:.3f}}")
"""


def client_thread(base, instansi_id, number, count, results, errors):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = f"{base}/pengaduan/baru"
    try:
        opener.open(form, timeout=30).read()
        token = next(c.value for c in jar if c.name == "csrftoken")
        for i in range(count):
            data = urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "instansi": instansi_id,
                    "kind": "pengaduan",
                    "title": f"Antrean tanpa informasi {number}-{i}",
                    "description": "Saya menunggu satu jam tanpa informasi di loket perizinan.",
                    "reporter_name": "Warga Bench",
                    "reporter_email": f"bench{number}-{i}@example.org",
                    "consent": "on",
                    "website": "",
                }
            ).encode()
            request = urllib.request.Request(form, data=data, headers={"Referer": form})
            with opener.open(request, timeout=60) as response:
                body = response.read().decode()
                if "/konfirmasi" not in response.url and "/lacak/" not in response.url:
                    errors.append(f"not accepted: {response.status} {' '.join(body.split())[:200]}")
                else:
                    results.append(response.url)
    except Exception as exc:  # noqa: BLE001 - reported, the run continues
        errors.append(repr(exc))


def run_backend(name: str, database_url: str, clients: int, per_client: int, direct: int, tmp: Path) -> dict:
    env = app_env(
        database_url=database_url,
        static_root=tmp / f"static-{name}",
        private_root=tmp / "private",
        LOG_LEVEL="WARNING",
    )
    manage(env, "migrate", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    instansi_id = re.search(r"INSTANSI (\d+)", shell(env, SETUP)).group(1)
    with gunicorn(env, workers=4, quiet=True) as base:  # quiet: the console sender prints every code
        results, errors = [], []
        threads = [
            threading.Thread(target=client_thread, args=(base, instansi_id, n, per_client, results, errors))
            for n in range(clients)
        ]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
    total, distinct = re.search(r"COMPLAINTS (\d+) DISTINCT (\d+)", shell(env, COUNT)).groups()
    n, seconds = re.search(r"DIRECT (\d+) ([\d.]+)", shell(env, DIRECT.format(n=direct))).groups()
    return {
        "name": name,
        "accepted": len(results),
        "errors": errors,
        "seconds": elapsed,
        "stored": int(total),
        "distinct": int(distinct),
        "direct": (int(n), float(seconds)),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--per-client", type=int, default=25)
    parser.add_argument("--direct", type=int, default=300)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="mutu-bench-"))
    reports = []
    try:
        reports.append(
            run_backend("sqlite", f"sqlite:///{tmp / 'bench.sqlite3'}", args.clients, args.per_client, args.direct, tmp)
        )
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
            conn.execute(f"CREATE DATABASE {PG_BENCH_DB}")
        try:
            reports.append(
                run_backend(
                    "postgresql",
                    f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}",
                    args.clients,
                    args.per_client,
                    args.direct,
                    tmp,
                )
            )
        finally:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"complaint intake: {args.clients} concurrent web-form clients x {args.per_client}, gunicorn 4 workers")
    ok = True
    for r in reports:
        rate = r["accepted"] / r["seconds"] if r["seconds"] else 0
        n, seconds = r["direct"]
        print(
            f"  {r['name']:10} {r['accepted']:4} reports in {r['seconds']:.2f} s = {rate:6.1f} submissions/s; "
            f"stored {r['stored']}, duplicate codes: {r['stored'] - r['distinct']}; errors: {len(r['errors'])}"
        )
        print(f"             submit_complaint directly: {n} calls in {seconds:.2f} s = {n / seconds:6.1f} calls/s")
        for error in r["errors"][:3]:
            print(f"             {error}")
        ok = ok and r["stored"] == r["accepted"] and r["stored"] == r["distinct"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
