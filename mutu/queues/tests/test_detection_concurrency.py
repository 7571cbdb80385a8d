"""Two detection runs at the same time never create two cases.

Both runs may read "no case yet" for the same ticket; the partial unique constraint
(ticket, trigger) then makes the second insert fail inside its savepoint, and the run
counts it as already recorded and carries on.
"""

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from mutu.queues import detection
from mutu.queues.detection import detect_breaches
from mutu.queues.models import CompensationCase, Trigger
from mutu.queues.tests.compensation_fixtures import at, make_ticket

ROOT = Path(__file__).resolve().parents[3]


def test_a_second_insert_of_the_same_case_is_absorbed(queue_world, monkeypatch):
    w = queue_world
    make_ticket(w, issued=at(9, 0))
    assert detect_breaches(now=at(9, 11)).total == 1
    # A run that read its candidates before the first run committed: it still sees the ticket.
    monkeypatch.setattr(detection, "_without_case", lambda qs, trigger, key: qs)
    again = detect_breaches(now=at(9, 12))
    assert again.total == 0 and again.absorbed == 1
    assert CompensationCase.objects.count() == 1
    # The run's transaction is still usable after the absorbed error (savepoint).
    assert CompensationCase.objects.filter(trigger=Trigger.WAIT_WITHOUT_INFO).count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="threads would share one in-memory SQLite database; SQLite is raced with processes below",
)
@pytest.mark.django_db(transaction=True)
def test_two_runs_racing_on_postgresql_create_one_case(queue_world, monkeypatch):
    w = queue_world
    for n in range(1, 6):
        make_ticket(w, n, issued=at(9, 0))
    barrier = threading.Barrier(2, timeout=30)
    real_create = detection._create_case
    waited = threading.local()

    def create_after_both_read(**values):
        if not getattr(waited, "done", False):
            waited.done = True
            barrier.wait()  # both runs have read the same candidates: now they race to insert
        return real_create(**values)

    monkeypatch.setattr(detection, "_create_case", create_after_both_read)
    results, errors = [], []

    def run():
        try:
            results.append(detect_breaches(now=at(9, 12)))
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
    assert len(results) == 2 and sum(r.total for r in results) == 5
    assert sum(r.absorbed for r in results) == 5
    assert CompensationCase.objects.count() == 5


SETUP = """
import django
django.setup()
from types import SimpleNamespace
from mutu.organisations.models import Location
from mutu.queues.models import QueueLine
from mutu.queues.tests.compensation_fixtures import at, make_ticket
line = QueueLine.objects.get(prefix="A")
from mutu.standards.models import StandardVersion
version = StandardVersion.objects.get(service=line.service)
w = SimpleNamespace(mpp=Location.objects.get(slug="mpp"), line_a=line, reklame=line.service, reklame_v1=version)
for n in range(1, 21):
    make_ticket(w, n, issued=at(9, 0))
"""

RACE = """
import django, sys, time
django.setup()
from mutu.queues.detection import detect_breaches
from mutu.queues.tests.compensation_fixtures import at
start_at = float(sys.argv[1])
while time.time() < start_at:
    time.sleep(0.001)
result = detect_breaches(now=at(9, 12))
print(result.total, result.absorbed)
"""


def test_two_processes_on_one_sqlite_file_create_each_case_once(sqlite_office):
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
    created = sum(int(out.split()[0]) for out, _err in outputs)
    assert created == 20, outputs
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from mutu.queues.models import CompensationCase as C; "
            "print(C.objects.count(), C.objects.values('ticket').distinct().count())",
        ],
        **run,
    )
    assert check.stdout.split() == ["20", "20"], check.stderr
