"""Four kiosks pressing "Ambil nomor" at the same instant never get the same number.

Real OS processes against a real database: a SQLite file always (the small office), and
PostgreSQL as well when the suite runs on PostgreSQL, in a database this test creates and
drops itself (the test database of pytest-django lives inside one connection's
transaction, which other processes cannot see).
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
PROCESSES = 4
TICKETS_EACH = 10

SETUP = """
import django
django.setup()
from mutu.core.testing import build_world
from mutu.queues.testing import build_queue_world
build_queue_world(build_world())
"""

SHARE_PREFIX = """
import django
django.setup()
from mutu.queues.models import QueueLine
QueueLine.objects.filter(service__slug="ktp-el").update(prefix="A")  # Disdukcapil's line shares the letter A
"""

RACE = """
import datetime as dt, sys, time
from zoneinfo import ZoneInfo
import django
django.setup()
from mutu.queues.models import QueueLine
from mutu.queues.services.tickets import issue_ticket
line = QueueLine.objects.get(service__slug=sys.argv[3])
now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Makassar"))  # a Monday, open
start_at = float(sys.argv[1])
while time.time() < start_at:
    time.sleep(0.001)
numbers = [issue_ticket(line=line, now=now).number for _ in range(int(sys.argv[2]))]
print(" ".join(map(str, numbers)))
"""


def prepare(env: dict) -> None:
    """Migrate and load the queue world in the database of ``env``."""
    run = dict(cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    migrated = subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], **run)
    assert migrated.returncode == 0, migrated.stderr
    setup = subprocess.run([sys.executable, "-c", SETUP], **run)
    assert setup.returncode == 0, setup.stderr


def share_prefix(env: dict) -> None:
    done = subprocess.run([sys.executable, "-c", SHARE_PREFIX], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def race(env: dict, *, services: list[str]) -> list[int]:
    # Each process imports Django and connects first; then all start at the same instant.
    start_at = str(time.time() + 3)
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACE, start_at, str(TICKETS_EACH), services[i % len(services)]],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(PROCESSES)
    ]
    results = [r.communicate(timeout=240) for r in racers]
    assert all(r.returncode == 0 for r in racers), [err for _out, err in results]
    per_process = [[int(n) for n in out.split()] for out, _err in results]
    assert all(len(numbers) == TICKETS_EACH for numbers in per_process)
    # Each process sees its own numbers rising.
    assert all(numbers == sorted(numbers) for numbers in per_process)
    return sorted(n for numbers in per_process for n in numbers)


def base_env(tmp_path) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "MUTU_IGNORE_DOTENV": "true",
        "DEBUG": "true",
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def test_concurrent_kiosks_on_sqlite_get_distinct_numbers(sqlite_office):
    """On a copy of the migrated small-office SQLite file (``sqlite_office`` in mutu/conftest.py)."""
    assert race(sqlite_office, services=["reklame"]) == list(range(1, PROCESSES * TICKETS_EACH + 1))


@pytest.fixture
def postgres_database(db):
    """A throwaway PostgreSQL database beside the test database, dropped afterwards."""
    if connection.vendor != "postgresql":
        yield None
        return
    import psycopg
    from psycopg import sql

    params = connection.settings_dict
    server = {
        "host": params["HOST"] or "127.0.0.1",
        "port": params["PORT"] or 5432,
        "user": params["USER"] or "postgres",
        "password": params["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    name = f"mutu_concurrency_test_{os.getpid()}"
    with psycopg.connect(**server) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    password = f":{server['password']}" if server["password"] else ""
    try:
        yield f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
    finally:
        with psycopg.connect(**server) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def test_concurrent_kiosks_on_the_suites_backend_get_distinct_numbers(tmp_path, postgres_database, request):
    """The suite's backend: PostgreSQL in a database of its own, or another SQLite file.

    Two services share the letter A here, so two lines race for one day's sequence.
    """
    if postgres_database:
        env = {**base_env(tmp_path), "DATABASE_URL": postgres_database}
        prepare(env)
    else:
        env = request.getfixturevalue("sqlite_office")
    share_prefix(env)
    assert race(env, services=["reklame", "ktp-el"]) == list(range(1, PROCESSES * TICKETS_EACH + 1))
