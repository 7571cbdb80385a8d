"""Staff pages for units, gerai, counters, staff, the calendar and locations."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutu.core.errors import ApplicationError
from mutu.core.forms import apply_service_error
from mutu.core.permissions import get_visible_or_404, staff_required
from mutu.organisations import forms, selectors, services
from mutu.organisations.models import (
    Break,
    CalendarException,
    Counter,
    Gerai,
    Instansi,
    Location,
    Membership,
    OpeningHours,
    SpecialPeriod,
    Unit,
)


def _unit_for_user(user, slug: str, *, manage: bool = False) -> Unit:
    qs = selectors.units_managed_by(user=user) if manage else selectors.units_visible_to(user=user)
    return get_visible_or_404(qs.select_related("instansi"), slug=slug)


def _location_for_user(user, slug: str, *, manage: bool = False) -> Location:
    qs = selectors.locations_managed_by(user=user) if manage else selectors.locations_visible_to(user=user)
    return get_visible_or_404(qs.select_related("manager_unit"), slug=slug)


def _form_page(request, form, *, title, cancel_url, intro="", submit_label=None):
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": title, "cancel_url": cancel_url, "intro": intro, "submit_label": submit_label},
    )


def _run(form, call):
    """Call a service; on a domain error put it on the form and return None."""
    try:
        return call()
    except (ApplicationError, ValidationError) as exc:
        apply_service_error(form, exc)
        return None


# --- Unit -----------------------------------------------------------------------


@staff_required
def unit_detail(request, slug):
    unit = _unit_for_user(request.user, slug)
    can_manage = selectors.can_manage_unit(user=request.user, unit=unit)
    gerai = (
        selectors.gerai_visible_to(user=request.user)
        .filter(unit=unit)
        .select_related("location")
        .prefetch_related(Prefetch("counters", queryset=Counter.objects.order_by("code")))
    )
    return render(
        request,
        "organisations/unit.html",
        {
            "unit": unit,
            "can_manage": can_manage,
            "gerai_list": gerai,
            "staff": selectors.staff_of_unit(unit=unit),
        },
    )


@staff_required
def gerai_add(request, slug):
    unit = _unit_for_user(request.user, slug, manage=True)
    locations = Location.objects.filter(manager_unit=unit, is_active=True) | selectors.locations_managed_by(
        user=request.user
    )
    form = forms.GeraiCreateForm(
        request.POST or None,
        units=Unit.objects.filter(pk=unit.pk),
        locations=locations.distinct(),
        initial={"unit": unit},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        gerai = _run(
            form,
            lambda: services.gerai_create(
                location=data["location"], unit=unit, name=data["name"], floor=data["floor"], by=request.user
            ),
        )
        if gerai:
            messages.success(request, _("Gerai added."))
            return redirect("organisations:unit", unit.slug)
    return _form_page(request, form, title=_("Add a gerai"), cancel_url=unit_url(unit))


def unit_url(unit):
    from django.urls import reverse

    return reverse("organisations:unit", args=[unit.slug])


def _gerai_for_manager(user, pk) -> Gerai:
    return get_visible_or_404(selectors.gerai_managed_by(user=user).select_related("unit", "location"), pk=pk)


@staff_required
def gerai_edit(request, pk):
    gerai = _gerai_for_manager(request.user, pk)
    form = forms.GeraiForm(request.POST or None, instance=gerai)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fresh = Gerai.objects.get(pk=gerai.pk)
        if _run(
            form,
            lambda: services.gerai_update(
                gerai=fresh, name=data["name"], floor=data["floor"], is_active=data["is_active"], by=request.user
            ),
        ):
            messages.success(request, _("Gerai saved."))
            return redirect("organisations:unit", gerai.unit.slug)
    return _form_page(
        request, form, title=_("Edit gerai %(name)s") % {"name": gerai.name}, cancel_url=unit_url(gerai.unit)
    )


@staff_required
def counter_add(request, gerai_pk):
    gerai = _gerai_for_manager(request.user, gerai_pk)
    form = forms.CounterForm(request.POST or None, instance=Counter(gerai=gerai))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _run(
            form,
            lambda: services.counter_create(
                gerai=gerai,
                code=d["code"],
                name=d["name"],
                is_disability=d["is_disability"],
                is_priority=d["is_priority"],
                by=request.user,
            ),
        ):
            messages.success(request, _("Counter added."))
            return redirect("organisations:unit", gerai.unit.slug)
    return _form_page(
        request, form, title=_("Add a counter to %(gerai)s") % {"gerai": gerai.name}, cancel_url=unit_url(gerai.unit)
    )


@staff_required
def counter_edit(request, pk):
    counter = get_visible_or_404(selectors.counters_managed_by(user=request.user).select_related("gerai__unit"), pk=pk)
    form = forms.CounterForm(request.POST or None, instance=counter)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        fresh = Counter.objects.select_related("gerai__unit").get(pk=counter.pk)
        if _run(
            form,
            lambda: services.counter_update(
                counter=fresh,
                code=d["code"],
                name=d["name"],
                is_disability=d["is_disability"],
                is_priority=d["is_priority"],
                is_active=d["is_active"],
                by=request.user,
            ),
        ):
            messages.success(request, _("Counter saved."))
            return redirect("organisations:unit", counter.gerai.unit.slug)
    return _form_page(
        request,
        form,
        title=_("Edit counter %(code)s") % {"code": counter.code},
        cancel_url=unit_url(counter.gerai.unit),
    )


# --- Staff ------------------------------------------------------------------------


@staff_required
def staff(request, slug):
    unit = _unit_for_user(request.user, slug, manage=True)
    form = forms.MembershipForm(request.POST or None, roles=forms.UNIT_ROLES)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        result = _run(
            form,
            lambda: services.membership_add(
                instansi=unit.instansi,
                unit=unit,
                username=d["username"],
                role=d["role"],
                full_name=d["full_name"],
                email=d["email"],
                by=request.user,
            ),
        )
        if result:
            membership, password = result
            if password:
                messages.success(
                    request,
                    _("Account %(username)s created. Initial password (shown once): %(password)s")
                    % {"username": membership.user.username, "password": password},
                )
            else:
                messages.success(request, _("Role given to %(username)s.") % {"username": membership.user.username})
            return redirect("organisations:staff", unit.slug)
    return render(
        request, "organisations/staff.html", {"unit": unit, "form": form, "staff": selectors.staff_of_unit(unit=unit)}
    )


@staff_required
@require_POST
def membership_remove(request, pk):
    membership = get_visible_or_404(
        Membership.objects.filter(unit__in=selectors.units_managed_by(user=request.user)).select_related(
            "unit", "user"
        ),
        pk=pk,
    )
    try:
        services.membership_remove(membership=membership, by=request.user)
        messages.success(request, _("Role removed."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("organisations:staff", membership.unit.slug)


# --- Calendar ---------------------------------------------------------------------


@staff_required
def calendar(request, slug):
    unit = _unit_for_user(request.user, slug)
    can_manage = selectors.can_manage_unit(user=request.user, unit=unit)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("tahun", today.year))
    except ValueError as exc:
        raise Http404 from exc
    form = forms.CalendarExceptionForm(request.POST or None, prefix="exc")
    switch = forms.CutiBersamaForm(initial={"cuti_bersama_closed": unit.cuti_bersama_closed}, prefix="cb")
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            if _run(
                form,
                lambda: services.calendar_exception_add(
                    unit=unit, day=d["day"], kind=d["kind"], reason=d["reason"], by=request.user
                ),
            ):
                messages.success(request, _("Calendar exception added."))
                return redirect("organisations:calendar", unit.slug)
    return render(
        request,
        "organisations/calendar.html",
        {
            "unit": unit,
            "can_manage": can_manage,
            "year": year,
            "holidays": selectors.holidays_for_year(instansi_id=unit.instansi_id, year=year),
            "exceptions": unit.calendar_exceptions.all(),
            "form": form,
            "switch": switch,
        },
    )


@staff_required
@require_POST
def calendar_cuti_bersama(request, slug):
    unit = _unit_for_user(request.user, slug, manage=True)
    form = forms.CutiBersamaForm(request.POST, prefix="cb")
    if form.is_valid():
        services.unit_set_cuti_bersama_closed(
            unit=unit, closed=form.cleaned_data["cuti_bersama_closed"], by=request.user
        )
        messages.success(request, _("Saved."))
    return redirect("organisations:calendar", unit.slug)


@staff_required
@require_POST
def calendar_exception_remove(request, pk):
    row = get_visible_or_404(
        CalendarException.objects.filter(unit__in=selectors.units_managed_by(user=request.user)).select_related("unit"),
        pk=pk,
    )
    services.calendar_exception_remove(exception=row, by=request.user)
    messages.success(request, _("Calendar exception removed."))
    return redirect("organisations:calendar", row.unit.slug)


# --- National holidays (instansi admin) ---------------------------------------------


def _instansi_for_admin(user, slug) -> Instansi:
    if user.is_superuser:
        qs = Instansi.objects.all()
    else:
        ids = [m.instansi_id for m in selectors.memberships_of(user) if m.role == Membership.Role.INSTANSI_ADMIN]
        qs = Instansi.objects.filter(id__in=ids)
    return get_visible_or_404(qs, slug=slug)


@staff_required
def holidays(request, slug):
    instansi = _instansi_for_admin(request.user, slug)
    try:
        year = int(request.GET.get("tahun", timezone.localdate().year))
    except ValueError as exc:
        raise Http404 from exc
    form = forms.HolidayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _run(
            form,
            lambda: services.holiday_create(
                instansi=instansi, day=d["day"], kind=d["kind"], name=d["name"], source=d["source"], by=request.user
            ),
        ):
            messages.success(request, _("Holiday added."))
            return redirect(f"{request.path}?tahun={d['day'].year}")
    return render(
        request,
        "organisations/holidays.html",
        {
            "instansi": instansi,
            "year": year,
            "years": range(year - 1, year + 3),
            "rows": selectors.holidays_for_year(instansi_id=instansi.id, year=year),
            "form": form,
        },
    )


@staff_required
def holiday_edit(request, slug, pk):
    instansi = _instansi_for_admin(request.user, slug)
    row = get_visible_or_404(instansi.holidays.all(), pk=pk)
    form = forms.HolidayForm(request.POST or None, instance=row)
    form.fields["day"].disabled = True
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        fresh = instansi.holidays.get(pk=row.pk)
        if _run(
            form,
            lambda: services.holiday_update(
                holiday=fresh,
                name=d["name"],
                kind=d["kind"],
                is_active=d["is_active"],
                source=d["source"],
                by=request.user,
            ),
        ):
            messages.success(request, _("Holiday corrected."))
            return redirect(f"/kelola/instansi/{instansi.slug}/hari-libur/?tahun={row.day.year}")
    return _form_page(
        request,
        form,
        title=_("Correct %(day)s") % {"day": row.day.isoformat()},
        cancel_url=f"/kelola/instansi/{instansi.slug}/hari-libur/?tahun={row.day.year}",
        intro=_("Record the decree that changes this day as the source."),
    )


# --- Locations -----------------------------------------------------------------------


@staff_required
def location_detail(request, slug):
    location = _location_for_user(request.user, slug)
    can_manage = selectors.locations_managed_by(user=request.user).filter(pk=location.pk).exists()
    hours = list(
        location.opening_hours.filter(special_period__isnull=True).prefetch_related("breaks").order_by("weekday")
    )
    by_day = {h.weekday: h for h in hours}
    week = [(value, label, by_day.get(value)) for value, label in OpeningHours.Weekday.choices]
    gerai = selectors.gerai_visible_to(user=request.user) if not can_manage else location.gerai.all()
    gerai = gerai.filter(location=location).select_related("unit").prefetch_related("counters")
    return render(
        request,
        "organisations/location.html",
        {
            "location": location,
            "can_manage": can_manage,
            "week": week,
            "periods": location.special_periods.prefetch_related("opening_hours__breaks"),
            "gerai_list": gerai,
            "period_form": forms.SpecialPeriodForm(prefix="period"),
        },
    )


@staff_required
def location_gerai_add(request, slug):
    location = _location_for_user(request.user, slug, manage=True)
    form = forms.GeraiCreateForm(
        request.POST or None,
        units=Unit.objects.filter(is_active=True).select_related("instansi"),
        locations=Location.objects.filter(pk=location.pk),
        initial={"location": location},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _run(
            form,
            lambda: services.gerai_create(
                location=location, unit=d["unit"], name=d["name"], floor=d["floor"], by=request.user
            ),
        ):
            messages.success(request, _("Gerai added."))
            return redirect("organisations:location", location.slug)
    return _form_page(
        request,
        form,
        title=_("Add a gerai to %(location)s") % {"location": location.name},
        cancel_url=f"/kelola/lokasi/{location.slug}/",
    )


def _period_or_none(location, period_pk):
    if period_pk is None:
        return None
    return get_visible_or_404(location.special_periods.all(), pk=period_pk)


@staff_required
def hours_edit(request, slug, weekday, period_pk=None):
    location = _location_for_user(request.user, slug, manage=True)
    if weekday not in range(7):
        raise Http404
    period = _period_or_none(location, period_pk)
    row = OpeningHours.objects.filter(location=location, special_period=period, weekday=weekday).first()
    initial = {"opens": row.opens, "closes": row.closes, "last_ticket": row.last_ticket} if row else {"closed": True}
    form = forms.HoursForm(request.POST or None, initial=initial)
    back = f"/kelola/lokasi/{location.slug}/"
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if d["closed"]:
            if row:
                services.opening_hours_clear(hours=row, by=request.user)
            messages.success(request, _("Saved."))
            return redirect(back)
        if _run(
            form,
            lambda: services.opening_hours_set(
                location=location,
                weekday=weekday,
                opens=d["opens"],
                closes=d["closes"],
                last_ticket=d["last_ticket"],
                special_period=period,
                by=request.user,
            ),
        ):
            messages.success(request, _("Saved."))
            return redirect(back)
    day = OpeningHours.Weekday(weekday).label
    title = _("Hours on %(day)s") % {"day": day}
    if period:
        title = f"{title} — {period.name}"
    return _form_page(request, form, title=title, cancel_url=back)


@staff_required
def break_add(request, slug, hours_pk):
    location = _location_for_user(request.user, slug, manage=True)
    hours = get_visible_or_404(location.opening_hours.all(), pk=hours_pk)
    form = forms.BreakForm(request.POST or None)
    back = f"/kelola/lokasi/{location.slug}/"
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _run(
            form,
            lambda: services.break_add(
                hours=hours, label=d["label"], starts=d["starts"], ends=d["ends"], by=request.user
            ),
        ):
            messages.success(request, _("Break added."))
            return redirect(back)
    return _form_page(request, form, title=_("Add a break: %(hours)s") % {"hours": hours}, cancel_url=back)


@staff_required
@require_POST
def break_remove(request, slug, pk):
    location = _location_for_user(request.user, slug, manage=True)
    brk = get_visible_or_404(Break.objects.filter(hours__location=location).select_related("hours__location"), pk=pk)
    services.break_remove(brk=brk, by=request.user)
    messages.success(request, _("Break removed."))
    return redirect("organisations:location", location.slug)


@staff_required
@require_POST
def period_add(request, slug):
    location = _location_for_user(request.user, slug, manage=True)
    form = forms.SpecialPeriodForm(request.POST, prefix="period")
    if form.is_valid():
        d = form.cleaned_data
        if _run(
            form,
            lambda: services.special_period_create(
                location=location,
                name=d["name"],
                kind=d["kind"],
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                by=request.user,
            ),
        ):
            messages.success(request, _("Special period added."))
            return redirect("organisations:location", location.slug)
    return _form_page(request, form, title=_("Add a special period"), cancel_url=f"/kelola/lokasi/{location.slug}/")


@staff_required
@require_POST
def period_delete(request, slug, pk):
    location = _location_for_user(request.user, slug, manage=True)
    period = get_visible_or_404(SpecialPeriod.objects.filter(location=location).select_related("location"), pk=pk)
    services.special_period_delete(period=period, by=request.user)
    messages.success(request, _("Special period removed."))
    return redirect("organisations:location", location.slug)
