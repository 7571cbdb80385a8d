"""The kiosk's one form: which line, a declared priority group, an optional voucher code, and
(when the line's unit has a WhatsApp number) an optional number for notices with its opt-in."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mutu.queues.models import PriorityGroup
from mutu.queues.services.tickets import DECLARABLE_GROUPS


def priority_choices():
    labels = dict(PriorityGroup.choices)
    return [(value, _("None of these") if value == "" else labels[value]) for value in DECLARABLE_GROUPS]


class TicketNoticeFields(forms.Form):
    """The WhatsApp number and its explicit opt-in; both empty means no notice.  The number is
    checked by ``services.notices`` (one message for the kiosk and the status page)."""

    whatsapp = forms.CharField(
        label=_("WhatsApp number (optional)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )
    whatsapp_consent = forms.BooleanField(
        label=_("I agree to receive WhatsApp messages about this ticket only."),
        required=False,
    )


class KioskTicketForm(TicketNoticeFields):
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

    field_order = ["line", "priority_group", "voucher_code", "whatsapp", "whatsapp_consent"]

    def __init__(self, *args, offer_notice: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Without a WhatsApp account for the line's unit the notice is not offered at all.
        if not offer_notice:
            del self.fields["whatsapp"]
            del self.fields["whatsapp_consent"]
