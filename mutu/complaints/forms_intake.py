"""Forms of the intake area: the citizen's report, the email code, the tracking page's actions and
the staff's recording forms. The services check every rule again; these forms shape the input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mutu.complaints.models import Channel, Kind
from mutu.complaints.services import DESCRIPTION_MAX, TITLE_MAX
from mutu.complaints.services_intake import MAX_EVIDENCE_FILES, RATING_COMMENT_MAX
from mutu.core.forms import DateInput

CHOICE_ERRORS = {"invalid_choice": _("Choose one of the listed options.")}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks their content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/*"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items if item]


def _evidence_field(label):
    return MultipleFileField(
        label=label,
        help_text=_("Photos (JPEG, PNG) or PDF documents, at most %(n)s files of 10 MB each.")
        % {"n": MAX_EVIDENCE_FILES},
    )


class _ReportFields(forms.Form):
    """What every report has, whoever writes it down."""

    kind = forms.ChoiceField(
        label=_("What would you like to send?"),
        choices=Kind.choices,
        initial=Kind.COMPLAINT,
        widget=forms.RadioSelect,
        error_messages={**CHOICE_ERRORS, "required": _("Choose what you would like to send.")},
    )
    title = forms.CharField(
        label=_("Subject"),
        max_length=TITLE_MAX,
        help_text=_("A few words, e.g. “Waited two hours at the KTP counter”."),
        error_messages={
            "required": _("Please write a short subject."),
            "max_length": _("Please keep the subject under %(limit_value)s characters."),
        },
    )
    description = forms.CharField(
        label=_("What happened?"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, where, and what you would like us to do."),
        error_messages={
            "required": _("Please tell us what happened."),
            "max_length": _("Please keep the text under %(limit_value)s characters."),
        },
    )
    occurred_on = forms.DateField(
        label=_("When did it happen? (optional)"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Enter a date like 31/12/2026.")},
    )

    def __init__(self, *args, instansi_choices=None, services=None, locations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if instansi_choices is not None:
            self.fields["instansi"] = forms.ModelChoiceField(
                label=_("Government office"),
                queryset=instansi_choices,
                empty_label=_("Choose the government office"),
                error_messages={**CHOICE_ERRORS, "required": _("Choose the government office.")},
            )
        self.service_list = list(services or [])
        self.fields["service"] = forms.TypedChoiceField(
            label=_("Which service is it about? (optional)"),
            choices=[("", _("Not stated"))] + [(s.pk, f"{s.name} — {s.unit.short_name}") for s in self.service_list],
            coerce=int,
            required=False,
            empty_value=None,
            error_messages=CHOICE_ERRORS,
        )
        if locations is not None:
            self.fields["location"] = forms.ModelChoiceField(
                label=_("Where did it happen? (optional)"),
                queryset=locations,
                required=False,
                empty_label=_("Not stated"),
                error_messages=CHOICE_ERRORS,
            )
        self.order_fields(self.field_order)

    def chosen_service(self):
        pk = self.cleaned_data.get("service")
        return next((s for s in self.service_list if s.pk == pk), None)


class _IdentityFields(forms.Form):
    reporter_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    reporter_email = forms.EmailField(
        label=_("Email"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Enter an email address like nama@contoh.id.")},
    )
    reporter_phone = forms.CharField(
        label=_("Phone or WhatsApp number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    reporter_nik = forms.CharField(
        label=_("NIK (optional)"),
        max_length=16,
        required=False,
        help_text=_("The 16-digit number on your KTP. Only the complaint desk sees it."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    is_anonymous = forms.BooleanField(
        label=_("Anonim: hide my identity from the unit that handles the report"),
        required=False,
        help_text=_(
            "Only the complaint desk of the government office sees your name and contact, and each look is "
            "recorded. The unit handling it and the public never see them."
        ),
    )
    is_confidential = forms.BooleanField(
        label=_("Rahasia: never show this report in public"),
        required=False,
        help_text=_("Only you, with your tracking code, and the officers handling it can read the report."),
    )

    def clean_reporter_phone(self):
        value = self.cleaned_data["reporter_phone"].strip()
        digits = "".join(ch for ch in value if ch.isdigit())
        if value and (len(digits) < 8 or any(ch not in "0123456789+-() ." for ch in value)):
            raise forms.ValidationError(_("Enter a phone number like 0812 3456 7890."))
        return value

    def clean_reporter_nik(self):
        value = self.cleaned_data["reporter_nik"].replace(" ", "")
        if value and (not value.isdigit() or len(value) != 16):
            raise forms.ValidationError(_("A NIK has 16 digits."))
        return value


class ComplaintForm(_ReportFields, _IdentityFields):
    """The citizen's report on ``pengaduan/baru``."""

    evidence = _evidence_field(_("Evidence (optional)"))
    consent = forms.BooleanField(
        label=_("I agree that the government office processes the personal data in this report to handle it."),
        error_messages={"required": _("We need your consent to process the personal data in this report.")},
    )
    # Honeypot: hidden from people and screen readers; a filled one means a robot.
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    field_order = [
        "instansi",
        "kind",
        "service",
        "location",
        "title",
        "description",
        "occurred_on",
        "evidence",
        "reporter_name",
        "reporter_email",
        "reporter_phone",
        "reporter_nik",
        "is_anonymous",
        "is_confidential",
        "consent",
    ]

    def report_fields(self):
        names = ("instansi", "kind", "service", "location", "title", "description", "occurred_on")
        return [self[name] for name in names if name in self.fields]

    def identity_fields(self):
        return [self[name] for name in ("reporter_name", "reporter_email", "reporter_phone", "reporter_nik")]


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Confirmation code"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={"required": _("Type the code from the email.")},
    )


class PhoneCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Confirmation code"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={"required": _("Type the code from WhatsApp.")},
    )


class TrackLookupForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        help_text=_("8 letters and digits, e.g. K7MX-3QPD. Upper or lower case, with or without the dash."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        error_messages={"required": _("Type your tracking code.")},
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your message or additional information"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Please write a message.")},
    )
    evidence = _evidence_field(_("Attach files (optional)"))


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why did the answer not solve your problem?"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please tell us why the answer did not solve your problem.")},
    )


RATING_CHOICES = [
    (1, _("1 — very poor")),
    (2, _("2 — poor")),
    (3, _("3 — fair")),
    (4, _("4 — good")),
    (5, _("5 — very good")),
]


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How well was your report handled?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={**CHOICE_ERRORS, "required": _("Choose a rating from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=RATING_COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


RECORD_CHANNEL_CHOICES = [
    (Channel.WALK_IN.value, Channel.WALK_IN.label),
    (Channel.LETTER.value, Channel.LETTER.label),
    (Channel.PHONE.value, Channel.PHONE.label),
]


class RecordForm(_ReportFields, _IdentityFields):
    """An officer writes down a walk-in, letter or phone report for the citizen."""

    channel = forms.ChoiceField(
        label=_("How did the report reach us?"),
        choices=RECORD_CHANNEL_CHOICES,
        widget=forms.RadioSelect,
        error_messages={**CHOICE_ERRORS, "required": _("Choose how the report reached us.")},
    )
    evidence = _evidence_field(_("Scans and photos (optional)"))
    citizen_agreed = forms.BooleanField(
        label=_("The citizen agreed that we process the personal data in this report."),
        error_messages={"required": _("Record it only when the citizen agreed to the processing of their data.")},
    )

    field_order = ["instansi", "channel", *ComplaintForm.field_order[1:-1], "citizen_agreed"]


class SocialRecordForm(_ReportFields):
    """An officer records a complaint seen on social media or a news site."""

    source_url = forms.URLField(
        label=_("Link to the post"),
        max_length=500,
        assume_scheme="https",
        error_messages={"required": _("Give the link to the post."), "invalid": _("Enter a full web address.")},
    )
    source_name = forms.CharField(
        label=_("Where was it posted?"),
        max_length=120,
        help_text=_("e.g. Facebook group “Info Bontang”, an Instagram comment, a news site."),
        error_messages={"required": _("Say where it was posted.")},
    )
    reporter_name = forms.CharField(
        label=_("Name or account of the person who posted it (optional)"), max_length=150, required=False
    )
    evidence = _evidence_field(_("Screenshots"))

    field_order = ["instansi", "source_url", "source_name", "reporter_name", "kind", "service", "location"]
