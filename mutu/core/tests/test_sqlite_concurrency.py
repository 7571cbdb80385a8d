"""Two processes writing to one SQLite file at the same instant queue instead of failing.

This is what a small office runs (the embedded default), so it is tested with real
processes on a real file whatever database the rest of the suite uses.
"""

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SETUP = """
import django, os
django.setup()
from mutu.organisations.models import Unit
from mutu.standards.services import service_create
service_create(unit=Unit.objects.get(slug="dpmptsp"), name="Layanan Uji", by=None)
"""

RACE = """
import django, os, sys, time
django.setup()
from mutu.core.errors import ApplicationError
from mutu.standards.models import Service
from mutu.standards.services import draft_start
service = Service.objects.get(name="Layanan Uji")
start_at = float(sys.argv[1])
while time.time() < start_at:
    time.sleep(0.001)
try:
    draft_start(service=service, by=None)
    print("created")
except ApplicationError:
    print("refused")
"""


def test_two_officers_opening_a_draft_at_once_get_one_draft(sqlite_office):
    env = sqlite_office
    db = env["DATABASE_URL"].removeprefix("sqlite:///")
    run = dict(cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    setup = subprocess.run([sys.executable, "-c", SETUP], **run)
    assert setup.returncode == 0, setup.stderr

    start_at = str(time.time() + 3)
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACE, start_at],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [r.communicate(timeout=120) for r in racers]
    outcomes = sorted(out.strip() for out, _err in results)
    assert all(r.returncode == 0 for r in racers), [err for _out, err in results]
    assert outcomes == ["created", "refused", "refused"], results
    journal = subprocess.run(["sqlite3", str(db), "PRAGMA journal_mode"], capture_output=True, text=True)
    if journal.returncode == 0:
        assert journal.stdout.strip() == "wal"
