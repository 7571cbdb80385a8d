from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ServiceCategory(models.Model):
    unit = models.ForeignKey("organisations.Unit", on_delete=models.CASCADE, related_name="service_categories")
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="servicecategory_unique_name")]

    def __str__(self):
        return self.name


class Service(models.Model):
    """A jenis pelayanan, e.g. "Persetujuan Bangunan Gedung (PBG)"."""

    unit = models.ForeignKey(
        "organisations.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="services"
    )
    category = models.ForeignKey(
        ServiceCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="services",
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=100)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    # Where the permit is processed, when not only here (OSS-RBA, SIMBG, SiCantik).
    national_system = models.CharField(_("national system"), max_length=80, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["unit", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "slug"], name="service_unique_slug_per_unit")]

    def __str__(self):
        return self.name


class TimeUnit(models.TextChoices):
    MINUTES = "minutes", _("minutes")
    HOURS = "hours", _("hours")
    WORKING_DAYS = "working_days", _("working days")


class FeeKind(models.TextChoices):
    FREE = "free", _("Free of charge")
    FIXED = "fixed", _("Fixed amount")
    # Retribusi of a building approval or a land transfer follows a formula per case.
    TARIFF = "tariff", _("Calculated per application by the tariff")


class StandardVersion(models.Model):
    """One version of a service's standard with the 14 components of PermenPANRB 15/2014.

    Requirements and procedure are ordered child rows.  A published version never
    changes: the next change is a new draft, published with its own effective date.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    effective_date = models.DateField(_("effective from"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    change_summary = models.CharField(_("what changed"), max_length=300, blank=True)

    # Components delivered to the public (requirements and procedure are child rows).
    counter_time_minutes = models.PositiveIntegerField(_("time at the counter (minutes)"), null=True, blank=True)
    completion_time_value = models.PositiveIntegerField(_("time to completion"), null=True, blank=True)
    completion_time_unit = models.CharField(
        _("unit of time to completion"), max_length=12, choices=TimeUnit.choices, blank=True
    )
    fee_kind = models.CharField(_("fee"), max_length=8, choices=FeeKind.choices, default=FeeKind.FREE)
    fee_amount = models.PositiveBigIntegerField(
        _("fee (rupiah)"),
        null=True,
        blank=True,
        help_text=_("For a fee calculated per application: the lowest amount, if there is one."),
    )
    fee_legal_basis = models.TextField(_("legal basis of the fee"), blank=True)
    product = models.TextField(_("product of the service"), blank=True)
    complaint_handling = models.TextField(_("complaints, suggestions and feedback"), blank=True)

    # Internal management components.
    legal_basis = models.TextField(_("legal basis"), blank=True)
    facilities = models.TextField(_("facilities and infrastructure"), blank=True)
    staff_competence = models.TextField(_("staff competence"), blank=True)
    internal_supervision = models.TextField(_("internal supervision"), blank=True)
    staff_count = models.TextField(_("number of staff"), blank=True)
    service_guarantee = models.TextField(_("service guarantee"), blank=True)
    safety_guarantee = models.TextField(_("security and safety guarantee"), blank=True)
    staff_evaluation = models.TextField(_("staff performance evaluation"), blank=True)

    # Governance: the decree that set this version and when it is next reviewed.
    decree_number = models.CharField(_("decree number"), max_length=120, blank=True)
    decree_date = models.DateField(_("decree date"), null=True, blank=True)
    decree_scan = models.ForeignKey(
        "core.StoredFile",
        verbose_name=_("signed decree scan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    next_review_date = models.DateField(_("next review"), null=True, blank=True)

    class Meta:
        verbose_name = _("standard version")
        verbose_name_plural = _("standard versions")
        ordering = ["service", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["service", "number"], name="standardversion_unique_number"),
            models.UniqueConstraint(
                fields=["service", "effective_date"],
                condition=Q(status="published"),
                name="standardversion_one_published_per_effective_date",
            ),
            models.UniqueConstraint(
                fields=["service"], condition=Q(status="draft"), name="standardversion_one_draft_per_service"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(effective_date__isnull=False) & Q(published_at__isnull=False)),
                name="standardversion_published_has_dates",
            ),
            models.CheckConstraint(
                condition=(Q(fee_kind="free") & Q(fee_amount__isnull=True))
                | (Q(fee_kind="fixed") & Q(fee_amount__isnull=False) & Q(fee_amount__gt=0))
                | (Q(fee_kind="tariff") & (Q(fee_amount__isnull=True) | Q(fee_amount__gt=0))),
                name="standardversion_fee_consistent",
            ),
            models.CheckConstraint(
                condition=(Q(completion_time_value__isnull=True) & Q(completion_time_unit=""))
                | (
                    Q(completion_time_value__isnull=False)
                    & Q(completion_time_value__gt=0)
                    & Q(completion_time_unit__in=["minutes", "hours", "working_days"])
                ),
                name="standardversion_completion_time_consistent",
            ),
            models.CheckConstraint(condition=Q(status__in=["draft", "published"]), name="standardversion_valid_status"),
        ]

    def __str__(self):
        return f"{self.service} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class RequirementItem(models.Model):
    version = models.ForeignKey(StandardVersion, on_delete=models.CASCADE, related_name="requirements")
    position = models.PositiveSmallIntegerField()
    text = models.TextField(_("requirement"))

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="requirement_unique_position")]

    def __str__(self):
        return self.text


class ProcedureStep(models.Model):
    version = models.ForeignKey(StandardVersion, on_delete=models.CASCADE, related_name="procedure_steps")
    position = models.PositiveSmallIntegerField()
    text = models.TextField(_("step"))

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="procedurestep_unique_position")]

    def __str__(self):
        return self.text


class PublicConsultation(models.Model):
    """A forum konsultasi publik held on a standard before it was set."""

    version = models.ForeignKey(StandardVersion, on_delete=models.CASCADE, related_name="consultations")
    held_on = models.DateField(_("held on"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    minutes = models.TextField(_("meeting minutes"), blank=True)
    minutes_scan = models.ForeignKey(
        "core.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("public consultation")
        verbose_name_plural = _("public consultations")
        ordering = ["-held_on"]

    def __str__(self):
        return f"{self.version} {self.held_on}"


class ConsultationParticipants(models.Model):
    class Group(models.TextChoices):
        SERVICE_USERS = "users", _("Service users")
        EXPERTS = "experts", _("Experts and academics")
        CIVIL_SOCIETY = "civil_society", _("Civil society organisations")
        BUSINESS = "business", _("Business associations")
        VULNERABLE = "vulnerable", _("Vulnerable groups")
        GOVERNMENT = "government", _("Government officials")
        MEDIA = "media", _("Media")

    consultation = models.ForeignKey(PublicConsultation, on_delete=models.CASCADE, related_name="participants")
    group = models.CharField(_("group"), max_length=16, choices=Group.choices)
    count = models.PositiveIntegerField(_("number of people"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consultation", "group"], name="participants_unique_group"),
            models.CheckConstraint(condition=Q(count__gt=0), name="participants_count_positive"),
        ]

    def __str__(self):
        return f"{self.get_group_display()}: {self.count}"


class Maklumat(models.Model):
    """The unit's signed public promise; the newest by signing date is the one in force."""

    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="maklumat")
    text = models.TextField(_("text"))
    signatory_name = models.CharField(_("signed by"), max_length=120)
    signatory_title = models.CharField(_("title of the signatory"), max_length=160)
    signed_on = models.DateField(_("signed on"))
    scan = models.ForeignKey(
        "core.StoredFile",
        verbose_name=_("signed scan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("maklumat pelayanan")
        verbose_name_plural = _("maklumat pelayanan")
        ordering = ["-signed_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["unit", "signed_on"], name="maklumat_one_per_day")]

    def __str__(self):
        return f"{self.unit} {self.signed_on}"
