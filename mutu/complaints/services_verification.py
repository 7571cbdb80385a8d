"""Writes of the verifier's desk: disposition, asking for more, refusing, archiving, merging,
passing a report on to another unit, and looking at an anonim complainant's identity.

Each is one atomic function that changes the status through ``services.transition`` (a
conditional UPDATE: of two people acting at once only the first succeeds), keeps the deadline
rows in step (``deadlines``) and leaves an audit row. The caller checks who may act (the views
fetch the report through the scoped selectors); these functions check the rules of the domain.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutu.complaints import deadlines, services
from mutu.complaints.models import Category, Complaint, Handling, Message, Stage, Status
from mutu.complaints.selectors_verification import AT_VERIFIER, REDIRECTABLE_STATUSES
from mutu.core.audit import record_audit
from mutu.core.errors import ApplicationError, required_text
from mutu.organisations.models import Unit

REASON_MAX = 2000
IDENTITY_REASON_MAX = 200
ALL_STAGES = tuple(Stage.values)


def _required(value: str, *, field: str, message: str, limit: int = REASON_MAX) -> str:
    return required_text(value, field=field, empty=message, limit=limit)


def _check_unit_and_category(*, complaint: Complaint, unit: Unit, category: Category | None) -> None:
    if unit.instansi_id != complaint.instansi_id or not unit.is_active:
        message = _("A report can only be forwarded to an active unit of its own instansi.")
        raise ApplicationError(message, field_errors={"unit": [message]})
    if category is not None and (category.unit_id != unit.pk or not category.is_active):
        message = _("Choose a category of the unit the report goes to.")
        raise ApplicationError(message, field_errors={"category": [message]})


def _hand_over(*, complaint: Complaint, unit: Unit, by, now: datetime.datetime) -> None:
    """Close the current unit's handling and open the new unit's (the old one keeps read-only history)."""
    Handling.objects.filter(complaint=complaint, until__isnull=True).update(until=now)
    Handling.objects.create(
        complaint=complaint, unit=unit, since=now, forwarded_by=by if getattr(by, "is_authenticated", False) else None
    )


def _start_unit_clocks(*, complaint: Complaint, category: Category | None, now: datetime.datetime) -> None:
    """FIRST_RESPONSE and COMPLETION on the calendar of the unit that now holds the report."""
    complaint.unit = Unit.objects.get(pk=complaint.unit_id)  # its calendar, not a stale cached unit
    if complaint.first_response_at is None:
        deadlines.start_stage(complaint=complaint, stage=Stage.FIRST_RESPONSE, now=now)
    else:
        deadlines.cancel_stages(complaint=complaint, stages=(Stage.FIRST_RESPONSE,), now=now)
    if category is not None:
        deadlines.start_stage(
            complaint=complaint,
            stage=Stage.COMPLETION,
            now=now,
            days=category.completion_days,
            day_kind=category.day_kind,
        )
    else:
        deadlines.start_stage(complaint=complaint, stage=Stage.COMPLETION, now=now)


def forward_complaint(
    *,
    complaint: Complaint,
    unit: Unit,
    category: Category | None = None,
    note: str = "",
    by,
    now: datetime.datetime | None = None,
) -> Complaint:
    """Disposisi: the verifier sends a verified report to the unit responsible for it.

    Only units of the report's own instansi: a tenant of the MPP from another instansi (BPJS,
    BPN…) has its own verifier, reached through SP4N-LAPOR!."""
    now = now or timezone.now()
    _check_unit_and_category(complaint=complaint, unit=unit, category=category)
    note = (note or "").strip()[:REASON_MAX]
    with transaction.atomic():
        complaint = services.transition(
            complaint=complaint,
            to=Status.FORWARDED,
            allowed_from=[Status.SUBMITTED],
            actor=by,
            action="forward",
            note=note,
            now=now,
            unit=unit,
            category=category,
            verified_at=now,
            forwarded_at=now,
        )
        _hand_over(complaint=complaint, unit=unit, by=by, now=now)
        deadlines.meet_stage(complaint=complaint, stage=Stage.VERIFY, now=now)
        _start_unit_clocks(complaint=complaint, category=category, now=now)
        if note:
            services.add_message(complaint=complaint, kind=Message.Kind.INTERNAL_NOTE, body=note, author=by, now=now)
    return complaint


def redirect_complaint(
    *,
    complaint: Complaint,
    unit: Unit,
    category: Category | None = None,
    note: str,
    by,
    now: datetime.datetime | None = None,
) -> Complaint:
    """The unit holding a report (or the verifier) passes it on to another unit of the instansi.

    The old unit keeps its messages and a read-only view (its ``Handling`` row is closed); the
    new unit starts with no officer assigned and its own completion clock (the category of the
    old unit does not travel). The first-response clock restarts only if nobody has answered the
    citizen yet."""
    now = now or timezone.now()
    note = _required(note, field="note", message=_("Please say why the report goes to another unit."))
    _check_unit_and_category(complaint=complaint, unit=unit, category=category)
    if unit.pk == complaint.unit_id:
        message = _("The report is already with this unit.")
        raise ApplicationError(message, field_errors={"unit": [message]})
    from_unit = complaint.unit
    with transaction.atomic():
        # The old unit signs its note before the report leaves it.
        services.add_message(complaint=complaint, kind=Message.Kind.INTERNAL_NOTE, body=note, author=by, now=now)
        complaint = services.transition(
            complaint=complaint,
            to=Status.FORWARDED,
            allowed_from=REDIRECTABLE_STATUSES,
            actor=by,
            action="redirect",
            note=note,
            now=now,
            unit=unit,
            category=category,
            assigned_to=None,
            forwarded_at=now,
        )
        _hand_over(complaint=complaint, unit=unit, by=by, now=now)
        _start_unit_clocks(complaint=complaint, category=category, now=now)
        record_audit(
            actor=by,
            action="complaint.redirect.from",
            obj=complaint,
            unit=from_unit,
            after={"to_unit": unit.pk},
            now=now,
        )
    return complaint


def request_more_information(
    *, complaint: Complaint, question: str, by, now: datetime.datetime | None = None
) -> Complaint:
    """Tunda: the report is incomplete. The citizen gets the question; the clocks stop until
    they answer (30 calendar days, then it counts as withdrawn)."""
    now = now or timezone.now()
    question = _required(question, field="question", message=_("Please write what the citizen should add."))
    with transaction.atomic():
        complaint = services.transition(
            complaint=complaint,
            to=Status.NEEDS_INFO,
            allowed_from=[Status.SUBMITTED],
            actor=by,
            action="request_info",
            now=now,
            paused_since=now,
        )
        services.add_message(complaint=complaint, kind=Message.Kind.PUBLIC_REPLY, body=question, author=by, now=now)
        deadlines.start_stage(complaint=complaint, stage=Stage.CITIZEN_REPLY, now=now)
    return complaint


def _end_at_desk(
    *, complaint: Complaint, to: str, action: str, message_kind: str, message: str, note: str, by, now, **fields
) -> Complaint:
    """Close a report from the verifier's desk: the status, one thread entry, every clock stopped.

    Call inside the caller's transaction."""
    complaint = services.transition(
        complaint=complaint,
        to=to,
        allowed_from=AT_VERIFIER,
        actor=by,
        action=action,
        note=note,
        now=now,
        closed_at=now,
        paused_since=None,
        **fields,
    )
    services.add_message(complaint=complaint, kind=message_kind, body=message, author=by, now=now)
    deadlines.cancel_stages(complaint=complaint, stages=ALL_STAGES, now=now)
    return complaint


def mark_not_authority(*, complaint: Complaint, reason: str, by, now: datetime.datetime | None = None) -> Complaint:
    """Bukan wewenang: the instansi cannot handle it. The reason is shown to the citizen."""
    now = now or timezone.now()
    reason = _required(reason, field="reason", message=_("Please tell the citizen why this is not our authority."))
    with transaction.atomic():
        complaint = _end_at_desk(
            complaint=complaint,
            to=Status.NOT_AUTHORITY,
            action="not_authority",
            message_kind=Message.Kind.PUBLIC_REPLY,
            message=reason,
            note=reason,
            by=by,
            now=now,
            decision_reason=reason,
            verified_at=now,
        )
    return complaint


def archive_complaint(*, complaint: Complaint, reason: str, by, now: datetime.datetime | None = None) -> Complaint:
    """Arsipkan: spam, a test, abuse. The reason stays internal; every open deadline is cancelled."""
    now = now or timezone.now()
    reason = _required(reason, field="reason", message=_("Please write why the report is archived."))
    with transaction.atomic():
        complaint = _end_at_desk(
            complaint=complaint,
            to=Status.ARCHIVED,
            action="archive",
            message_kind=Message.Kind.INTERNAL_NOTE,
            message=reason,
            note=reason,
            by=by,
            now=now,
        )
    return complaint


def merge_complaint(*, duplicate: Complaint, into: Complaint, by, now: datetime.datetime | None = None) -> Complaint:
    """Join a duplicate to the report that is handled; the duplicate keeps its messages and
    evidence, and its citizen is told where the handling continues.

    The tracking code of ``into`` is never told: it opens another citizen's report."""
    now = now or timezone.now()
    if duplicate.pk == into.pk:
        raise ApplicationError(_("A report cannot be merged into itself."))
    if into.instansi_id != duplicate.instansi_id:
        raise ApplicationError(_("Only reports of the same instansi can be merged."))
    if into.status in (Status.MERGED, Status.ARCHIVED) or into.merged_into_id:
        raise ApplicationError(_("That report was itself merged or archived; merge into the report that is handled."))
    # Never tell the other report's tracking code: a code is the key to a citizen's report
    # (reply, reopen, rate). The tracking page of the merged report shows how the other one goes.
    notice = _(
        "Thank you. The same matter was already reported and is handled under another report; "
        "this report is joined to it and you will see its progress and outcome here."
    )
    with transaction.atomic():
        duplicate = _end_at_desk(
            complaint=duplicate,
            to=Status.MERGED,
            action="merge",
            message_kind=Message.Kind.PUBLIC_REPLY,
            message=notice,
            note=into.tracking_code,
            by=by,
            now=now,
            merged_into=into,
        )
        services.add_message(
            complaint=into,
            kind=Message.Kind.INTERNAL_NOTE,
            body=_("Report %(code)s was merged into this one as a duplicate.") % {"code": duplicate.tracking_code},
            author=by,
            now=now,
        )
    return duplicate


def show_identity(*, complaint: Complaint, reason: str, by, now: datetime.datetime | None = None) -> None:
    """Log one look at an anonim complainant's identity, with the reason given."""
    now = now or timezone.now()
    reason = _required(
        reason,
        field="reason",
        message=_("Please write why you need to see the identity."),
        limit=IDENTITY_REASON_MAX,
    )
    if not complaint.is_anonymous:
        raise ApplicationError(_("This report is not anonim: the identity is shown with the report."))
    services.record_identity_view(complaint=complaint, user=by, reason=reason, now=now)
