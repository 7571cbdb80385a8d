"""The form that adds a survey kiosk to a unit: its name, its location and optionally a counter."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mutu.surveys.selectors_kiosk import device_counters, device_locations


class CounterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        label = f"{obj.code} {obj.name} · {obj.gerai.location.name}"
        if obj.is_disability:
            label += " · " + str(_("disability counter"))
        return label


class SurveyDeviceForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the kiosk"),
        max_length=80,
        help_text=_("For example: Tablet at the disability counter."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    location = forms.ModelChoiceField(label=_("Location"), queryset=None, empty_label=None)
    counter = CounterChoiceField(
        label=_("Counter (optional)"),
        queryset=None,
        required=False,
        empty_label=_("No particular counter"),
        help_text=_("Responses from this kiosk are counted for this counter, e.g. the disability counter."),
    )

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = device_locations(unit=unit)
        self.fields["counter"].queryset = device_counters(unit=unit)
