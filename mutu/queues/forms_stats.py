import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from mutu.core.forms import DateInput

MAX_DAYS = 366


class PeriodForm(forms.Form):
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
