"""Officers receiving files at the same instant never share a receipt number.

Three real processes on one SQLite file (what a small office runs), whatever database the rest
of the suite uses; on PostgreSQL the same is checked with threads on the test database.
"""

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
PER_PROCESS = 4

RACE = """
import django, sys, time
django.setup()
from django.contrib.auth import get_user_model
from mutu.organisations.models import Unit
from mutu.queues.services.berkas import receive_berkas
from mutu.standards.models import Service
unit = Unit.objects.get(slug="dpmptsp")
service = Service.objects.get(unit=unit, slug="reklame")
bob = get_user_model().objects.get(username="bob")
start_at = float(sys.argv[1])
while time.time() < start_at:
    time.sleep(0.001)
for _ in range(int(sys.argv[2])):
    berkas = receive_berkas(
        unit=unit, service=service, applicant_name="Warga", present_requirements=[1, 2, 3], by=bob
    )
    print(berkas.receipt_number)
"""


def test_three_processes_on_one_sqlite_file_get_unique_sequential_numbers(sqlite_office):
    env = sqlite_office

    start_at = str(time.time() + 3)
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACE, start_at, str(PER_PROCESS)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [r.communicate(timeout=120) for r in racers]
    assert all(r.returncode == 0 for r in racers), [err for _out, err in results]
    numbers = [line for out, _err in results for line in out.split()]
    year = numbers[0].split("/")[1]
    assert sorted(numbers) == [f"REKLAM/{year}/{n:05d}" for n in range(1, 3 * PER_PROCESS + 1)]


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="threads need a server database; the process test above covers SQLite",
)
@pytest.mark.django_db(transaction=True)
def test_threads_on_postgresql_get_unique_numbers(queue_world):
    from mutu.queues.models import Berkas
    from mutu.queues.services.berkas import receive_berkas

    w = queue_world
    barrier = threading.Barrier(4)
    errors = []

    def officer():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            for _ in range(PER_PROCESS):
                receive_berkas(
                    unit=w.dpmptsp, service=w.reklame, applicant_name="Warga", present_requirements=[1, 2, 3], by=w.bob
                )
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=officer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    numbers = sorted(int(n.rsplit("/", 1)[1]) for n in Berkas.objects.values_list("receipt_number", flat=True))
    assert numbers == list(range(1, 4 * PER_PROCESS + 1))
