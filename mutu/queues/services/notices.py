"""WhatsApp notices for a queue ticket: "you are a few places from the front" and "you are called".

A citizen leaves a WhatsApp number at the kiosk (or later on the ticket's status page) and ticks
an explicit opt-in; :func:`request_ticket_notice` records it as a ``TicketNotice``.  The counter
services call :func:`after_call` / :func:`after_transfer` inside their own transaction, so a call
that rolls back sends nothing.  Each notice is sent at most once: its ``near_sent_at`` /
``called_sent_at`` is claimed with ``UPDATE … WHERE … IS NULL`` (one row or none), which holds on
SQLite and PostgreSQL alike when two counters call at the same moment.

Messages go out through :func:`mutu.messaging.outgoing.send_chat` (the outbox): the sender picks
free text inside the 24-hour window and the unit's approved template (``queue_near`` /
``queue_called``) outside it.  Without a WhatsApp account for the line's unit the kiosk does not
offer the notice at all.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mutu.core.audit import record_audit
from mutu.core.errors import ApplicationError
from mutu.messaging import accounts
from mutu.messaging.models import ChannelAccount, Platform, TemplatePurpose
from mutu.messaging.outgoing import send_chat
from mutu.queues.models import Kiosk, QueueLine, Ticket, TicketNotice
from mutu.queues.selectors.tickets import waiting_order

Status = Ticket.Status

# Form field names the errors point at (the kiosk form and the status-page form use them).
PHONE_FIELD = "whatsapp"
CONSENT_FIELD = "whatsapp_consent"


def places_ahead_setting() -> int:
    return max(0, int(getattr(settings, "QUEUE_NOTICE_PLACES_AHEAD", 3)))


def notice_account(*, line: QueueLine) -> ChannelAccount | None:
    """The WhatsApp account that speaks for the line's unit; None: notices are not offered."""
    return accounts.account_for(platform=Platform.WHATSAPP, unit=line.gerai.unit)


def masked_phone(phone: str) -> str:
    """The last three digits only ("…890"), to confirm a number on a public page."""
    return f"…{phone[-3:]}" if phone else ""


def _field_error(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, field_errors={field: [message]})


def check_notice_request(*, phone: str, consent: bool) -> str:
    """The number as WhatsApp writes it, or an ApplicationError naming the field to correct."""
    digits = accounts.normalise_phone(phone)
    if not digits:
        raise _field_error(
            PHONE_FIELD,
            _("This is not a mobile number WhatsApp can reach. Write it like 0812-3456-7890."),
        )
    if not consent:
        raise _field_error(
            CONSENT_FIELD, _("Tick the box to agree to WhatsApp messages about this ticket, or leave the number empty.")
        )
    return digits


def request_ticket_notice(*, ticket: Ticket, phone: str, consent: bool, now: dt.datetime) -> TicketNotice:
    """Record that the citizen of ``ticket`` wants WhatsApp notices at ``phone`` (explicit consent).

    Asking again (for example with a corrected number) replaces the number; notices already sent
    are not sent again.
    """
    digits = check_notice_request(phone=phone, consent=consent)
    with transaction.atomic():
        ticket = Ticket.objects.select_related("line__gerai__unit").get(pk=ticket.pk)
        if ticket.status != Status.WAITING:
            raise ApplicationError(_("WhatsApp notices can only be asked for while the ticket is waiting."))
        if notice_account(line=ticket.line) is None:
            raise ApplicationError(_("WhatsApp notices are not available for this service."))
        contact = accounts.whatsapp_contact_for_phone(phone=digits, now=now)
        places = places_ahead_setting()
        notice = TicketNotice.objects.filter(ticket=ticket).first()
        created = notice is None
        if created:
            try:
                with transaction.atomic():  # a savepoint: a second request at the same moment wins
                    notice = TicketNotice.objects.create(
                        ticket=ticket, contact=contact, consented_at=now, places_ahead=places
                    )
            except IntegrityError:
                notice = TicketNotice.objects.get(ticket=ticket)
                created = False
        if not created:
            TicketNotice.objects.filter(pk=notice.pk).update(contact=contact, consented_at=now)
            notice.contact, notice.consented_at = contact, now
        # The number itself is personal data: the audit trail keeps only that consent was given.
        record_audit(
            actor=None,
            action="ticket.notice_consent",
            obj=ticket,
            unit=ticket.line.gerai.unit,
            after={"notice_id": notice.pk, "places_ahead": notice.places_ahead, "consented_at": now},
            now=now,
        )
    return notice


def issue_ticket_with_notice(
    *,
    line: QueueLine,
    priority_group: str = "",
    voucher_code: str = "",
    kiosk: Kiosk | None = None,
    phone: str = "",
    consent: bool = False,
    now: dt.datetime,
) -> Ticket:
    """The kiosk's "take a number": the ticket and, when a number was given, its notice, in one
    transaction (a refused number issues no ticket, so the citizen can correct it)."""
    from mutu.queues.services.tickets import issue_ticket

    wants_notice = bool((phone or "").strip()) or consent
    if wants_notice:
        check_notice_request(phone=phone, consent=consent)
    with transaction.atomic():
        ticket = issue_ticket(line=line, priority_group=priority_group, voucher_code=voucher_code, kiosk=kiosk, now=now)
        if wants_notice:
            request_ticket_notice(ticket=ticket, phone=phone, consent=consent, now=now)
    return ticket


# --- The hooks the counter services call ---------------------------------------------------


def _send(*, notice: TicketNotice, ticket: Ticket, purpose: str, text: str, params: list, now: dt.datetime) -> bool:
    line = ticket.line
    account = notice_account(line=line)
    if account is None:  # the unit's number was switched off after the citizen opted in
        return False
    send_chat(
        account=account,
        contact=notice.contact,
        text=text,
        dedupe_key=f"queue:{ticket.pk}:{purpose}",
        now=now,
        purpose=purpose,
        params=params,
        unit=line.gerai.unit,
    )
    return True


def _send_called(*, notice: TicketNotice, ticket: Ticket, now: dt.datetime) -> bool:
    # Once called, "near the front" is no longer due: a call racing on another counter that still
    # sees this ticket waiting finds near_sent_at filled and sends nothing.
    claimed = TicketNotice.objects.filter(pk=notice.pk, called_sent_at__isnull=True).update(
        called_sent_at=now, near_sent_at=Coalesce(F("near_sent_at"), Value(now))
    )
    if claimed != 1:
        return False
    counter = ticket.counter
    counter_name = counter.name if counter is not None else ""
    with translation.override(settings.LANGUAGE_CODE):
        if counter is not None:
            text = _("Queue number %(code)s is called now: please go to %(counter)s (%(counter_code)s).") % {
                "code": ticket.code,
                "counter": counter.name,
                "counter_code": counter.code,
            }
        else:
            text = _("Queue number %(code)s is called now: please go to the counter.") % {"code": ticket.code}
    return _send(
        notice=notice,
        ticket=ticket,
        purpose=TemplatePurpose.QUEUE_CALLED,
        text=text,
        params=[ticket.code, counter_name],
        now=now,
    )


def _send_near(*, notice: TicketNotice, ticket: Ticket, ahead: int, now: dt.datetime) -> bool:
    if TicketNotice.objects.filter(pk=notice.pk, near_sent_at__isnull=True).update(near_sent_at=now) != 1:
        return False
    service = ticket.line.service.name
    with translation.override(settings.LANGUAGE_CODE):
        text = ngettext(
            "Queue number %(code)s (%(service)s): %(count)s person is ahead of you. Please come near the counter.",
            "Queue number %(code)s (%(service)s): %(count)s people are ahead of you. Please come near the counter.",
            ahead,
        ) % {"code": ticket.code, "service": service, "count": ahead}
    return _send(
        notice=notice,
        ticket=ticket,
        purpose=TemplatePurpose.QUEUE_NEAR,
        text=text,
        params=[ticket.code, str(ahead), service],
        now=now,
    )


def _places_ahead(*, line_id: int, day: dt.date, pending: list[TicketNotice]) -> dict[int, int]:
    """{notice id: places ahead} for the pending notices whose ticket is now within its limit."""
    if not pending:
        return {}
    deepest = max(n.places_ahead for n in pending)
    front = list(
        Ticket.objects.filter(line_id=line_id, day=day, status=Status.WAITING)
        .order_by(*waiting_order())
        .values_list("pk", flat=True)[: deepest + 1]
    )
    place = {pk: index for index, pk in enumerate(front)}
    return {n.pk: place[n.ticket_id] for n in pending if n.ticket_id in place and place[n.ticket_id] <= n.places_ahead}


def _pending_notices(condition: Q) -> list[TicketNotice]:
    # Ordered by id: every transaction claims notice rows in the same order, so two counters
    # calling at once on PostgreSQL wait for each other instead of deadlocking.
    return list(
        TicketNotice.objects.filter(condition)
        .select_related("contact", "ticket__line__gerai__unit", "ticket__line__service", "ticket__counter")
        .order_by("pk")
    )


def _pending_near(*, line_id: int, day: dt.date) -> Q:
    return Q(ticket__line_id=line_id, ticket__day=day, ticket__status=Status.WAITING, near_sent_at__isnull=True)


def after_call(*, ticket: Ticket, now: dt.datetime) -> int:
    """A counter called ``ticket`` (call or recall): tell its citizen once, and tell the opted-in
    citizens of the same line who are now near the front.  Call inside the calling transaction;
    one query when nobody on the line opted in.  Returns how many messages were queued.

    A call racing on another counter of the line is not seen until it commits, so a ticket may be
    told one place later than it could have been, never twice."""
    notices = _pending_notices(
        Q(ticket_id=ticket.pk, called_sent_at__isnull=True) | _pending_near(line_id=ticket.line_id, day=ticket.day)
    )
    near = _places_ahead(
        line_id=ticket.line_id, day=ticket.day, pending=[n for n in notices if n.ticket_id != ticket.pk]
    )
    sent = 0
    for notice in notices:
        if notice.ticket_id == ticket.pk:
            sent += _send_called(notice=notice, ticket=notice.ticket, now=now)
        elif notice.pk in near:
            sent += _send_near(notice=notice, ticket=notice.ticket, ahead=near[notice.pk], now=now)
    return sent


def after_transfer(*, old: Ticket, new: Ticket, now: dt.datetime) -> int:
    """The notice follows the citizen to the new ticket (new number, new line): both notices may
    be sent again for it.  Call inside the transfer's transaction."""
    moved = TicketNotice.objects.filter(ticket_id=old.pk).update(ticket=new, near_sent_at=None, called_sent_at=None)
    if not moved:
        return 0
    notices = _pending_notices(_pending_near(line_id=new.line_id, day=new.day))
    near = _places_ahead(line_id=new.line_id, day=new.day, pending=notices)
    return sum(_send_near(notice=n, ticket=n.ticket, ahead=near[n.pk], now=now) for n in notices if n.pk in near)
