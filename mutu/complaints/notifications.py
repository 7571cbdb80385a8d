"""Who is told what when a complaint changes: outbox rows written in the caller's transaction.

``services._notify`` calls :func:`complaint_changed` after every intake, status change and
thread entry.  The citizen hears by email (when the address is confirmed, or was given to an
officer who recorded the report); staff get an in-app notice (and an email when their account
has an address).  Each row's dedupe key names the event, so a retried or repeated call never
sends twice.  Citizen emails never carry internal notes; staff notices never carry the identity.
Texts are rendered in the site language (Indonesian) whoever triggered them.

A citizen who wrote over WhatsApp or Instagram, or confirmed a WhatsApp number on the web form,
also hears by chat (``_chat_*``): status changes (the events that email them), public replies,
and the request to rate the handling.  The chat sender picks free text or an approved template
when it sends.  Anonymous reports from a chat are answered on the chat too: the contact is
known to the system, never shown to staff who may not see the identity.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mutu.complaints import deadlines
from mutu.complaints.models import PAUSED_STATUSES, Complaint, Deadline, Event, Message, Stage, Status
from mutu.core.models import OutboxMessage
from mutu.core.outbox import enqueue
from mutu.organisations.models import Membership

Role = Membership.Role
EMAIL = OutboxMessage.Channel.EMAIL
IN_APP = OutboxMessage.Channel.IN_APP

# Status reached → the citizen email template that tells about it.
CITIZEN_STATUS_EMAILS = {
    Status.NEEDS_INFO: "needs_info",
    Status.WAITING_CITIZEN: "needs_info",
    Status.FORWARDED: "forwarded",
    Status.ANSWERED: "answered",
    Status.CLOSED: "closed",
    Status.NOT_AUTHORITY: "not_authority",
    Status.MERGED: "merged",
    Status.WITHDRAWN: "withdrawn",
}


def url_for(name: str, *args, absolute: bool = False) -> str:
    """The path of a page built by another area, or "" while it does not exist yet."""
    try:
        path = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    return f"{settings.SITE_URL}{path}" if absolute else path


def citizen_address(complaint: Complaint) -> str:
    """Where the citizen may be emailed: a confirmed address, or one an officer took down."""
    if not complaint.reporter_email:
        return ""
    if complaint.email_confirmed_at is not None or complaint.recorded_by_id is not None:
        return complaint.reporter_email
    return ""


def verifiers_of(instansi_id: int, *, with_admins: bool = False) -> list:
    roles = [Role.COMPLAINT_VERIFIER] + ([Role.INSTANSI_ADMIN] if with_admins else [])
    return _users(Membership.objects.filter(instansi_id=instansi_id, unit__isnull=True, role__in=roles))


def unit_members(unit_id: int, roles) -> list:
    return _users(Membership.objects.filter(unit_id=unit_id, role__in=list(roles)))


def _users(memberships) -> list:
    User = get_user_model()
    return list(User.objects.filter(pk__in=memberships.values("user_id"), is_active=True).order_by("pk"))


def handlers_of(complaint: Complaint) -> list:
    """Who acts on the complaint now: the assignee, else the unit's complaint officers, else
    (not forwarded yet) the instansi's verifiers."""
    if complaint.unit_id is None:
        return verifiers_of(complaint.instansi_id)
    if complaint.assigned_to_id is not None and complaint.assigned_to.is_active:
        return [complaint.assigned_to]
    return unit_members(complaint.unit_id, [Role.COMPLAINT_OFFICER]) or unit_members(
        complaint.unit_id, [Role.UNIT_ADMIN, Role.UNIT_HEAD]
    )


def staff_url(complaint: Complaint) -> str:
    if complaint.unit_id is None:
        return url_for("complaints:verify", complaint.pk) or url_for("complaints:detail", complaint.pk)
    return url_for("complaints:detail", complaint.pk)


def notify_staff(*, users, key: str, text: str, complaint: Complaint, now: datetime.datetime, body: str = "") -> int:
    """An in-app notice for each user, and an email to those whose account has an address."""
    written = 0
    url = staff_url(complaint)
    for user in users:
        _row, created = enqueue(
            channel=IN_APP,
            dedupe_key=f"{key}:user{user.pk}:in_app",
            subject=text[:200],
            body=body or text,
            recipient=user,
            url=url,
            unit=complaint.unit,
            instansi=complaint.instansi,
            related=complaint,
            now=now,
        )
        written += created
        if user.email:
            email_body = render_to_string(
                "complaints/email/staff_notice.txt",
                {"text": text, "body": body, "url": f"{settings.SITE_URL}{url}" if url else ""},
            )
            _row, created = enqueue(
                channel=EMAIL,
                dedupe_key=f"{key}:user{user.pk}:email",
                subject=text[:200],
                body=email_body,
                recipient=user,
                address=user.email,
                url=url,
                unit=complaint.unit,
                instansi=complaint.instansi,
                related=complaint,
                now=now,
            )
            written += created
    return written


def email_citizen(
    *, complaint: Complaint, key: str, template: str, subject: str, now: datetime.datetime, **context
) -> bool:
    address = citizen_address(complaint)
    if not address:
        return False
    body = render_to_string(
        f"complaints/email/{template}.txt",
        {
            "complaint": complaint,
            "track_url": url_for("complaints:track", complaint.tracking_code, absolute=True),
            "site_url": settings.SITE_URL,
            **context,
        },
    )
    _row, created = enqueue(
        channel=EMAIL,
        dedupe_key=f"{key}:citizen:email",
        subject=subject,
        body=body,
        address=address,
        url=url_for("complaints:track", complaint.tracking_code),
        unit=complaint.unit,
        instansi=complaint.instansi,
        related=complaint,
        template_name=template,
        now=now,
    )
    return created


# --- the rules ---------------------------------------------------------------------------------


def complaint_changed(*, complaint_id: int, what: str) -> None:
    """Write the outbox rows for this change, inside the caller's transaction."""
    now = timezone.now()
    complaint = (
        Complaint.objects.select_related("instansi", "unit", "assigned_to", "merged_into")
        .filter(pk=complaint_id)
        .first()
    )
    if complaint is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        if what == "submitted":
            _submitted(complaint, now)
        elif what == "email_confirmed":
            _submitted_email(complaint, now)
        elif what.startswith("message:"):
            _message(complaint, what, now)
        else:
            _status_changed(complaint, what, now)
            _chat_status_changed(complaint, what, now)


def _submitted_email(complaint: Complaint, now: datetime.datetime) -> None:
    email_citizen(
        complaint=complaint,
        key=f"complaint:{complaint.pk}:submitted",
        template="submitted",
        subject=_("Your report %(code)s was received") % {"code": complaint.tracking_code},
        now=now,
    )


def _submitted(complaint: Complaint, now: datetime.datetime) -> None:
    _submitted_email(complaint, now)
    notify_staff(
        users=verifiers_of(complaint.instansi_id),
        key=f"complaint:{complaint.pk}:submitted",
        text=_("New report %(code)s waits for verification: %(title)s")
        % {"code": complaint.tracking_code, "title": complaint.title[:120]},
        complaint=complaint,
        now=now,
    )


def _latest_event(complaint: Complaint) -> Event | None:
    return Event.objects.filter(complaint=complaint).order_by("-at", "-id").first()


def _question(complaint: Complaint) -> Message | None:
    """The public reply written with the latest pause (the question for the citizen)."""
    return (
        Message.objects.filter(
            complaint=complaint, kind=Message.Kind.PUBLIC_REPLY, created_at__gte=complaint.status_changed_at
        )
        .order_by("-created_at", "-id")
        .first()
    )


def _status_changed(complaint: Complaint, action: str, now: datetime.datetime) -> None:
    event = _latest_event(complaint)
    key = f"complaint:{complaint.pk}:event{event.pk if event else action}"
    template = CITIZEN_STATUS_EMAILS.get(complaint.status)
    if template == "needs_info":
        question = _question(complaint)
        if question is not None:
            # The question went out first as a plain reply; this email carries it instead.
            OutboxMessage.objects.filter(
                dedupe_key=f"complaint:{complaint.pk}:message{question.pk}:citizen:email",
                status=OutboxMessage.Status.PENDING,
                attempts=0,
            ).delete()
        _paused_email(complaint, key=key, question=question, now=now)
    elif template is not None:
        email_citizen(
            complaint=complaint,
            key=key,
            template=template,
            subject=_subject(complaint, template),
            now=now,
            **_status_context(complaint, template),
        )
    code = complaint.tracking_code
    if complaint.status == Status.FORWARDED:
        notify_staff(
            users=unit_members(complaint.unit_id, [Role.COMPLAINT_OFFICER])
            or unit_members(complaint.unit_id, [Role.UNIT_ADMIN, Role.UNIT_HEAD]),
            key=key,
            text=_("Report %(code)s was forwarded to your unit: %(title)s")
            % {"code": code, "title": complaint.title[:120]},
            complaint=complaint,
            now=now,
        )
    elif complaint.status == Status.REOPENED:
        notify_staff(
            users=handlers_of(complaint),
            key=key,
            text=_("The citizen asked to reopen report %(code)s") % {"code": code},
            complaint=complaint,
            now=now,
        )


def _paused_email(complaint: Complaint, *, key: str, question: Message | None, now: datetime.datetime) -> None:
    """The "we need more from you" email; written again (updated) when the question follows."""
    address = citizen_address(complaint)
    if not address:
        return
    due = (
        Deadline.objects.filter(
            complaint=complaint, stage=Stage.CITIZEN_REPLY, met_at__isnull=True, cancelled_at__isnull=True
        )
        .order_by("-started_at")
        .first()
    )
    if due is not None:
        due_at = due.due_at
    else:  # the service starts the clock right after the status change: the same computation
        policy = deadlines.policy_for(
            instansi_id=complaint.instansi_id, unit_id=complaint.unit_id, stage=Stage.CITIZEN_REPLY
        )
        calendar, zone = deadlines.calendar_and_zone(complaint)
        due_at = deadlines.due_moment(
            start=complaint.paused_since or now,
            days=policy.days,
            day_kind=policy.day_kind,
            calendar=calendar,
            zone=zone,
        )
    body = render_to_string(
        "complaints/email/needs_info.txt",
        {
            "complaint": complaint,
            "question": question.body if question else "",
            "due_at": due_at,
            "track_url": url_for("complaints:track", complaint.tracking_code, absolute=True),
        },
    )
    row, created = enqueue(
        channel=EMAIL,
        dedupe_key=f"{key}:citizen:email",
        subject=_subject(complaint, "needs_info"),
        body=body,
        address=address,
        url=url_for("complaints:track", complaint.tracking_code),
        unit=complaint.unit,
        instansi=complaint.instansi,
        related=complaint,
        template_name="needs_info",
        now=now,
    )
    if not created and row.status == OutboxMessage.Status.PENDING and row.attempts == 0 and row.body != body:
        OutboxMessage.objects.filter(pk=row.pk, status=OutboxMessage.Status.PENDING).update(body=body)


def _subject(complaint: Complaint, template: str) -> str:
    code = complaint.tracking_code
    subjects = {
        "needs_info": _("Report %(code)s: we need more information from you"),
        "forwarded": _("Report %(code)s was forwarded to the responsible unit"),
        "answered": _("Report %(code)s was answered"),
        "closed": _("Report %(code)s is closed"),
        "not_authority": _("Report %(code)s is outside our authority"),
        "merged": _("Report %(code)s was joined with another report"),
        "withdrawn": _("Report %(code)s counts as withdrawn"),
        "reply": _("New reply on report %(code)s"),
        "citizen_reminder": _("Report %(code)s still needs your reply"),
    }
    return subjects[template] % {"code": code}


def _status_context(complaint: Complaint, template: str) -> dict:
    if template == "answered":
        window = (
            Deadline.objects.filter(
                complaint=complaint, stage=Stage.REOPEN_WINDOW, met_at__isnull=True, cancelled_at__isnull=True
            )
            .order_by("-started_at")
            .first()
        )
        return {"outcome": complaint.outcome, "reopen_until": window.due_at if window else None}
    if template == "forwarded":
        return {"unit_name": complaint.unit.name if complaint.unit_id else ""}
    return {}


def _message(complaint: Complaint, what: str, now: datetime.datetime) -> None:
    try:
        _prefix, kind, message_id = what.split(":", 2)
        message = Message.objects.get(pk=int(message_id), complaint=complaint)
    except (ValueError, Message.DoesNotExist):
        return
    _message_chat(complaint, message, now)
    key = f"complaint:{complaint.pk}:message{message.pk}"
    if kind == Message.Kind.CITIZEN:
        notify_staff(
            users=handlers_of(complaint),
            key=key,
            text=_("The citizen wrote on report %(code)s") % {"code": complaint.tracking_code},
            complaint=complaint,
            now=now,
        )
    elif kind == Message.Kind.PUBLIC_REPLY:
        if complaint.status in PAUSED_STATUSES and message.created_at >= complaint.status_changed_at:
            # The question of a pause: the pause's email carries it (update it if already written).
            event = _latest_event(complaint)
            _paused_email(
                complaint, key=f"complaint:{complaint.pk}:event{event.pk if event else ''}", question=message, now=now
            )
            return
        email_citizen(
            complaint=complaint,
            key=key,
            template="reply",
            subject=_subject(complaint, "reply"),
            now=now,
            reply=message.body,
        )


def _message_chat(complaint: Complaint, message: Message, now: datetime.datetime) -> None:
    """A public reply reaches a chat citizen as a reply (the reply_notice template outside the
    window); the question of a pause joins the pause's status message instead."""
    if message.kind != Message.Kind.PUBLIC_REPLY:
        return
    if complaint.status in PAUSED_STATUSES and message.created_at >= complaint.status_changed_at:
        event = _latest_event(complaint)
        pending = _pending_chat(f"complaint:{complaint.pk}:event{event.pk if event else ''}:citizen:chat")
        if pending is not None:
            _rewrite_pending_chat(pending, _chat_status_text(complaint, question=message.body))
            return
    send = _chat_sender(complaint)
    if send is None:
        return
    send(
        key=f"complaint:{complaint.pk}:message{message.pk}:citizen:chat",
        text=_("New reply on your report %(code)s:") % {"code": complaint.tracking_code}
        + f"\n\n{message.body}\n\n"
        + _track_line(complaint),
        purpose=REPLY_PURPOSE,
        params=(),
        by=message.author,
    )


# --- chat (WhatsApp, Instagram) ---------------------------------------------------------------

REPLY_PURPOSE = "reply"  # mutu.messaging.outgoing.REPLY


def _chat_sender(complaint: Complaint):
    """A function that queues one chat message to the complaint's citizen, or None when they
    have no chat (not a chat report and no confirmed WhatsApp number)."""
    from mutu.messaging.outgoing import send_chat
    from mutu.messaging.selectors import chat_recipient_for

    recipient = chat_recipient_for(complaint=complaint)
    if recipient is None:
        return None

    def send(*, key: str, text: str, purpose: str, params, by=None):
        return send_chat(
            account=recipient.account,
            contact=recipient.contact,
            text=text,
            dedupe_key=key,
            now=timezone.now(),
            purpose=purpose,
            params=params,
            complaint=complaint,
            unit=complaint.unit,
            by=by,
        )

    return send


def _track_line(complaint: Complaint) -> str:
    return _("Follow your report at %(url)s") % {
        "url": url_for("complaints:track", complaint.tracking_code, absolute=True)
    }


def _chat_status_text(complaint: Complaint, *, question: str = "") -> str:
    parts = [
        _("Update on your report %(code)s: %(status)s.")
        % {"code": complaint.tracking_code, "status": complaint.get_status_display()}
    ]
    if question:
        parts.append(question)
    if complaint.status == Status.ANSWERED and complaint.outcome:
        parts.append(complaint.outcome)
    elif complaint.status == Status.FORWARDED and complaint.unit_id:
        parts.append(_("It is handled by %(unit)s.") % {"unit": complaint.unit.name})
    elif complaint.decision_reason and complaint.status in (Status.NOT_AUTHORITY, Status.MERGED, Status.WITHDRAWN):
        parts.append(complaint.decision_reason)
    parts.append(_track_line(complaint))
    return "\n\n".join(parts)


def _pending_chat(key: str):
    """The chat message written under ``key`` if it has not been tried yet (still editable)."""
    from mutu.messaging.models import ChatMessage

    return (
        ChatMessage.objects.select_related("outbox")
        .filter(
            outbox__dedupe_key=f"chat:{key}",
            outbox__status=OutboxMessage.Status.PENDING,
            outbox__attempts=0,
        )
        .first()
    )


def _rewrite_pending_chat(message, text: str) -> None:
    from mutu.messaging.models import ChatMessage

    ChatMessage.objects.filter(pk=message.pk).update(text=text)
    OutboxMessage.objects.filter(pk=message.outbox_id, status=OutboxMessage.Status.PENDING, attempts=0).update(
        body=text
    )


def _drop_pending_chat(key: str) -> None:
    """Remove a chat message never tried (the question now goes with the pause's message)."""
    message = _pending_chat(key)
    if message is None:
        return
    outbox_id = message.outbox_id
    message.delete()
    OutboxMessage.objects.filter(pk=outbox_id, status=OutboxMessage.Status.PENDING, attempts=0).delete()


def _chat_status_changed(complaint: Complaint, action: str, now: datetime.datetime) -> None:
    """The citizen's status news by chat: the same events that email them, and the request to
    rate the handling once it is answered."""
    if complaint.status not in CITIZEN_STATUS_EMAILS:
        return
    send = _chat_sender(complaint)
    if send is None:
        return
    from mutu.messaging.models import TemplatePurpose

    event = _latest_event(complaint)
    key = f"complaint:{complaint.pk}:event{event.pk if event else action}"
    question = ""
    if complaint.status in PAUSED_STATUSES:
        asked = _question(complaint)
        if asked is not None:
            # Written before the status change: it goes with this message, not on its own.
            _drop_pending_chat(f"complaint:{complaint.pk}:message{asked.pk}:citizen:chat")
            question = asked.body
    code = complaint.tracking_code
    send(
        key=f"{key}:citizen:chat",
        text=_chat_status_text(complaint, question=question),
        purpose=TemplatePurpose.STATUS_UPDATE,
        params=(code, str(complaint.get_status_display())),
    )
    if complaint.status == Status.ANSWERED and complaint.rating is None:
        rating_url = url_for("complaints:track", code, absolute=True)
        send(
            key=f"{key}:rating:chat",
            text=_("How satisfied are you with the handling of report %(code)s? Give a rating from 1 to 5 at %(url)s")
            % {"code": code, "url": rating_url},
            purpose=TemplatePurpose.RATING_REQUEST,
            params=(code, rating_url),
        )


def citizen_reminder(*, deadline: Deadline, now: datetime.datetime) -> bool:
    """Remind the citizen that the report is withdrawn unless they reply by the due date."""
    complaint = deadline.complaint
    with translation.override(settings.LANGUAGE_CODE):
        return email_citizen(
            complaint=complaint,
            key=f"deadline:{deadline.pk}:reminder",
            template="citizen_reminder",
            subject=_subject(complaint, "citizen_reminder"),
            now=now,
            due_at=deadline.due_at,
        )
