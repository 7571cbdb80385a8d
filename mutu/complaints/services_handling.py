"""The unit's work on a complaint: assignment, category, notes and replies, and the outcome.

Every function is keyword-only, runs in one transaction, writes an audit row and raises
``ApplicationError`` for a broken rule. Status changes go through ``services.transition`` (a
conditional UPDATE: a stale page cannot act twice); deadlines follow the stage semantics shared
by the whole app (see ``deadlines``): the unit's first public reply meets FIRST_RESPONSE, an
answer meets COMPLETION (and INFORMATION) and starts AUTO_CLOSE and REOPEN_WINDOW, asking the
citizen pauses the clocks and starts CITIZEN_REPLY.

The caller has already checked that ``by`` may act on the complaint (``selectors.can_act_on``);
the functions check it again where a wrong call would leak across units.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutu.complaints import deadlines
from mutu.complaints.models import (
    CannedReply,
    Category,
    Channel,
    Complaint,
    DayKind,
    Deadline,
    Kind,
    Message,
    Stage,
    Status,
)
from mutu.complaints.selectors import complaints_handled_by
from mutu.complaints.selectors_handling import officer_ids_of_unit
from mutu.complaints.services import DESCRIPTION_MAX, add_message, transition
from mutu.core.audit import record_audit
from mutu.core.errors import ApplicationError, required_text
from mutu.organisations.calculations import add_working_days
from mutu.organisations.models import Unit

# The unit may still write to the citizen in these states.
REPLY_STATUSES = (Status.FORWARDED, Status.IN_PROGRESS, Status.WAITING_CITIZEN, Status.ANSWERED, Status.REOPENED)
START_FROM = (Status.FORWARDED, Status.REOPENED)
ANSWER_FROM = (Status.IN_PROGRESS, Status.REOPENED)
# Stages still open when a complaint is closed; the citizen keeps the reopen window.
CLOSE_CANCELS = (
    Stage.VERIFY,
    Stage.FIRST_RESPONSE,
    Stage.COMPLETION,
    Stage.AUTO_CLOSE,
    Stage.CITIZEN_REPLY,
    Stage.INFORMATION,
)
REDRESS_MAX = 4000
CATEGORY_MAX_DAYS = 365


def _require_held(complaint: Complaint, by) -> None:
    if not complaints_handled_by(user=by).filter(pk=complaint.pk).exists():
        raise ApplicationError(_("Only the unit that holds this report can do this."))


def _text(value: str, *, field: str, empty: str, limit: int = DESCRIPTION_MAX) -> str:
    return required_text(value, field=field, empty=empty, limit=limit)


def _meet_first_response(complaint: Complaint, now: datetime.datetime) -> None:
    """The unit's first public word to the citizen: meet FIRST_RESPONSE once, stamp the time."""
    if Complaint.objects.filter(pk=complaint.pk, first_response_at__isnull=True).update(first_response_at=now):
        complaint.first_response_at = now
    deadlines.meet_stage(complaint=complaint, stage=Stage.FIRST_RESPONSE, now=now)


# --- assignment -------------------------------------------------------------------------------------


def assign_complaint(*, complaint: Complaint, officer, by, now: datetime.datetime | None = None) -> Complaint:
    """Give the complaint to ``officer`` (a complaint officer or admin of the holding unit); ``None`` unassigns."""
    now = now or timezone.now()
    _require_held(complaint, by)
    if officer is not None and officer.pk not in officer_ids_of_unit(unit_id=complaint.unit_id):
        message = _("This person does not handle complaints in the unit.")
        raise ApplicationError(message, field_errors={"officer": [message]})
    with transaction.atomic():
        before = complaint.assigned_to_id
        Complaint.objects.filter(pk=complaint.pk).update(assigned_to=officer)
        complaint.assigned_to = officer
        record_audit(
            actor=by,
            action="complaint.assign",
            obj=complaint,
            unit=complaint.unit,
            before={"assigned_to": before},
            after={"assigned_to": officer.pk if officer else None},
            now=now,
        )
    return complaint


def assign_complaints(
    *, complaints: Iterable[Complaint], officer, by, now: datetime.datetime | None = None
) -> tuple[int, int]:
    """Bulk assignment from the inbox: ``(assigned, skipped)``.

    Complaints the user may not act on, or whose unit the officer does not work for, are
    skipped and counted, never changed.
    """
    now = now or timezone.now()
    complaints = list(complaints)
    held = set(complaints_handled_by(user=by).filter(pk__in=[c.pk for c in complaints]).values_list("pk", flat=True))
    officer_units: dict[int, set[int]] = {}
    assigned = skipped = 0
    with transaction.atomic():
        for complaint in complaints:
            if complaint.pk not in held:
                skipped += 1
                continue
            if complaint.unit_id not in officer_units:
                officer_units[complaint.unit_id] = officer_ids_of_unit(unit_id=complaint.unit_id)
            if officer.pk not in officer_units[complaint.unit_id]:
                skipped += 1
                continue
            Complaint.objects.filter(pk=complaint.pk).update(assigned_to=officer)
            record_audit(
                actor=by,
                action="complaint.assign",
                obj=complaint,
                before={"assigned_to": complaint.assigned_to_id},
                after={"assigned_to": officer.pk},
                now=now,
            )
            assigned += 1
    return assigned, skipped


# --- category ---------------------------------------------------------------------------------------


def set_category(*, complaint: Complaint, category: Category, by, now: datetime.datetime | None = None) -> Complaint:
    """Classify the complaint; the COMPLETION clock restarts with the category's limit.

    It counts from when the unit's completion clock started (the disposition), not from now, so
    re-classifying does not hand the unit extra time.
    """
    now = now or timezone.now()
    _require_held(complaint, by)
    if category.unit_id != complaint.unit_id or not category.is_active:
        message = _("Choose one of the unit's categories.")
        raise ApplicationError(message, field_errors={"category": [message]})
    if not complaint.is_open:
        raise ApplicationError(_("This report is no longer open."))
    with transaction.atomic():
        before = complaint.category_id
        Complaint.objects.filter(pk=complaint.pk).update(category=category)
        complaint.category = category
        if complaint.answered_at is None or complaint.status == Status.REOPENED:
            current = (
                Deadline.objects.filter(
                    complaint=complaint, stage=Stage.COMPLETION, met_at__isnull=True, cancelled_at__isnull=True
                )
                .order_by("-started_at")
                .first()
            )
            start = current.started_at if current else (complaint.forwarded_at or now)
            if current:
                Deadline.objects.filter(pk=current.pk).update(cancelled_at=now)
            deadlines.start_stage(
                complaint=complaint,
                stage=Stage.COMPLETION,
                now=start,
                days=category.completion_days,
                day_kind=category.day_kind,
            )
        record_audit(
            actor=by,
            action="complaint.categorise",
            obj=complaint,
            unit=complaint.unit,
            before={"category": before},
            after={"category": category.pk},
            now=now,
        )
    return complaint


# --- thread -----------------------------------------------------------------------------------------


def add_internal_note(*, complaint: Complaint, body: str, by, now: datetime.datetime | None = None) -> Message:
    """A note for the unit's staff only; never shown on the tracking page."""
    now = now or timezone.now()
    _require_held(complaint, by)
    body = _text(body, field="body", empty=_("Please write a note."))
    with transaction.atomic():
        return add_message(complaint=complaint, kind=Message.Kind.INTERNAL_NOTE, body=body, author=by, now=now)


def post_public_reply(*, complaint: Complaint, body: str, by, now: datetime.datetime | None = None) -> Message:
    """A reply the citizen reads on the tracking page. The first one meets FIRST_RESPONSE.

    Replying to a complaint that was just forwarded starts the handling (FORWARDED → IN_PROGRESS).
    """
    now = now or timezone.now()
    _require_held(complaint, by)
    body = _text(body, field="body", empty=_("Please write a reply."))
    if complaint.status not in REPLY_STATUSES:
        raise ApplicationError(_("This report is no longer open."))
    with transaction.atomic():
        if complaint.status == Status.FORWARDED:
            transition(
                complaint=complaint,
                to=Status.IN_PROGRESS,
                allowed_from=[Status.FORWARDED],
                actor=by,
                action="start",
                now=now,
            )
        message = add_message(complaint=complaint, kind=Message.Kind.PUBLIC_REPLY, body=body, author=by, now=now)
        _meet_first_response(complaint, now)
    return message


def log_social_post(
    *, complaint: Complaint, body: str, link: str = "", by, now: datetime.datetime | None = None
) -> Message:
    """Record the reply an officer posted on the social-media page where the complaint was seen."""
    now = now or timezone.now()
    _require_held(complaint, by)
    if complaint.channel != Channel.SOCIAL_MEDIA:
        raise ApplicationError(_("Only reports seen on social media have a reply posted there."))
    body = _text(body, field="body", empty=_("Please write what was posted."))
    link = (link or "").strip()
    if link and not link.startswith(("https://", "http://")):
        message = _("Enter a web address starting with https://.")
        raise ApplicationError(message, field_errors={"link": [message]})
    text = f"{body}\n{link}" if link else body
    with transaction.atomic():
        message = add_message(complaint=complaint, kind=Message.Kind.SOCIAL_POST, body=text, author=by, now=now)
        _meet_first_response(complaint, now)
    return message


# --- status actions ---------------------------------------------------------------------------------


def start_handling(*, complaint: Complaint, by, now: datetime.datetime | None = None) -> Complaint:
    """The unit takes the complaint up (FORWARDED or REOPENED → IN_PROGRESS); assigns it to ``by`` if free."""
    now = now or timezone.now()
    _require_held(complaint, by)
    fields = {}
    if complaint.assigned_to_id is None and by.pk in officer_ids_of_unit(unit_id=complaint.unit_id):
        fields["assigned_to"] = by
    with transaction.atomic():
        return transition(
            complaint=complaint,
            to=Status.IN_PROGRESS,
            allowed_from=START_FROM,
            actor=by,
            action="start",
            now=now,
            **fields,
        )


def ask_citizen(*, complaint: Complaint, question: str, by, now: datetime.datetime | None = None) -> Complaint:
    """Ask the citizen for more (IN_PROGRESS → WAITING_CITIZEN): the clocks pause, CITIZEN_REPLY starts."""
    now = now or timezone.now()
    _require_held(complaint, by)
    question = _text(question, field="question", empty=_("Please write what the citizen should add."))
    with transaction.atomic():
        transition(
            complaint=complaint,
            to=Status.WAITING_CITIZEN,
            allowed_from=[Status.IN_PROGRESS],
            actor=by,
            action="ask_citizen",
            now=now,
            paused_since=now,
        )
        add_message(complaint=complaint, kind=Message.Kind.PUBLIC_REPLY, body=question, author=by, now=now)
        _meet_first_response(complaint, now)
        deadlines.start_stage(complaint=complaint, stage=Stage.CITIZEN_REPLY, now=now)
    return complaint


def answer_complaint(*, complaint: Complaint, outcome: str, by, now: datetime.datetime | None = None) -> Complaint:
    """The unit's answer and the action taken (IN_PROGRESS or REOPENED → ANSWERED).

    Meets COMPLETION and INFORMATION (and FIRST_RESPONSE if nothing was said before); starts the
    auto-close clock and the citizen's reopen window.
    """
    now = now or timezone.now()
    _require_held(complaint, by)
    outcome = _text(outcome, field="outcome", empty=_("Please write the answer and the action taken."))
    with transaction.atomic():
        transition(
            complaint=complaint,
            to=Status.ANSWERED,
            allowed_from=ANSWER_FROM,
            actor=by,
            action="answer",
            now=now,
            outcome=outcome,
            answered_at=now,
        )
        _meet_first_response(complaint, now)
        deadlines.meet_stage(complaint=complaint, stage=Stage.COMPLETION, now=now)
        deadlines.meet_stage(complaint=complaint, stage=Stage.INFORMATION, now=now)
        deadlines.start_stage(complaint=complaint, stage=Stage.AUTO_CLOSE, now=now)
        deadlines.start_stage(complaint=complaint, stage=Stage.REOPEN_WINDOW, now=now)
    return complaint


def close_complaint(*, complaint: Complaint, by, now: datetime.datetime | None = None) -> Complaint:
    """Close an answered complaint (ANSWERED → CLOSED). The citizen's reopen window stays open."""
    now = now or timezone.now()
    _require_held(complaint, by)
    with transaction.atomic():
        transition(
            complaint=complaint,
            to=Status.CLOSED,
            allowed_from=[Status.ANSWERED],
            actor=by,
            action="close",
            now=now,
            closed_at=now,
        )
        deadlines.cancel_stages(complaint=complaint, stages=CLOSE_CANCELS, now=now)
    return complaint


def record_redress(
    *, complaint: Complaint, claim: str, decision: str = "", by, now: datetime.datetime | None = None
) -> Complaint:
    """Record the citizen's redress claim (ganti rugi, UU 25/2009) and the unit's decision on it."""
    now = now or timezone.now()
    _require_held(complaint, by)
    claim = _text(claim, field="redress_claim", empty=_("Please write what the citizen claims."), limit=REDRESS_MAX)
    decision = (decision or "").strip()
    if len(decision) > REDRESS_MAX:
        message = _("Please keep the text under %(n)s characters.") % {"n": REDRESS_MAX}
        raise ApplicationError(message, field_errors={"redress_decision": [message]})
    with transaction.atomic():
        before = {"redress_claim": complaint.redress_claim, "redress_decision": complaint.redress_decision}
        Complaint.objects.filter(pk=complaint.pk).update(redress_claim=claim, redress_decision=decision)
        complaint.redress_claim, complaint.redress_decision = claim, decision
        record_audit(
            actor=by,
            action="complaint.redress",
            obj=complaint,
            unit=complaint.unit,
            before=before,
            after={"redress_claim": claim, "redress_decision": decision},
            now=now,
        )
    return complaint


def extend_information_deadline(
    *, complaint: Complaint, reason: str, by, now: datetime.datetime | None = None
) -> Deadline:
    """Extend an information request's clock once by 7 working days (UU 14/2008), telling the citizen why."""
    now = now or timezone.now()
    _require_held(complaint, by)
    if complaint.kind != Kind.INFORMATION:
        raise ApplicationError(_("Only an information request can be extended."))
    reason = _text(reason, field="reason", empty=_("Please tell the citizen why more time is needed."))
    with transaction.atomic():
        row = Deadline.objects.filter(
            complaint=complaint, stage=Stage.INFORMATION, met_at__isnull=True, cancelled_at__isnull=True
        ).first()
        if row is None:
            raise ApplicationError(_("This information request has no open deadline."))
        if (
            row.extended
            or Deadline.objects.filter(complaint=complaint, stage=Stage.INFORMATION, extended=True).exists()
        ):
            raise ApplicationError(_("The deadline of an information request can be extended only once."))
        calendar, zone = deadlines.calendar_and_zone(complaint)
        if row.day_kind == DayKind.CALENDAR:
            new_day = row.due_at.astimezone(zone).date() + datetime.timedelta(days=deadlines.INFORMATION_EXTENSION_DAYS)
        else:
            new_day = add_working_days(
                calendar, row.due_at.astimezone(zone).date(), deadlines.INFORMATION_EXTENSION_DAYS
            )
        new_due = deadlines.end_of_day(new_day, zone)
        changed = Deadline.objects.filter(pk=row.pk, extended=False, met_at__isnull=True).update(
            due_at=new_due, extended=True
        )
        if changed != 1:
            raise ApplicationError(_("The deadline of an information request can be extended only once."))
        text = _("The time to answer this information request is extended by %(days)s working days: %(reason)s") % {
            "days": deadlines.INFORMATION_EXTENSION_DAYS,
            "reason": reason,
        }
        add_message(complaint=complaint, kind=Message.Kind.PUBLIC_REPLY, body=text, author=by, now=now)
        record_audit(
            actor=by,
            action="complaint.extend_information",
            obj=complaint,
            unit=complaint.unit,
            before={"due_at": row.due_at},
            after={"due_at": new_due, "reason": reason},
            now=now,
        )
        row.refresh_from_db()
    return row


# --- categories and canned replies of a unit ---------------------------------------------------------


def _category_fields(*, name: str, completion_days, day_kind: str, lapor_category: str) -> dict:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Please give the category a name.")]
    elif len(name) > 120:
        errors["name"] = [_("Please keep the name under %(n)s characters.") % {"n": 120}]
    try:
        days = int(completion_days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= CATEGORY_MAX_DAYS:
        errors["completion_days"] = [_("Enter a number of days from 1 to %(n)s.") % {"n": CATEGORY_MAX_DAYS}]
    if day_kind not in DayKind.values:
        errors["day_kind"] = [_("Choose one of the listed options.")]
    if errors:
        raise ApplicationError(_("Some fields need attention."), field_errors=errors)
    return {"name": name, "completion_days": days, "day_kind": day_kind, "lapor_category": (lapor_category or "")[:120]}


def save_category(
    *,
    unit: Unit,
    by,
    name: str,
    completion_days: int,
    day_kind: str = DayKind.WORKING,
    lapor_category: str = "",
    is_active: bool = True,
    category: Category | None = None,
    now: datetime.datetime | None = None,
) -> Category:
    """Create (``category=None``) or change one of the unit's complaint categories."""
    now = now or timezone.now()
    fields = _category_fields(
        name=name, completion_days=completion_days, day_kind=day_kind, lapor_category=lapor_category
    )
    if category is not None and category.unit_id != unit.pk:
        raise ApplicationError(_("Choose one of the unit's categories."))
    duplicate = Category.objects.filter(unit=unit, name__iexact=fields["name"])
    if category is not None:
        duplicate = duplicate.exclude(pk=category.pk)
    if duplicate.exists():
        message = _("The unit already has a category with this name.")
        raise ApplicationError(message, field_errors={"name": [message]})
    with transaction.atomic():
        before = None
        if category is None:
            category = Category(unit=unit)
        else:
            before = {
                "name": category.name,
                "completion_days": category.completion_days,
                "day_kind": category.day_kind,
                "is_active": category.is_active,
            }
        for key, value in fields.items():
            setattr(category, key, value)
        category.is_active = is_active
        try:
            with transaction.atomic():
                category.save()
        except IntegrityError as exc:
            message = _("The unit already has a category with this name.")
            raise ApplicationError(message, field_errors={"name": [message]}) from exc
        record_audit(
            actor=by,
            action="complaint_category.save",
            obj=category,
            unit=unit,
            before=before,
            after={**fields, "is_active": is_active},
            now=now,
        )
    return category


def save_canned_reply(
    *,
    unit: Unit,
    by,
    title: str,
    body: str,
    category: Category | None = None,
    reply: CannedReply | None = None,
    now: datetime.datetime | None = None,
) -> CannedReply:
    """Create or change one of the unit's canned replies (optionally for one category)."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    body = (body or "").strip()
    if not title:
        errors["title"] = [_("Please give the reply a title.")]
    elif len(title) > 120:
        errors["title"] = [_("Please keep the title under %(n)s characters.") % {"n": 120}]
    if not body:
        errors["body"] = [_("Please write the text of the reply.")]
    elif len(body) > DESCRIPTION_MAX:
        errors["body"] = [_("Please keep the text under %(n)s characters.") % {"n": DESCRIPTION_MAX}]
    if category is not None and category.unit_id != unit.pk:
        errors["category"] = [_("Choose one of the unit's categories.")]
    if reply is not None and reply.unit_id != unit.pk:
        raise ApplicationError(_("Choose one of the unit's canned replies."))
    if errors:
        raise ApplicationError(_("Some fields need attention."), field_errors=errors)
    with transaction.atomic():
        before = {"title": reply.title, "body": reply.body, "category": reply.category_id} if reply else None
        reply = reply or CannedReply(unit=unit)
        reply.title, reply.body, reply.category = title, body, category
        reply.save()
        record_audit(
            actor=by,
            action="canned_reply.save",
            obj=reply,
            unit=unit,
            before=before,
            after={"title": title, "body": body, "category": category.pk if category else None},
            now=now,
        )
    return reply


def delete_canned_reply(*, reply: CannedReply, by, now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        record_audit(
            actor=by,
            action="canned_reply.delete",
            obj=reply,
            unit=reply.unit,
            before={"title": reply.title, "body": reply.body},
            now=now,
        )
        reply.delete()
