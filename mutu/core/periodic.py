"""Time-based jobs, run by ``manage.py run_periodic`` (once, or forever with ``--loop``).

django-tasks has no scheduler, so anything that must happen because time passed (a new year
needs its holidays, a deadline went by) is a job here.  Each job is a dotted path to a callable
that takes no positional arguments, is idempotent (running it twice, or late, does no harm) and
returns a short result that is logged (a count is typical).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connections
from django.utils.module_loading import import_string

logger = logging.getLogger("mutu.periodic")

PERIODIC_JOBS: list[str] = [
    "mutu.organisations.jobs.ensure_holiday_years",
    "mutu.queues.detection.run_periodic_detection",
    "mutu.surveys.jobs.close_finished_surveys",
    "mutu.complaints.jobs.withdraw_unanswered",
    "mutu.complaints.jobs.auto_close_answered",
    "mutu.complaints.jobs.send_deadline_reminders",
    "mutu.complaints.jobs.escalate_overdue",
    "mutu.messaging.jobs.process_pending_deliveries",
    "mutu.messaging.jobs.fetch_pending_media",
    "mutu.messaging.conversation_jobs.file_abandoned_conversations",
    # Last: delivers what the jobs above wrote (the task worker is the fast path).
    "mutu.core.outbox.deliver_due_job",
]


def _drop_stale_connections() -> None:
    """Like django.db.close_old_connections, but never inside a transaction (e.g. a test's)."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()


@dataclass(frozen=True)
class JobResult:
    path: str
    ok: bool
    result: object = None
    seconds: float = 0.0


def run_job(path: str) -> JobResult:
    """Run one job, logging (never raising) its exception."""
    started = time.monotonic()
    # A long-running loop must not reuse a connection the database has dropped.
    _drop_stale_connections()
    try:
        job: Callable[[], object] = import_string(path)
        result = job()
    except Exception:
        seconds = time.monotonic() - started
        logger.exception("periodic job %s failed after %.2fs", path, seconds)
        return JobResult(path=path, ok=False, seconds=seconds)
    finally:
        _drop_stale_connections()
    seconds = time.monotonic() - started
    logger.info("periodic job %s done in %.2fs: %s", path, seconds, result)
    return JobResult(path=path, ok=True, result=result, seconds=seconds)


def run_all(jobs: Iterable[str] | None = None) -> list[JobResult]:
    """Run every job once, in order; a failing job does not stop the ones after it."""
    return [run_job(path) for path in (PERIODIC_JOBS if jobs is None else jobs)]
