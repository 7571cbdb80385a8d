"""Forms of the berkas pages: choose a service, tick the checklist, filter the list, return a file."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mutu.queues.models import Berkas


def service_label(service) -> str:
    return _("%(name)s (%(days)s working days)") % {
        "name": service.name,
        "days": service.current.completion_time_value,
    }


class ServiceChoiceForm(forms.Form):
    """Step 1 of receiving a file (a GET form): which service."""

    service = forms.TypedChoiceField(label=_("Service"), coerce=int)

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.services = {s.pk: s for s in services}
        self.fields["service"].choices = [("", "—")] + [(s.pk, service_label(s)) for s in services]

    def chosen(self):
        return self.services[self.cleaned_data["service"]]


class ReceiveForm(forms.Form):
    """Step 2: the checklist of the standard in force, and who brought the file."""

    service = forms.IntegerField(widget=forms.HiddenInput)
    applicant_name = forms.CharField(label=_("Applicant's name"), max_length=150)
    applicant_phone = forms.CharField(
        label=_("Applicant's phone"),
        max_length=30,
        required=False,
        help_text=_("To tell the applicant when the file is ready. Not shown on the public page."),
    )
    # Not required here: the service names every missing document in its error.
    requirements = forms.TypedMultipleChoiceField(
        label=_("Documents received"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service
        self.fields["service"].initial = service.pk
        self.fields["requirements"].choices = [(r.position, r.text) for r in service.current.requirements.all()]
        self.fields["applicant_name"].widget.attrs["autocomplete"] = "off"
        self.fields["applicant_phone"].widget.attrs.update({"autocomplete": "off", "inputmode": "tel"})


class FilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    due = forms.ChoiceField(
        label=_("Due"),
        required=False,
        choices=[("", _("Any time")), ("overdue", _("Overdue")), ("week", _("Due this week"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All"))] + list(Berkas.Status.choices)

    def values(self) -> tuple[str, str]:
        if not self.is_valid():
            return "", ""
        return self.cleaned_data["status"], self.cleaned_data["due"]


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the file returned?"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
