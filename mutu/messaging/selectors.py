"""Reads of the chat channels for staff pages and the notification rules.

Who may see which account's conversations (``accounts_visible_to``), the chat thread beside a
complaint, the "Percakapan" list of messages not (yet) part of a complaint, and which way an
answer will go out (text, template, or not at all).  Phone numbers, Instagram ids and profile
names are personal data: a thread carries them only when the viewer may see the identity.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, QuerySet

from mutu.complaints.models import Complaint, Evidence
from mutu.complaints.selectors import (
    can_see_identity,
    complaints_visible_to,
    handler_unit_ids,
    verifier_instansi_ids,
)
from mutu.core.permissions import get_visible_or_404
from mutu.messaging import senders
from mutu.messaging.accounts import account_for, normalise_phone, template_for
from mutu.messaging.conversation import Privacy
from mutu.messaging.models import (
    ChannelAccount,
    ChatMessage,
    Contact,
    Conversation,
    MessageTemplate,
    Platform,
    TemplatePurpose,
)
from mutu.organisations.models import Membership
from mutu.organisations.selectors import _instansi_ids

THREAD_LIMIT = 300
LIST_LIMIT = 200
# Draft "privacy" answers that hide the identity from staff: both Rahasia and Anonim file the
# report as anonim (see ``conversation.Privacy``).
ANONYMOUS_CHOICES = (Privacy.CONFIDENTIAL, Privacy.ANONYMOUS)


# --- who answers whom ------------------------------------------------------------------------


@dataclass(frozen=True)
class ChatRecipient:
    account: ChannelAccount
    contact: Contact


def chat_recipient_for(*, complaint: Complaint) -> ChatRecipient | None:
    """Where the citizen of ``complaint`` hears by chat, or None.

    The contact who wrote about it (a message or the conversation that filed it), else the
    WhatsApp number a web reporter confirmed with a code.
    """
    inbound = (
        ChatMessage.objects.filter(Q(complaint=complaint) | Q(conversation__complaint=complaint))
        .filter(direction=ChatMessage.Direction.IN)
        .select_related("account", "contact")
        .order_by("-sent_at", "-id")
        .first()
    )
    if inbound is not None:
        return ChatRecipient(account=inbound.account, contact=inbound.contact)
    conversation = (
        Conversation.objects.filter(complaint=complaint).select_related("account", "contact").order_by("-id").first()
    )
    if conversation is not None:
        return ChatRecipient(account=conversation.account, contact=conversation.contact)
    if complaint.phone_confirmed_at is None:
        return None
    digits = normalise_phone(complaint.reporter_phone)
    contact = Contact.objects.filter(platform=Platform.WHATSAPP, external_id=digits).first() if digits else None
    if contact is None:
        return None
    # The account that sent the code, so the citizen hears from the number they already know.
    sent = (
        ChatMessage.objects.filter(complaint=complaint, contact=contact, direction=ChatMessage.Direction.OUT)
        .select_related("account")
        .order_by("-id")
        .first()
    )
    account = (
        sent.account
        if sent is not None
        else account_for(platform=Platform.WHATSAPP, unit=complaint.unit, instansi=complaint.instansi)
    )
    if account is None:
        return None
    return ChatRecipient(account=account, contact=contact)


@dataclass(frozen=True)
class ReplyRoute:
    """How an answer to the citizen goes out now (it is decided again at send time)."""

    platform: str
    mode: str  # "text", "human_agent", "template", "no_template", "closed"

    @property
    def goes_out(self) -> bool:
        return self.mode in ("text", "human_agent", "template")


def reply_route(
    *, account: ChannelAccount, contact: Contact, now: datetime.datetime, about_complaint: bool, unit=None
) -> ReplyRoute:
    """Which way an officer's reply would go: the same windows the sender applies."""
    last = contact.last_inbound_at
    if account.platform == Platform.INSTAGRAM:
        if senders.within(last, senders.INSTAGRAM_WINDOW, now):
            return ReplyRoute(Platform.INSTAGRAM, "text")
        if senders.within(last, senders.INSTAGRAM_HUMAN_AGENT_WINDOW, now):
            return ReplyRoute(Platform.INSTAGRAM, "human_agent")
        return ReplyRoute(Platform.INSTAGRAM, "closed")
    if senders.within(last, senders.WHATSAPP_WINDOW, now):
        return ReplyRoute(Platform.WHATSAPP, "text")
    if not about_complaint:
        return ReplyRoute(Platform.WHATSAPP, "closed")
    if template_for(account=account, purpose=TemplatePurpose.REPLY_NOTICE, unit=unit) is None:
        return ReplyRoute(Platform.WHATSAPP, "no_template")
    return ReplyRoute(Platform.WHATSAPP, "template")


# --- the thread beside a complaint ----------------------------------------------------------------


@dataclass
class ComplaintChat:
    messages: list[ChatMessage]
    recipient: ChatRecipient | None
    show_identity: bool
    route: ReplyRoute | None
    platform_label: str = ""
    evidence_ids: dict = field(default_factory=dict)


def _thread_queryset() -> QuerySet[ChatMessage]:
    return ChatMessage.objects.select_related("author", "media_file").order_by("sent_at", "id")


def _link_evidence(messages: list[ChatMessage], *, complaint_ids) -> None:
    """Give each stored attachment the id of its evidence row (downloaded through the
    permission-checked evidence view), or None."""
    file_ids = {m.media_file_id for m in messages if m.media_file_id}
    found = {}
    if file_ids:
        found = dict(
            Evidence.objects.filter(complaint_id__in=complaint_ids, file_id__in=file_ids).values_list("file_id", "pk")
        )
    for m in messages:
        m.evidence_id = found.get(m.media_file_id)


def complaint_chat(*, complaint: Complaint, user, now: datetime.datetime) -> ComplaintChat | None:
    """The WhatsApp/Instagram thread of a complaint for its detail page, or None if it has none."""
    messages = list(
        _thread_queryset().filter(Q(complaint=complaint) | Q(conversation__complaint=complaint))[:THREAD_LIMIT]
    )
    recipient = chat_recipient_for(complaint=complaint)
    if not messages and recipient is None:
        return None
    _link_evidence(messages, complaint_ids=[complaint.pk])
    route = None
    if recipient is not None:
        route = reply_route(
            account=recipient.account, contact=recipient.contact, now=now, about_complaint=True, unit=complaint.unit
        )
    # The detail page's rule: an anonim identity is shown only on its own, logged page.
    show = not complaint.is_anonymous and can_see_identity(user=user, complaint=complaint)
    platform = recipient.account.platform if recipient else messages[0].platform
    return ComplaintChat(
        messages=messages,
        recipient=recipient,
        show_identity=show,
        route=route,
        platform_label=Platform(platform).label,
    )


# --- the "Percakapan" pages -----------------------------------------------------------------------


def accounts_visible_to(*, user) -> QuerySet[ChannelAccount]:
    """The instansi's verifier and administrator: all its accounts; a unit's complaint handlers:
    the accounts their unit owns.  Everyone else: none."""
    if not getattr(user, "is_authenticated", False):
        return ChannelAccount.objects.none()
    if user.is_superuser:
        return ChannelAccount.objects.all()
    return ChannelAccount.objects.filter(
        Q(instansi_id__in=verifier_instansi_ids(user)) | Q(unit_id__in=handler_unit_ids(user))
    )


def accounts_administered_by(*, user) -> QuerySet[ChannelAccount]:
    """Accounts whose templates the user may set: the instansi administrator's."""
    if not getattr(user, "is_authenticated", False):
        return ChannelAccount.objects.none()
    if user.is_superuser:
        return ChannelAccount.objects.all()
    return ChannelAccount.objects.filter(instansi_id__in=_instansi_ids(user, (Membership.Role.INSTANSI_ADMIN,)))


def _loose_messages(accounts) -> QuerySet[ChatMessage]:
    """Messages that belong to no complaint: a conversation still going, cancelled or left,
    free text, floods."""
    return ChatMessage.objects.filter(account__in=accounts, complaint__isnull=True).filter(
        Q(conversation__isnull=True) | Q(conversation__complaint__isnull=True)
    )


@dataclass
class ConversationRow:
    account: ChannelAccount
    contact: Contact
    conversation: Conversation | None
    last_at: datetime.datetime
    count: int
    floods: int
    show_identity: bool


def _latest_conversations(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], Conversation]:
    if not pairs:
        return {}
    latest: dict[tuple[int, int], Conversation] = {}
    candidates = Conversation.objects.filter(
        account_id__in={a for a, _c in pairs}, contact_id__in={c for _a, c in pairs}
    ).order_by("-started_at", "-id")
    for conversation in candidates:
        latest.setdefault((conversation.account_id, conversation.contact_id), conversation)
    return latest


def _draft_anonymous(conversation: Conversation | None) -> bool:
    privacy = (conversation.draft or {}).get("privacy", "") if conversation else ""
    return privacy in ANONYMOUS_CHOICES


def _may_see_contact(user, account: ChannelAccount, conversation: Conversation | None, complaints=()) -> bool:
    """A citizen who asked for anonymity (in the dialogue or on a filed report) stays hidden
    from everyone but the instansi's complaint verifier."""
    anonymous = _draft_anonymous(conversation) or any(c.is_anonymous for c in complaints)
    if not anonymous:
        return True
    if user.is_superuser:
        return True
    return account.instansi_id in _instansi_ids(user, (Membership.Role.COMPLAINT_VERIFIER,))


def conversation_rows(*, user) -> list[ConversationRow]:
    """Newest first: each contact (per account) with messages outside any complaint, or an open
    conversation."""
    accounts = accounts_visible_to(user=user)
    groups = list(
        _loose_messages(accounts)
        .values("account_id", "contact_id")
        .annotate(last_at=Max("sent_at"), count=Count("id"), floods=Count("id", filter=Q(is_flood=True)))
        .order_by("-last_at")[:LIST_LIMIT]
    )
    pairs = {(g["account_id"], g["contact_id"]) for g in groups}
    account_map = {a.pk: a for a in ChannelAccount.objects.filter(pk__in={a for a, _c in pairs}).select_related("unit")}
    contact_map = Contact.objects.in_bulk({c for _a, c in pairs})
    latest = _latest_conversations(pairs)
    rows = []
    for g in groups:
        key = (g["account_id"], g["contact_id"])
        account = account_map[g["account_id"]]
        conversation = latest.get(key)
        rows.append(
            ConversationRow(
                account=account,
                contact=contact_map[g["contact_id"]],
                conversation=conversation,
                last_at=g["last_at"],
                count=g["count"],
                floods=g["floods"],
                show_identity=_may_see_contact(user, account, conversation),
            )
        )
    return rows


@dataclass
class ConversationThread:
    account: ChannelAccount
    contact: Contact
    conversation: Conversation | None
    messages: list[ChatMessage]
    complaints: dict  # complaint id → Complaint the user may open (others show as a code only)
    show_identity: bool
    route: ReplyRoute
    loose_texts: list[str]


def conversation_thread(*, user, account_id: int, contact_id: int, now: datetime.datetime) -> ConversationThread:
    """One contact's messages on one account, or 404 when the account is not the user's or the
    contact never wrote to it."""
    account = get_visible_or_404(accounts_visible_to(user=user).select_related("unit", "instansi"), pk=account_id)
    contact = get_visible_or_404(
        Contact.objects.filter(pk=contact_id, platform=account.platform, messages__account=account).distinct(),
        pk=contact_id,
    )
    messages = list(
        _thread_queryset()
        .select_related("complaint")
        .filter(account=account, contact=contact)
        .order_by("-sent_at", "-id")[:THREAD_LIMIT]
    )
    messages.reverse()
    linked = {m.complaint_id for m in messages if m.complaint_id}
    visible = {c.pk: c for c in complaints_visible_to(user=user).filter(pk__in=linked)}
    all_linked = [m.complaint for m in messages if m.complaint_id]
    _link_evidence([m for m in messages if m.complaint_id in visible], complaint_ids=list(visible))
    for m in messages:
        m.visible_complaint = visible.get(m.complaint_id)
        if m.visible_complaint is None:
            m.evidence_id = None
    conversation = _latest_conversations({(account.pk, contact.pk)}).get((account.pk, contact.pk))
    loose_ids = set(_loose_messages([account]).filter(contact=contact).values_list("pk", flat=True))
    loose_texts = [
        m.text
        for m in messages
        if m.pk in loose_ids and m.direction == ChatMessage.Direction.IN and m.text and not m.is_flood
    ]
    return ConversationThread(
        account=account,
        contact=contact,
        conversation=conversation,
        messages=messages,
        complaints=visible,
        show_identity=_may_see_contact(user, account, conversation, all_linked),
        route=reply_route(account=account, contact=contact, now=now, about_complaint=False, unit=account.unit),
        loose_texts=loose_texts,
    )


def loose_messages_of(*, account: ChannelAccount, contact: Contact) -> QuerySet[ChatMessage]:
    return _loose_messages([account]).filter(contact=contact)


def templates_of(*, accounts) -> dict[int, list[MessageTemplate]]:
    by_account: dict[int, list[MessageTemplate]] = {a.pk: [] for a in accounts}
    for template in (
        MessageTemplate.objects.filter(account__in=accounts).select_related("unit").order_by("purpose", "unit__name")
    ):
        by_account[template.account_id].append(template)
    return by_account
