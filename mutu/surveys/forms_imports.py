"""Forms of the import pages: the upload, and the column mapping with the defaults for every row."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mutu.core.forms import DateInput
from mutu.surveys.models import ImportBatch, Question, Survey
from mutu.surveys.services_imports import DATE, gerai_for, locations_for, services_for, target_labels


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (XLSX or CSV)"),
        help_text=_("The first row holds the column names, for example a Google Forms export."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"}
        ),
    )


def column_field_name(index: int) -> str:
    return f"col_{index}"


class MappingForm(forms.Form):
    """One choice per column of the file, then what applies to every row."""

    answered_on = forms.DateField(
        label=_("Date answered, for rows without a date"),
        required=False,
        widget=DateInput(),
        help_text=_("Must lie inside the survey period."),
    )
    location = forms.TypedChoiceField(label=_("Location"), required=False, coerce=int, empty_value=None)
    gerai = forms.TypedChoiceField(
        label=_("Gerai that served the respondents"), required=False, coerce=int, empty_value=None
    )
    service = forms.TypedChoiceField(
        label=_("Service, for rows without one"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, batch: ImportBatch, survey: Survey, **kwargs):
        self.batch = batch
        questions = list(Question.objects.filter(questionnaire_id=survey.questionnaire_id))
        choices = target_labels(questions)
        mapping = batch.mapping or {}
        defaults = batch.defaults or {}
        initial = {column_field_name(i): mapping.get(str(i), "") for i in range(len(batch.headers))} | {
            name: defaults.get(name) for name in ("answered_on", "location", "gerai", "service")
        }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.column_names = []
        for index, header in enumerate(batch.headers):
            name = column_field_name(index)
            self.fields[name] = forms.ChoiceField(label=header or _("(no name)"), choices=choices, required=False)
            self.column_names.append(name)
        # The column fields come first, in the order of the file.
        self.order_fields(self.column_names)
        none = [("", _("— not recorded —"))]
        self.fields["location"].choices = none + [(loc.pk, loc.name) for loc in locations_for(survey)]
        gerai = gerai_for(survey)
        if gerai:
            self.fields["gerai"].choices = [("", _("— choose —"))] + [
                (g.pk, f"{g.name} ({g.unit.short_name})") for g in gerai
            ]
            self.fields["gerai"].required = True
        else:
            del self.fields["gerai"]
        self.fields["service"].choices = none + [(s.pk, s.name) for s in services_for(survey)]

    def column_fields(self):
        return [self[name] for name in self.column_names]

    def default_fields(self):
        return [self[name] for name in ("answered_on", "location", "gerai", "service") if name in self.fields]

    def mapping(self) -> dict[str, str]:
        return {
            name.removeprefix("col_"): self.cleaned_data[name]
            for name in self.column_names
            if self.cleaned_data.get(name)
        }

    def defaults(self) -> dict:
        d = self.cleaned_data
        answered_on = d.get("answered_on")
        return {
            "answered_on": answered_on.isoformat() if answered_on else None,
            "location": d.get("location"),
            "gerai": d.get("gerai"),
            "service": d.get("service"),
        }

    def maps_date(self) -> bool:
        return DATE in self.mapping().values()
