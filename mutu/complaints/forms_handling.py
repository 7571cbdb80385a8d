"""Forms of the handling area: the inbox filter (GET), bulk assignment, the detail page's actions,
the unit's categories and canned replies, and the statistics period."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from mutu.complaints.models import Channel, DayKind, Kind, Status
from mutu.complaints.selectors_handling import DeadlineFilter, InboxFilters, InboxOptions
from mutu.core.forms import DateInput

ALL = ("", _("All"))
UNASSIGNED = "0"


class InboxFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[ALL, *Channel.choices])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[ALL, *Kind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[ALL, *Status.choices])
    deadline = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[
            ALL,
            (DeadlineFilter.OVERDUE, _("Overdue")),
            (DeadlineFilter.SOON, _("Due within 2 days")),
            (DeadlineFilter.PAUSED, _("Paused: waiting for the citizen")),
            (DeadlineFilter.NONE, _("No open deadline")),
        ],
    )
    service = forms.TypedChoiceField(label=_("Service"), required=False, coerce=int, empty_value=None)
    officer = forms.TypedChoiceField(label=_("Officer"), required=False, coerce=int, empty_value=None)
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)

    def __init__(self, data=None, *, options: InboxOptions, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["service"].choices = [ALL, *options.services]
        self.fields["officer"].choices = [ALL, (UNASSIGNED, _("Not assigned")), *options.officers]
        self.fields["unit"].choices = [ALL, *options.units]
        if len(options.units) <= 1:
            del self.fields["unit"]
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})

    def filters(self) -> InboxFilters:
        if not self.is_valid():
            return InboxFilters()
        d = self.cleaned_data
        return InboxFilters(
            q=d.get("q") or "",
            channel=d.get("channel") or "",
            kind=d.get("kind") or "",
            status=d.get("status") or "",
            deadline=d.get("deadline") or "",
            service_id=d.get("service"),
            officer_id=d.get("officer"),
            unit_id=d.get("unit"),
        )

    def filter_fields(self):
        return [
            self[name]
            for name in ("channel", "kind", "status", "deadline", "service", "officer", "unit")
            if name in self.fields
        ]


class AssignForm(forms.Form):
    officer = forms.TypedChoiceField(label=_("Assign to"), coerce=int)

    def __init__(self, data=None, *, officers: list[tuple[int, str]], **kwargs):
        super().__init__(data, **kwargs)
        self.fields["officer"].choices = [("", _("Choose an officer")), *officers]


class BodyForm(forms.Form):
    """One text box; the label says what it is for (reply, note, question, reason…)."""

    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}), max_length=8000)

    LABELS = {
        "reply": _("Public reply"),
        "note": _("Internal note"),
        "ask": _("What the citizen should add"),
        "extend": _("Reason, shown to the citizen"),
        "social": _("Reply as posted on social media"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.prefix in self.LABELS:
            self.fields["body"].label = self.LABELS[self.prefix]


class AnswerForm(forms.Form):
    outcome = forms.CharField(
        label=_("Answer and action taken"),
        help_text=_("The citizen reads this on the tracking page."),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=8000,
    )


class RedressForm(forms.Form):
    redress_claim = forms.CharField(
        label=_("Redress claimed by the citizen"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    redress_decision = forms.CharField(
        label=_("Decision on the claim"),
        required=False,
        help_text=_("Leave empty while the claim is being examined."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    completion_days = forms.IntegerField(label=_("Completion limit (days)"), min_value=1, max_value=365)
    day_kind = forms.ChoiceField(label=_("Counted in"), choices=DayKind.choices, initial=DayKind.WORKING)
    lapor_category = forms.CharField(label=_("SP4N-LAPOR! category"), required=False, max_length=120)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class CannedReplyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    category = forms.TypedChoiceField(
        label=_("Category"), required=False, coerce=int, empty_value=None, help_text=_("Empty: for every category.")
    )
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}), max_length=8000)

    def __init__(self, data=None, *, categories, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["category"].choices = [("", _("Every category")), *[(c.pk, c.name) for c in categories]]


class StatsPeriodForm(forms.Form):
    day_from = forms.DateField(label=_("Received from"), required=False, widget=DateInput())
    day_to = forms.DateField(label=_("Received until"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        start, end = data.get("day_from"), data.get("day_to")
        if start and end and end < start:
            self.add_error("day_to", _("The end must not be before the start."))
        return data

    def period(self) -> tuple[datetime.date | None, datetime.date | None]:
        if not self.is_valid():
            return None, None
        return self.cleaned_data.get("day_from"), self.cleaned_data.get("day_to")
