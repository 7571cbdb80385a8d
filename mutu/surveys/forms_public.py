"""The citizen's questionnaire as a Django form, built from the questionnaire's own data.

Each scale question becomes a group of radio buttons (one per scale option, with its label
and face), each free-text question a text area. Field names are ``q_<code>`` so that a
service error naming a question code lands next to that question.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from mutu.core.errors import ApplicationError
from mutu.core.forms import apply_service_error
from mutu.surveys.models import AgeGroup, Education, Gender, Occupation, Question
from mutu.surveys.services import PROFILE_CHOICES, SUGGESTION_MAX_LENGTH

PROFILE_LABELS = {
    "gender": _("Gender"),
    "age_group": _("Age"),
    "education": _("Education"),
    "occupation": _("Occupation"),
}
PROFILE_ENUMS = {"gender": Gender, "age_group": AgeGroup, "education": Education, "occupation": Occupation}


def question_field_name(code: str) -> str:
    return f"q_{code}"


@dataclass
class OptionView:
    value: str
    label: str
    face: str
    input_id: str
    checked: bool


@dataclass
class QuestionBlock:
    """What the template needs to draw one question as a fieldset of large radio targets."""

    question: Question
    field: forms.BoundField
    number: int
    options: list[OptionView]


class PublicSurveyForm(forms.Form):
    """Answers, an optional service (and gerai for an MPP-wide survey), profile and suggestion."""

    def __init__(self, *args, questions: list[Question], scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.scope = scope
        for question in questions:
            name = question_field_name(question.code)
            if question.kind == Question.Kind.SCALE:
                self.fields[name] = forms.TypedChoiceField(
                    label=question.text,
                    choices=[(str(o.value), o.label) for o in question.scale.options.all()],
                    coerce=int,
                    widget=forms.RadioSelect,
                    required=question.is_required,
                    error_messages={"required": _("Please answer this question.")},
                )
            else:
                self.fields[name] = forms.CharField(
                    label=question.text,
                    required=question.is_required,
                    max_length=SUGGESTION_MAX_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    error_messages={"required": _("Please answer this question.")},
                )
        if scope is not None:
            if scope.needs_gerai:
                self.fields["gerai"] = forms.ModelChoiceField(
                    label=_("Which gerai served you?"),
                    queryset=scope.gerai,
                    empty_label=_("Choose a gerai"),
                    error_messages={
                        "required": _("Choose the gerai that served you."),
                        "invalid_choice": _("Choose a listed gerai."),
                    },
                )
                self.fields["gerai"].label_from_instance = lambda g: f"{g.name} ({g.unit.short_name})"
            elif len(scope.locations) > 1:
                self.fields["location"] = forms.ModelChoiceField(
                    label=_("Where were you served? (optional)"),
                    queryset=scope.locations,
                    required=False,
                    empty_label=_("Not stated"),
                    error_messages={"invalid_choice": _("Choose one of the listed options.")},
                )
            self.fields["service"] = forms.ModelChoiceField(
                label=_("Which service did you receive? (optional)"),
                queryset=scope.services,
                required=False,
                empty_label=_("Not stated"),
                error_messages={"invalid_choice": _("Choose one of the listed options.")},
            )
        for name, enum in PROFILE_ENUMS.items():
            self.fields[name] = forms.ChoiceField(
                label=PROFILE_LABELS[name],
                choices=[("", _("Prefer not to say")), *enum.choices],
                required=False,
                error_messages={"invalid_choice": _("Choose one of the listed options.")},
            )
        self.fields["gender"].widget = forms.RadioSelect(choices=self.fields["gender"].choices)
        self.fields["suggestion"] = forms.CharField(
            label=_("Your suggestions to improve our service (optional)"),
            required=False,
            max_length=SUGGESTION_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 4}),
            error_messages={
                "max_length": _("Please keep the suggestion under %(limit_value)s characters."),
            },
        )

    # --- what the template draws ---

    def question_blocks(self) -> list[QuestionBlock]:
        blocks = []
        for number, question in enumerate(self.questions, start=1):
            bound = self[question_field_name(question.code)]
            options = []
            if question.kind == Question.Kind.SCALE:
                current = str(bound.value()) if bound.value() not in (None, "") else ""
                options = [
                    OptionView(
                        value=str(o.value),
                        label=o.label,
                        face=o.face,
                        input_id=f"{bound.auto_id}_{o.value}",
                        checked=current == str(o.value),
                    )
                    for o in question.scale.options.all()
                ]
            blocks.append(QuestionBlock(question=question, field=bound, number=number, options=options))
        return blocks

    def place_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("gerai", "location", "service") if name in self.fields]

    def profile_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in PROFILE_CHOICES]

    # --- what the service takes ---

    def location(self):
        """The chosen location, the gerai's, or the survey's only one (responses slice by it)."""
        data = self.cleaned_data
        if data.get("location"):
            return data["location"]
        if data.get("gerai"):
            return data["gerai"].location
        locations = list(self.scope.locations) if self.scope is not None else []
        return locations[0] if len(locations) == 1 else None

    def answers(self) -> dict[str, object]:
        data = self.cleaned_data
        result: dict[str, object] = {}
        for question in self.questions:
            value = data.get(question_field_name(question.code))
            result[question.code] = None if value in ("", None) else value
        return result

    def profile(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in PROFILE_CHOICES}


def apply_submission_error(form: forms.Form, exc: ApplicationError) -> None:
    """Put a submission error next to its question: the service names questions by code."""
    codes = {q.code.lower(): question_field_name(q.code) for q in getattr(form, "questions", [])}
    field_errors = {}
    for key, messages in exc.field_errors.items():
        name = codes.get(str(key).lower(), key)
        if name == "__all__":
            name = None
        field_errors.setdefault(name or "__all__", []).extend(messages)
    apply_service_error(form, ApplicationError(exc.message, field_errors=field_errors))
