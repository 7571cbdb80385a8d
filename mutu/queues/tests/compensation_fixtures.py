"""Helpers for the compensation and detection tests: tickets and berkas made with the ORM."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from mutu.queues.models import Berkas, Ticket

WITA = ZoneInfo("Asia/Makassar")
DAY = dt.date(2026, 11, 26)  # a Thursday: the MPP is open 08–16 with lunch 12–13


def at(h: int, m: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, h, m, tzinfo=WITA)


def make_ticket(w, number=1, *, issued, line=None, status=Ticket.Status.WAITING, **fields) -> Ticket:
    line = line or w.line_a
    fields.setdefault("standard_version", w.reklame_v1 if line == w.line_a else w.ktp_v1)
    return Ticket.objects.create(
        location=w.mpp,
        line=line,
        service=line.service,
        prefix=line.prefix,
        number=number,
        day=issued.astimezone(WITA).date(),
        issued_at=issued,
        status=status,
        **fields,
    )


def make_berkas(w, *, received, due_date, finished=None, number="RKL/2026/00001", **fields) -> Berkas:
    return Berkas.objects.create(
        unit=w.dpmptsp,
        service=w.reklame,
        standard_version=w.reklame_v1,
        receipt_number=number,
        applicant_name="Siti Aminah",
        received_at=received,
        received_by=w.bob,
        due_date=due_date,
        finished_at=finished,
        finished_by=w.bob if finished else None,
        status=Berkas.Status.READY if finished else Berkas.Status.PROCESSING,
        **fields,
    )


def now_is(instant: dt.datetime):
    """time-machine at ``instant``, frozen."""
    import time_machine

    return time_machine.travel(instant, tick=False)


__all__ = ["DAY", "WITA", "at", "make_berkas", "make_ticket", "now_is", "timezone"]
