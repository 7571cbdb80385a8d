"""Outbox senders for WhatsApp and Instagram (registered with ``mutu.core.outbox``).

A chat row waits in the outbox, so the choice between free text and a template is made **at send
time**, from the contact's ``last_inbound_at`` then, not when the row was written:

- WhatsApp: free text within 24 hours of the citizen's last message; after that the approved
  template of the row's purpose (``accounts.template_for``: the unit's own, else the account's
  default) with the parameters in the order of :data:`TEMPLATE_PARAMETERS`.  A conversation
  reply ("reply") about a complaint falls back to the ``reply_notice`` template; other replies
  cannot go out.  Confirmation codes and queue notices are business-initiated: always a template.
- Instagram has no templates: text within 24 hours, an officer's reply (the message has an
  author) with the HUMAN_AGENT tag up to 7 days; later the citizen reads it on the tracking page.

A refusal no retry can cure (no template, window closed, a 4xx from the Graph API) raises
``PermanentFailure``: the outbox fails the row at once and :func:`mark_failed` marks the chat
message "not delivered".  Network trouble and 5xx/429 answers are retried by the outbox.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction

from mutu.core.models import OutboxMessage
from mutu.core.outbox import PermanentFailure, register_sender
from mutu.messaging import accounts
from mutu.messaging.client import GraphClient, GraphError
from mutu.messaging.models import STATUS_RANK, ChatMessage, MessageTemplate, Platform, TemplatePurpose
from mutu.messaging.outgoing import REPLY
from mutu.messaging.statuses import apply_reports

# The customer-service window of both platforms, and Instagram's longer one for a human agent.
WHATSAPP_WINDOW = datetime.timedelta(hours=24)
INSTAGRAM_WINDOW = datetime.timedelta(hours=24)
INSTAGRAM_HUMAN_AGENT_WINDOW = datetime.timedelta(days=7)

# The body parameters ({{1}}, {{2}}, …) each approved template receives, in this order.  The
# names document what an administrator must put in the template at Meta; ``send_chat`` callers
# pass ``params`` in the same order.
TEMPLATE_PARAMETERS: dict[str, tuple[str, ...]] = {
    # "Laporan {{1}}: status sekarang {{2}}."
    TemplatePurpose.STATUS_UPDATE: ("tracking_code", "status_label"),
    # "Ada balasan baru untuk laporan {{1}}. Baca di {{2}}."
    TemplatePurpose.REPLY_NOTICE: ("tracking_code", "tracking_url"),
    # "Laporan {{1}} sudah dijawab. Beri penilaian di {{2}}."
    TemplatePurpose.RATING_REQUEST: ("tracking_code", "rating_url"),
    # Meta's authentication template: "{{1}} adalah kode verifikasi Anda." plus a copy-code
    # button whose URL parameter is the code again.
    TemplatePurpose.CONFIRMATION_CODE: ("code",),
    # "Nomor antrean {{1}}: tinggal {{2}} orang lagi di layanan {{3}}."
    TemplatePurpose.QUEUE_NEAR: ("ticket_number", "places_ahead", "service"),
    # "Nomor antrean {{1}} dipanggil ke {{2}}."
    TemplatePurpose.QUEUE_CALLED: ("ticket_number", "counter"),
}
assert set(TEMPLATE_PARAMETERS) == set(TemplatePurpose.values)

# Sent first by us, not answers to the citizen: a template even inside the window.
ALWAYS_TEMPLATE = (TemplatePurpose.CONFIRMATION_CODE, TemplatePurpose.QUEUE_NEAR, TemplatePurpose.QUEUE_CALLED)
# What the stored copies of a sent confirmation code show instead of the code.
HIDDEN_CODE = "••••••"

INSTAGRAM_WINDOW_CLOSED = "outside Instagram's reply window — the citizen sees it on the tracking page"


@dataclass(frozen=True)
class Plan:
    """How one chat message goes out: free text, or ``template`` with its parameters."""

    kind: str  # "text" or "template"
    template: MessageTemplate | None = None
    body_parameters: tuple[str, ...] = ()
    button_parameters: tuple[str, ...] = ()
    human_agent: bool = False


def within(contact_last_inbound: datetime.datetime | None, window: datetime.timedelta, now) -> bool:
    return contact_last_inbound is not None and now - contact_last_inbound <= window


def plan_whatsapp(*, message: ChatMessage, unit, now: datetime.datetime) -> Plan:
    """Text or template for a WhatsApp message; raises ``PermanentFailure`` when neither may go."""
    purpose = (message.payload or {}).get("purpose") or REPLY
    params = tuple(str(p) for p in (message.payload or {}).get("params") or ())
    if purpose not in ALWAYS_TEMPLATE and within(message.contact.last_inbound_at, WHATSAPP_WINDOW, now):
        return Plan(kind="text")
    if purpose == REPLY:
        if message.complaint_id is None:
            raise PermanentFailure("outside WhatsApp's 24-hour window and not about a report: no template fits")
        purpose = TemplatePurpose.REPLY_NOTICE
        params = _reply_notice_parameters(message)
    if purpose not in TEMPLATE_PARAMETERS:
        raise PermanentFailure(f"unknown message purpose {purpose!r}")
    template = accounts.template_for(account=message.account, purpose=purpose, unit=unit)
    if template is None:
        raise PermanentFailure(f"no approved template for {purpose}")
    expected = len(TEMPLATE_PARAMETERS[purpose])
    if len(params) != expected:
        raise PermanentFailure(f"the {purpose} template takes {expected} parameters, got {len(params)}")
    buttons = params[:1] if purpose == TemplatePurpose.CONFIRMATION_CODE else ()
    return Plan(kind="template", template=template, body_parameters=params, button_parameters=buttons)


def plan_instagram(*, message: ChatMessage, now: datetime.datetime) -> Plan:
    last = message.contact.last_inbound_at
    if within(last, INSTAGRAM_WINDOW, now):
        return Plan(kind="text")
    if message.author_id is not None and within(last, INSTAGRAM_HUMAN_AGENT_WINDOW, now):
        return Plan(kind="text", human_agent=True)
    raise PermanentFailure(INSTAGRAM_WINDOW_CLOSED)


def _reply_notice_parameters(message: ChatMessage) -> tuple[str, ...]:
    from mutu.complaints.notifications import url_for

    code = message.complaint.tracking_code
    return (code, url_for("complaints:track", code, absolute=True))


# --- the senders -------------------------------------------------------------------------------


def _chat_message(row: OutboxMessage) -> ChatMessage:
    message_id = (row.payload or {}).get("chat_message")
    message = (
        ChatMessage.objects.select_related("account", "contact", "complaint").filter(pk=message_id).first()
        if message_id
        else None
    )
    if message is None:
        raise PermanentFailure("the chat message of this outbox row no longer exists")
    if not message.account.is_active:
        raise PermanentFailure(f"the account {message.account.display_name} is switched off")
    return message


def _graph_call(call):
    try:
        return call()
    except GraphError as exc:
        if exc.permanent:
            raise PermanentFailure(str(exc)) from exc
        raise


def send_whatsapp(row: OutboxMessage, now: datetime.datetime) -> str:
    message = _chat_message(row)
    plan = plan_whatsapp(message=message, unit=row.unit, now=now)
    client = GraphClient.for_platform(Platform.WHATSAPP)
    to = message.contact.phone or message.contact.external_id
    if plan.kind == "text":
        external_id = _graph_call(
            lambda: client.send_whatsapp_text(phone_number_id=message.account.external_id, to=to, text=message.text)
        )
    else:
        external_id = _graph_call(
            lambda: client.send_whatsapp_template(
                phone_number_id=message.account.external_id,
                to=to,
                name=plan.template.name,
                language=plan.template.language,
                body_parameters=plan.body_parameters,
                button_parameters=plan.button_parameters,
            )
        )
    _mark_sent(message=message, row=row, external_id=external_id, plan=plan)
    return external_id


def send_instagram(row: OutboxMessage, now: datetime.datetime) -> str:
    message = _chat_message(row)
    plan = plan_instagram(message=message, now=now)
    client = GraphClient.for_platform(Platform.INSTAGRAM)
    external_id = _graph_call(
        lambda: client.send_instagram_text(
            account_id=message.account.external_id,
            recipient_id=message.contact.external_id,
            text=message.text,
            human_agent=plan.human_agent,
        )
    )
    _mark_sent(message=message, row=row, external_id=external_id, plan=plan)
    return external_id


def _mark_sent(*, message: ChatMessage, row: OutboxMessage, external_id: str, plan: Plan) -> None:
    """Store the platform's id (runs in the outbox's transaction of this attempt), then apply
    status callbacks that arrived before we knew the id."""
    payload = dict(message.payload or {})
    if plan.kind == "template":
        payload["template"] = {"name": plan.template.name, "language": plan.template.language}
    if plan.human_agent:
        payload["human_agent"] = True
    if payload.get("purpose") == TemplatePurpose.CONFIRMATION_CODE:
        # The code must not stay readable in the database once it went out.
        payload["params"] = [HIDDEN_CODE for _ in payload.get("params") or ()]
        OutboxMessage.objects.filter(pk=row.pk).update(payload={**(row.payload or {}), "params": payload["params"]})
    status = message.status
    if status == ChatMessage.Status.FAILED or STATUS_RANK.get(status, 0) < STATUS_RANK[ChatMessage.Status.SENT]:
        status = ChatMessage.Status.SENT
    ChatMessage.objects.filter(pk=message.pk).update(
        external_id=external_id,
        status=status,
        kind="template" if plan.kind == "template" else message.kind,
        payload=payload,
        error="",
        failed_at=None,
    )
    message.external_id = external_id
    message.status = status
    apply_reports(message=message)


def mark_failed(row: OutboxMessage, error: str, now: datetime.datetime) -> None:
    """The outbox gave the row up: the chat message shows "not delivered" with the reason."""
    message_id = (row.payload or {}).get("chat_message")
    if not message_id:
        return
    with transaction.atomic():
        ChatMessage.objects.filter(pk=message_id).exclude(status=ChatMessage.Status.FAILED).update(
            status=ChatMessage.Status.FAILED, failed_at=now, error=error[:300]
        )


def register() -> None:
    """Hook the chat senders into the outbox (called from ``MessagingConfig.ready``)."""
    register_sender(OutboxMessage.Channel.WHATSAPP, send_whatsapp, on_failed=mark_failed)
    register_sender(OutboxMessage.Channel.INSTAGRAM, send_instagram, on_failed=mark_failed)
