"""Benchmark: the IKM of a survey with 1,000,000 responses (9,000,000 answers), on one database.

The database is the one DATABASE_URL names (SQLite when unset): the bench makes a throwaway
database beside it (a temporary SQLite file, or ``<name>_ikm_bench`` on the PostgreSQL server),
migrates it, fills one MPP-wide survey (three units' gerai, three counters, 180 days) with
set-based SQL (a recursive CTE on SQLite, generate_series on PostgreSQL), rebuilds the tallies
with ``rebuild_survey_tallies`` and then measures, in the same run:

  (a) ``ikm_for`` — the pages' way: tally rows, a constant number of queries;
  (b) ``unsur_totals_from_answers`` — one GROUP BY over the answers in the database;
  (c) the way peer apps do it: responses loaded as model instances with their answers
      (prefetch) and summed in a Python loop — timed on a sample and extrapolated linearly;
  (d) a raw-cursor loop over every answer row in Python;
  (e) the staff results page for one unit and one month (Django test client);
  (f) kiosk submissions per second through ``POST /api/v1/surveys/kiosk/responses``
      (gunicorn, 2 workers on 127.0.0.1, 4 client threads posting batches).

Figures from one run on this machine, to compare, not to pass or fail.

    .venv/bin/python bench/surveys_ikm.py [--responses 1000000] [--sample 50000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mydb .venv/bin/python bench/surveys_ikm.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from support import gunicorn  # bench/ is the script's folder

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable
FIRST_DAY = dt.date(2026, 1, 1)
DAYS = 180


def throwaway_database(tmp: Path) -> tuple[str, str, callable]:
    """(backend name, URL of a fresh database, cleanup)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        path = tmp / "ikm-bench.sqlite3"
        return "sqlite", f"sqlite:///{path}", lambda: None
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = (parts.path.lstrip("/") or "mutu") + "_ikm_bench"
    admin = urllib.parse.urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return "postgresql", urllib.parse.urlunsplit(("postgres", parts.netloc, f"/{name}", "", "")), drop


def setup_django(database_url: str, tmp: Path) -> dict:
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "MUTU_IGNORE_DOTENV": "true",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "RATELIMIT_ENABLED": "false",
        "AXES_ENABLED": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "PRIVATE_MEDIA_ROOT": str(tmp / "private"),
        "STATIC_ROOT": str(tmp / "static"),
        "TASK_BACKEND": "immediate",
    }
    os.environ.update(env)
    (tmp / "static").mkdir(exist_ok=True)
    import django

    django.setup()
    from django.conf import settings

    # Pages render {% static %}: plain storage, so no collectstatic manifest is needed in-process.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return env


def build_survey():
    from mutu.core.testing import build_world
    from mutu.surveys.services import create_survey

    w = build_world()
    survey = create_survey(
        unit=w.dpmptsp,
        name="SKM MPP Bontang 2026 (bench)",
        slug="skm-bench",
        starts_on=FIRST_DAY,
        ends_on=dt.date(2026, 12, 31),
        by=w.alice,
        mpp=w.mpp,
        open_now=True,
    )
    return w, survey


def fill(w, survey, responses: int) -> None:
    """One INSERT … SELECT for the responses and one for their nine answers each."""
    from django.db import connection, transaction

    from mutu.surveys.models import Answer, Question, Response

    qn = connection.ops.quote_name
    r_table, a_table, q_table = (qn(m._meta.db_table) for m in (Response, Answer, Question))
    units = [w.dpmptsp.pk, w.dukcapil.pk, w.bpjs.pk]
    gerai = [w.gerai_dpmptsp.pk, w.gerai_dukcapil.pk, w.gerai_bpjs.pk]
    counters = [w.counter_a1.pk, w.counter_b1.pk, w.counter_c1.pk]

    def pick(values):
        return f"CASE n % 3 WHEN 0 THEN {values[0]} WHEN 1 THEN {values[1]} ELSE {values[2]} END"

    pg = connection.vendor == "postgresql"
    if pg:
        source = f"generate_series(1, {int(responses)}) AS seq(n)"
        prefix = ""
        day = f"(DATE '{FIRST_DAY.isoformat()}' + (n % {DAYS}))"
        at = f"(TIMESTAMPTZ '{FIRST_DAY.isoformat()} 02:00:00+00' + (n % {DAYS}) * INTERVAL '1 day')"
    else:
        source = "seq"
        prefix = f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {int(responses)}) "
        day = f"date('{FIRST_DAY.isoformat()}', '+' || (n % {DAYS}) || ' days')"
        at = f"(date('{FIRST_DAY.isoformat()}', '+' || (n % {DAYS}) || ' days') || ' 02:00:00')"
    columns = (
        "survey_id, questionnaire_id, unit_id, location_id, gerai_id, counter_id, service_id, channel, client_id, "
        "device_id, ticket_id, surveyor_id, paper_number, import_batch_id, import_row, device_hash, answered_at, "
        "received_at, day, gender, age_group, education, occupation, suggestion, suggestion_unsur"
    )
    insert_responses = (  # noqa: S608 - bench: ids and table names only
        f"{prefix}INSERT INTO {r_table} ({columns}) SELECT {survey.pk}, {survey.questionnaire_id}, {pick(units)}, "
        f"{w.mpp.pk}, {pick(gerai)}, {pick(counters)}, NULL, "
        "CASE n % 4 WHEN 0 THEN 'surveyor' ELSE 'kiosk' END, NULL, NULL, NULL, NULL, '', NULL, NULL, '', "
        f"{at}, {at}, {day}, CASE n % 2 WHEN 0 THEN 'm' ELSE 'f' END, "
        "CASE n % 3 WHEN 0 THEN '20_29' WHEN 1 THEN '30_39' ELSE '40_49' END, 'sma', 'private', '', '[]' "
        f"FROM {source}"
    )
    h = "((r.id * 7 + q.position * 11) % 10)"
    insert_answers = (  # noqa: S608 - bench: ids and table names only
        f"INSERT INTO {a_table} (response_id, question_id, value, text) SELECT r.id, q.id, "
        f"CASE WHEN {h} = 0 THEN 2 WHEN {h} < 5 THEN 3 ELSE 4 END "
        "- CASE WHEN q.unsur = 'waktu' AND r.id % 5 = 0 THEN 1 ELSE 0 END, '' "
        f"FROM {r_table} r JOIN {q_table} q ON q.questionnaire_id = {survey.questionnaire_id} AND q.unsur <> '' "
        f"WHERE r.survey_id = {survey.pk}"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(insert_responses)
        cursor.execute(insert_answers)
    if pg:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {r_table}")
            cursor.execute(f"ANALYZE {a_table}")


def timed(fn, repeat: int = 1):
    """(best seconds, queries of the last run, result)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    best, result, queries = None, None, 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            result = fn()
            elapsed = time.perf_counter() - t0
        queries = len(ctx.captured_queries)
        best = elapsed if best is None else min(best, elapsed)
    return best, queries, result


def peer_way(survey, sample: int):
    """Responses as model instances with their answers (and questions) prefetched, summed in Python."""
    from django.db.models import Prefetch

    from mutu.surveys.calculations import ikm_from_totals
    from mutu.surveys.models import Answer, Response

    totals: dict[str, list[int]] = {}
    respondents = 0
    responses = (
        Response.objects.filter(survey=survey)
        .order_by("pk")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("question")))[:sample]
    )
    for response in responses.iterator(chunk_size=2000):
        respondents += 1
        for answer in response.answers.all():
            if answer.question.unsur and answer.value is not None:
                slot = totals.setdefault(answer.question.unsur, [0, 0])
                slot[0] += 1
                slot[1] += answer.value
    return ikm_from_totals({k: tuple(v) for k, v in totals.items()}, respondents=respondents)


def raw_cursor_loop(survey):
    from django.db import connection

    from mutu.surveys.calculations import ikm_from_totals
    from mutu.surveys.models import Answer, Question, Response

    qn = connection.ops.quote_name
    r_table, a_table, q_table = (qn(m._meta.db_table) for m in (Response, Answer, Question))
    totals: dict[str, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {r_table} WHERE survey_id = %s", [survey.pk])  # noqa: S608
        respondents = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT q.unsur, a.value FROM {a_table} a JOIN {r_table} r ON r.id = a.response_id "  # noqa: S608
            f"JOIN {q_table} q ON q.id = a.question_id WHERE r.survey_id = %s AND a.value IS NOT NULL "
            "AND q.unsur <> ''",
            [survey.pk],
        )
        while rows := cursor.fetchmany(20000):
            for unsur, value in rows:
                slot = totals.get(unsur)
                if slot is None:
                    slot = totals[unsur] = [0, 0]
                slot[0] += 1
                slot[1] += value
    return ikm_from_totals({k: tuple(v) for k, v in totals.items()}, respondents=respondents)


def results_page(w, survey):
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse("surveys:results", args=[survey.pk])
    except NoReverseMatch:
        return None
    url += f"?unit={w.dpmptsp.pk}&day_from=2026-03-01&day_to=2026-03-31"
    client = Client()
    client.force_login(w.superuser, backend="django.contrib.auth.backends.ModelBackend")
    client.get(url)  # warm caches and templates
    best, queries, response = timed(lambda: client.get(url), repeat=3)
    return best, queries, response.status_code, url


def kiosk_throughput(w, survey, env: dict, batches_per_client: int, batch_size: int, clients: int = 4):
    """Batches posted by ``clients`` threads to gunicorn (2 workers); None when the API is absent."""
    from django.db import connections
    from django.utils import timezone

    try:
        from mutu.surveys.services_kiosk import create_survey_device, register_survey_device
    except ImportError:
        return None
    now = timezone.now()
    _device, code = create_survey_device(
        unit=w.dpmptsp, location=w.mpp, counter=w.counter_a1, name="Bench tablet", by=w.alice, now=now
    )
    _device, token = register_survey_device(code=code, now=now)
    connections.close_all()
    path = "/api/v1/surveys/kiosk/responses"
    codes = [f"U{i}" for i in range(1, 10)]
    stored, errors = [], []

    def post_batches():
        for _ in range(batches_per_client):
            answered = timezone.now().isoformat()
            items = [
                {
                    "client_id": str(uuid.uuid4()),
                    "answered_at": answered,
                    "answers": {c: 3 + (i + j) % 2 for j, c in enumerate(codes)},
                    "survey_id": survey.pk,
                }
                for i in range(batch_size)
            ]
            request = urllib.request.Request(
                url,
                data=json.dumps({"responses": items}).encode(),
                headers={"Authorization": f"Device {token}", "Content-Type": "application/json"},
            )
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    body = json.loads(response.read())
                    stored.append(body.get("stored", 0))
            except urllib.error.HTTPError as exc:
                errors.append(f"HTTP {exc.code}: {exc.read()[:200]!r}")
            except OSError as exc:
                errors.append(repr(exc))

    with gunicorn({**os.environ, **env}, workers=2, probe=path) as base:
        url = base + path
        threads = [threading.Thread(target=post_batches) for _ in range(clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
    return {"stored": sum(stored), "batches": len(stored), "seconds": elapsed, "errors": errors}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=50_000, help="responses the peer way loads (extrapolated)")
    parser.add_argument("--kiosk-batches", type=int, default=10, help="batches per client thread")
    parser.add_argument("--kiosk-batch-size", type=int, default=25)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="mutu-ikm-bench-"))
    backend, url, cleanup = throwaway_database(tmp)
    lines = []
    try:
        env = setup_django(url, tmp)
        from mutu.surveys.selectors import Slice, ikm_for, unsur_totals_from_answers
        from mutu.surveys.services import rebuild_survey_tallies

        w, survey = build_survey()
        t0 = time.perf_counter()
        fill(w, survey, args.responses)
        fill_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        tallies = rebuild_survey_tallies(survey=survey)
        rebuild_s = time.perf_counter() - t0

        a_s, a_q, a = timed(lambda: ikm_for(survey=survey), repeat=5)
        unit_month = Slice(unit_id=w.dpmptsp.pk, day_from=dt.date(2026, 3, 1), day_to=dt.date(2026, 3, 31))
        a2_s, a2_q, _a2 = timed(lambda: ikm_for(survey=survey, slice=unit_month), repeat=5)
        b_s, b_q, b = timed(lambda: unsur_totals_from_answers(survey_ids=[survey.pk], slice=Slice()), repeat=2)
        sample = min(args.sample, args.responses)
        c_sample_s, c_q, _c = timed(lambda: peer_way(survey, sample))
        c_s = c_sample_s * args.responses / sample
        d_s, d_q, d = timed(lambda: raw_cursor_loop(survey))
        assert d == a, "the raw loop and the tallies disagree"
        assert b[0] == a.respondents
        page = results_page(w, survey)
        kiosk = kiosk_throughput(w, survey, env, args.kiosk_batches, args.kiosk_batch_size)

        answers = args.responses * 9
        lines.append(
            f"surveys IKM on {backend}: {args.responses:,} responses, {answers:,} answers "
            f"(filled in {fill_s:.1f} s by INSERT … SELECT; tallies rebuilt in {rebuild_s:.1f} s, {tallies:,} rows)"
        )
        lines.append(f"  IKM of the whole survey: {a.converted} ({a.mutu}), {a.respondents:,} respondents")
        lines.append(f"  (a) ikm_for, tallies:                 {a_s * 1000:9.1f} ms  {a_q} queries (best of 5)")
        lines.append(f"      ikm_for, one unit × one month:    {a2_s * 1000:9.1f} ms  {a2_q} queries (best of 5)")
        lines.append(f"  (b) GROUP BY over the answers:        {b_s * 1000:9.1f} ms  {b_q} queries (best of 2)")
        lines.append(
            f"  (c) model instances + prefetch loop:  {c_s * 1000:9.1f} ms  extrapolated linearly from "
            f"{sample:,} responses ({c_sample_s:.2f} s, {c_q} queries)"
        )
        lines.append(f"  (d) raw-cursor loop over all answers: {d_s * 1000:9.1f} ms  {d_q} queries")
        lines.append(
            f"  ratios: (c)/(a) = {c_s / a_s:,.0f}×   (d)/(a) = {d_s / a_s:,.0f}×   (c)/(b) = {c_s / b_s:,.1f}×   "
            f"(b)/(a) = {b_s / a_s:,.0f}×"
        )
        if page is None:
            lines.append("  (e) results page: surveys:results does not exist yet")
        else:
            p_s, p_q, status, page_url = page
            lines.append(
                f"  (e) results page, one unit × March: HTTP {status}, {p_s * 1000:.1f} ms, {p_q} queries "
                f"(best of 3; {page_url})"
            )
        if kiosk is None:
            lines.append("  (f) kiosk API absent (mutu.surveys.services_kiosk): not measured")
        else:
            rate = kiosk["stored"] / kiosk["seconds"] if kiosk["seconds"] else 0
            lines.append(
                f"  (f) kiosk API, gunicorn 2 workers, 4 client threads, batches of {args.kiosk_batch_size}: "
                f"{kiosk['stored']:,} responses in {kiosk['seconds']:.2f} s = {rate:,.0f} responses/s "
                f"({kiosk['batches'] / kiosk['seconds']:.1f} batches/s); errors: {len(kiosk['errors'])}"
            )
            for error in kiosk["errors"][:3]:
                lines.append(f"      {error}")
    finally:
        cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
