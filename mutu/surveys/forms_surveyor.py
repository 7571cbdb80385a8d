"""The surveyor's keyboard-only form for one paper questionnaire.

Answers are typed as digits into small inputs in tab order; a blank input is an unanswered
question (never a zero). The service checks each digit against the question's scale.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mutu.core.forms import DateInput
from mutu.surveys.forms_public import PROFILE_ENUMS, PROFILE_LABELS, question_field_name
from mutu.surveys.models import Question
from mutu.surveys.services import PROFILE_CHOICES, SUGGESTION_MAX_LENGTH
from mutu.surveys.services_surveyor import PAPER_NUMBER_MAX_LENGTH


class PaperEntryForm(forms.Form):
    paper_number = forms.CharField(
        label=_("Paper number"),
        max_length=PAPER_NUMBER_MAX_LENGTH,
        error_messages={"required": _("Enter the number written on the paper.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True, "class": "entry-paper"}),
    )
    answered_on = forms.DateField(
        label=_("Date answered"),
        widget=DateInput(),
        error_messages={"required": _("Enter the date written on the paper."), "invalid": _("Enter a valid date.")},
    )

    def __init__(self, *args, questions: list[Question], scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.scope = scope
        choice_errors = {"invalid_choice": _("Choose one of the listed options.")}
        if len(scope.locations) > 1:
            self.fields["location"] = forms.ModelChoiceField(
                label=_("Location"),
                queryset=scope.locations,
                required=False,
                empty_label="–",
                error_messages=choice_errors,
            )
        self.fields["gerai"] = forms.ModelChoiceField(
            label=_("Gerai"),
            queryset=scope.gerai,
            required=scope.needs_gerai,
            empty_label="–",
            error_messages={**choice_errors, "required": _("Choose the gerai that served the respondent.")},
        )
        self.fields["gerai"].label_from_instance = lambda g: f"{g.name} ({g.unit.short_name})"
        self.fields["counter"] = forms.ModelChoiceField(
            label=_("Counter"), queryset=scope.counters, required=False, empty_label="–", error_messages=choice_errors
        )
        self.fields["counter"].label_from_instance = lambda c: f"{c.code} {c.name} ({c.gerai.name})"
        self.fields["service"] = forms.ModelChoiceField(
            label=_("Service"), queryset=scope.services, required=False, empty_label="–", error_messages=choice_errors
        )
        for question in questions:
            name = question_field_name(question.code)
            if question.kind == Question.Kind.SCALE:
                allowed = [o.value for o in question.scale.options.all()]
                width = max((len(str(v)) for v in allowed), default=1)
                self.fields[name] = forms.CharField(
                    label=question.code,
                    required=False,
                    help_text=question.get_unsur_display() or question.text[:40],
                    widget=forms.TextInput(
                        attrs={
                            "inputmode": "numeric",
                            "autocomplete": "off",
                            "maxlength": width,
                            "size": width + 1,
                            "class": "entry-answer",
                            "data-entry-answer": "",
                        }
                    ),
                )
            else:
                self.fields[name] = forms.CharField(
                    label=f"{question.code} {question.text[:60]}",
                    required=False,
                    max_length=SUGGESTION_MAX_LENGTH,
                    widget=forms.TextInput(attrs={"autocomplete": "off"}),
                )
        for name, enum in PROFILE_ENUMS.items():
            self.fields[name] = forms.ChoiceField(
                label=PROFILE_LABELS[name],
                choices=[("", "–"), *enum.choices],
                required=False,
                error_messages=choice_errors,
            )
        self.fields["suggestion"] = forms.CharField(
            label=_("Suggestion written on the paper"),
            required=False,
            max_length=SUGGESTION_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 2}),
        )

    def place_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("location", "gerai", "counter", "service") if name in self.fields]

    def answer_fields(self) -> list[forms.BoundField]:
        return [self[question_field_name(q.code)] for q in self.questions if q.kind == Question.Kind.SCALE]

    def text_fields(self) -> list[forms.BoundField]:
        return [self[question_field_name(q.code)] for q in self.questions if q.kind != Question.Kind.SCALE]

    def profile_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in PROFILE_CHOICES]

    def location(self):
        """The chosen location, the gerai's or the counter's, or the survey's only one."""
        data = self.cleaned_data
        if data.get("location"):
            return data["location"]
        if data.get("gerai"):
            return data["gerai"].location
        if data.get("counter"):
            return data["counter"].gerai.location
        locations = list(self.scope.locations)
        return locations[0] if len(locations) == 1 else None

    def answers(self) -> dict[str, object]:
        return {q.code: (self.cleaned_data.get(question_field_name(q.code)) or None) for q in self.questions}

    def profile(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in PROFILE_CHOICES}

    def remembered(self) -> dict:
        """What the next paper starts with: place and date, kept in the session."""
        data = self.cleaned_data
        return {
            "answered_on": data["answered_on"].isoformat(),
            **{
                name: (data[name].pk if data.get(name) else None)
                for name in ("location", "gerai", "counter", "service")
            },
        }
