"""Satisfaction surveys: questionnaires as data, survey periods, responses and their tallies.

The engine knows nothing SKM-specific except that a question may measure one of the nine unsur
of PermenPANRB 14/2017 (``Question.unsur``); the IKM is computed from those questions only, so
a unit may reword them, reorder them or add its own without changing the index.

Answers are stored one row per question (any instrument fits).  Pages read ``Tally`` rows —
per survey, slice and question: how many answered and the sum — which every write keeps
current in the same transaction, so the IKM of a period costs a handful of rows however many
respondents there were.  ``rebuild_survey_tallies`` recomputes them from the answers.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from mutu.surveys.calculations import KREJCIE_MORGAN, SLOVIN, UNSUR, WEIGHT_EXACT, WEIGHT_PRINTED


def new_public_token() -> str:
    return secrets.token_urlsafe(9)


class Unsur(models.TextChoices):
    PERSYARATAN = "persyaratan", _("Requirements")
    PROSEDUR = "prosedur", _("Systems, mechanisms and procedures")
    WAKTU = "waktu", _("Completion time")
    BIAYA = "biaya", _("Cost/tariff")
    PRODUK = "produk", _("Product specification of the service")
    KOMPETENSI = "kompetensi", _("Competence of the staff")
    PERILAKU = "perilaku", _("Behaviour of the staff")
    PENGADUAN = "pengaduan", _("Handling of complaints, suggestions and feedback")
    SARANA = "sarana", _("Facilities and infrastructure")


assert [key for key, *_rest in UNSUR] == list(Unsur.values), "Unsur choices must follow calculations.UNSUR"


class Scale(models.Model):
    """An answer scale: its options are data (1–4 for the SKM, 0–5 for other instruments)."""

    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("answer scale")
        verbose_name_plural = _("answer scales")

    def __str__(self):
        return self.name


class ScaleOption(models.Model):
    class Face(models.TextChoices):
        VERY_SAD = "very_sad", _("Very unhappy face")
        SAD = "sad", _("Unhappy face")
        NEUTRAL = "neutral", _("Neutral face")
        HAPPY = "happy", _("Happy face")
        VERY_HAPPY = "very_happy", _("Very happy face")

    scale = models.ForeignKey(Scale, on_delete=models.CASCADE, related_name="options")
    value = models.SmallIntegerField(_("value"))
    label = models.CharField(_("label"), max_length=80)
    face = models.CharField(_("face"), max_length=12, choices=Face.choices, blank=True)

    class Meta:
        ordering = ["scale", "value"]
        constraints = [models.UniqueConstraint(fields=["scale", "value"], name="scaleoption_unique_value")]

    def __str__(self):
        return f"{self.value} {self.label}"


class Questionnaire(models.Model):
    """One version of a questionnaire. A unit's own versions start as a copy of the template.

    ``unit`` is null for the national template everyone starts from. A version that has answers
    is never edited (``is_locked``); wording changes make the next version.
    """

    unit = models.ForeignKey(
        "organisations.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="questionnaires"
    )
    name = models.CharField(_("name"), max_length=200)
    number = models.PositiveIntegerField(_("version"))
    intro = models.TextField(_("introduction shown to respondents"), blank=True)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    is_locked = models.BooleanField(_("locked"), default=False)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["unit_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="questionnaire_unique_number_per_unit"),
            models.UniqueConstraint(
                fields=["number"], condition=Q(unit__isnull=True), name="questionnaire_unique_template_number"
            ),
        ]

    def __str__(self):
        return f"{self.name} v{self.number}"


class Question(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", _("Answer on a scale")
        TEXT = "text", _("Free text")

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.CharField(_("code"), max_length=12, help_text=_("Column name in imports and exports, e.g. U1."))
    unsur = models.CharField(
        _("unsur measured"),
        max_length=12,
        choices=Unsur.choices,
        blank=True,
        help_text=_("Only questions that measure one of the nine unsur count towards the IKM."),
    )
    text = models.TextField(_("question"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.SCALE)
    scale = models.ForeignKey(Scale, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    is_required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="question_unique_code"),
            models.UniqueConstraint(fields=["questionnaire", "position"], name="question_unique_position"),
            # Each unsur is measured by exactly one question of a version, or the IKM is ambiguous.
            models.UniqueConstraint(
                fields=["questionnaire", "unsur"], condition=~Q(unsur=""), name="question_unique_unsur"
            ),
            models.CheckConstraint(
                condition=Q(kind="text", scale__isnull=True) | Q(kind="scale", scale__isnull=False),
                name="question_scale_iff_scale_kind",
            ),
            models.CheckConstraint(condition=Q(unsur="") | Q(kind="scale"), name="question_unsur_is_scale"),
        ]

    def __str__(self):
        return f"{self.code} {self.text[:60]}"


class Survey(models.Model):
    """A survey period (e.g. "SKM Semester II 2024") of one unit, or of a whole MPP.

    An MPP survey belongs to the managing unit and its ``mpp`` location; each response still
    records the unit whose gerai served the respondent, so results exist per unit and overall.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class WeightMode(models.TextChoices):
        EXACT = WEIGHT_EXACT, _("Exact weight 1/9")
        PRINTED = WEIGHT_PRINTED, _("Printed weight 0.111 (to reproduce older reports)")

    class SampleMethod(models.TextChoices):
        KREJCIE_MORGAN_ = KREJCIE_MORGAN, _("Krejcie & Morgan")
        SLOVIN_ = SLOVIN, _("Slovin")

    class PopulationSource(models.TextChoices):
        ENTERED = "entered", _("Entered")
        TICKETS = "tickets", _("Queue tickets of the previous period")

    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="surveys")
    mpp = models.ForeignKey(
        "organisations.Location",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mpp_surveys",
        limit_choices_to={"kind": "mpp"},
        help_text=_("Set when the survey covers every gerai of a Mal Pelayanan Publik."),
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80)
    public_token = models.CharField(max_length=32, unique=True, default=new_public_token)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="surveys")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    weight_mode = models.CharField(_("weights"), max_length=8, choices=WeightMode.choices, default=WeightMode.EXACT)
    sample_method = models.CharField(
        _("sample size method"), max_length=16, choices=SampleMethod.choices, default=SampleMethod.KREJCIE_MORGAN_
    )
    sample_error = models.DecimalField(_("margin of error"), max_digits=4, decimal_places=3, default="0.050")
    population = models.PositiveIntegerField(_("population served"), null=True, blank=True)
    population_source = models.CharField(
        max_length=8, choices=PopulationSource.choices, default=PopulationSource.ENTERED
    )
    target_sample = models.PositiveIntegerField(_("target sample"), null=True, blank=True)
    locations = models.ManyToManyField("organisations.Location", blank=True, related_name="+")
    gerai = models.ManyToManyField("organisations.Gerai", blank=True, related_name="+")
    counters = models.ManyToManyField("organisations.Counter", blank=True, related_name="+")
    services = models.ManyToManyField("standards.Service", blank=True, related_name="+")
    surveyors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="surveys_as_surveyor")
    allow_anonymous_qr = models.BooleanField(_("accept anonymous QR responses"), default=True)
    published_at = models.DateTimeField(_("results published"), null=True, blank=True)
    analysis = models.TextField(_("analysis (for the report)"), blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "slug"], name="survey_unique_slug_per_unit"),
            models.CheckConstraint(condition=Q(starts_on__lte=F("ends_on")), name="survey_dates_in_order"),
            models.CheckConstraint(
                condition=Q(sample_error__gt=0, sample_error__lt=1), name="survey_sample_error_between_0_and_1"
            ),
        ]

    def __str__(self):
        return self.name


class SurveyDevice(models.Model):
    """A kiosk tablet registered once for a counter (or a location); it posts with its token.

    Only a hash of the token is stored. Sessions and CSRF tokens expire while a tablet is
    offline; the device token does not, until an administrator revokes it.
    """

    unit = models.ForeignKey("organisations.Unit", on_delete=models.CASCADE, related_name="survey_devices")
    location = models.ForeignKey("organisations.Location", on_delete=models.PROTECT, related_name="+")
    counter = models.ForeignKey(
        "organisations.Counter", null=True, blank=True, on_delete=models.PROTECT, related_name="survey_devices"
    )
    name = models.CharField(_("name"), max_length=80)
    token_hash = models.CharField(max_length=128, unique=True, null=True, blank=True)
    # The one-time link that registers the tablet; cleared once used.
    registration_code_hash = models.CharField(max_length=128, unique=True, null=True, blank=True)
    registration_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    registered_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("survey kiosk")
        verbose_name_plural = _("survey kiosks")
        ordering = ["location", "name"]

    def __str__(self):
        return self.name


class ImportBatch(models.Model):
    """An uploaded spreadsheet of paper or online answers, imported all or nothing."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        INVALID = "invalid", _("Has errors")
        READY = "ready", _("Checked, ready to import")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="imports")
    file = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict, help_text="Column header → question code or profile field.")
    defaults = models.JSONField(default=dict, help_text="Location, service… applied to every row.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    imported_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, help_text="[{row, column, message}]")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        constraints = [
            # The same file imported twice into one survey would count its respondents twice.
            models.UniqueConstraint(
                fields=["survey", "sha256"], condition=Q(status="done"), name="importbatch_file_imported_once"
            ),
        ]

    def __str__(self):
        return self.original_name


class Channel(models.TextChoices):
    KIOSK = "kiosk", _("Kiosk at the counter")
    QR_TICKET = "qr_ticket", _("QR on the queue ticket")
    QR_ANONYMOUS = "qr_anon", _("Anonymous QR (poster)")
    SURVEYOR = "surveyor", _("Paper questionnaire (surveyor)")
    IMPORT = "import", _("Imported file")
    API = "api", _("API")


class Gender(models.TextChoices):
    MALE = "m", _("Male")
    FEMALE = "f", _("Female")


class AgeGroup(models.TextChoices):
    UNDER_20 = "lt20", _("Under 20")
    A20_29 = "20_29", _("20–29")
    A30_39 = "30_39", _("30–39")
    A40_49 = "40_49", _("40–49")
    A50_59 = "50_59", _("50–59")
    A60_PLUS = "60plus", _("60 or older")


class Education(models.TextChoices):
    SD = "sd", _("Primary school or below")
    SMP = "smp", _("Junior high school")
    SMA = "sma", _("Senior high school")
    D3 = "d3", _("Diploma (D1–D3)")
    S1 = "s1", _("Bachelor (D4/S1)")
    S2 = "s2", _("Master or doctorate (S2/S3)")


class Occupation(models.TextChoices):
    PNS = "pns", _("Civil servant / TNI / Polri")
    PRIVATE = "private", _("Private employee")
    ENTREPRENEUR = "entrepreneur", _("Entrepreneur")
    STUDENT = "student", _("Student")
    OTHER = "other", _("Other")


class Response(models.Model):
    """One respondent's questionnaire. ``unit`` is the unit that served them."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(
        "organisations.Location", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    gerai = models.ForeignKey("organisations.Gerai", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    counter = models.ForeignKey(
        "organisations.Counter", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey("standards.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # Idempotency key chosen by the client (kiosk batches, API); a replay finds the first row.
    client_id = models.UUIDField(null=True, blank=True)
    device = models.ForeignKey(SurveyDevice, null=True, blank=True, on_delete=models.PROTECT, related_name="responses")
    ticket = models.OneToOneField(
        "queues.Ticket", null=True, blank=True, on_delete=models.PROTECT, related_name="survey_response"
    )
    surveyor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paper_number = models.CharField(_("paper number"), max_length=30, blank=True)
    import_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.CASCADE, related_name="responses"
    )
    import_row = models.PositiveIntegerField(null=True, blank=True)
    # Hash of the browser's anonymous-QR cookie: a rate limit per device without knowing who.
    device_hash = models.CharField(max_length=64, blank=True)
    answered_at = models.DateTimeField(
        _("answered at"), help_text="When the respondent answered (a kiosk may post later)."
    )
    received_at = models.DateTimeField()
    day = models.DateField(help_text="answered_at in the survey unit's time zone")
    gender = models.CharField(_("gender"), max_length=2, choices=Gender.choices, blank=True)
    age_group = models.CharField(_("age group"), max_length=8, choices=AgeGroup.choices, blank=True)
    education = models.CharField(_("education"), max_length=4, choices=Education.choices, blank=True)
    occupation = models.CharField(_("occupation"), max_length=14, choices=Occupation.choices, blank=True)
    suggestion = models.TextField(_("suggestion"), blank=True)
    # Unsur keys an officer tagged the suggestion with, for the qualitative analysis.
    suggestion_unsur = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(fields=["survey", "client_id"], name="response_unique_client_id"),
            models.UniqueConstraint(
                fields=["survey", "paper_number"], condition=~Q(paper_number=""), name="response_unique_paper_number"
            ),
            models.CheckConstraint(
                condition=Q(channel="qr_ticket", ticket__isnull=False) | ~Q(channel="qr_ticket"),
                name="response_qr_ticket_has_ticket",
            ),
        ]
        indexes = [
            models.Index(fields=["survey", "unit", "day"]),
            models.Index(
                fields=["device_hash", "received_at"], condition=~Q(device_hash=""), name="response_device_recent"
            ),
        ]

    def __str__(self):
        return f"{self.survey_id}#{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_one_per_question"),
            models.CheckConstraint(condition=Q(value__isnull=False) | ~Q(text=""), name="answer_not_empty"),
        ]

    def __str__(self):
        return f"{self.question_id}={self.value if self.value is not None else self.text[:20]}"


class Tally(models.Model):
    """Running count and sum of one question's answers within one slice of a survey.

    The slice is every dimension a results page filters on without looking at profiles;
    ``key`` spells them out so one unique constraint (portable: no NULLs in it) makes the
    upsert work on SQLite and PostgreSQL. ``question`` null counts respondents.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="tallies")
    key = models.CharField(max_length=120)
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("organisations.Unit", on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(
        "organisations.Location", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    gerai = models.ForeignKey("organisations.Gerai", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    counter = models.ForeignKey(
        "organisations.Counter", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    service = models.ForeignKey("standards.Service", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    day = models.DateField()
    answered = models.PositiveIntegerField(default=0)
    total = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "key"], name="tally_unique_slice")]
        indexes = [models.Index(fields=["survey", "unit"])]

    def __str__(self):
        return f"{self.survey_id}:{self.key}"


class FollowUpAction(models.Model):
    """Rencana tindak lanjut: what the unit will do about a weak unsur, and how far it got."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="follow_ups")
    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="+")
    unsur = models.CharField(_("unsur"), max_length=12, choices=Unsur.choices)
    action = models.TextField(_("what will be done"))
    responsible = models.CharField(_("who is responsible"), max_length=200)
    due_date = models.DateField(_("by when"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    progress_note = models.TextField(_("progress"), blank=True)
    evidence = models.ForeignKey("core.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["survey", "unsur", "due_date"]

    def __str__(self):
        return self.action[:60]
