"""SP4N-LAPOR! file exchange: import the national channel's export, all rows or none.

Each new report goes through ``services.submit_complaint(channel="lapor")`` with LAPOR!'s date,
so its clocks start when the citizen sent it, and waits for our verifier whatever LAPOR! said
(LAPOR! already forwarded it here; our own workflow starts at the desk).  A report already imported (same tracking id in
this instansi) is left as it is and counted as unchanged; when LAPOR! shows another status than
at the last import, an internal note records it — our own status never moves back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext as _

from mutu.complaints import lapor
from mutu.complaints.models import Channel, Complaint, Event, Message
from mutu.complaints.services import add_message, submit_complaint
from mutu.core.errors import ApplicationError
from mutu.organisations.models import Instansi

# Event actions that remember what LAPOR! said about a report (category and status).
IMPORTED = "lapor_import"
STATUS_SEEN = "lapor_status"


class LaporImportError(ApplicationError):
    """The file or some of its rows are wrong; nothing was imported."""

    def __init__(self, message: str, *, row_errors: list[lapor.RowError] | None = None):
        super().__init__(message, field_errors={"file": [message]})
        self.row_errors = row_errors or []


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    status_noted: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.unchanged)


def import_lapor_file(*, instansi: Instansi, content: bytes, filename: str, by, now) -> ImportResult:
    """Check every row, then import them all in one transaction (or raise LaporImportError)."""
    zone = ZoneInfo(instansi.timezone)
    try:
        parsed = lapor.parse_file(content, fmt=lapor.file_format(filename), zone=zone)
    except lapor.FileError as exc:
        raise LaporImportError(str(exc)) from exc
    if parsed.errors:
        raise LaporImportError(
            _("Some rows have errors. Nothing has been imported; correct the file and upload it again."),
            row_errors=parsed.errors,
        )
    result = ImportResult()
    with transaction.atomic():
        existing = {
            c.external_id: c
            for c in Complaint.objects.filter(
                instansi=instansi, external_id__in=[r.tracking_id for r in parsed.rows]
            ).only("pk", "external_id", "unit_id", "instansi_id")
        }
        last_seen = _last_lapor_status(complaint_ids=[c.pk for c in existing.values()])
        for row in parsed.rows:
            complaint = existing.get(row.tracking_id)
            if complaint is None:
                _create(instansi=instansi, row=row, by=by, now=now)
                result.created.append(row.tracking_id)
                continue
            result.unchanged.append(row.tracking_id)
            if row.status and row.status != last_seen.get(complaint.pk, ""):
                _note_status(complaint=complaint, row=row, by=by, now=now)
                result.status_noted.append(row.tracking_id)
    return result


def _create(*, instansi: Instansi, row: lapor.LaporRow, by, now) -> Complaint:
    try:
        complaint = submit_complaint(
            instansi=instansi,
            channel=Channel.LAPOR,
            kind=row.kind,
            title=row.title,
            description=row.text,
            is_anonymous=row.is_anonymous,
            is_confidential=row.is_confidential,
            occurred_on=row.occurred_on,
            source_name="SP4N-LAPOR!",
            external_id=row.tracking_id,
            recorded_by=by,
            submitted_at=row.reported_at,
            # LAPOR!'s own verification happened on LAPOR!; our desk's clocks start when the file
            # brings the report here, so a backlog imported late does not escalate on arrival.
            clocks_from=now,
            now=now,
        )
    except ApplicationError as exc:
        messages = [m for ms in exc.field_errors.values() for m in ms] or [exc.message]
        raise LaporImportError(
            _("Some rows have errors. Nothing has been imported; correct the file and upload it again."),
            row_errors=[lapor.RowError(line=row.line, tracking_id=row.tracking_id, messages=messages)],
        ) from exc
    Event.objects.create(
        complaint=complaint,
        at=now,
        actor=by if getattr(by, "is_authenticated", False) else None,
        action=IMPORTED,
        note=json.dumps({"status": row.status, "category": row.category}, ensure_ascii=False),
    )
    return complaint


def _note_status(*, complaint: Complaint, row: lapor.LaporRow, by, now) -> None:
    add_message(
        complaint=complaint,
        kind=Message.Kind.INTERNAL_NOTE,
        body=_("SP4N-LAPOR! now shows the status “%(status)s” for this report (file import).") % {"status": row.status},
        author=by,
        channel=Channel.LAPOR,
        external_id=f"{complaint.instansi_id}:{row.tracking_id}:status:{row.status}:{now.isoformat()}",
        now=now,
    )
    Event.objects.create(
        complaint=complaint,
        at=now,
        actor=by if getattr(by, "is_authenticated", False) else None,
        unit_id=complaint.unit_id,
        action=STATUS_SEEN,
        note=json.dumps({"status": row.status}, ensure_ascii=False),
    )


def _last_lapor_status(*, complaint_ids: list[int]) -> dict[int, str]:
    """The LAPOR! status seen at the latest import of each complaint."""
    seen: dict[int, str] = {}
    events = Event.objects.filter(complaint_id__in=complaint_ids, action__in=(IMPORTED, STATUS_SEEN)).order_by(
        "at", "id"
    )
    for event in events.only("complaint_id", "note"):
        seen[event.complaint_id] = lapor_note(event.note).get("status", "")
    return seen


def lapor_note(note: str) -> dict:
    try:
        data = json.loads(note or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
