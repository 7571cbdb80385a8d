"""The counter officer's console and the MPP manager's location overview.

Plain POST forms that work without JavaScript (303 back to the console) and, with htmx,
swap the console region in place. The waiting list and the compensation panel refresh
every 10 seconds by polling their partials. A counter of another unit, or one the user
is neither assigned to nor watches as the unit's admin/head, is a 404 for every URL here;
a watcher (read-only) who posts gets 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mutu.core.errors import ApplicationError
from mutu.core.permissions import get_visible_or_404, staff_required
from mutu.organisations.models import Counter
from mutu.organisations.selectors import locations_managed_by
from mutu.queues.forms_console import AnnouncementForm, CompensationGivenForm, TransferForm
from mutu.queues.models import CompensationCase, Ticket
from mutu.queues.selectors import console as sel
from mutu.queues.services import counter as svc
from mutu.queues.services.compensation import compensation_record_declined, compensation_record_given

TEMPLATE = "queues/console/counter.html"


def _counter_for_user(user, counter_id: int) -> Counter:
    try:
        return sel.console_counter(user=user, counter_id=counter_id)
    except Counter.DoesNotExist as exc:
        raise Http404 from exc


def _operable_counter(request, counter_id: int) -> Counter:
    counter = _counter_for_user(request.user, counter_id)
    if not counter.can_operate:
        raise PermissionDenied
    return counter


def _location_label(user, location) -> str:
    if sel.can_announce_location_wide(user=user, location=location):
        return _("Everyone waiting at %(location)s") % {"location": location.name}
    return _("Everyone waiting at %(location)s for my unit's services") % {"location": location.name}


def _context(request, counter: Counter, *, now=None, transfer_form=None, announce_form=None) -> dict:
    now = now or timezone.now()
    location = counter.gerai.location
    day = sel.local_today(location, now)
    lines = sel.counter_lines(counter=counter)
    targets = sel.transfer_targets(counter=counter)
    cases = sel.console_cases(counter=counter)
    for case in cases:
        case.form = CompensationGivenForm(case=case, auto_id=f"case-{case.pk}-%s")
    return {
        "counter": counter,
        "location": location,
        "lines": lines,
        "current": sel.current_ticket(counter=counter, officer=request.user, day=day),
        "waiting": sel.console_waiting(counter=counter, now=now),
        "cases": cases,
        "served_today": sel.served_today(counter=counter, day=day),
        "transfer_form": transfer_form or TransferForm(targets=targets),
        "announce_form": announce_form
        or AnnouncementForm(lines=lines, location_label=_location_label(request.user, location)),
        "now": now,
    }


def _respond(request, counter: Counter, **extra):
    """htmx: the console region, fresh; otherwise back to the console page (303)."""
    if request.htmx:
        return render(request, f"{TEMPLATE}#console", _context(request, counter, **extra))
    return redirect(reverse("console:counter", args=[counter.pk]), permanent=False)


def _ticket_at(counter: Counter, request) -> Ticket:
    try:
        return Ticket.objects.get(pk=int(request.POST.get("ticket", "")), counter=counter)
    except (ValueError, Ticket.DoesNotExist) as exc:
        raise Http404 from exc


# --- Pages ---------------------------------------------------------------------------------


@require_GET
@staff_required
def index(request):
    counters = sel.console_index(user=request.user)
    locations = list(locations_managed_by(user=request.user).filter(is_active=True).order_by("name"))
    if len(counters) == 1 and counters[0].can_operate and not locations:
        return redirect("console:counter", counters[0].pk)
    return render(request, "queues/console/index.html", {"counters": counters, "locations": locations})


@require_GET
@staff_required
def counter_console(request, counter_id: int):
    counter = _counter_for_user(request.user, counter_id)
    part = request.GET.get("part", "")
    if part == "waiting":
        return render(
            request,
            f"{TEMPLATE}#waiting",
            {"counter": counter, "waiting": sel.console_waiting(counter=counter, now=timezone.now())},
        )
    if part == "cases":
        cases = sel.console_cases(counter=counter)
        for case in cases:
            case.form = CompensationGivenForm(case=case, auto_id=f"case-{case.pk}-%s")
        return render(request, f"{TEMPLATE}#cases", {"counter": counter, "cases": cases})
    return render(request, TEMPLATE, _context(request, counter))


# --- Actions on the current ticket ---------------------------------------------------------


def _run(request, call, success: str | None = None):
    try:
        result = call()
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return None
    if success:
        messages.success(request, success)
    return result


@require_POST
@staff_required
def call_next(request, counter_id: int):
    counter = _operable_counter(request, counter_id)
    try:
        ticket = svc.call_next(counter=counter, officer=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if ticket is None:
            messages.info(request, _("Nobody is waiting for this counter."))
        else:
            message = _("%(code)s called to counter %(counter)s.") % {"code": ticket.code, "counter": counter.code}
            messages.success(request, message)
    return _respond(request, counter)


def _ticket_action(request, counter_id: int, action, success: str):
    counter = _operable_counter(request, counter_id)
    ticket = _ticket_at(counter, request)
    _run(request, lambda: action(ticket=ticket, officer=request.user), success % {"code": ticket.code})
    return _respond(request, counter)


@require_POST
@staff_required
def recall(request, counter_id: int):
    return _ticket_action(request, counter_id, svc.recall, _("%(code)s called again."))


@require_POST
@staff_required
def no_show(request, counter_id: int):
    return _ticket_action(request, counter_id, svc.mark_no_show, _("%(code)s marked as not present."))


@require_POST
@staff_required
def start(request, counter_id: int):
    return _ticket_action(request, counter_id, svc.start_service, _("Service of %(code)s started."))


@require_POST
@staff_required
def finish(request, counter_id: int):
    return _ticket_action(request, counter_id, svc.finish_service, _("Service of %(code)s finished."))


@require_POST
@staff_required
def transfer(request, counter_id: int):
    counter = _operable_counter(request, counter_id)
    ticket = _ticket_at(counter, request)
    form = TransferForm(request.POST, targets=sel.transfer_targets(counter=counter))
    if not form.is_valid():
        for error in form.non_field_errors() or [_("Choose the service or the counter to transfer to.")]:
            messages.error(request, error)
        return _respond(request, counter)
    new = _run(
        request,
        lambda: svc.transfer(
            ticket=ticket,
            officer=request.user,
            to_line=form.cleaned_data["to_line"],
            to_counter=form.cleaned_data["to_counter"],
        ),
    )
    if new is not None:
        messages.success(
            request,
            _("%(old)s transferred: the citizen now waits as %(new)s.") % {"old": ticket.code, "new": new.code},
        )
    return _respond(request, counter)


# --- Information ---------------------------------------------------------------------------


@require_POST
@staff_required
def inform_ticket(request, counter_id: int):
    """Information given to one waiting citizen of this counter's services."""
    counter = _operable_counter(request, counter_id)
    day = sel.local_today(counter.gerai.location, timezone.now())
    try:
        ticket = sel.waiting_for_counter(counter=counter, day=day).get(pk=int(request.POST.get("ticket", "")))
    except (ValueError, Ticket.DoesNotExist) as exc:
        raise Http404 from exc
    _run(
        request,
        lambda: svc.give_information(officer=request.user, ticket=ticket, text=request.POST.get("text", "")),
        _("Information given to %(code)s recorded.") % {"code": ticket.code},
    )
    return _respond(request, counter)


@require_POST
@staff_required
def announce(request, counter_id: int):
    counter = _operable_counter(request, counter_id)
    location = counter.gerai.location
    form = AnnouncementForm(
        request.POST,
        lines=sel.counter_lines(counter=counter),
        location_label=_location_label(request.user, location),
    )
    if form.is_valid():
        target = form.target()
        reached = _run(
            request,
            lambda: svc.give_information(
                officer=request.user,
                line=target.get("line"),
                location=location if target.get("location") else None,
                text=form.cleaned_data["text"],
            ),
        )
        if reached is not None:
            messages.success(
                request,
                _("Announcement recorded for %(count)s waiting ticket(s).") % {"count": reached},
            )
            form = None
    else:
        messages.error(request, _("Write what was announced and to whom."))
    if request.htmx:
        return render(request, f"{TEMPLATE}#console", _context(request, counter, announce_form=form))
    return redirect("console:counter", counter.pk)


# --- Compensation --------------------------------------------------------------------------


@require_POST
@staff_required
def compensation_given(request, counter_id: int, case_id: int):
    counter = _operable_counter(request, counter_id)
    try:
        case = CompensationCase.objects.select_related("rule", "ticket", "berkas").get(
            pk=case_id, unit_id=counter.gerai.unit_id
        )
    except CompensationCase.DoesNotExist as exc:
        raise Http404 from exc
    case.remedy_options = sel.remedy_choices(case.rule.remedy)
    form = CompensationGivenForm(request.POST, case=case)
    label = case.ticket.code if case.ticket_id else case.berkas.receipt_number
    if request.POST.get("outcome") == "declined":
        _run(
            request,
            lambda: compensation_record_declined(case=case, by=request.user, note=request.POST.get("note", "")),
            _("Compensation for %(code)s recorded as declined or not collected.") % {"code": label},
        )
    elif form.is_valid():
        _run(
            request,
            lambda: compensation_record_given(
                case=case, remedy=form.cleaned_data["remedy"], by=request.user, note=form.cleaned_data["note"]
            ),
            _("Compensation for %(code)s recorded as given.") % {"code": label},
        )
    else:
        messages.error(request, _("Choose what was given."))
    return _respond(request, counter)


# --- Location overview ---------------------------------------------------------------------


@require_GET
@staff_required
def location_overview(request, slug: str):
    location = get_visible_or_404(
        locations_managed_by(user=request.user).select_related("manager_unit"), slug=slug, is_active=True
    )
    overview = sel.location_overview(location=location, now=timezone.now())
    return render(request, "queues/console/location.html", {"location": location, "overview": overview})
