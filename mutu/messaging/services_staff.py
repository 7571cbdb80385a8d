"""Staff writes on the chat channels: answering a conversation, filing a report from it, and the
instansi administrator's template names.  Each is audited; messages go out through ``send_chat``
(the outbox), written in the same transaction.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from mutu.complaints import services as complaint_services
from mutu.complaints.models import Channel, Complaint, Kind
from mutu.core.audit import record_audit
from mutu.core.errors import ApplicationError, required_text
from mutu.messaging.models import (
    ChannelAccount,
    ChatMessage,
    Contact,
    Conversation,
    MessageTemplate,
    Platform,
    TemplatePurpose,
)
from mutu.messaging.outgoing import REPLY, send_chat
from mutu.messaging.selectors import loose_messages_of, reply_route

REPLY_MAX = 4000
CHANNEL_OF_PLATFORM = {Platform.WHATSAPP: Channel.WHATSAPP, Platform.INSTAGRAM: Channel.INSTAGRAM}


def _open_conversation(account: ChannelAccount, contact: Contact) -> Conversation | None:
    return Conversation.objects.filter(account=account, contact=contact, ended_at__isnull=True).first()


def reply_in_conversation(
    *, account: ChannelAccount, contact: Contact, text: str, token: str, by, now: datetime.datetime
) -> ChatMessage:
    """An officer answers a contact from the "Percakapan" page (only inside the platform's
    window; ``token`` comes from the form, so a double submit sends once)."""
    text = required_text(text, field="text", empty=_("Please write a message."), limit=REPLY_MAX)
    route = reply_route(account=account, contact=contact, now=now, about_complaint=False, unit=account.unit)
    if not route.goes_out:
        raise ApplicationError(
            _("The citizen's last message is too old: the platform no longer lets us answer in this chat.")
        )
    key = f"conversation:{account.pk}:{contact.pk}:reply:{token}"
    with transaction.atomic():
        already = ChatMessage.objects.filter(outbox__dedupe_key=f"chat:{key}").first()
        if already is not None:  # the same form sent twice
            return already
        message = send_chat(
            account=account,
            contact=contact,
            text=text,
            dedupe_key=key,
            now=now,
            purpose=REPLY,
            conversation=_open_conversation(account, contact),
            unit=account.unit,
            by=by,
        )
        record_audit(actor=by, action="chat.reply", obj=message, unit=account.unit, now=now)
    return message


def file_complaint_from_conversation(
    *,
    account: ChannelAccount,
    contact: Contact,
    by,
    title: str,
    description: str,
    kind: str = Kind.COMPLAINT,
    service=None,
    reporter_name: str = "",
    is_anonymous: bool = False,
    is_confidential: bool = False,
    now: datetime.datetime,
) -> Complaint:
    """An officer files the report a citizen wrote in the chat, as its recorder: the messages
    outside any report (and the open conversation) join it, their stored files become evidence,
    and the citizen gets the tracking code in the chat."""
    if service is not None and service.unit.instansi_id != account.instansi_id:
        raise ApplicationError(
            _("Some fields need attention."),
            field_errors={"service": [_("This service does not belong to the chosen government office.")]},
        )
    with transaction.atomic():
        complaint = complaint_services.submit_complaint(
            instansi=account.instansi,
            channel=CHANNEL_OF_PLATFORM[account.platform],
            kind=kind,
            title=title,
            description=description,
            service=service,
            suggested_unit=service.unit if service is not None else account.unit,
            reporter_name=reporter_name or contact.profile_name,
            reporter_phone=f"+{contact.phone}" if contact.phone else "",
            is_anonymous=is_anonymous,
            is_confidential=is_confidential,
            recorded_by=by,
            now=now,
        )
        loose = list(loose_messages_of(account=account, contact=contact).values_list("pk", flat=True))
        ChatMessage.objects.filter(pk__in=loose).update(complaint=complaint)
        open_conversation = _open_conversation(account, contact)
        if open_conversation is not None:
            Conversation.objects.filter(pk=open_conversation.pk, ended_at__isnull=True).update(
                complaint=complaint, state=Conversation.State.FILED, ended_at=now, updated_at=now
            )
        _attach_media(ChatMessage.objects.filter(pk__in=loose).exclude(media_file__isnull=True), now=now)
        record_audit(
            actor=by,
            action="chat.file_complaint",
            obj=complaint,
            after={"account": account.pk, "contact": contact.pk, "messages": len(loose)},
            now=now,
        )
        with translation.override(settings.LANGUAGE_CODE):
            text = _(
                "Thank you. Your report was recorded with tracking code %(code)s. Keep it to follow your report."
            ) % {"code": complaint.tracking_code}
        send_chat(
            account=account,
            contact=contact,
            text=text,
            dedupe_key=f"complaint:{complaint.pk}:filed-from-chat",
            now=now,
            purpose=REPLY,
            complaint=complaint,
            unit=account.unit,
            by=by,
        )
    return complaint


def _attach_media(messages, *, now: datetime.datetime) -> None:
    try:
        from mutu.messaging.media import attach_chat_media
    except ImportError:  # the inbound area is not there yet: the files stay on the messages
        return
    for message in messages:
        attach_chat_media(message=message, now=now)


# --- templates -------------------------------------------------------------------------------


def save_message_template(
    *,
    account: ChannelAccount,
    purpose: str,
    name: str,
    language: str = "id",
    unit=None,
    template: MessageTemplate | None = None,
    by,
    now: datetime.datetime,
) -> MessageTemplate:
    """Add or change the approved template name for ``purpose`` (``unit`` empty: the account's
    default; a unit of the account's instansi: that unit's own)."""
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    language = (language or "").strip() or "id"
    if purpose not in TemplatePurpose.values:
        errors["purpose"] = [_("Choose one of the listed options.")]
    if not name:
        errors["name"] = [_("Write the template name exactly as Meta approved it.")]
    elif not all(ch.isalnum() or ch == "_" for ch in name) or name != name.lower():
        errors["name"] = [_("A template name has lower-case letters, digits and underscores only.")]
    if unit is not None and unit.instansi_id != account.instansi_id:
        errors["unit"] = [_("Choose a unit of this government office.")]
    if errors:
        raise ApplicationError(_("Some fields need attention."), field_errors=errors)
    before = {"purpose": template.purpose, "name": template.name, "unit": template.unit_id} if template else None
    with transaction.atomic():
        row = template or MessageTemplate(account=account)
        row.purpose, row.name, row.language, row.unit = purpose, name, language, unit
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError as exc:
            raise ApplicationError(
                _("This account already has a template for this purpose and unit; change that one."),
                field_errors={"purpose": [_("Already set; change the existing one.")]},
            ) from exc
        record_audit(
            actor=by,
            action="chat.template_save",
            obj=row,
            unit=unit,
            before=before,
            after={"purpose": purpose, "name": name, "language": language, "unit": unit.pk if unit else None},
            now=now,
        )
    return row


def delete_message_template(*, template: MessageTemplate, by, now: datetime.datetime) -> None:
    with transaction.atomic():
        record_audit(
            actor=by,
            action="chat.template_delete",
            obj=template,
            unit=template.unit,
            before={"purpose": template.purpose, "name": template.name, "unit": template.unit_id},
            now=now,
        )
        template.delete()


# --- accounts --------------------------------------------------------------------------------


def connect_chat_account(
    *,
    instansi,
    platform: str,
    external_id: str,
    display_name: str,
    display_address: str = "",
    unit=None,
    by,
    now: datetime.datetime,
) -> ChannelAccount:
    """Connect a WhatsApp number (its ``phone_number_id``) or an Instagram account (its id) to the
    instansi, or to one of its units that owns the number; incoming messages are matched on it."""
    errors: dict[str, list[str]] = {}
    external_id = (external_id or "").strip()
    display_name = (display_name or "").strip()
    if platform not in Platform.values:
        errors["platform"] = [_("Choose one of the listed options.")]
    if not external_id.isdigit():
        errors["external_id"] = [_("Copy the id from Meta's dashboard: digits only.")]
    if not display_name:
        errors["display_name"] = [_("Write the name citizens know this account by.")]
    if unit is not None and unit.instansi_id != instansi.pk:
        errors["unit"] = [_("Choose a unit of this government office.")]
    if errors:
        raise ApplicationError(_("Some fields need attention."), field_errors=errors)
    with transaction.atomic():
        account = ChannelAccount(
            platform=platform,
            external_id=external_id,
            instansi=instansi,
            unit=unit,
            display_name=display_name[:120],
            display_address=(display_address or "").strip()[:64],
            created_at=now,
        )
        try:
            with transaction.atomic():
                account.save()
        except IntegrityError as exc:
            raise ApplicationError(
                _("This id is already connected."),
                field_errors={"external_id": [_("This id is already connected to an account.")]},
            ) from exc
        record_audit(
            actor=by,
            action="chat.account_connect",
            obj=account,
            unit=unit,
            after={
                "platform": platform,
                "external_id": external_id,
                "instansi": instansi.pk,
                "unit": getattr(unit, "pk", None),
            },
            now=now,
        )
    return account
