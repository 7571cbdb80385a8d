"""Forms of the queue setup pages: queue lines, counter officers, kiosk registration."""

from django import forms
from django.utils.translation import gettext_lazy as _


class QueueLineForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Service"), queryset=None)
    prefix = forms.CharField(
        label=_("Ticket prefix"),
        max_length=3,
        help_text=_("One to three letters, e.g. A. Lines at one location with the same prefix share the numbering."),
    )
    counters = forms.ModelMultipleChoiceField(
        label=_("Counters that serve this queue"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    position = forms.IntegerField(
        label=_("Position on the kiosk"), min_value=0, max_value=999, initial=0, required=False
    )
    is_active = forms.BooleanField(label=_("Active (shown at the kiosk)"), required=False, initial=True)

    def __init__(self, *args, services, counters, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["counters"].queryset = counters
        if not editing:
            del self.fields["is_active"]

    def clean_prefix(self):
        return self.cleaned_data["prefix"].strip().upper()

    def clean_position(self):
        return self.cleaned_data.get("position") or 0


class CounterAssignmentForm(forms.Form):
    officer = forms.ModelChoiceField(label=_("Officer"), queryset=None)

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers
        self.fields["officer"].label_from_instance = lambda u: (
            f"{u.get_full_name()} ({u.get_username()})" if u.get_full_name() else u.get_username()
        )


class KioskRegisterForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the kiosk"),
        max_length=80,
        help_text=_("Where the tablet stands, e.g. Lobi utama."),
    )
