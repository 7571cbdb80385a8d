"""Forms of the report area: the analysis text and the follow-up actions.

The forms only parse; the rules (dates after the survey's start, a note before "done"…) live
in ``services_reports`` and come back as field errors.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from mutu.core.forms import DateInput
from mutu.surveys.models import FollowUpAction
from mutu.surveys.reporting import unsur_label
from mutu.surveys.services_reports import (
    ACTION_MAX_LENGTH,
    ANALYSIS_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    RESPONSIBLE_MAX_LENGTH,
)


class AnalysisForm(forms.Form):
    analysis = forms.CharField(
        label=_("Analysis of the results"),
        required=False,
        max_length=ANALYSIS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "Printed in chapter V of the report: what the numbers and the suggestions mean, why the weakest unsur "
            "scored low, and what the unit learned."
        ),
    )


class FollowUpForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    unsur = forms.ChoiceField(label=_("Unsur to improve"))
    action = forms.CharField(
        label=_("What will be done"), max_length=ACTION_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    responsible = forms.CharField(label=_("Who is responsible"), max_length=RESPONSIBLE_MAX_LENGTH)
    due_date = forms.DateField(label=_("By when"), widget=DateInput())

    def __init__(self, *args, units, unsur_order, **kwargs):
        """``units``: the units the user may plan for (the field is hidden when there is one);
        ``unsur_order``: (key, NRR text) weakest first, so the likely choice is on top."""
        super().__init__(*args, **kwargs)
        self.units = {u.pk: u for u in units}
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]
        if len(units) == 1:
            self.fields["unit"].widget = forms.HiddenInput()
            self.fields["unit"].initial = units[0].pk
        self.fields["unsur"].choices = [
            (key, f"{unsur_label(key)} — NRR {nrr}" if nrr else unsur_label(key)) for key, nrr in unsur_order
        ]
        if unsur_order and not self.is_bound:
            self.fields["unsur"].initial = unsur_order[0][0]
        self.fields["responsible"].widget.attrs["autocomplete"] = "organization-title"

    def chosen_unit(self):
        return self.units[self.cleaned_data["unit"]]


class FollowUpProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=FollowUpAction.Status.choices)
    progress_note = forms.CharField(
        label=_("Progress"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What has been done so far; for a dropped action, why."),
    )
    due_date = forms.DateField(label=_("By when"), widget=DateInput())
    evidence = forms.FileField(
        label=_("Evidence (PDF, PNG or JPEG)"),
        required=False,
        help_text=_("A photo, a letter or a report showing the action was carried out."),
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )
