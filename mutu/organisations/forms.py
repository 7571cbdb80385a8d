from django import forms
from django.utils.translation import gettext_lazy as _

from mutu.core.forms import DateInput, TimeInput
from mutu.organisations.models import (
    CalendarException,
    Counter,
    Gerai,
    Holiday,
    Location,
    Membership,
    SpecialPeriod,
    Unit,
)


class GeraiForm(forms.ModelForm):
    class Meta:
        model = Gerai
        fields = ["name", "floor", "is_active"]


class GeraiCreateForm(forms.Form):
    """Used by an MPP manager (any unit) or a unit admin (their own unit)."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    location = forms.ModelChoiceField(label=_("Location"), queryset=Location.objects.none())
    name = forms.CharField(label=_("Name"), max_length=200)
    floor = forms.CharField(label=_("Floor or area"), max_length=60, required=False)

    def __init__(self, *args, units, locations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["location"].queryset = locations


class CounterForm(forms.ModelForm):
    class Meta:
        model = Counter
        fields = ["code", "name", "is_disability", "is_priority", "is_active"]


class MembershipForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Use letters, digits and . @ + - _ only.")},
        help_text=_("An existing account, or a new one that will be created."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=300, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in roles]


UNIT_ROLES = [r for r in Membership.Role if r not in Membership.INSTANSI_ROLES]


class CalendarExceptionForm(forms.ModelForm):
    class Meta:
        model = CalendarException
        fields = ["day", "kind", "reason"]
        widgets = {"day": DateInput()}


class CutiBersamaForm(forms.Form):
    cuti_bersama_closed = forms.BooleanField(label=_("Closed on cuti bersama"), required=False)


class HoursForm(forms.Form):
    closed = forms.BooleanField(label=_("Closed on this day"), required=False)
    opens = forms.TimeField(label=_("Opens"), required=False, widget=TimeInput())
    closes = forms.TimeField(label=_("Closes"), required=False, widget=TimeInput())
    last_ticket = forms.TimeField(label=_("Last ticket"), required=False, widget=TimeInput())

    def clean(self):
        data = super().clean()
        if not data.get("closed"):
            for name in ("opens", "closes", "last_ticket"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("This field is required."))
        return data


class BreakForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=60, initial=_("Break"))
    starts = forms.TimeField(label=_("From"), widget=TimeInput())
    ends = forms.TimeField(label=_("Until"), widget=TimeInput())


class SpecialPeriodForm(forms.ModelForm):
    class Meta:
        model = SpecialPeriod
        fields = ["name", "kind", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["starts_on"] > data["ends_on"]:
            self.add_error("ends_on", _("The last day must not be before the first day."))
        return data

    def validate_unique(self):
        # The location is set by the service, which checks overlaps itself.
        pass


class HolidayForm(forms.ModelForm):
    class Meta:
        model = Holiday
        fields = ["day", "kind", "name", "source", "is_active"]
        widgets = {"day": DateInput()}
        help_texts = {"source": _("The decree that sets this day, e.g. SKB 3 Menteri Nomor …")}

    def validate_unique(self):
        pass
