"""Forms of the staff chat pages: answering a conversation, filing a report from it, and the
instansi administrator's template names."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from mutu.complaints.models import Kind
from mutu.messaging.models import Platform, TemplatePurpose


class ConversationReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your reply"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Please write a message.")},
    )
    # One value per rendered form: a double submit queues the reply once.
    token = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("token", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)


class FileComplaintForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.COMPLAINT)
    title = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("What happened"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Filled with the citizen's messages; correct it where needed."),
    )
    service = forms.TypedChoiceField(label=_("Service (optional)"), required=False, coerce=int, empty_value=None)
    reporter_name = forms.CharField(label=_("Name of the citizen (optional)"), max_length=150, required=False)
    is_anonymous = forms.BooleanField(label=_("Anonim: hide the identity from the unit handling it"), required=False)
    is_confidential = forms.BooleanField(label=_("Rahasia: never show the report in public"), required=False)

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.service_list = list(services)
        self.fields["service"].choices = [("", _("Not stated")), *[(s.pk, s.name) for s in self.service_list]]

    def chosen_service(self):
        wanted = self.cleaned_data.get("service")
        return next((s for s in self.service_list if s.pk == wanted), None)


class TemplateForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Used for"), choices=TemplatePurpose.choices)
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)
    name = forms.CharField(
        label=_("Template name"),
        max_length=120,
        help_text=_("Exactly as approved in WhatsApp Manager, e.g. status_laporan."),
    )
    language = forms.CharField(label=_("Language code"), max_length=10, initial="id")

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_list = list(units)
        self.fields["unit"].choices = [
            ("", _("Every unit (the account's default)")),
            *[(u.pk, u.name) for u in self.unit_list],
        ]

    def chosen_unit(self):
        wanted = self.cleaned_data.get("unit")
        return next((u for u in self.unit_list if u.pk == wanted), None)


class AccountForm(forms.Form):
    """Connect a WhatsApp number or an Instagram account to the instansi (or one of its units)."""

    instansi = forms.TypedChoiceField(label=_("Government office"), coerce=int)
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    external_id = forms.CharField(
        label=_("Phone number id or account id"),
        max_length=64,
        help_text=_("From Meta's dashboard: the WhatsApp phone_number_id, or the Instagram account id."),
    )
    display_name = forms.CharField(label=_("Name shown to citizens"), max_length=120)
    display_address = forms.CharField(
        label=_("Number or handle (optional)"),
        max_length=64,
        required=False,
        help_text=_("For example +62 811-5400-123 or @dpmptsp.bontang."),
    )
    unit = forms.TypedChoiceField(label=_("Unit that owns it (optional)"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, instansi=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.instansi_list = list(instansi)
        self.unit_list = list(units)
        self.fields["instansi"].choices = [(i.pk, i.name) for i in self.instansi_list]
        if len(self.instansi_list) == 1:
            self.fields["instansi"].initial = self.instansi_list[0].pk
        self.fields["unit"].choices = [
            ("", _("None: reports go to the government office's verifier")),
            *[(u.pk, u.name) for u in self.unit_list],
        ]

    def chosen_instansi(self):
        wanted = self.cleaned_data.get("instansi")
        return next((i for i in self.instansi_list if i.pk == wanted), None)

    def chosen_unit(self):
        wanted = self.cleaned_data.get("unit")
        return next((u for u in self.unit_list if u.pk == wanted), None)
