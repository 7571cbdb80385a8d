from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutu.core.forms import DateInput
from mutu.standards.models import ConsultationParticipants, FeeKind, StandardVersion
from mutu.standards.services import CONTENT_FIELDS

LINES_HELP = _("One item per line, in order.")


class ServiceForm(forms.Form):
    name = forms.CharField(label=_("Name of the service"), max_length=200)
    category_name = forms.CharField(label=_("Category"), max_length=120, required=False)
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False)
    national_system = forms.CharField(
        label=_("National system"),
        max_length=80,
        required=False,
        help_text=_("Where the permit is also processed, e.g. OSS-RBA, SIMBG, SiCantik."),
    )


class DraftForm(forms.ModelForm):
    requirements = forms.CharField(
        label=_("Requirements"), widget=forms.Textarea(attrs={"rows": 6}), help_text=LINES_HELP, required=False
    )
    procedure = forms.CharField(
        label=_("Procedure"), widget=forms.Textarea(attrs={"rows": 6}), help_text=LINES_HELP, required=False
    )

    class Meta:
        model = StandardVersion
        fields = [f for f in CONTENT_FIELDS if f != "change_summary"] + ["change_summary"]
        widgets = {
            "decree_date": DateInput(),
            "next_review_date": DateInput(),
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in [
                    "fee_legal_basis",
                    "product",
                    "complaint_handling",
                    "legal_basis",
                    "facilities",
                    "staff_competence",
                    "internal_supervision",
                    "staff_count",
                    "service_guarantee",
                    "safety_guarantee",
                    "staff_evaluation",
                ]
            },
        }

    field_order = ["requirements", "procedure"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["requirements"] = "\n".join(r.text for r in self.instance.requirements.all())
            self.initial["procedure"] = "\n".join(s.text for s in self.instance.procedure_steps.all())

    def clean(self):
        data = super().clean()
        kind, amount = data.get("fee_kind"), data.get("fee_amount")
        if kind == FeeKind.FIXED and not amount and "fee_amount" not in self.errors:
            self.add_error("fee_amount", _("Enter the fee, or choose free of charge."))
        if kind == FeeKind.FREE and amount:
            self.add_error("fee_amount", _("A free service has no amount; leave this empty."))
        value, unit = data.get("completion_time_value"), data.get("completion_time_unit")
        if value and not unit:
            self.add_error("completion_time_unit", _("Choose minutes, hours or working days."))
        if unit and not value:
            self.add_error("completion_time_value", _("Enter the time to completion."))
        return data

    def _post_clean(self):
        # The service runs full_clean with the child rows; skip the model's own pass
        # here so a published-version check cannot fire on an unsaved copy.
        pass

    def content(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in CONTENT_FIELDS}

    def lines(self, name: str) -> list[str]:
        return (self.cleaned_data.get(name) or "").splitlines()


class PublishForm(forms.Form):
    effective_date = forms.DateField(label=_("Effective from"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_date"].initial = timezone.localdate()


class GovernanceForm(forms.Form):
    next_review_date = forms.DateField(label=_("Next review"), required=False, widget=DateInput())
    decree_scan = forms.FileField(label=_("Signed decree scan (PDF, PNG or JPEG)"), required=False)


class ConsultationForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    minutes_scan = forms.FileField(label=_("Signed minutes (PDF, PNG or JPEG)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in ConsultationParticipants.Group.choices:
            self.fields[value] = forms.IntegerField(
                label=_("Participants: %(group)s") % {"group": label},
                min_value=0,
                max_value=100000,
                required=False,
            )

    def participants(self) -> dict[str, int]:
        return {value: self.cleaned_data.get(value) or 0 for value, _label in ConsultationParticipants.Group.choices}


class MaklumatForm(forms.Form):
    text = forms.CharField(label=_("Text of the maklumat"), widget=forms.Textarea(attrs={"rows": 5}))
    signatory_name = forms.CharField(label=_("Signed by"), max_length=120)
    signatory_title = forms.CharField(label=_("Title of the signatory"), max_length=160)
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    scan = forms.FileField(label=_("Signed scan (PDF, PNG or JPEG)"), required=False)


class CompareForm(forms.Form):
    left = forms.ModelChoiceField(label=_("Older version"), queryset=StandardVersion.objects.none())
    right = forms.ModelChoiceField(label=_("Newer version"), queryset=StandardVersion.objects.none())

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["left"].queryset = versions
        self.fields["right"].queryset = versions
