"""The unit's counter-service statistics page, with charts a unit head and a mayor can read."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from mutu.core.charts import bar_chart
from mutu.core.permissions import get_visible_or_404, staff_required
from mutu.organisations.selectors import units_visible_to
from mutu.queues.forms_stats import PeriodForm
from mutu.queues.selectors.stats import queue_statistics


@staff_required
def unit_statistics(request, slug):
    unit = get_visible_or_404(units_visible_to(user=request.user), slug=slug)
    today = timezone.localdate(timezone=ZoneInfo(unit.timezone))
    form = PeriodForm(request.GET or None, initial={"start": today - dt.timedelta(days=6), "end": today})
    start, end = today - dt.timedelta(days=6), today
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    stats = queue_statistics(unit=unit, start=start, end=end)
    charts = {
        "wait_by_service": bar_chart(
            title=_("Median waiting time per service (minutes)"),
            data=[(g.label, g.wait_median) for g in stats.by_service],
            value_label=_("minutes"),
        ),
        "tickets_by_hour": bar_chart(
            title=_("Tickets per hour of the day"),
            data=[(g.label, g.tickets) for g in stats.by_hour],
            value_label=_("tickets"),
        ),
    }
    return render(
        request,
        "queues/stats/unit.html",
        {"unit": unit, "form": form, "stats": stats, "charts": charts, "start": start, "end": end},
    )
