"""Forms of the results area: the slice filter (GET) and the suggestion tags."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mutu.core.forms import DateInput
from mutu.surveys.calculations import UNSUR
from mutu.surveys.models import AgeGroup, Channel, Education, Gender, Occupation, Unsur
from mutu.surveys.selectors import Slice
from mutu.surveys.selectors_results import FilterOptions

ALL = ("", _("All"))
WITH_ANONYMOUS = "with"
WITHOUT_ANONYMOUS = "without"


def _int_or_none(value) -> int | None:
    return int(value) if value not in (None, "") else None


def unsur_choices() -> list[tuple[str, str]]:
    return [(key, f"{code} {Unsur(key).label}") for key, code, _name in UNSUR]


class ResultsFilterForm(forms.Form):
    """Which respondents the results cover. Every field is optional; blank means all."""

    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)
    location = forms.TypedChoiceField(label=_("Location"), required=False, coerce=int, empty_value=None)
    gerai = forms.TypedChoiceField(label=_("Gerai"), required=False, coerce=int, empty_value=None)
    counter = forms.TypedChoiceField(label=_("Counter"), required=False, coerce=int, empty_value=None)
    service = forms.TypedChoiceField(label=_("Service"), required=False, coerce=int, empty_value=None)
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[ALL, *Channel.choices])
    anonymous = forms.ChoiceField(
        label=_("Anonymous QR responses"),
        required=False,
        choices=[(WITH_ANONYMOUS, _("Included")), (WITHOUT_ANONYMOUS, _("Left out"))],
    )
    day_from = forms.DateField(label=_("Answered from"), required=False, widget=DateInput())
    day_to = forms.DateField(label=_("Answered until"), required=False, widget=DateInput())
    gender = forms.ChoiceField(label=_("Gender"), required=False, choices=[ALL, *Gender.choices])
    age_group = forms.ChoiceField(label=_("Age group"), required=False, choices=[ALL, *AgeGroup.choices])
    education = forms.ChoiceField(label=_("Education"), required=False, choices=[ALL, *Education.choices])
    occupation = forms.ChoiceField(label=_("Occupation"), required=False, choices=[ALL, *Occupation.choices])
    with_profile = forms.BooleanField(
        label=_("Show the respondent profile"),
        required=False,
        help_text=_("Counts per gender, age group, education and occupation; slower on very large surveys."),
    )

    PLACE_FIELDS = ("unit", "location", "gerai", "counter", "service")
    PROFILE_FIELDS = ("gender", "age_group", "education", "occupation")

    def __init__(self, data=None, *, options: FilterOptions, whole_label: str, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["unit"].choices = [("", whole_label), *options.units]
        self.fields["location"].choices = [ALL, *options.locations]
        self.fields["gerai"].choices = [ALL, *options.gerai]
        self.fields["counter"].choices = [ALL, *options.counters]
        self.fields["service"].choices = [ALL, *options.services]
        # A field with nothing to choose from (one unit only, no counters recorded…) is left out.
        for name in self.PLACE_FIELDS:
            if len(self.fields[name].choices) <= 2 and not (data or {}).get(name):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        start, end = data.get("day_from"), data.get("day_to")
        if start and end and end < start:
            self.add_error("day_to", _("The end must not be before the start."))
        return data

    def to_slice(self) -> Slice:
        """The slice asked for; an invalid form gives the whole survey."""
        if not self.is_valid():
            return Slice()
        d = self.cleaned_data
        return Slice(
            unit_id=d.get("unit"),
            location_id=d.get("location"),
            gerai_id=d.get("gerai"),
            counter_id=d.get("counter"),
            service_id=d.get("service"),
            channels=(d["channel"],) if d.get("channel") else (),
            include_anonymous=d.get("anonymous") != WITHOUT_ANONYMOUS,
            day_from=d.get("day_from"),
            day_to=d.get("day_to"),
            gender=d.get("gender") or "",
            age_group=d.get("age_group") or "",
            education=d.get("education") or "",
            occupation=d.get("occupation") or "",
        )

    def place_fields(self):
        return [self[name] for name in (*self.PLACE_FIELDS, "channel", "anonymous") if name in self.fields]

    def period_fields(self):
        return [self["day_from"], self["day_to"]]

    def profile_fields(self):
        return [self[name] for name in self.PROFILE_FIELDS]

    def wants_profile(self) -> bool:
        return self.is_valid() and bool(self.cleaned_data.get("with_profile"))


class SuggestionFilterForm(forms.Form):
    unsur = forms.ChoiceField(label=_("Tagged with"), required=False)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["unsur"].choices = [ALL, ("none", _("Not tagged yet")), *unsur_choices()]

    def selected(self) -> str:
        return self.cleaned_data.get("unsur", "") if self.is_valid() else ""


class SuggestionTagForm(forms.Form):
    unsur = forms.MultipleChoiceField(
        label=_("Unsur this suggestion is about"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["unsur"].choices = unsur_choices()
