"""The deadline rules form: for each stage, keep what applies above, or set this level's rule."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mutu.complaints.models import DayKind
from mutu.complaints.selectors_deadlines import StageRule
from mutu.complaints.services_deadlines import MAX_DAYS, MAX_REMIND_DAYS, RuleInput


class DeadlineRulesForm(forms.Form):
    def __init__(self, *args, rules: list[StageRule], **kwargs):
        self.rules = rules
        initial = {}
        for rule in rules:
            shown = rule.own or rule.applies
            initial[f"{rule.stage}_custom"] = rule.own is not None
            initial[f"{rule.stage}_days"] = shown.days
            initial[f"{rule.stage}_day_kind"] = shown.day_kind
            initial[f"{rule.stage}_remind"] = shown.remind_days_before
        super().__init__(*args, initial=initial, **kwargs)
        for rule in rules:
            s = rule.stage
            self.fields[f"{s}_custom"] = forms.BooleanField(label=_("Set a rule at this level"), required=False)
            self.fields[f"{s}_days"] = forms.IntegerField(
                label=_("Limit in days"), min_value=1, max_value=MAX_DAYS, required=False
            )
            self.fields[f"{s}_day_kind"] = forms.ChoiceField(
                label=_("Counted in"), choices=DayKind.choices, required=False
            )
            self.fields[f"{s}_remind"] = forms.IntegerField(
                label=_("Remind this many days before"), min_value=0, max_value=MAX_REMIND_DAYS, required=False
            )

    def stage_groups(self):
        """(rule, custom field, [days, kind, remind fields]) per stage for the template."""
        return [
            (
                rule,
                self[f"{rule.stage}_custom"],
                [self[f"{rule.stage}_days"], self[f"{rule.stage}_day_kind"], self[f"{rule.stage}_remind"]],
            )
            for rule in self.rules
        ]

    def clean(self):
        data = super().clean()
        for rule in self.rules:
            s = rule.stage
            if not data.get(f"{s}_custom"):
                continue
            for name in (f"{s}_days", f"{s}_day_kind", f"{s}_remind"):
                if data.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, _("Fill this in, or untick “Set a rule at this level”."))
        return data

    def rule_inputs(self) -> dict[str, RuleInput | None]:
        data = self.cleaned_data
        result: dict[str, RuleInput | None] = {}
        for rule in self.rules:
            s = rule.stage
            if data.get(f"{s}_custom"):
                result[s] = RuleInput(
                    days=data[f"{s}_days"], day_kind=data[f"{s}_day_kind"], remind_days_before=data[f"{s}_remind"]
                )
            else:
                result[s] = None
        return result
