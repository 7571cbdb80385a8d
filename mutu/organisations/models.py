import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(value)s"), params={"value": value})


class Instansi(models.Model):
    """A government or agency: Pemerintah Kota Bontang, BPJS Kesehatan, Kementerian ATR/BPN."""

    class Kind(models.TextChoices):
        LOCAL = "local", _("Local government")
        VERTICAL = "vertical", _("Vertical agency")
        STATE_ENTERPRISE = "enterprise", _("State-owned enterprise")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.LOCAL)
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Jakarta", validators=[validate_timezone])

    class Meta:
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Unit(models.Model):
    """A unit penyelenggara (OPD): DPMPTSP, Disdukcapil, a puskesmas, a land office."""

    instansi = models.ForeignKey(Instansi, verbose_name=_("instansi"), on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Jakarta", validators=[validate_timezone])
    cuti_bersama_closed = models.BooleanField(
        _("closed on cuti bersama"),
        default=True,
        help_text=_("Switch off if the unit keeps serving on collective leave days."),
    )
    description = models.TextField(_("description"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    whatsapp = models.CharField(_("WhatsApp"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["instansi__name", "name"]

    def __str__(self):
        return self.short_name or self.name


class Location(models.Model):
    """Where service happens: a unit's own office or a shared Mal Pelayanan Publik."""

    class Kind(models.TextChoices):
        OFFICE = "office", _("Unit office")
        MPP = "mpp", _("Mal Pelayanan Publik")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.OFFICE)
    # The unit that runs the building: its MPP managers manage hours and gerai.
    manager_unit = models.ForeignKey(
        Unit, verbose_name=_("managed by"), on_delete=models.PROTECT, related_name="managed_locations"
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Jakarta", validators=[validate_timezone])
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Gerai(models.Model):
    """A unit's booth at a location; in an MPP many units each have one."""

    location = models.ForeignKey(Location, verbose_name=_("location"), on_delete=models.PROTECT, related_name="gerai")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="gerai")
    name = models.CharField(_("name"), max_length=200)
    floor = models.CharField(_("floor or area"), max_length=60, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("gerai")
        verbose_name_plural = _("gerai")
        ordering = ["location__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["location", "name"],
                name="gerai_unique_name_per_location",
                violation_error_message=_("This location already has a gerai with this name."),
            ),
        ]

    def __str__(self):
        return self.name


class Counter(models.Model):
    """A loket: the desk where an officer serves one person at a time."""

    gerai = models.ForeignKey(Gerai, verbose_name=_("gerai"), on_delete=models.PROTECT, related_name="counters")
    code = models.CharField(_("code"), max_length=10, help_text=_("Short code shown on the display, e.g. A1."))
    name = models.CharField(_("name"), max_length=120)
    is_disability = models.BooleanField(_("disability counter"), default=False)
    is_priority = models.BooleanField(_("priority counter"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        ordering = ["gerai", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["gerai", "code"],
                name="counter_unique_code_per_gerai",
                violation_error_message=_("This gerai already has a counter with this code."),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class SpecialPeriod(models.Model):
    """Dates when a location keeps other hours (Ramadan) or is closed (renovation, election day)."""

    class Kind(models.TextChoices):
        HOURS = "hours", _("Special hours")
        CLOSED = "closed", _("Closed")

    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.CASCADE, related_name="special_periods"
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.HOURS)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))

    class Meta:
        verbose_name = _("special period")
        verbose_name_plural = _("special periods")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_on__lte=F("ends_on")), name="specialperiod_dates_in_order"),
        ]

    def __str__(self):
        return self.name


class OpeningHours(models.Model):
    """Hours of one weekday at a location, regular (no period) or within a special period.

    One row per weekday and period, so hours of one day cannot overlap.
    """

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.CASCADE, related_name="opening_hours"
    )
    special_period = models.ForeignKey(
        SpecialPeriod,
        verbose_name=_("special period"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="opening_hours",
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))
    last_ticket = models.TimeField(_("last ticket"), help_text=_("No queue tickets after this time."))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["special_period_id", "weekday"]
        constraints = [
            models.UniqueConstraint(
                fields=["location", "weekday"],
                condition=Q(special_period__isnull=True),
                name="openinghours_one_regular_row_per_weekday",
            ),
            models.UniqueConstraint(
                fields=["special_period", "weekday"],
                condition=Q(special_period__isnull=False),
                name="openinghours_one_row_per_weekday_in_period",
            ),
            models.CheckConstraint(condition=Q(opens__lt=F("closes")), name="openinghours_opens_before_closes"),
            models.CheckConstraint(
                condition=Q(last_ticket__gt=F("opens")) & Q(last_ticket__lte=F("closes")),
                name="openinghours_last_ticket_within_hours",
            ),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="openinghours_valid_weekday"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H.%M}–{self.closes:%H.%M}"


class Break(models.Model):
    """A pause within a day's hours: istirahat, the longer Friday prayer break."""

    hours = models.ForeignKey(OpeningHours, on_delete=models.CASCADE, related_name="breaks")
    label = models.CharField(_("label"), max_length=60)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("break")
        verbose_name_plural = _("breaks")
        ordering = ["starts"]
        constraints = [
            models.CheckConstraint(condition=Q(starts__lt=F("ends")), name="break_starts_before_ends"),
            models.UniqueConstraint(fields=["hours", "starts"], name="break_unique_start_per_day"),
        ]

    def __str__(self):
        return f"{self.label} {self.starts:%H.%M}–{self.ends:%H.%M}"


class Membership(models.Model):
    """A person's role: instansi-wide roles have no unit, unit roles name their unit."""

    class Role(models.TextChoices):
        INSTANSI_ADMIN = "instansi_admin", _("Instansi administrator")
        COMPLAINT_VERIFIER = "complaint_verifier", _("Complaint verifier")
        EVALUATOR = "evaluator", _("Evaluator")
        MPP_MANAGER = "mpp_manager", _("MPP manager")
        UNIT_HEAD = "unit_head", _("Unit head")
        UNIT_ADMIN = "unit_admin", _("Unit administrator")
        COUNTER_OFFICER = "counter_officer", _("Counter officer")
        COMPLAINT_OFFICER = "complaint_officer", _("Complaint officer")
        SURVEYOR = "surveyor", _("Surveyor")

    INSTANSI_ROLES = (Role.INSTANSI_ADMIN, Role.COMPLAINT_VERIFIER, Role.EVALUATOR)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    instansi = models.ForeignKey(
        Instansi, verbose_name=_("instansi"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("since"))

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=(Q(role__in=["instansi_admin", "complaint_verifier", "evaluator"]) & Q(unit__isnull=True))
                | (~Q(role__in=["instansi_admin", "complaint_verifier", "evaluator"]) & Q(unit__isnull=False)),
                name="membership_role_matches_scope",
            ),
            models.UniqueConstraint(
                fields=["user", "instansi", "role"],
                condition=Q(unit__isnull=True),
                name="membership_unique_instansi_role",
            ),
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                condition=Q(unit__isnull=False),
                name="membership_unique_unit_role",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()}"


class Holiday(models.Model):
    """A national holiday or cuti bersama day as this instansi applies it.

    Seeded from the ``holidays`` package; an instansi administrator corrects a row
    when a new decree (SKB 3 Menteri, Keppres) changes the list.  A cancelled day
    stays as an inactive row so its history and source remain.
    """

    class Kind(models.TextChoices):
        PUBLIC = "public", _("National holiday")
        CUTI_BERSAMA = "cuti_bersama", _("Cuti bersama")

    instansi = models.ForeignKey(Instansi, on_delete=models.CASCADE, related_name="holidays")
    day = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source"), max_length=255)
    is_active = models.BooleanField(_("in force"), default=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["instansi", "day", "kind"],
                name="holiday_unique_day_kind",
                violation_error_message=_("This date already has a holiday of this kind."),
            ),
        ]

    def __str__(self):
        return f"{self.day} {self.name}"


class CalendarException(models.Model):
    """A unit's own closure or extra working day, which wins over the national calendar."""

    class Kind(models.TextChoices):
        CLOSED = "closed", _("Closed")
        WORKING = "working", _("Extra working day")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="calendar_exceptions")
    day = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "day"],
                name="calendarexception_one_per_day",
                violation_error_message=_("This date already has an exception."),
            )
        ]

    def __str__(self):
        return f"{self.day} {self.get_kind_display()}"
