"""Chat channels: WhatsApp (Cloud API) and Instagram direct messages.

A delivery from Meta is stored raw (``WebhookDelivery``) and acknowledged at once; a background
task turns it into ``ChatMessage`` rows (one per platform message id, so a retried delivery
creates nothing twice) and ``StatusReport`` rows.  A ``Contact`` is one person on one platform;
a ``Conversation`` is the guided dialogue that collects a complaint from them.  Outgoing messages
are ``ChatMessage`` rows too, each sent through one outbox row.

Phone numbers and Instagram ids are personal data: pages show them only to staff who may see the
complaint's identity (see ``mutu.complaints.selectors.can_see_identity``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    WHATSAPP = "whatsapp", _("WhatsApp")
    INSTAGRAM = "instagram", _("Instagram")


class ChannelAccount(models.Model):
    """A WhatsApp business number or an Instagram professional account of an instansi.

    Incoming messages are matched by ``external_id``: WhatsApp's ``metadata.phone_number_id``,
    Instagram's ``recipient.id`` (the account's id).  When ``unit`` is set the unit owns the
    number (a puskesmas with its own WhatsApp); otherwise reports go to the instansi's verifier.
    """

    platform = models.CharField(_("platform"), max_length=10, choices=Platform.choices)
    external_id = models.CharField(_("phone number id or account id"), max_length=64)
    instansi = models.ForeignKey("organisations.Instansi", on_delete=models.CASCADE, related_name="chat_accounts")
    unit = models.ForeignKey(
        "organisations.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="chat_accounts"
    )
    display_name = models.CharField(_("name shown to citizens"), max_length=120)
    display_address = models.CharField(
        _("number or handle"),
        max_length=64,
        blank=True,
        help_text=_("For example +62 811-5400-123 or @dpmptsp.bontang."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("chat account")
        verbose_name_plural = _("chat accounts")
        ordering = ["instansi", "platform", "display_name"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "external_id"], name="chataccount_unique_external_id"),
        ]

    def __str__(self):
        return f"{self.get_platform_display()} {self.display_name}"


class TemplatePurpose(models.TextChoices):
    """What an approved WhatsApp template is used for; the parameters each receives are fixed
    (see ``mutu.messaging.senders.TEMPLATE_PARAMETERS``)."""

    STATUS_UPDATE = "status_update", _("Status of a report changed")
    REPLY_NOTICE = "reply_notice", _("New reply to a report")
    RATING_REQUEST = "rating_request", _("Request to rate the handling")
    CONFIRMATION_CODE = "confirmation_code", _("One-time confirmation code (authentication)")
    QUEUE_NEAR = "queue_near", _("Queue ticket is a few places from the front")
    QUEUE_CALLED = "queue_called", _("Queue ticket is called")


class MessageTemplate(models.Model):
    """The name of an approved WhatsApp template for one purpose, for an account (``unit``
    empty: the account's default) or for one unit that uses the account."""

    account = models.ForeignKey(ChannelAccount, on_delete=models.CASCADE, related_name="templates")
    unit = models.ForeignKey("organisations.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(_("used for"), max_length=20, choices=TemplatePurpose.choices)
    name = models.CharField(_("template name"), max_length=120)
    language = models.CharField(_("language code"), max_length=10, default="id")

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["account", "unit", "purpose"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "purpose"], condition=Q(unit__isnull=True), name="template_unique_account_default"
            ),
            models.UniqueConstraint(
                fields=["account", "unit", "purpose"], condition=Q(unit__isnull=False), name="template_unique_unit"
            ),
        ]

    def __str__(self):
        return f"{self.purpose}: {self.name}"


class WebhookDelivery(models.Model):
    """One POST from Meta, stored raw before it is parsed (the webhook must answer fast)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        PROCESSING = "processing", _("Being processed")
        DONE = "done", _("Processed")
        FAILED = "failed", _("Failed")

    platform = models.CharField(max_length=10, choices=Platform.choices)
    body = models.TextField()
    # The exact same body delivered again (Meta retries) is stored once.
    body_sha256 = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["status", "received_at"], name="delivery_status_received")]

    def __str__(self):
        return f"{self.platform} delivery {self.pk}"


class Contact(models.Model):
    """One person on one platform.  ``external_id`` is what the platform keys them on: the
    WhatsApp ``wa_id`` (or the business-scoped user id newer payloads carry instead), the
    Instagram-scoped id.  ``phone`` is the number in international digits when known."""

    platform = models.CharField(max_length=10, choices=Platform.choices)
    external_id = models.CharField(max_length=64)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    profile_name = models.CharField(_("profile name"), max_length=150, blank=True)
    first_seen_at = models.DateTimeField()
    # The customer-service window (24 hours on WhatsApp) runs from the citizen's last message.
    last_inbound_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("chat contact")
        verbose_name_plural = _("chat contacts")
        constraints = [
            models.UniqueConstraint(fields=["platform", "external_id"], name="contact_unique_platform_id"),
        ]

    def __str__(self):
        return f"{self.platform} contact {self.pk}"


class Conversation(models.Model):
    """The guided dialogue with one contact on one account; at most one is open at a time."""

    class State(models.TextChoices):
        DESCRIBE = "describe", _("Asked what happened")
        PLACE = "place", _("Asked which service or place")
        EVIDENCE = "evidence", _("Asked for photos or documents")
        NAME = "name", _("Asked for the name")
        PRIVACY = "privacy", _("Asked about anonymity")
        CONFIRM = "confirm", _("Asked to confirm")
        FILED = "filed", _("Report filed")
        CANCELLED = "cancelled", _("Cancelled by the citizen")
        ABANDONED = "abandoned", _("Left unfinished")

    OPEN_STATES = (State.DESCRIBE, State.PLACE, State.EVIDENCE, State.NAME, State.PRIVACY, State.CONFIRM)

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="conversations")
    account = models.ForeignKey(ChannelAccount, on_delete=models.CASCADE, related_name="conversations")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DESCRIBE)
    # What the citizen told so far: {"description", "service_id", "location_id", "place_text",
    # "latitude", "longitude", "name", "privacy"} — read by the conversation engine only.
    draft = models.JSONField(default=dict, blank=True)
    complaint = models.ForeignKey(
        "complaints.Complaint", null=True, blank=True, on_delete=models.SET_NULL, related_name="conversations"
    )
    started_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "account"], condition=Q(ended_at__isnull=True), name="conversation_one_open"
            ),
        ]

    def __str__(self):
        return f"conversation {self.pk} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class ChatMessage(models.Model):
    """One message in or out, on WhatsApp or Instagram."""

    class Direction(models.TextChoices):
        IN = "in", _("From the citizen")
        OUT = "out", _("To the citizen")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        QUEUED = "queued", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        READ = "read", _("Read")
        FAILED = "failed", _("Not delivered")

    class MediaStatus(models.TextChoices):
        NONE = "", _("No attachment")
        PENDING = "pending", _("Being fetched")
        STORED = "stored", _("Stored")
        REJECTED = "rejected", _("Refused (too large or not allowed)")
        FAILED = "failed", _("Could not be fetched")

    platform = models.CharField(max_length=10, choices=Platform.choices)
    account = models.ForeignKey(ChannelAccount, on_delete=models.CASCADE, related_name="messages")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="messages")
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    complaint = models.ForeignKey(
        "complaints.Complaint", null=True, blank=True, on_delete=models.SET_NULL, related_name="chat_messages"
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    # WhatsApp "wamid…" / Instagram "mid"; empty for an outgoing message until it is sent.
    external_id = models.CharField(max_length=200, blank=True)
    # text, image, document, audio, video, location, interactive, button, sticker, reaction,
    # unsupported… as the platform names it; ``template`` for an outgoing template.
    kind = models.CharField(max_length=20, default="text")
    text = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    # When the platform says it was sent (inbound) or when we wrote it (outbound).
    sent_at = models.DateTimeField()
    created_at = models.DateTimeField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Inbound from a number that is flooding us: stored, not answered by the guide.
    is_flood = models.BooleanField(default=False)
    # Attachments: WhatsApp gives a media id, Instagram a URL.
    media_ref = models.CharField(max_length=500, blank=True)
    media_mime = models.CharField(max_length=100, blank=True)
    media_name = models.CharField(max_length=255, blank=True)
    media_status = models.CharField(max_length=8, choices=MediaStatus.choices, blank=True, default="")
    media_file = models.ForeignKey("core.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    media_error = models.CharField(max_length=300, blank=True)
    # Fetch attempts of a pending attachment; the claim time is also the lease of a running fetch.
    media_attempts = models.PositiveSmallIntegerField(default=0)
    media_claimed_at = models.DateTimeField(null=True, blank=True)
    # Delivery of outgoing messages; callbacks may come in any order, the status only moves on.
    status = models.CharField(max_length=10, choices=Status.choices)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    outbox = models.OneToOneField(
        "core.OutboxMessage", null=True, blank=True, on_delete=models.SET_NULL, related_name="chat_message"
    )

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "external_id"], condition=~Q(external_id=""), name="chatmessage_unique_external_id"
            ),
        ]
        indexes = [
            models.Index(fields=["contact", "sent_at"], name="chatmessage_contact_sent"),
            models.Index(fields=["complaint", "sent_at"], name="chatmessage_complaint_sent"),
        ]

    def __str__(self):
        return f"{self.direction} {self.kind} {self.pk}"


# Order of delivery states: a callback never moves a message back (a late "delivered" after
# "read" is recorded but changes nothing); "failed" is final.
STATUS_RANK = {
    ChatMessage.Status.QUEUED: 0,
    ChatMessage.Status.SENT: 1,
    ChatMessage.Status.DELIVERED: 2,
    ChatMessage.Status.READ: 3,
    ChatMessage.Status.FAILED: 4,
}


class StatusReport(models.Model):
    """A status callback (sent, delivered, read, failed) as Meta sent it.  Kept apart from the
    message because a callback can arrive before our send has stored the message id."""

    platform = models.CharField(max_length=10, choices=Platform.choices)
    message_external_id = models.CharField(max_length=200)
    status = models.CharField(max_length=10)
    at = models.DateTimeField()
    errors = models.JSONField(default=list, blank=True)
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "message_external_id", "status"], name="statusreport_unique_status"
            ),
        ]

    def __str__(self):
        return f"{self.message_external_id} {self.status}"
