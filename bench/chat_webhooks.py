"""Benchmark: signed WhatsApp webhook deliveries, acknowledged by gunicorn, processed by the task worker.

For each backend (SQLite file, then PostgreSQL) it builds a fresh database with the complaint test
world and the Bontang chat accounts, starts the real app under gunicorn (2 workers) on 127.0.0.1
and lets a few client threads POST signed deliveries to ``/webhooks/whatsapp``: by default 2,000
deliveries from 400 numbers, of which about 20 % replay an earlier body byte for byte and about
10 % carry an earlier message id in a new envelope (Meta's retries).  A fifth of the numbers go
through the whole guided conversation (story, service, no evidence, name, privacy, *kirim*), so
they file a complaint; the others send loose messages.  The webhook only stores the raw body and
queues a task, so the figure to watch is the acknowledgement time (goal: p95 < 20 ms on 2 cores).

Then ``manage.py db_worker --batch`` (the task worker of ``make demo``) does the work: parsing,
the conversations, their replies through the outbox to a local fake Graph server.  It reports
deliveries processed per second and checks: inbound chat messages == distinct message ids, and
complaints filed == full conversations sent.  Figures from one run on this machine, to compare,
not to pass or fail.

    .venv/bin/python bench/chat_webhooks.py [--deliveries 2000] [--numbers 400] [--clients 4]
                                            [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from support import app_env, gunicorn, manage, shell  # bench/ is the script's folder

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "mutu_bench_chat"
SECRET = "bench-whatsapp-app-secret"
GRAPH_TOKEN = "bench-graph-token"
FULL_SHARE = 0.2  # of the numbers walk the whole guided conversation
EXACT_REPLAYS = 0.2  # of the deliveries are an earlier body again, byte for byte
SAME_ID_NEW_BODY = 0.1  # of the deliveries are an earlier message id in a new envelope
STORIES = [
    "Saya menunggu {m} menit di loket {n} tanpa ada panggilan dan tanpa informasi dari petugas.",
    "Berkas saya nomor {n} sudah {m} hari belum selesai padahal janjinya lima hari kerja.",
    "Petugas gerai {n} meminta biaya tambahan {m} ribu rupiah yang tidak ada di papan tarif.",
    "Mesin antrean di lantai {n} mati sejak pagi, warga antre berdiri {m} menit.",
]
FULL_ANSWERS = ["1", "lanjut", "1", "1", "kirim"]  # service 1, no evidence, profile name, normal, send

SETUP = r"""
from mutu.core.testing import build_world
from mutu.complaints.testing import build_complaint_world
from mutu.messaging.testing import build_chat_world
from mutu.queues.testing import published_service
w = build_chat_world(build_complaint_world(build_world()))
published_service(unit=w.dpmptsp, name="Izin Reklame", slug="izin-reklame")
published_service(unit=w.dukcapil, name="KTP-el", slug="ktp-el")
print("READY", w.wa_account.external_id)
"""

COUNT = r"""
from mutu.complaints.models import Complaint
from mutu.core.models import OutboxMessage
from mutu.messaging.models import ChatMessage, WebhookDelivery
inbound = ChatMessage.objects.filter(direction="in")
ids = list(inbound.values_list("external_id", flat=True))
print("INBOUND", len(ids), "DISTINCT", len(set(ids)))
print("COMPLAINTS", Complaint.objects.filter(channel="whatsapp").count())
print("DELIVERIES", WebhookDelivery.objects.count(), "NOTDONE", WebhookDelivery.objects.exclude(status="done").count())
print("REPLIES", ChatMessage.objects.filter(direction="out").exclude(external_id="").count(),
      "QUEUED", ChatMessage.objects.filter(direction="out", external_id="").count())
print("FLOOD", inbound.filter(is_flood=True).count())
from django_tasks_db.models import DBTaskResult
failed = DBTaskResult.objects.failed()
print("TASKFAILED", failed.count())
for row in failed[:2]:
    print("TASKERROR", (row.exception_class_path, row.traceback[-600:]))
for status, error in WebhookDelivery.objects.exclude(status="done").values_list("status", "error")[:2]:
    print("DELIVERYERROR", status, error[:300])
"""


def payload_builders():
    """The payload and signature helpers of the app (mutu.messaging.testing), loaded without a database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("MUTU_IGNORE_DOTENV", "true")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    os.environ.setdefault("DEBUG", "false")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from mutu.messaging import testing

    return testing


def plan(*, deliveries: int, numbers: int, clients: int, seed: int = 12) -> tuple[list[list[bytes]], dict]:
    """Bodies to POST, one ordered list per client thread.  A number's messages all go through one
    thread, in order (so its conversation reads right), and a duplicate always follows its original."""
    testing = payload_builders()
    rng = random.Random(seed)
    base = time.time() - 3600
    unique_target = round(deliveries * (1 - EXACT_REPLAYS - SAME_ID_NEW_BODY))
    senders = [f"62812{7000000 + i:07d}" for i in range(numbers)]
    full = senders[: round(numbers * FULL_SHARE)]
    counter = iter(range(1, 10**9))
    per_sender: dict[str, list[dict]] = {}
    for sender in full:
        texts = [rng.choice(STORIES).format(n=rng.randint(1, 9), m=rng.randint(20, 90)), *FULL_ANSWERS]
        per_sender[sender] = [{"text": text} for text in texts]
    loose = senders[len(full) :]
    remaining = max(0, unique_target - sum(len(v) for v in per_sender.values()))
    for i in range(remaining):
        sender = loose[i % len(loose)] if loose else full[i % len(full)]
        story = rng.choice(STORIES).format(n=rng.randint(1, 9), m=rng.randint(20, 90))
        per_sender.setdefault(sender, []).append({"text": f"{story} ({i})"})
    ids: set[str] = set()
    threads: list[list[bytes]] = [[] for _ in range(clients)]
    streams: list[list[tuple[str, dict]]] = [[] for _ in range(clients)]  # a number stays on one thread
    for index, (sender, messages) in enumerate(per_sender.items()):
        for step, message in enumerate(messages):
            message_id = f"wamid.BENCH{next(counter):07d}"
            ids.add(message_id)
            payload = testing.whatsapp_message(
                message_id=message_id,
                sender=sender,
                name=f"Warga {sender[-4:]}",
                text=message["text"],
                at=base + step * 20 + index * 0.001,
            )
            streams[index % clients].append((sender, payload))
    # Interleave the numbers of a thread (keeping each number's order), then add the duplicates.
    for n, stream in enumerate(streams):
        by_sender: dict[str, list[dict]] = {}
        for sender, payload in stream:
            by_sender.setdefault(sender, []).append(payload)
        queues = list(by_sender.values())
        rng.shuffle(queues)
        ordered: list[dict] = []
        while queues:
            queue = rng.choice(queues)
            ordered.append(queue.pop(0))
            if not queue:
                queues.remove(queue)
        threads[n] = [testing.encode(p) for p in ordered]
    total_unique = sum(len(t) for t in threads)
    exact = round(deliveries * EXACT_REPLAYS)
    new_envelope = deliveries - total_unique - exact
    for kind, count in (("exact", exact), ("envelope", new_envelope)):
        for i in range(max(0, count)):
            n = i % clients
            bodies = threads[n]
            position = rng.randrange(len(bodies))
            if kind == "exact":
                duplicate = bodies[position]
            else:
                payload = copy.deepcopy(json.loads(bodies[position]))
                payload["entry"][0]["id"] = f"WABA-RETRY-{i}"
                duplicate = testing.encode(payload)
            # Meta retries after the first attempt: somewhere after the original.
            bodies.insert(rng.randint(position + 1, len(bodies)), duplicate)
    facts = {"distinct_ids": len(ids), "full_conversations": len(full), "unique": total_unique}
    return threads, facts


def client_thread(url: str, bodies: list[bytes], sign, timings: list[float], errors: list[str]) -> None:
    for body in bodies:
        request = urllib.request.Request(
            url,
            data=body,
            headers={"Content-Type": "application/json", "X-Hub-Signature-256": sign(body, SECRET)},
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
                if response.status != 200:
                    errors.append(f"HTTP {response.status}")
        except (urllib.error.URLError, OSError) as exc:
            errors.append(repr(exc))
            continue
        timings.append((time.perf_counter() - started) * 1000)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def run_backend(name: str, database_url: str, threads: list[list[bytes]], facts: dict, tmp: Path) -> dict:
    from mutu.messaging.fake_graph import FakeGraph
    from mutu.messaging.testing import signature_for

    graph = FakeGraph(token=GRAPH_TOKEN).start()
    (tmp / f"static-{name}").mkdir(parents=True, exist_ok=True)  # nothing to collect: no page is rendered
    env = app_env(
        database_url=database_url,
        static_root=tmp / f"static-{name}",
        private_root=tmp / "private",
        task_backend="database",
        LOG_LEVEL="WARNING",
        WHATSAPP_APP_SECRET=SECRET,
        WHATSAPP_VERIFY_TOKEN="bench-verify",
        WHATSAPP_ACCESS_TOKEN=GRAPH_TOKEN,
        WHATSAPP_API_BASE_URL=graph.base_url,
        CHAT_FLOOD_LIMIT="100000",  # the bench's numbers talk fast; flood control is tested elsewhere
    )
    try:
        manage(env, "migrate", "-v0")
        shell(env, SETUP)
        with gunicorn(
            env, workers=2, probe="/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=bench-verify&hub.challenge=1"
        ) as base:
            url = f"{base}/webhooks/whatsapp"
            timings: list[float] = []
            errors: list[str] = []
            workers = [
                threading.Thread(target=client_thread, args=(url, bodies, signature_for, timings, errors))
                for bodies in threads
            ]
            t0 = time.perf_counter()
            for t in workers:
                t.start()
            for t in workers:
                t.join()
            ack_seconds = time.perf_counter() - t0
        t0 = time.perf_counter()
        manage(env, "db_worker", "--batch", "--no-startup-delay", "--no-reload", "-v0", timeout=3600)
        work_seconds = time.perf_counter() - t0
        counts = shell(env, COUNT)
        problems = [line for line in counts.splitlines() if line.startswith(("TASKERROR", "DELIVERYERROR"))]
    finally:
        graph.stop()
    numbers = {
        key: [int(v) for v in values if v] for key, *values in re.findall(r"([A-Z]+) (\d+)(?: [A-Z]+ (\d+))?", counts)
    }
    return {
        "name": name,
        "posted": len(timings),
        "errors": errors,
        "timings": timings,
        "ack_seconds": ack_seconds,
        "work_seconds": work_seconds,
        "inbound": numbers["INBOUND"][0],
        "inbound_distinct": numbers["INBOUND"][1],
        "complaints": numbers["COMPLAINTS"][0],
        "deliveries": numbers["DELIVERIES"][0],
        "not_done": numbers["DELIVERIES"][1],
        "replies": numbers["REPLIES"][0],
        "queued": numbers["REPLIES"][1],
        "graph_sent": len(graph.sent),
        "problems": problems,
        "task_failed": numbers.get("TASKFAILED", [0])[0],
        **facts,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--numbers", type=int, default=400)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    args = parser.parse_args()
    threads, facts = plan(deliveries=args.deliveries, numbers=args.numbers, clients=args.clients)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    tmp = Path(tempfile.mkdtemp(prefix="mutu-bench-chat-"))
    reports = []
    try:
        if "sqlite" in backends:
            reports.append(run_backend("sqlite", f"sqlite:///{tmp / 'bench.sqlite3'}", threads, facts, tmp))
        if "postgresql" in backends:
            import psycopg

            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
                conn.execute(f"CREATE DATABASE {PG_BENCH_DB}")
            try:
                url = f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}"
                reports.append(run_backend("postgresql", url, threads, facts, tmp))
            finally:
                with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                    conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    total = sum(len(t) for t in threads)
    print(
        f"chat webhooks: {total} signed WhatsApp deliveries from {args.numbers} numbers "
        f"({facts['distinct_ids']} distinct message ids, {total - facts['unique']} duplicates: exact replays "
        f"and same id in a new envelope), {args.clients} client threads, gunicorn 2 workers; "
        f"{facts['full_conversations']} numbers walk the whole conversation"
    )
    ok = True
    for r in reports:
        t = r["timings"]
        rate = r["posted"] / r["ack_seconds"] if r["ack_seconds"] else 0
        work = r["deliveries"] / r["work_seconds"] if r["work_seconds"] else 0
        print(
            f"  {r['name']:10} acknowledged {r['posted']} in {r['ack_seconds']:.2f} s = {rate:6.1f} deliveries/s; "
            f"ack ms p50 {percentile(t, 50):.1f}, p95 {percentile(t, 95):.1f}, p99 {percentile(t, 99):.1f}, "
            f"mean {statistics.fmean(t) if t else 0:.1f}; errors: {len(r['errors'])}"
        )
        print(
            f"             task worker: {r['deliveries']} stored deliveries processed in {r['work_seconds']:.2f} s "
            f"= {work:6.1f} deliveries/s (with {r['replies']} replies sent to the fake Graph, {r['queued']} queued); "
            f"not done: {r['not_done']}"
        )
        same_ids = r["inbound"] == r["inbound_distinct"] == r["distinct_ids"]
        filed = r["complaints"] == r["full_conversations"]
        print(
            f"             inbound chat messages {r['inbound']} == distinct message ids {r['distinct_ids']}: "
            f"{'yes' if same_ids else 'NO'}; complaints filed {r['complaints']} == full conversations "
            f"{r['full_conversations']}: {'yes' if filed else 'NO'}"
        )
        for error in r["errors"][:3] + r["problems"][:3]:
            print(f"             {error}")
        ok = ok and same_ids and filed and not r["errors"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
