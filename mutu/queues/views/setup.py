"""Queue setup for unit administrators: queue lines, counter officers, kiosk tablets.

A unit's administrators (and head, and the instansi admin) set up their own gerai; an MPP
manager sees every line at the MPP but changes only their own unit's, and registers the
kiosk tablets of the MPP. Anything outside that is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from mutu.core.errors import ApplicationError
from mutu.core.forms import apply_service_error
from mutu.core.permissions import get_visible_or_404, staff_required
from mutu.organisations.models import Counter, Gerai
from mutu.organisations.selectors import locations_managed_by
from mutu.queues.forms_setup import CounterAssignmentForm, KioskRegisterForm, QueueLineForm
from mutu.queues.models import CounterAssignment, Kiosk, QueueLine
from mutu.queues.selectors import tickets as selectors
from mutu.queues.services import tickets as services
from mutu.queues.views.kiosk import qr_svg
from mutu.standards.models import Service

NEW_KIOSK_SESSION_KEY = "queues_new_kiosk_link"


def _editable_gerai(user):
    return Gerai.objects.filter(unit__in=selectors.units_setting_up_queues(user=user))


def _line_form_page(request, form, *, title, gerai):
    return render(
        request,
        "queues/setup/line_form.html",
        {"form": form, "title": title, "gerai": gerai, "cancel_url": reverse("queue_setup:index")},
    )


@staff_required
def index(request):
    today = timezone.localdate()
    return render(
        request,
        "queues/setup/index.html",
        {
            "gerai_list": selectors.queue_lines_overview(user=request.user, today=today),
            "kiosk_locations": locations_managed_by(user=request.user).filter(is_active=True).order_by("name"),
        },
    )


@staff_required
def line_add(request, gerai_pk):
    gerai = get_visible_or_404(_editable_gerai(request.user).select_related("unit", "location"), pk=gerai_pk)
    form = QueueLineForm(
        request.POST or None,
        services=Service.objects.filter(unit=gerai.unit, is_active=True).order_by("name"),
        counters=gerai.counters.filter(is_active=True).order_by("code"),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.queue_line_create(
                gerai=gerai,
                service=d["service"],
                prefix=d["prefix"],
                counters=d["counters"],
                position=d["position"],
                by=request.user,
            )
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Queue added."))
            return redirect("queue_setup:index")
    return _line_form_page(request, form, title=_("Add a queue to %(gerai)s") % {"gerai": gerai.name}, gerai=gerai)


@staff_required
def line_edit(request, pk):
    line = get_visible_or_404(
        QueueLine.objects.filter(gerai__in=_editable_gerai(request.user)).select_related("gerai__unit", "service"),
        pk=pk,
    )
    gerai = line.gerai
    form = QueueLineForm(
        request.POST or None,
        services=Service.objects.filter(unit=gerai.unit).order_by("name"),
        counters=gerai.counters.order_by("code"),
        editing=True,
        initial={
            "service": line.service_id,
            "prefix": line.prefix,
            "counters": list(line.counters.values_list("pk", flat=True)),
            "position": line.position,
            "is_active": line.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.queue_line_update(
                line=line,
                service=d["service"],
                prefix=d["prefix"],
                counters=d["counters"],
                position=d["position"],
                is_active=d["is_active"],
                by=request.user,
            )
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Queue saved."))
            return redirect("queue_setup:index")
    return _line_form_page(request, form, title=_("Edit queue %(line)s") % {"line": line}, gerai=gerai)


@staff_required
def counter_officers(request, counter_pk):
    counter = get_visible_or_404(
        Counter.objects.filter(gerai__in=_editable_gerai(request.user)).select_related(
            "gerai__unit", "gerai__location"
        ),
        pk=counter_pk,
    )
    form = CounterAssignmentForm(request.POST or None, officers=selectors.officers_for_counter(counter=counter))
    if request.method == "POST" and form.is_valid():
        officer = form.cleaned_data["officer"]
        try:
            services.counter_assignment_add(counter=counter, officer=officer, by=request.user)
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("%(name)s may now call tickets at this counter.") % {"name": officer})
            return redirect("queue_setup:counter_officers", counter.pk)
    return render(
        request,
        "queues/setup/counter_officers.html",
        {"counter": counter, "assignments": selectors.counter_assignments(counter=counter), "form": form},
    )


@staff_required
@require_POST
def assignment_remove(request, pk):
    assignment = get_visible_or_404(
        CounterAssignment.objects.filter(counter__gerai__in=_editable_gerai(request.user)).select_related(
            "counter__gerai__unit", "officer"
        ),
        pk=pk,
    )
    counter_pk = assignment.counter_id
    services.counter_assignment_remove(assignment=assignment, by=request.user)
    messages.success(request, _("%(name)s no longer calls tickets at this counter.") % {"name": assignment.officer})
    return redirect("queue_setup:counter_officers", counter_pk)


@never_cache
@staff_required
def kiosks(request, slug):
    location = get_visible_or_404(locations_managed_by(user=request.user).select_related("manager_unit"), slug=slug)
    form = KioskRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kiosk, secret = services.register_kiosk(location=location, name=form.cleaned_data["name"], by=request.user)
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            # Shown once, on the next page only: the secret itself is never stored.
            link = request.build_absolute_uri(reverse("kiosk:register", args=[secret]))
            request.session[NEW_KIOSK_SESSION_KEY] = {"kiosk": kiosk.pk, "link": link}
            return redirect("queue_setup:kiosks", location.slug)
    new = request.session.pop(NEW_KIOSK_SESSION_KEY, None)
    new_kiosk = None
    if new:
        new_kiosk = Kiosk.objects.filter(pk=new["kiosk"], location=location).first()
    return render(
        request,
        "queues/setup/kiosks.html",
        {
            "location": location,
            "kiosks": selectors.kiosks_of(location=location),
            "form": form,
            "new_kiosk": new_kiosk,
            "new_link": new["link"] if new_kiosk else None,
            "new_qr": qr_svg(new["link"]) if new_kiosk else None,
            "kiosk_url": reverse("kiosk:kiosk", args=[location.slug]),
        },
    )


@staff_required
@require_POST
def kiosk_deactivate(request, pk):
    kiosk = Kiosk.objects.filter(location__in=locations_managed_by(user=request.user)).select_related(
        "location__manager_unit"
    )
    kiosk = get_visible_or_404(kiosk, pk=pk)
    if not kiosk.is_active:
        raise Http404
    services.deactivate_kiosk(kiosk=kiosk, by=request.user)
    messages.success(request, _("Kiosk %(name)s switched off.") % {"name": kiosk.name})
    return redirect("queue_setup:kiosks", kiosk.location.slug)
