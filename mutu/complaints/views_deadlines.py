"""The deadline rules page: instansi administrators set the instansi's rules per stage, unit
administrators override them for their unit; the LAPOR! defaults show where nobody set one.
Everyone else gets a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from mutu.complaints import selectors_deadlines as selectors
from mutu.complaints import services_deadlines as services
from mutu.complaints.forms_deadlines import DeadlineRulesForm
from mutu.core.errors import ApplicationError
from mutu.core.forms import apply_service_error
from mutu.core.permissions import get_visible_or_404


@login_required
def deadline_rules(request):
    instansi_list = list(selectors.instansi_ruled_by(user=request.user).order_by("name"))
    units = selectors.units_ruled_by(user=request.user)
    unit_rows = selectors.units_with_overrides(units=units)
    if not instansi_list and not unit_rows:
        raise Http404
    tables = [(instansi, selectors.stage_rules(instansi=instansi)) for instansi in instansi_list]
    return render(request, "complaints/deadline_rules.html", {"tables": tables, "unit_rows": unit_rows})


@login_required
def deadline_rules_instansi(request, instansi_slug: str):
    instansi = get_visible_or_404(selectors.instansi_ruled_by(user=request.user), slug=instansi_slug)
    return _edit(request, instansi=instansi, unit=None)


@login_required
def deadline_rules_unit(request, unit_slug: str):
    unit = get_visible_or_404(selectors.units_ruled_by(user=request.user).select_related("instansi"), slug=unit_slug)
    return _edit(request, instansi=unit.instansi, unit=unit)


def _edit(request, *, instansi, unit):
    rules = selectors.stage_rules(instansi=instansi, unit=unit)
    form = DeadlineRulesForm(request.POST or None, rules=rules)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.save_deadline_rules(
                instansi=instansi, unit=unit, rules=form.rule_inputs(), by=request.user, now=timezone.now()
            )
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            if changed:
                messages.success(request, _("Deadline rules saved. They apply to deadlines started from now on."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect(request.path)
    return render(request, "complaints/deadline_rules_form.html", {"form": form, "instansi": instansi, "unit": unit})
