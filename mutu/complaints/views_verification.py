"""The verifier's desk: the queue, one report with its decisions, passing a report on to another
unit, and the logged look at an anonim complainant's identity.

Every page fetches the report through a scoped selector, so a report the user may not act on
here is a 404 — also for staff without any role (not a 403 that would confirm it exists).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from mutu.complaints import services_verification as svc
from mutu.complaints.forms_verification import (
    ArchiveForm,
    ForwardForm,
    IdentityForm,
    MergeForm,
    NotAuthorityForm,
    RedirectForm,
    RequestInfoForm,
)
from mutu.complaints.models import Status
from mutu.complaints.selectors import can_see_identity, complaints_verified_by, complaints_visible_to
from mutu.complaints.selectors_verification import (
    AT_VERIFIER,
    REDIRECTABLE_STATUSES,
    complaints_redirectable_by,
    identity_views_of,
    is_verifier,
    merge_target,
    possible_duplicates,
    verification_detail,
)
from mutu.complaints.selectors_verification import (
    verify_queue as queue_of,
)
from mutu.core.errors import ApplicationError
from mutu.core.forms import apply_service_error
from mutu.core.permissions import get_visible_or_404

RELATED = ("instansi", "unit", "suggested_unit", "service", "location", "category", "recorded_by", "merged_into")


def _url_or_none(name: str, *args) -> str | None:
    """A page another area builds in parallel may not exist yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@login_required
@require_http_methods(["GET", "HEAD"])
def verify_queue(request):
    if not is_verifier(user=request.user):
        raise Http404
    queue = queue_of(user=request.user, now=timezone.now())
    return render(request, "complaints/verify_queue.html", {"queue": queue})


def _forms(complaint, data=None, action: str | None = None) -> dict:
    """The decision forms that fit the report's status; only the submitted one is bound."""

    def bound(name):
        return data if action == name else None

    forms = {}
    if complaint.status == Status.SUBMITTED:
        forms["forward"] = ForwardForm(bound("forward"), complaint=complaint, prefix="forward")
        forms["request_info"] = RequestInfoForm(bound("request_info"), prefix="info")
    if complaint.status in AT_VERIFIER:
        forms["not_authority"] = NotAuthorityForm(bound("not_authority"), prefix="refuse")
        forms["merge"] = MergeForm(bound("merge"), prefix="merge")
        forms["archive"] = ArchiveForm(bound("archive"), prefix="archive")
    if complaint.status in REDIRECTABLE_STATUSES:
        forms["redirect"] = RedirectForm(complaint=complaint, prefix="redirect")
    return forms


def _decide(request, complaint, action: str, form) -> str:
    """Run the service behind ``action``; returns the message to show on success."""
    data, by, now = form.cleaned_data, request.user, timezone.now()
    if action == "forward":
        svc.forward_complaint(
            complaint=complaint, unit=data["unit"], category=data["category"], note=data["note"], by=by, now=now
        )
        return _("Report %(code)s was forwarded to %(unit)s.") % {
            "code": complaint.tracking_code,
            "unit": data["unit"].name,
        }
    if action == "request_info":
        svc.request_more_information(complaint=complaint, question=data["question"], by=by, now=now)
        return _("The citizen was asked for more information; the clocks are paused.")
    if action == "not_authority":
        svc.mark_not_authority(complaint=complaint, reason=data["reason"], by=by, now=now)
        return _("Report %(code)s was marked as not our authority.") % {"code": complaint.tracking_code}
    if action == "archive":
        svc.archive_complaint(complaint=complaint, reason=data["reason"], by=by, now=now)
        return _("Report %(code)s was archived.") % {"code": complaint.tracking_code}
    if action == "merge":
        into = merge_target(user=by, tracking_code=data["into_code"])
        if into is None:
            message = _("No report of your instansi has this tracking code.")
            raise ApplicationError(message, field_errors={"into_code": [message]})
        svc.merge_complaint(duplicate=complaint, into=into, by=by, now=now)
        return _("Report %(code)s was merged into %(into)s.") % {
            "code": complaint.tracking_code,
            "into": into.tracking_code,
        }
    raise Http404


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request, pk: int):
    complaint = get_visible_or_404(complaints_verified_by(user=request.user).select_related(*RELATED), pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    forms = _forms(complaint, request.POST, action)
    if request.method == "POST":
        form = forms.get(action)
        if form is None:
            # The report moved on since the page was loaded (or the action does not exist).
            messages.error(request, _("This action is no longer possible for this report."))
            return redirect("complaints:verify", complaint.pk)
        if form.is_valid():
            try:
                done = _decide(request, complaint, action, form)
            except ApplicationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, done)
                if action == "forward":
                    return redirect("complaints:verify_queue")
                return redirect("complaints:verify", complaint.pk)
    context = {
        "complaint": complaint,
        "forms": forms,
        "failed": action if request.method == "POST" else None,
        "duplicates": possible_duplicates(complaint=complaint) if complaint.status in AT_VERIFIER else [],
        "show_identity": not complaint.is_anonymous,
        "identity_url": reverse("complaints:identity", args=[complaint.pk])
        if complaint.is_anonymous and can_see_identity(user=request.user, complaint=complaint)
        else None,
        "detail_url": _url_or_none("complaints:detail", complaint.pk) if complaint.unit_id else None,
        **verification_detail(complaint=complaint),
    }
    return render(request, "complaints/verify.html", context, status=422 if action else 200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def redirect_to_unit(request, pk: int):
    """Pass a handled report on to another unit of the instansi (the handling unit or the verifier)."""
    complaint = get_visible_or_404(complaints_redirectable_by(user=request.user).select_related(*RELATED), pk=pk)
    # A bare POST (the "Forward to another unit" button of the staff detail page) opens the form.
    submitted = request.method == "POST" and any(key.startswith("redirect-") for key in request.POST)
    form = RedirectForm(request.POST if submitted else None, complaint=complaint, prefix="redirect")
    if submitted and form.is_valid():
        data = form.cleaned_data
        try:
            svc.redirect_complaint(
                complaint=complaint,
                unit=data["unit"],
                category=data["category"],
                note=data["note"],
                by=request.user,
                now=timezone.now(),
            )
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Report %(code)s now goes to %(unit)s; your unit keeps a read-only view.")
                % {"code": complaint.tracking_code, "unit": data["unit"].name},
            )
            if is_verifier(user=request.user) and complaints_verified_by(user=request.user).filter(pk=pk).exists():
                return redirect("complaints:verify", complaint.pk)
            return redirect(_url_or_none("complaints:detail", complaint.pk) or reverse("core:dashboard"))
    back = _url_or_none("complaints:detail", complaint.pk)
    if complaints_verified_by(user=request.user).filter(pk=pk).exists():
        back = reverse("complaints:verify", args=[complaint.pk])
    return render(
        request,
        "complaints/verify_redirect.html",
        {"complaint": complaint, "form": form, "back_url": back},
        status=422 if submitted else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def identity(request, pk: int):
    """An anonim complainant's identity, for the instansi's complaint verifier only; each look
    is logged with its reason and listed here."""
    complaint = get_visible_or_404(complaints_visible_to(user=request.user).select_related("instansi"), pk=pk)
    if not complaint.is_anonymous or not can_see_identity(user=request.user, complaint=complaint):
        raise Http404
    form = IdentityForm(request.POST or None)
    shown = False
    if request.method == "POST" and form.is_valid():
        try:
            svc.show_identity(complaint=complaint, reason=form.cleaned_data["reason"], by=request.user)
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            shown = True
            form = IdentityForm()
    context = {
        "complaint": complaint,
        "form": form,
        "shown": shown,
        "looks": identity_views_of(complaint=complaint),
        "verify_url": reverse("complaints:verify", args=[complaint.pk]),
    }
    status = 422 if request.method == "POST" and not shown else 200
    return render(request, "complaints/identity.html", context, status=status)
