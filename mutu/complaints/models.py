"""Complaints (pengaduan), suggestions (aspirasi) and information requests from every channel.

Every item lands in one table and remembers its channel; a channel is a small adapter that
calls ``services.submit_complaint``.  The instansi's verifier checks each item and forwards
(disposisi) it to the responsible unit, which handles it.  ``Handling`` rows remember every
unit that held a complaint, so a unit that forwarded one keeps a read-only history.

States are mutu's own; each maps to exactly one SP4N-LAPOR! status (``LAPOR_STATUS``) for the
export.  Deadlines are rows (``Deadline``) computed from policies that are data
(``DeadlinePolicy`` per instansi or unit, ``Category`` limits per unit).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Easy to read aloud and to type from a phone call: no 0/O, 1/I/L, and no vowels that could
# spell words.  8 characters of 28 → 3.8·10^11 codes, behind a rate-limited lookup.
TRACKING_ALPHABET = "23456789BCDFGHJKMNPQRSTVWXYZ"


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


class Kind(models.TextChoices):
    COMPLAINT = "pengaduan", _("Complaint")
    ASPIRATION = "aspirasi", _("Suggestion")
    INFORMATION = "informasi", _("Information request")


class Channel(models.TextChoices):
    WEB = "web", _("Website form")
    WHATSAPP = "whatsapp", _("WhatsApp")
    INSTAGRAM = "instagram", _("Instagram")
    WALK_IN = "walk_in", _("At the office")
    LETTER = "letter", _("Letter")
    PHONE = "phone", _("Phone call")
    SOCIAL_MEDIA = "social", _("Seen on social media")
    LAPOR = "lapor", _("SP4N-LAPOR!")
    OPEN311 = "open311", _("Open311")
    API = "api", _("API")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for verification")
    NEEDS_INFO = "needs_info", _("Waiting for more information from the citizen")
    FORWARDED = "forwarded", _("Forwarded to the unit")
    IN_PROGRESS = "in_progress", _("Being handled")
    WAITING_CITIZEN = "waiting", _("Waiting for the citizen's reply")
    ANSWERED = "answered", _("Answered")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn (no reply within 30 days)")
    NOT_AUTHORITY = "not_authority", _("Not our authority")
    ARCHIVED = "archived", _("Archived")
    MERGED = "merged", _("Merged into another report")


class LaporStatus(models.TextChoices):
    UNVERIFIED = "Belum Terverifikasi", "Belum Terverifikasi"
    NOT_FOLLOWED_UP = "Belum Ditindaklanjuti", "Belum Ditindaklanjuti"
    PROCESS = "Proses", "Proses"
    DONE = "Selesai", "Selesai"
    HOLD = "Ditunda", "Ditunda"
    NOT_AUTHORITY = "Bukan Wewenang", "Bukan Wewenang"
    ARCHIVED = "Diarsipkan", "Diarsipkan"


# Each of mutu's states is one LAPOR! status in the export; the import reads them back.
LAPOR_STATUS: dict[str, str] = {
    Status.SUBMITTED: LaporStatus.UNVERIFIED,
    Status.NEEDS_INFO: LaporStatus.HOLD,
    Status.FORWARDED: LaporStatus.NOT_FOLLOWED_UP,
    Status.IN_PROGRESS: LaporStatus.PROCESS,
    Status.WAITING_CITIZEN: LaporStatus.PROCESS,
    Status.ANSWERED: LaporStatus.PROCESS,
    Status.REOPENED: LaporStatus.PROCESS,
    Status.CLOSED: LaporStatus.DONE,
    Status.WITHDRAWN: LaporStatus.ARCHIVED,
    Status.NOT_AUTHORITY: LaporStatus.NOT_AUTHORITY,
    Status.ARCHIVED: LaporStatus.ARCHIVED,
    Status.MERGED: LaporStatus.ARCHIVED,
}
assert set(LAPOR_STATUS) == set(Status.values)

OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.NEEDS_INFO,
    Status.FORWARDED,
    Status.IN_PROGRESS,
    Status.WAITING_CITIZEN,
    Status.ANSWERED,
    Status.REOPENED,
)
# While the ball is with the citizen the deadline clocks stop.
PAUSED_STATUSES = (Status.NEEDS_INFO, Status.WAITING_CITIZEN)


class DayKind(models.TextChoices):
    WORKING = "working", _("working days")
    CALENDAR = "calendar", _("calendar days")


class Stage(models.TextChoices):
    VERIFY = "verify", _("Verify and forward")
    FIRST_RESPONSE = "first_response", _("Unit's first follow-up")
    COMPLETION = "completion", _("Completion")
    AUTO_CLOSE = "auto_close", _("Closed after an undisputed answer")
    CITIZEN_REPLY = "citizen_reply", _("Citizen completes the report")
    INFORMATION = "information", _("Answer to an information request")
    REOPEN_WINDOW = "reopen_window", _("Citizen may ask to reopen")


class Category(models.Model):
    """A unit's complaint category with its published completion limit (e.g. ringan: 2 days)."""

    unit = models.ForeignKey("organisations.Unit", on_delete=models.CASCADE, related_name="complaint_categories")
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    completion_days = models.PositiveSmallIntegerField(_("completion limit"))
    day_kind = models.CharField(_("counted in"), max_length=8, choices=DayKind.choices, default=DayKind.WORKING)
    lapor_category = models.CharField(_("SP4N-LAPOR! category"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")
        ordering = ["unit", "completion_days", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="category_unique_name_per_unit"),
            models.CheckConstraint(condition=Q(completion_days__gte=1), name="category_limit_positive"),
        ]

    def __str__(self):
        return self.name


class DeadlinePolicy(models.Model):
    """How long a stage may take. A unit's row overrides its instansi's; the code has the
    LAPOR! defaults (``deadlines.DEFAULT_POLICIES``) for stages nobody configured."""

    instansi = models.ForeignKey("organisations.Instansi", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("organisations.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    days = models.PositiveSmallIntegerField(_("days"))
    day_kind = models.CharField(_("counted in"), max_length=8, choices=DayKind.choices, default=DayKind.WORKING)
    remind_days_before = models.PositiveSmallIntegerField(_("remind this many days before"), default=1)

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        constraints = [
            models.UniqueConstraint(
                fields=["instansi", "stage"], condition=Q(unit__isnull=True), name="deadlinepolicy_unique_instansi"
            ),
            models.UniqueConstraint(
                fields=["unit", "stage"], condition=Q(unit__isnull=False), name="deadlinepolicy_unique_unit"
            ),
        ]

    def __str__(self):
        return f"{self.stage}: {self.days} {self.day_kind}"


class Complaint(models.Model):
    instansi = models.ForeignKey("organisations.Instansi", on_delete=models.PROTECT, related_name="complaints")
    # The unit responsible now (after disposition); null while the verifier holds it.
    unit = models.ForeignKey(
        "organisations.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    # The unit the citizen chose (a hint for the verifier).
    suggested_unit = models.ForeignKey(
        "organisations.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tracking_code = models.CharField(_("tracking code"), max_length=9, unique=True, default=new_tracking_code)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMPLAINT)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.SUBMITTED)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints")
    service = models.ForeignKey(
        "standards.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="complaints"
    )
    location = models.ForeignKey(
        "organisations.Location", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("what happened"))
    occurred_on = models.DateField(_("when it happened"), null=True, blank=True)
    # Identity. Never shown to the public; hidden from the unit's handlers when is_anonymous.
    reporter_name = models.CharField(_("name"), max_length=150, blank=True)
    reporter_email = models.EmailField(_("email"), blank=True)
    reporter_phone = models.CharField(_("phone"), max_length=30, blank=True)
    reporter_nik = models.CharField(_("NIK"), max_length=16, blank=True)
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    phone_confirmed_at = models.DateTimeField(null=True, blank=True)
    is_anonymous = models.BooleanField(_("anonim"), default=False)
    is_confidential = models.BooleanField(_("rahasia"), default=False)
    consent_at = models.DateTimeField(_("consent to process personal data"), null=True, blank=True)
    # Where the problem is (Open311 clients send a point or an address) and a photo's link.
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    address_id = models.CharField(_("address id"), max_length=60, blank=True)
    media_url = models.URLField(_("photo link"), max_length=500, blank=True)
    # Seen on social media / imported: where it came from.
    source_url = models.URLField(_("link"), max_length=500, blank=True)
    source_name = models.CharField(_("source"), max_length=120, blank=True)
    external_id = models.CharField(_("SP4N-LAPOR! tracking id"), max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_complaints"
    )
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged")
    submitted_at = models.DateTimeField(_("received"))
    verified_at = models.DateTimeField(null=True, blank=True)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Start of the current pause (waiting for the citizen); deadlines move on when it ends.
    paused_since = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField()
    decision_reason = models.TextField(_("reason given to the citizen"), blank=True)
    # Outcome
    outcome = models.TextField(_("answer and action taken"), blank=True)
    redress_claim = models.TextField(_("redress claimed"), blank=True)
    redress_decision = models.TextField(_("decision on the redress claim"), blank=True)
    rating = models.PositiveSmallIntegerField(_("satisfaction with the handling"), null=True, blank=True)
    rating_comment = models.TextField(_("comment on the handling"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["instansi", "external_id"], condition=~Q(external_id=""), name="complaint_unique_lapor_id"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="complaint_rating_1_5"
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90))
                & (Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180)),
                name="complaint_coordinates_on_earth",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "needs_info", "not_authority", "archived", "merged", "withdrawn"])
                | Q(unit__isnull=False),
                name="complaint_handled_by_a_unit",
            ),
        ]
        indexes = [
            models.Index(fields=["instansi", "status"]),
            models.Index(fields=["unit", "status"]),
        ]

    def __str__(self):
        return f"{self.tracking_code} {self.title[:60]}"

    @property
    def lapor_status(self) -> str:
        return LAPOR_STATUS[self.status]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Handling(models.Model):
    """A unit held the complaint from ``since`` until ``until`` (null: still holds it)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="handlings")
    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="+")
    since = models.DateTimeField()
    until = models.DateTimeField(null=True, blank=True)
    forwarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["complaint"], condition=Q(until__isnull=True), name="handling_one_current_unit"
            )
        ]

    def __str__(self):
        return f"{self.complaint_id}@{self.unit_id}"


class Message(models.Model):
    """One entry of the complaint's thread: a citizen's message, a public reply, an internal note."""

    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("From the citizen")
        PUBLIC_REPLY = "reply", _("Public reply")
        INTERNAL_NOTE = "note", _("Internal note")
        SYSTEM = "system", _("Status change")
        SOCIAL_POST = "social", _("Reply posted on social media")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    body = models.TextField(_("message"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The unit the author acted for (a forwarded complaint's old unit keeps its notes).
    unit = models.ForeignKey("organisations.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    # Idempotency key of a delivered message (WhatsApp message id, LAPOR! follow-up id…).
    external_id = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"], condition=~Q(external_id=""), name="message_unique_external_id"
            )
        ]

    def __str__(self):
        return f"{self.kind}: {self.body[:40]}"

    @property
    def is_public(self) -> bool:
        return self.kind in (self.Kind.CITIZEN, self.Kind.PUBLIC_REPLY, self.Kind.SYSTEM)


class Evidence(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="evidence")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence")
    file = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, related_name="+")
    from_citizen = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return str(self.file_id)


class Event(models.Model):
    """A change of state, for the history and the statistics (first response, completion)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit = models.ForeignKey("organisations.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=14, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=14, choices=Status.choices, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.action} {self.from_status}→{self.to_status}"


class Deadline(models.Model):
    """One stage's due moment for one complaint; reminders and escalation claim these rows."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="deadlines")
    stage = models.CharField(max_length=16, choices=Stage.choices)
    due_at = models.DateTimeField()
    days = models.PositiveSmallIntegerField()
    day_kind = models.CharField(max_length=8, choices=DayKind.choices)
    started_at = models.DateTimeField()
    met_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    extended = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "stage"],
                condition=Q(met_at__isnull=True, cancelled_at__isnull=True),
                name="deadline_one_open_per_stage",
            )
        ]
        indexes = [
            models.Index(
                fields=["due_at"], condition=Q(met_at__isnull=True, cancelled_at__isnull=True), name="deadline_open_due"
            )
        ]

    def __str__(self):
        return f"{self.complaint_id} {self.stage} {self.due_at:%Y-%m-%d}"


class IdentityView(models.Model):
    """Each time someone looked at an anonim complainant's identity."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="identity_views")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user_id} saw {self.complaint_id}"


class ContactCode(models.Model):
    """A one-time code sent to confirm the complainant's email (or phone) address."""

    class Medium(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="contact_codes")
    medium = models.CharField(max_length=6, choices=Medium.choices)
    address = models.CharField(max_length=254)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.medium} code for {self.complaint_id}"


class CannedReply(models.Model):
    unit = models.ForeignKey("organisations.Unit", on_delete=models.CASCADE, related_name="canned_replies")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["unit", "title"]

    def __str__(self):
        return self.title
