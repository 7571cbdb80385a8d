"""Kiosks replaying the same offline batch at the same moment store each response once.

Three real processes on one SQLite file (what a small office runs); on PostgreSQL the same is
checked with threads on the test database.
"""

import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
CLIENT_IDS = [str(uuid.UUID(int=n + 1)) for n in range(12)]

RACE = """
import datetime as dt, sys, time, uuid
import django
django.setup()
from mutu.surveys.models import Survey
from mutu.surveys.services import Submission, submit_response
from mutu.surveys.testing import answers
survey = Survey.objects.get(slug="skm-2026-2")
now = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
start_at = float(sys.argv[1])
while time.time() < start_at:
    time.sleep(0.001)
for client_id in sys.argv[2:]:
    submit_response(
        survey=survey, channel="kiosk", now=now,
        submission=Submission(answers=answers(*[3] * 9), client_id=uuid.UUID(client_id)),
    )
print("ok")
"""


def _check(survey_slug="skm-2026-2"):
    from mutu.surveys.models import Response, Survey, Tally

    survey = Survey.objects.get(slug=survey_slug)
    assert Response.objects.filter(survey=survey).count() == len(CLIENT_IDS)
    respondents = Tally.objects.get(survey=survey, question__isnull=True)
    assert respondents.answered == len(CLIENT_IDS)
    assert set(Tally.objects.filter(survey=survey, question__isnull=False).values_list("answered", flat=True)) == {
        len(CLIENT_IDS)
    }


def test_three_processes_replaying_one_batch_on_sqlite_store_it_once(sqlite_office):
    start_at = str(time.time() + 3)
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACE, start_at, *CLIENT_IDS],
            cwd=ROOT,
            env=sqlite_office,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [r.communicate(timeout=120) for r in racers]
    assert all(r.returncode == 0 for r in racers), [err for _out, err in results]
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup()\n"
            "from mutu.surveys.models import Response, Tally\n"
            "print(Response.objects.count(), Tally.objects.get(question__isnull=True).answered)",
        ],
        cwd=ROOT,
        env=sqlite_office,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.stdout.split() == [str(len(CLIENT_IDS))] * 2, check.stderr


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="threads need a server database; the process test above covers SQLite",
)
@pytest.mark.django_db(transaction=True)
def test_threads_replaying_one_batch_on_postgresql_store_it_once(survey_world):
    import datetime as dt

    from django.db import connection

    from mutu.surveys.services import Submission, submit_response
    from mutu.surveys.testing import answers

    barrier = threading.Barrier(3)
    errors = []
    now = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)

    def kiosk():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            for client_id in CLIENT_IDS:
                submit_response(
                    survey=survey_world.survey,
                    channel="kiosk",
                    now=now,
                    submission=Submission(answers=answers(*[3] * 9), client_id=uuid.UUID(client_id)),
                )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=kiosk) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    connection.close()
    _check()
