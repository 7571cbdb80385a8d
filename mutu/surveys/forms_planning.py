"""Forms of the planning pages: a survey period's plan and the questions of a questionnaire version."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from mutu.core.forms import DateInput
from mutu.surveys.models import Question, Survey
from mutu.surveys.selectors_planning import PlanChoices


def _user_label(user) -> str:
    full = user.get_full_name()
    return f"{full} ({user.get_username()})" if full else user.get_username()


class SurveyPlanForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("For example: SKM Semester II 2026."))
    slug = forms.SlugField(
        label=_("Short name in addresses"),
        max_length=80,
        help_text=_("Lower-case letters, digits and hyphens, e.g. skm-2026-2."),
    )
    starts_on = forms.DateField(label=_("First day"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())
    questionnaire = forms.ModelChoiceField(label=_("Questionnaire version"), queryset=None, empty_label=None)
    mpp = forms.ModelChoiceField(
        label=_("Whole Mal Pelayanan Publik"),
        queryset=None,
        required=False,
        empty_label=_("No: only this unit's own service"),
        help_text=_("An MPP survey covers every gerai of the MPP; results exist per unit and for the MPP."),
    )
    locations = forms.ModelMultipleChoiceField(
        label=_("Locations"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    gerai = forms.ModelMultipleChoiceField(
        label=_("Gerai"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    counters = forms.ModelMultipleChoiceField(
        label=_("Counters"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    services = forms.ModelMultipleChoiceField(
        label=_("Services covered"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    surveyors = forms.ModelMultipleChoiceField(
        label=_("Surveyors"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People with the surveyor role in this unit."),
    )
    weight_mode = forms.ChoiceField(label=_("Weights"), choices=Survey.WeightMode.choices)
    sample_method = forms.ChoiceField(label=_("Sample size method"), choices=Survey.SampleMethod.choices)
    sample_error = forms.DecimalField(
        label=_("Margin of error"),
        max_digits=4,
        decimal_places=3,
        initial=Decimal("0.050"),
        help_text=_("d for Krejcie & Morgan, e for Slovin; 0.05 means five percent."),
    )
    population_source = forms.ChoiceField(
        label=_("Population served"),
        choices=Survey.PopulationSource.choices,
        widget=forms.RadioSelect,
        initial=Survey.PopulationSource.ENTERED,
        help_text=_(
            "From tickets: the unit's queue tickets finished during its previous survey's dates, or, without a "
            "previous survey, during the same number of days just before the first day."
        ),
    )
    population = forms.IntegerField(
        label=_("Number of people served"),
        required=False,
        min_value=1,
        help_text=_("Needed when the population is entered."),
    )
    allow_anonymous_qr = forms.BooleanField(label=_("Accept anonymous QR responses"), required=False, initial=True)

    def __init__(self, *args, choices: PlanChoices, locked_questionnaire: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = choices.questionnaires
        self.fields["questionnaire"].label_from_instance = lambda q: (
            f"{q.name} v{q.number}" if q.unit_id else f"{q.name} v{q.number} ({_('national template')})"
        )
        self.fields["mpp"].queryset = choices.mpps
        self.fields["locations"].queryset = choices.locations
        self.fields["gerai"].queryset = choices.gerai
        self.fields["gerai"].label_from_instance = lambda g: f"{g.name} · {g.location.name}"
        self.fields["counters"].queryset = choices.counters
        self.fields["counters"].label_from_instance = lambda c: f"{c.code} {c.name} · {c.gerai.name}"
        self.fields["services"].queryset = choices.services
        self.fields["services"].label_from_instance = lambda s: f"{s.name} · {s.unit}"
        self.fields["surveyors"].queryset = choices.surveyors
        self.fields["surveyors"].label_from_instance = _user_label
        if not choices.mpps.exists():
            del self.fields["mpp"]
        if locked_questionnaire:
            self.fields["questionnaire"].disabled = True
            self.fields["questionnaire"].help_text = _("Locked: the survey is open.")

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        error = data.get("sample_error")
        if error is not None and not (Decimal("0") < error < Decimal("1")):
            self.add_error("sample_error", _("The margin of error must be between 0 and 1, e.g. 0.05."))
        entered = data.get("population_source") == Survey.PopulationSource.ENTERED
        if entered and not data.get("population") and "population" not in self.errors:
            self.add_error("population", _("Enter the number of people served, or take it from queue tickets."))
        return data

    def plan_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "name": d["name"].strip(),
            "slug": d["slug"],
            "starts_on": d["starts_on"],
            "ends_on": d["ends_on"],
            "questionnaire": d["questionnaire"],
            "mpp": d.get("mpp"),
            "weight_mode": d["weight_mode"],
            "sample_method": d["sample_method"],
            "sample_error": d["sample_error"],
            "population_source": d["population_source"],
            "population": d.get("population"),
            "allow_anonymous_qr": d.get("allow_anonymous_qr", False),
            "locations": list(d["locations"]),
            "gerai": list(d["gerai"]),
            "counters": list(d["counters"]),
            "services": list(d["services"]),
            "surveyors": list(d["surveyors"]),
        }


def survey_initial(survey: Survey) -> dict:
    return {
        "name": survey.name,
        "slug": survey.slug,
        "starts_on": survey.starts_on,
        "ends_on": survey.ends_on,
        "questionnaire": survey.questionnaire_id,
        "mpp": survey.mpp_id,
        "weight_mode": survey.weight_mode,
        "sample_method": survey.sample_method,
        "sample_error": survey.sample_error,
        "population_source": survey.population_source,
        "population": survey.population if survey.population_source == Survey.PopulationSource.ENTERED else None,
        "allow_anonymous_qr": survey.allow_anonymous_qr,
        "locations": [x.pk for x in survey.locations.all()],
        "gerai": [x.pk for x in survey.gerai.all()],
        "counters": [x.pk for x in survey.counters.all()],
        "services": [x.pk for x in survey.services.all()],
        "surveyors": [x.pk for x in survey.surveyors.all()],
    }


class QuestionnaireForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    intro = forms.CharField(
        label=_("Introduction shown to respondents"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class QuestionForm(forms.Form):
    """Wording of a question and, for a scale question, the label of each answer."""

    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}))
    is_required = forms.BooleanField(label=_("Respondents must answer it"), required=False)

    def __init__(self, *args, options=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.option_names = []
        for option in options:
            name = f"label_{option.value}"
            self.fields[name] = forms.CharField(
                label=_("Label of answer %(value)s") % {"value": option.value}, max_length=80, initial=option.label
            )
            self.option_names.append(name)

    def labels(self) -> list[str]:
        return [self.cleaned_data[name] for name in self.option_names]


class NewQuestionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of answer"),
        choices=[(Question.Kind.SCALE, _("Four answers, 1 to 4")), (Question.Kind.TEXT, _("Free text"))],
        widget=forms.RadioSelect,
        initial=Question.Kind.SCALE,
    )
    code = forms.CharField(label=_("Code"), max_length=12, help_text=_("Column name in imports and exports, e.g. P1."))
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}))
    label_1 = forms.CharField(label=_("Label of answer 1"), max_length=80, required=False, initial="Tidak baik")
    label_2 = forms.CharField(label=_("Label of answer 2"), max_length=80, required=False, initial="Kurang baik")
    label_3 = forms.CharField(label=_("Label of answer 3"), max_length=80, required=False, initial="Baik")
    label_4 = forms.CharField(label=_("Label of answer 4"), max_length=80, required=False, initial="Sangat baik")
    is_required = forms.BooleanField(label=_("Respondents must answer it"), required=False)

    def labels(self) -> list[str]:
        return [self.cleaned_data.get(f"label_{i}", "") for i in range(1, 5)]
