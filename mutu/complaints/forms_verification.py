"""Forms of the verifier's desk. Each only parses; the rules live in services_verification."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mutu.complaints.models import Category, Complaint
from mutu.complaints.selectors_verification import forward_categories, forward_units


class _Textarea(forms.Textarea):
    def __init__(self, rows: int = 3):
        super().__init__(attrs={"rows": rows})


class _CategoryField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return _("%(unit)s — %(name)s (%(days)s %(kind)s)") % {
            "unit": obj.unit.short_name,
            "name": obj.name,
            "days": obj.completion_days,
            "kind": obj.get_day_kind_display(),
        }


class ForwardForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=None, empty_label=_("Choose a unit"))
    category = _CategoryField(
        label=_("Category"),
        queryset=None,
        required=False,
        empty_label=_("No category (the default completion limit)"),
        help_text=_("The category sets the completion limit; choose one of the unit the report goes to."),
    )
    note = forms.CharField(
        label=_("Note for the unit"),
        required=False,
        max_length=2000,
        widget=_Textarea(),
        help_text=_("Internal: the citizen does not see it."),
    )

    def __init__(self, *args, complaint: Complaint, exclude_current: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = forward_units(complaint=complaint, exclude_current=exclude_current)
        self.fields["category"].queryset = forward_categories(complaint=complaint)
        if complaint.suggested_unit_id and not self.is_bound:
            self.fields["unit"].initial = complaint.suggested_unit_id


class RedirectForm(ForwardForm):
    """Passing a handled report on to another unit; the reason is required."""

    note = forms.CharField(
        label=_("Why it goes to another unit"),
        max_length=2000,
        widget=_Textarea(),
        help_text=_("Internal: both units see it, the citizen does not."),
    )

    def __init__(self, *args, complaint: Complaint, **kwargs):
        super().__init__(*args, complaint=complaint, exclude_current=True, **kwargs)
        self.fields["unit"].initial = None


class RequestInfoForm(forms.Form):
    question = forms.CharField(
        label=_("What should the citizen add?"),
        max_length=2000,
        widget=_Textarea(),
        help_text=_("Shown to the citizen on the tracking page. The clocks stop until they reply (at most 30 days)."),
    )


class NotAuthorityForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason shown to the citizen"),
        max_length=2000,
        widget=_Textarea(),
        help_text=_("Say who can handle it, if you know."),
    )


class ArchiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is archived"),
        max_length=2000,
        widget=_Textarea(2),
        help_text=_("Internal, e.g. spam or a test."),
    )


class MergeForm(forms.Form):
    into_code = forms.CharField(
        label=_("Tracking code of the report it duplicates"),
        max_length=12,
        help_text=_("The report that stays open and is handled."),
    )


class IdentityForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to see the identity?"),
        max_length=200,
        help_text=_("Each look is logged with this reason."),
    )
