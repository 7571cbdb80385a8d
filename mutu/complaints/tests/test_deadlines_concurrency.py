"""Escalation run twice at the same time notifies each unit head once.

Each run claims a deadline with ``UPDATE … SET escalated_at = now WHERE escalated_at IS NULL``
and notifies only when that UPDATE changed one row; the outbox's unique dedupe key is the
backstop. SQLite (a small office) is raced with two processes, PostgreSQL with two threads.
"""

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from mutu.complaints import jobs
from mutu.complaints.testing import build_complaint_world, make_complaint
from mutu.complaints.tests.test_deadlines_services import NOW, forward, wita
from mutu.core.models import OutboxMessage

ROOT = Path(__file__).resolve().parents[3]
COMPLAINTS = 8


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="threads would share one in-memory SQLite database; SQLite is raced with processes below",
)
@pytest.mark.django_db(transaction=True)
def test_two_escalation_runs_racing_on_postgresql_notify_once(world, monkeypatch):
    w = build_complaint_world(world)
    for _ in range(COMPLAINTS):
        forward(w, make_complaint(w, now=NOW, submitted_at=NOW))
    barrier = threading.Barrier(2, timeout=30)
    real_is_paused = jobs._is_paused
    waited = threading.local()

    def paused_after_both_read(deadline):
        if not getattr(waited, "done", False):
            waited.done = True
            barrier.wait()  # both runs hold the same candidates: now they race to claim
        return real_is_paused(deadline)

    monkeypatch.setattr(jobs, "_is_paused", paused_after_both_read)
    results, errors = [], []

    def run():
        try:
            results.append(jobs.escalate_overdue(now=wita(4, 9)))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    # VERIFY was met on forwarding; FIRST_RESPONSE of each complaint is overdue (COMPLETION is not).
    assert sum(r.done for r in results) == COMPLAINTS
    assert sum(r.skipped for r in results) == COMPLAINTS
    rows = OutboxMessage.objects.filter(dedupe_key__contains=":escalated:")
    assert rows.count() == COMPLAINTS
    assert set(rows.values_list("recipient", flat=True)) == {w.head.pk}


SETUP = f"""
import django
django.setup()
from types import SimpleNamespace
from django.contrib.auth import get_user_model
from mutu.organisations.models import Instansi, Unit
from mutu.complaints.testing import make_complaint
from mutu.complaints.tests.test_deadlines_services import NOW, forward
User = get_user_model()
w = SimpleNamespace(
    bontang=Instansi.objects.get(slug="kota-bontang"),
    dpmptsp=Unit.objects.get(slug="dpmptsp"),
    verifier=User.objects.get(username="verifikator"),
)
for _ in range({COMPLAINTS}):
    forward(w, make_complaint(w, now=NOW, submitted_at=NOW))
"""

RACE = """
import django, sys, time
django.setup()
from mutu.complaints import jobs
from mutu.complaints.tests.test_deadlines_services import wita
start_at = float(sys.argv[1])
while time.time() < start_at:
    time.sleep(0.001)
result = jobs.escalate_overdue(now=wita(4, 9))
print(result.done, result.skipped)
"""

CHECK = """
import django
django.setup()
from mutu.core.models import OutboxMessage
rows = OutboxMessage.objects.filter(dedupe_key__contains=":escalated:")
heads = sorted(set(rows.values_list("recipient__username", flat=True)))
print(rows.count(), rows.values("dedupe_key").distinct().count(), heads)
"""


def test_two_processes_on_one_sqlite_file_escalate_each_deadline_once(sqlite_office):
    env = sqlite_office
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
        for _ in range(2)
    ]
    outputs = [r.communicate(timeout=120) for r in racers]
    assert all(r.returncode == 0 for r in racers), [err for _out, err in outputs]
    done = sum(int(out.split()[0]) for out, _err in outputs)
    assert done == COMPLAINTS, outputs
    check = subprocess.run([sys.executable, "-c", CHECK], **run)
    assert check.stdout.split() == [str(COMPLAINTS), str(COMPLAINTS), "['kepala']"], check.stderr
