"""The kiosk's one form: which line, a declared priority group, an optional voucher code."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mutu.queues.models import PriorityGroup
from mutu.queues.services.tickets import DECLARABLE_GROUPS


def priority_choices():
    labels = dict(PriorityGroup.choices)
    return [(value, _("None of these") if value == "" else labels[value]) for value in DECLARABLE_GROUPS]


class KioskTicketForm(forms.Form):
    line = forms.IntegerField(widget=forms.HiddenInput)
    priority_group = forms.ChoiceField(
        label=_("Do you belong to a priority group?"),
        choices=priority_choices,
        widget=forms.RadioSelect,
        required=False,
        initial="",
    )
    voucher_code = forms.CharField(
        label=_("Priority voucher code (if you have one)"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
