"""Form of the SP4N-LAPOR! exchange page: the export file to import."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class LaporImportForm(forms.Form):
    file = forms.FileField(
        label=_("SP4N-LAPOR! export file (CSV or JSON)"),
        help_text=_("Every row is checked first; if any row is wrong, nothing is imported."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.json,text/csv,application/json"}),
    )
