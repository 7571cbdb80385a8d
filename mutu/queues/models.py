"""Queue tickets, counters at work, files processed over days, and service compensation.

Instants are stored aware (UTC) and always taken in Python (``timezone.now()``), never
from the database clock; "which day" and "is it open" are decided in the location's
time zone.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


def new_public_token() -> str:
    # Unguessable, short enough for a QR code, safe in a URL.
    return secrets.token_urlsafe(12)


class PriorityGroup(models.TextChoices):
    """Perlakuan khusus under UU 25/2009 art. 29, plus a compensation voucher."""

    NONE = "", _("None")
    ELDERLY = "elderly", _("Elderly")
    DISABILITY = "disability", _("Person with a disability")
    PREGNANT = "pregnant", _("Pregnant woman")
    CHILD = "child", _("Child")
    DISASTER = "disaster", _("Disaster victim")
    VOUCHER = "voucher", _("Priority voucher")


class QueueLine(models.Model):
    """One service offered at a gerai, with its ticket prefix and the counters that serve it."""

    gerai = models.ForeignKey(
        "organisations.Gerai", verbose_name=_("gerai"), on_delete=models.PROTECT, related_name="queue_lines"
    )
    service = models.ForeignKey(
        "standards.Service", verbose_name=_("service"), on_delete=models.PROTECT, related_name="queue_lines"
    )
    prefix = models.CharField(_("ticket prefix"), max_length=3, help_text=_("Letter(s) before the number, e.g. A."))
    counters = models.ManyToManyField(
        "organisations.Counter", verbose_name=_("counters"), blank=True, related_name="queue_lines"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("queue line")
        verbose_name_plural = _("queue lines")
        ordering = ["gerai", "position", "prefix"]
        constraints = [
            models.UniqueConstraint(
                fields=["gerai", "service"],
                name="queueline_one_per_service_per_gerai",
                violation_error_message=_("This gerai already has a queue for this service."),
            ),
            models.CheckConstraint(condition=~Q(prefix=""), name="queueline_prefix_not_empty"),
        ]

    def __str__(self):
        return f"{self.prefix} · {self.service}"


class CounterAssignment(models.Model):
    """Which officer may call tickets from which counter."""

    counter = models.ForeignKey("organisations.Counter", on_delete=models.CASCADE, related_name="assignments")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="counter_assignments")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("counter assignment")
        verbose_name_plural = _("counter assignments")
        constraints = [models.UniqueConstraint(fields=["counter", "officer"], name="counterassignment_unique")]

    def __str__(self):
        return f"{self.officer} @ {self.counter}"


class Kiosk(models.Model):
    """A registered tablet at a location's entrance; its secret is kept only as a hash."""

    location = models.ForeignKey("organisations.Location", on_delete=models.CASCADE, related_name="kiosks")
    name = models.CharField(_("name"), max_length=80)
    secret_hash = models.CharField(max_length=128, unique=True)
    registered_at = models.DateTimeField()
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    last_seen_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("kiosk")
        verbose_name_plural = _("kiosks")

    def __str__(self):
        return self.name


class TicketSequence(models.Model):
    """The last number issued today for one prefix at one location (claimed with UPDATE … + 1)."""

    location = models.ForeignKey("organisations.Location", on_delete=models.CASCADE, related_name="+")
    prefix = models.CharField(max_length=3)
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["location", "prefix", "day"], name="ticketsequence_unique_day"),
        ]

    def __str__(self):
        return f"{self.prefix} {self.day}: {self.last_number}"


class Ticket(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        CALLED = "called", _("Called")
        SERVING = "serving", _("Being served")
        DONE = "done", _("Finished")
        NO_SHOW = "no_show", _("Did not come")
        TRANSFERRED = "transferred", _("Transferred")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = (Status.WAITING, Status.CALLED, Status.SERVING)

    location = models.ForeignKey("organisations.Location", on_delete=models.PROTECT, related_name="tickets")
    line = models.ForeignKey(QueueLine, on_delete=models.PROTECT, related_name="tickets")
    service = models.ForeignKey("standards.Service", on_delete=models.PROTECT, related_name="tickets")
    # The standard in force when the ticket was issued: its counter time is the promise.
    standard_version = models.ForeignKey(
        "standards.StandardVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    prefix = models.CharField(max_length=3)
    number = models.PositiveIntegerField()
    day = models.DateField(help_text="The date in the location's time zone.")
    public_token = models.CharField(max_length=32, unique=True, default=new_public_token)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.WAITING)
    priority_group = models.CharField(max_length=12, choices=PriorityGroup.choices, blank=True, default="")
    voucher = models.OneToOneField(
        "PriorityVoucher", null=True, blank=True, on_delete=models.PROTECT, related_name="used_by_ticket"
    )
    kiosk = models.ForeignKey(Kiosk, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets")
    issued_at = models.DateTimeField()
    # The waiting-without-information clock restarts at each "informasi diberikan".
    info_given_at = models.DateTimeField(null=True, blank=True)
    called_at = models.DateTimeField(null=True, blank=True)
    call_count = models.PositiveSmallIntegerField(default=0)
    counter = models.ForeignKey(
        "organisations.Counter", null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="served_tickets"
    )
    service_started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    transferred_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="transferred_to"
    )

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["issued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["location", "prefix", "day", "number"], name="ticket_unique_number_per_day"
            ),
            models.CheckConstraint(condition=Q(number__gt=0), name="ticket_number_positive"),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=F("issued_at")),
                name="ticket_finished_after_issue",
            ),
        ]
        indexes = [
            models.Index(fields=["line", "status", "issued_at"], name="ticket_line_status_idx"),
            models.Index(fields=["location", "day", "status"], name="ticket_location_day_idx"),
        ]

    def __str__(self):
        return self.code

    @property
    def code(self) -> str:
        return f"{self.prefix}-{self.number:03d}"

    @property
    def is_priority(self) -> bool:
        return bool(self.priority_group)


class TicketEvent(models.Model):
    """What happened to a ticket, in order: the raw material of waiting and service times."""

    class Kind(models.TextChoices):
        ISSUED = "issued", _("Issued")
        CALLED = "called", _("Called")
        RECALLED = "recalled", _("Called again")
        NO_SHOW = "no_show", _("Did not come")
        STARTED = "started", _("Service started")
        FINISHED = "finished", _("Service finished")
        TRANSFERRED = "transferred", _("Transferred")
        INFO_GIVEN = "info_given", _("Information given")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField()
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    counter = models.ForeignKey(
        "organisations.Counter", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ticket", "kind"], name="ticketevent_ticket_kind_idx")]

    def __str__(self):
        return f"{self.ticket_id} {self.kind}"


class Announcement(models.Model):
    """An officer informed everyone waiting (for one line or the whole location) at once."""

    location = models.ForeignKey("organisations.Location", on_delete=models.CASCADE, related_name="announcements")
    line = models.ForeignKey(QueueLine, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    text = models.CharField(_("what was announced"), max_length=300)
    tickets_reached = models.PositiveIntegerField(default=0)

    def __str__(self):
        return self.text


class Berkas(models.Model):
    """A file received for a service completed over days, e.g. a building approval."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        PROCESSING = "processing", _("Being processed")
        READY = "ready", _("Finished, ready to collect")
        COLLECTED = "collected", _("Collected")
        REJECTED = "rejected", _("Returned incomplete")

    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="berkas")
    service = models.ForeignKey("standards.Service", on_delete=models.PROTECT, related_name="berkas")
    standard_version = models.ForeignKey("standards.StandardVersion", on_delete=models.PROTECT, related_name="+")
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="berkas")
    receipt_number = models.CharField(_("receipt number"), max_length=40)
    public_token = models.CharField(max_length=32, unique=True, default=new_public_token)
    applicant_name = models.CharField(_("applicant"), max_length=150)
    applicant_phone = models.CharField(_("applicant's phone"), max_length=30, blank=True)
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(_("promised completion date"))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    collected_at = models.DateTimeField(_("collected at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("berkas")
        verbose_name_plural = _("berkas")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "receipt_number"], name="berkas_unique_receipt_number"),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="berkas_status_due_idx")]

    def __str__(self):
        return self.receipt_number


class BerkasRequirement(models.Model):
    """One line of the requirements checklist of the standard in force at receipt."""

    berkas = models.ForeignKey(Berkas, on_delete=models.CASCADE, related_name="requirements")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    is_present = models.BooleanField(default=False)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["berkas", "position"], name="berkasrequirement_unique")]

    def __str__(self):
        return self.text


class CompensationRuleSet(models.Model):
    """A version of a unit's compensation rules (the counter poster), effective from a date."""

    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="compensation_rulesets")
    number = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("effective from"))
    # The promise the rules keep: the standard's "jaminan pelayanan" and the maklumat.
    maklumat = models.ForeignKey(
        "standards.Maklumat", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    guarantee_reference = models.TextField(_("service guarantee it implements"), blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("compensation rules")
        verbose_name_plural = _("compensation rules")
        ordering = ["unit", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="rulesset_unique_number"),
            models.UniqueConstraint(
                fields=["unit", "effective_from"],
                name="ruleset_unique_effective_date",
                violation_error_message=_("Another version of the rules takes effect on this date."),
            ),
        ]

    def __str__(self):
        return f"{self.unit} v{self.number}"


class Trigger(models.TextChoices):
    WAIT_WITHOUT_INFO = "wait_without_info", _("Waiting without information")
    COUNTER_TIME = "counter_time", _("Service over the standard time at the counter")
    BERKAS_LATE = "berkas_late", _("File finished after its due date")


class Remedy(models.TextChoices):
    APOLOGY_DRINK = "apology_drink", _("Apology and a drink")
    SOUVENIR = "souvenir", _("Souvenir")
    PRIORITY_VOUCHER = "priority_voucher", _("Priority service on the next visit")
    SOUVENIR_OR_VOUCHER = "souvenir_or_voucher", _("Souvenir or priority service on the next visit")


class CompensationRule(models.Model):
    ruleset = models.ForeignKey(CompensationRuleSet, on_delete=models.CASCADE, related_name="rules")
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices)
    # Minutes for waiting; for counter time empty means "the standard's counter time".
    threshold_minutes = models.PositiveIntegerField(_("threshold (minutes)"), null=True, blank=True)
    remedy = models.CharField(_("what is given"), max_length=20, choices=Remedy.choices)
    voucher_valid_days = models.PositiveSmallIntegerField(_("voucher valid for (days)"), default=30)
    poster_text = models.CharField(_("sentence on the counter poster"), max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ruleset", "trigger"], name="compensationrule_one_per_trigger"),
            models.CheckConstraint(
                condition=~Q(trigger="wait_without_info") | Q(threshold_minutes__isnull=False, threshold_minutes__gt=0),
                name="compensationrule_wait_needs_threshold",
            ),
        ]

    def __str__(self):
        return f"{self.get_trigger_display()} → {self.get_remedy_display()}"


class CompensationCase(models.Model):
    """One breach of a promise to one person; nothing is deleted, corrections are audit rows."""

    class Status(models.TextChoices):
        DUE = "due", _("Due")
        GIVEN = "given", _("Given")
        DECLINED = "declined", _("Declined by the citizen")

    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="compensation_cases")
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    rule = models.ForeignKey(CompensationRule, on_delete=models.PROTECT, related_name="cases")
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    berkas = models.ForeignKey(Berkas, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    service = models.ForeignKey("standards.Service", on_delete=models.PROTECT, related_name="+")
    counter = models.ForeignKey(
        "organisations.Counter", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The officer whose service breached the promise (staff evaluation reads this).
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="compensation_cases"
    )
    detected_at = models.DateTimeField()
    measured_minutes = models.PositiveIntegerField(help_text="Minutes waited or served, or days late for a berkas.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DUE)
    remedy_given = models.CharField(max_length=20, choices=Remedy.choices, blank=True)
    given_at = models.DateTimeField(null=True, blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("compensation case")
        verbose_name_plural = _("compensation cases")
        ordering = ["-detected_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(ticket__isnull=False) & Q(berkas__isnull=True))
                | (Q(ticket__isnull=True) & Q(berkas__isnull=False)),
                name="compensationcase_ticket_or_berkas",
            ),
            models.UniqueConstraint(
                fields=["ticket", "trigger"],
                condition=Q(ticket__isnull=False),
                name="compensationcase_once_per_ticket_trigger",
            ),
            models.UniqueConstraint(
                fields=["berkas", "trigger"],
                condition=Q(berkas__isnull=False),
                name="compensationcase_once_per_berkas_trigger",
            ),
            models.CheckConstraint(
                condition=Q(status="due") | Q(given_at__isnull=False),
                name="compensationcase_given_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status"], condition=Q(status="due"), name="compensationcase_due_idx"),
        ]

    def __str__(self):
        return f"{self.get_trigger_display()} ({self.get_status_display()})"


class PriorityVoucher(models.Model):
    """Priority on the next visit: unguessable code, valid for N days, used once."""

    code = models.CharField(max_length=16, unique=True)
    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="vouchers")
    case = models.OneToOneField(
        CompensationCase, null=True, blank=True, on_delete=models.PROTECT, related_name="voucher"
    )
    issued_at = models.DateTimeField()
    valid_until = models.DateField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("priority voucher")
        verbose_name_plural = _("priority vouchers")

    def __str__(self):
        return self.code


# --- Berkas receipt numbers (migration 0002_berkas_sequence) ---------------------------------


class BerkasSequence(models.Model):
    """The last receipt number a unit gave in one year (claimed with UPDATE … + 1)."""

    unit = models.ForeignKey("organisations.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="berkassequence_unique_year")]

    def __str__(self):
        return f"{self.unit_id} {self.year}: {self.last_number}"


# --- end of berkas receipt numbers -------------------------------------------------------------


# --- WhatsApp notices for a ticket (migration 0003_ticketnotice) ------------------------------


class TicketNotice(models.Model):
    """A citizen asked to be told by WhatsApp when their ticket is near the front and when it is
    called.  ``consented_at`` is the explicit opt-in; each notice is sent at most once (its
    ``*_sent_at`` is claimed with a conditional UPDATE).  A transfer moves the notice to the new
    ticket."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="notice")
    contact = models.ForeignKey("messaging.Contact", on_delete=models.CASCADE, related_name="ticket_notices")
    consented_at = models.DateTimeField(_("agreed to WhatsApp notices at"))
    # QUEUE_NOTICE_PLACES_AHEAD when the citizen opted in: "near" means this many or fewer ahead.
    places_ahead = models.PositiveSmallIntegerField()
    # When "near the front" was sent, or stopped being due because the ticket was called first.
    near_sent_at = models.DateTimeField(null=True, blank=True)
    called_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("WhatsApp notice of a ticket")
        verbose_name_plural = _("WhatsApp notices of tickets")

    def __str__(self):
        return f"notice for ticket {self.ticket_id}"


# --- end of WhatsApp notices -----------------------------------------------------------------
