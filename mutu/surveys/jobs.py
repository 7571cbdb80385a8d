"""Periodic jobs of the surveys app (registered in mutu.core.periodic.PERIODIC_JOBS)."""

from __future__ import annotations

import datetime

from mutu.surveys.services_planning import close_finished_surveys as _close_finished


def close_finished_surveys(*, now: datetime.datetime | None = None) -> int:
    """Close open surveys whose last day has passed in their unit's time zone (idempotent).

    Each survey is closed with a conditional ``UPDATE … WHERE status = 'open'``, so running the
    job twice, late, or beside an administrator's "close" click closes it once. Returns how many
    surveys this run closed.
    """
    return _close_finished(now=now)
