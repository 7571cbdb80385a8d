"""Periodic jobs of the organisations app (registered in mutu.core.periodic.PERIODIC_JOBS)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from mutu.organisations.models import Instansi
from mutu.organisations.services import sync_national_holidays


def ensure_holiday_years(*, today: datetime.date | None = None) -> int:
    """Make sure every instansi has the national holidays of this year and the next.

    ``today`` defaults to the current date in each instansi's own time zone. Only missing rows
    are added (rows an administrator corrected or cancelled stay as they are), so running it
    every minute is harmless. Returns the number of rows added.
    """
    added = 0
    now = timezone.now()
    for instansi in Instansi.objects.order_by("pk"):
        day = today or now.astimezone(ZoneInfo(instansi.timezone)).date()
        added += sync_national_holidays(instansi=instansi, years=[day.year, day.year + 1])
    return added
