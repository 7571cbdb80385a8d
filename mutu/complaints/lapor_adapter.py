"""The one place that talks to SP4N-LAPOR!, chosen by the setting ``LAPOR_ADAPTER``.

SP4N-LAPOR!'s exchange API is issued by its operator to an agency's developer account and its
documentation is not public.  Until an instansi holds those credentials it reconciles through
files: the administrator downloads the export from LAPOR!, imports it here, and uploads our
export (status and latest public reply as "Tindak Lanjut") back.  That is
:class:`FileExchangeAdapter`, the only adapter implemented.

A live adapter is deliberately NOT written: we do not know the API's paths, fields or
authentication, and a guessed client would pretend to work.  Whoever receives the credentials
writes a class with the same two methods (``fetch_reports`` and ``post_follow_up``), tests it
against a local fake of the documented API, and points ``LAPOR_ADAPTER`` at it.
"""

from __future__ import annotations

from typing import Protocol
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.module_loading import import_string

from mutu.complaints import lapor
from mutu.complaints.models import Complaint
from mutu.organisations.models import Instansi

DEFAULT_ADAPTER = "mutu.complaints.lapor_adapter.FileExchangeAdapter"


class LaporAdapter(Protocol):
    def fetch_reports(self, *, instansi: Instansi, source: bytes, filename: str) -> lapor.ParsedFile:
        """Reports LAPOR! holds for this instansi (checked rows and row errors)."""

    def post_follow_up(self, *, instansi: Instansi, complaint: Complaint, text: str) -> dict[str, str]:
        """Hand one follow-up to LAPOR!; returns what was handed over (an export row for files)."""


class FileExchangeAdapter:
    """Reports come in as an uploaded export file; follow-ups go out in our export file.

    ``post_follow_up`` sends nothing anywhere: it returns the export row that carries the
    follow-up, which the administrator uploads to LAPOR! with the rest of the export.
    """

    def fetch_reports(self, *, instansi: Instansi, source: bytes, filename: str) -> lapor.ParsedFile:
        return lapor.parse_file(source, fmt=lapor.file_format(filename), zone=ZoneInfo(instansi.timezone))

    def post_follow_up(self, *, instansi: Instansi, complaint: Complaint, text: str) -> dict[str, str]:
        zone = ZoneInfo(instansi.timezone)
        return {
            lapor.TRACKING: complaint.external_id or complaint.tracking_code,
            lapor.TITLE: complaint.title,
            lapor.TEXT: complaint.description,
            lapor.KIND: lapor.KIND_NAMES[complaint.kind],
            lapor.REPORTED_AT: lapor.format_datetime(complaint.submitted_at, zone),
            lapor.STATUS: str(complaint.lapor_status),
            lapor.ANONYMOUS: lapor.yes_no(complaint.is_anonymous),
            lapor.CONFIDENTIAL: lapor.yes_no(complaint.is_confidential),
            lapor.FOLLOW_UP: text,
        }


def get_adapter() -> LaporAdapter:
    return import_string(getattr(settings, "LAPOR_ADAPTER", "") or DEFAULT_ADAPTER)()
