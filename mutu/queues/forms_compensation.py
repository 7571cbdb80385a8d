"""Forms of the compensation pages: a new version of the rules, register filters, corrections."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from mutu.core.forms import DateInput
from mutu.organisations.models import Counter
from mutu.queues.models import CompensationCase, Remedy, Trigger
from mutu.queues.selectors.compensation import RegisterFilters
from mutu.queues.services.compensation import ALLOWED_GIVEN, rule_field_name
from mutu.standards.models import Maklumat, Service

MAX_DAYS = 366

TRIGGER_HELP = {
    Trigger.WAIT_WITHOUT_INFO: _(
        "Minutes of open time (breaks and closed days do not count) since the ticket was taken or "
        "since the last time information was given, while the person is not yet called."
    ),
    Trigger.COUNTER_TIME: _("Leave the minutes empty to use the time at the counter of each service's standard."),
    Trigger.BERKAS_LATE: _("A file finished after the promised completion date on its receipt."),
}


class RuleSetForm(forms.Form):
    """One fieldset per trigger; a trigger left unticked has no compensation in this version."""

    effective_from = forms.DateField(label=_("Takes effect on"), widget=DateInput())
    maklumat = forms.ModelChoiceField(
        label=_("Maklumat pelayanan it implements"), queryset=Maklumat.objects.none(), required=False
    )
    guarantee_reference = forms.CharField(
        label=_("Service guarantee (jaminan pelayanan) it implements"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Cite the service guarantee component of the standard, e.g. its wording or decree."),
    )

    def __init__(self, *args, unit, current_rules=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["maklumat"].queryset = Maklumat.objects.filter(unit=unit).order_by("-signed_on")
        self.fields["maklumat"].label_from_instance = lambda m: (
            _("Signed on %(date)s by %(name)s")
            % {
                "date": date_format(m.signed_on, "j F Y"),
                "name": m.signatory_name,
            }
        )
        current_rules = current_rules or {}
        self.trigger_groups = []
        for trigger in Trigger:
            rule = current_rules.get(trigger.value)
            names = {n: rule_field_name(trigger.value, n) for n in ("enabled", "threshold_minutes", "remedy")}
            names |= {n: rule_field_name(trigger.value, n) for n in ("voucher_valid_days", "poster_text")}
            self.fields[names["enabled"]] = forms.BooleanField(
                label=_("Compensate this"), required=False, initial=rule is not None or not current_rules
            )
            if trigger != Trigger.BERKAS_LATE:
                self.fields[names["threshold_minutes"]] = forms.IntegerField(
                    label=_("Threshold (minutes)"),
                    required=False,
                    min_value=1,
                    max_value=1440,
                    initial=rule.threshold_minutes if rule else (10 if trigger == Trigger.WAIT_WITHOUT_INFO else None),
                )
            self.fields[names["remedy"]] = forms.ChoiceField(
                label=_("What is given"),
                choices=Remedy.choices,
                initial=rule.remedy if rule else _default_remedy(trigger),
            )
            self.fields[names["voucher_valid_days"]] = forms.IntegerField(
                label=_("A priority voucher is valid for (days)"),
                min_value=1,
                max_value=366,
                initial=rule.voucher_valid_days if rule else 30,
            )
            self.fields[names["poster_text"]] = forms.CharField(
                label=_("Sentence on the counter poster"),
                max_length=300,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=rule.poster_text if rule else "",
            )
            self.trigger_groups.append(
                {
                    "trigger": trigger,
                    "help": TRIGGER_HELP[trigger],
                    "fields": [self[n] for n in names.values() if n in self.fields],
                }
            )

    def rules(self) -> list[dict]:
        data = self.cleaned_data
        rules = []
        for trigger in Trigger:
            if not data.get(rule_field_name(trigger.value, "enabled")):
                continue
            rules.append(
                {
                    "trigger": trigger.value,
                    "threshold_minutes": data.get(rule_field_name(trigger.value, "threshold_minutes")),
                    "remedy": data.get(rule_field_name(trigger.value, "remedy")),
                    "voucher_valid_days": data.get(rule_field_name(trigger.value, "voucher_valid_days")),
                    "poster_text": data.get(rule_field_name(trigger.value, "poster_text")) or "",
                }
            )
        return rules


def _default_remedy(trigger) -> str:
    return {
        Trigger.WAIT_WITHOUT_INFO: Remedy.APOLOGY_DRINK,
        Trigger.COUNTER_TIME: Remedy.SOUVENIR_OR_VOUCHER,
        Trigger.BERKAS_LATE: Remedy.SOUVENIR_OR_VOUCHER,
    }[trigger]


class RegisterFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + CompensationCase.Status.choices
    )
    trigger = forms.ChoiceField(label=_("Trigger"), required=False, choices=[("", _("All"))] + Trigger.choices)
    service = forms.ModelChoiceField(
        label=_("Service"), required=False, queryset=Service.objects.none(), empty_label=_("All")
    )
    officer = forms.ModelChoiceField(
        label=_("Officer"), required=False, queryset=get_user_model().objects.none(), empty_label=_("All")
    )
    counter = forms.ModelChoiceField(
        label=_("Counter"), required=False, queryset=Counter.objects.none(), empty_label=_("All")
    )
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Until"), required=False, widget=DateInput())

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(unit=unit).order_by("name")
        self.fields["officer"].queryset = (
            get_user_model().objects.filter(memberships__unit=unit).distinct().order_by("first_name", "username")
        )
        self.fields["officer"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        self.fields["counter"].queryset = (
            Counter.objects.filter(gerai__unit=unit).select_related("gerai").order_by("gerai__name", "code")
        )
        self.fields["counter"].label_from_instance = lambda c: f"{c.code} · {c.gerai.name}"

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end must not be before the start."))
        return data

    def filters(self) -> RegisterFilters:
        if not self.is_valid():
            return RegisterFilters()
        d = self.cleaned_data
        return RegisterFilters(
            status=d.get("status") or "",
            trigger=d.get("trigger") or "",
            service_id=d["service"].pk if d.get("service") else None,
            officer_id=d["officer"].pk if d.get("officer") else None,
            counter_id=d["counter"].pk if d.get("counter") else None,
            start=d.get("start"),
            end=d.get("end"),
        )


class SummaryPeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("Until"), widget=DateInput())

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end must not be before the start."))
            elif end - start > dt.timedelta(days=MAX_DAYS):
                self.add_error("end", _("Choose a period of at most one year."))
        return data


class CorrectionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Recorded as"),
        choices=[(CompensationCase.Status.GIVEN, _("Given")), (CompensationCase.Status.DECLINED, _("Declined"))],
    )
    remedy = forms.ChoiceField(label=_("What was given"), required=False, choices=[("", "–")])
    reason = forms.CharField(label=_("Why it is corrected"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = sorted(ALLOWED_GIVEN.get(case.rule.remedy, {case.rule.remedy}))
        self.fields["remedy"].choices = [("", "–")] + [(r, Remedy(r).label) for r in allowed]
