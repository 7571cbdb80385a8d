"""Forms of the counter officer's console: transfer, announcement, compensation given."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mutu.queues.models import CompensationCase


def _line_label(line) -> str:
    return f"{line.prefix} · {line.service.name} ({line.gerai.name})"


def _counter_label(counter) -> str:
    return f"{counter.code} · {counter.name} ({counter.gerai.name})"


class TransferForm(forms.Form):
    """Choices come from the lists the console already read (no query of its own)."""

    to_line = forms.TypedChoiceField(label=_("To the service"), coerce=int, required=False, empty_value=None)
    to_counter = forms.TypedChoiceField(label=_("To the counter"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self._lines = {line.pk: line for line in targets.lines}
        self._counters = {counter.pk: counter for counter in targets.counters}
        self.fields["to_line"].choices = [("", _("— the same service —"))] + [
            (line.pk, _line_label(line)) for line in targets.lines
        ]
        self.fields["to_counter"].choices = [("", _("— any counter of the service —"))] + [
            (counter.pk, _counter_label(counter)) for counter in targets.counters
        ]

    def clean(self):
        data = super().clean()
        data["to_line"] = self._lines.get(data.get("to_line"))
        data["to_counter"] = self._counters.get(data.get("to_counter"))
        if not self.errors and data["to_line"] is None and data["to_counter"] is None:
            raise forms.ValidationError(_("Choose the service or the counter to transfer to."))
        return data


class AnnouncementForm(forms.Form):
    """Inform everyone waiting for one of the counter's services, or at the whole location."""

    LOCATION = "location"

    scope = forms.ChoiceField(label=_("Who was informed"))
    text = forms.CharField(
        label=_("What was announced"),
        max_length=300,
        help_text=_("For example: the system is slow, please wait about 15 minutes."),
    )

    def __init__(self, *args, lines, location_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        label = _("Everyone waiting for %(prefix)s · %(service)s")
        choices = [(f"line:{line.pk}", label % {"prefix": line.prefix, "service": line.service.name}) for line in lines]
        choices.append((self.LOCATION, location_label))
        self.fields["scope"].choices = choices
        self._lines = {f"line:{line.pk}": line for line in lines}

    def target(self) -> dict:
        """``{"line": QueueLine}`` or ``{"location": True}`` for the service call."""
        scope = self.cleaned_data["scope"]
        if scope == self.LOCATION:
            return {"location": True}
        return {"line": self._lines[scope]}


class CompensationGivenForm(forms.Form):
    remedy = forms.ChoiceField(label=_("What was given"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, case: CompensationCase, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remedy"].choices = case.remedy_options
