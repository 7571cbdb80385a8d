"""Staff pages for service standards: versions, drafts, publishing, governance, maklumat."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutu.core.errors import ApplicationError
from mutu.core.forms import apply_service_error
from mutu.core.permissions import get_visible_or_404, staff_required
from mutu.organisations import selectors as org_selectors
from mutu.standards import forms, selectors, services
from mutu.standards.calculations import compare_components
from mutu.standards.models import Service, StandardVersion
from mutu.standards.presentation import version_components


def _unit(user, slug, *, manage=False):
    qs = org_selectors.units_managed_by(user=user) if manage else org_selectors.units_visible_to(user=user)
    return get_visible_or_404(qs.select_related("instansi"), slug=slug)


def _service(user, pk) -> Service:
    try:
        return selectors.service_with_versions(service_id=pk, user=user)
    except Service.DoesNotExist as exc:
        raise Http404 from exc


def _version(user, pk) -> StandardVersion:
    try:
        return selectors.version_detail(version_id=pk, user=user)
    except StandardVersion.DoesNotExist as exc:
        raise Http404 from exc


def _require_manage(user, unit) -> None:
    # Read-only roles (evaluator, officers) see the page but cannot change it.
    if not org_selectors.can_manage_unit(user=user, unit=unit):
        raise Http404


def _today(unit):
    from zoneinfo import ZoneInfo

    return timezone.localdate(timezone=ZoneInfo(unit.timezone))


@staff_required
def unit_standards(request, slug):
    unit = _unit(request.user, slug)
    today = _today(unit)
    service_list = selectors.unit_standards_overview(unit=unit, today=today)
    return render(
        request,
        "standards/unit_standards.html",
        {
            "unit": unit,
            "services": service_list,
            "overdue_count": sum(1 for s in service_list if s.review_overdue),
            "can_manage": org_selectors.can_manage_unit(user=request.user, unit=unit),
            "maklumat": selectors.current_maklumat(unit=unit, today=today),
            "today": today,
        },
    )


@staff_required
def service_add(request, slug):
    unit = _unit(request.user, slug, manage=True)
    form = forms.ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_create(unit=unit, by=request.user, **form.cleaned_data)
        except (ApplicationError, ValidationError) as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Service added. Now write its standard."))
            return redirect("standards:service", service.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("Add a service"), "cancel_url": f"/kelola/standar/unit/{unit.slug}/"},
    )


@staff_required
def service_detail(request, pk):
    service = _service(request.user, pk)
    today = _today(service.unit)
    versions = service.all_versions
    current = selectors.current_version(versions=versions, today=today)
    compare = forms.CompareForm(versions=service.versions.all())
    return render(
        request,
        "standards/service.html",
        {
            "service": service,
            "versions": versions,
            "current": current,
            "draft": next((v for v in versions if v.status == StandardVersion.Status.DRAFT), None),
            "can_manage": org_selectors.can_manage_unit(user=request.user, unit=service.unit),
            "compare": compare,
            "today": today,
        },
    )


@staff_required
@require_POST
def draft_start(request, pk):
    service = _service(request.user, pk)
    _require_manage(request.user, service.unit)
    try:
        draft = services.draft_start(service=service, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("standards:service", service.pk)
    return redirect("standards:draft_edit", draft.pk)


@staff_required
def draft_edit(request, pk):
    version = _version(request.user, pk)
    unit = version.service.unit
    _require_manage(request.user, unit)
    if version.status != StandardVersion.Status.DRAFT:
        messages.error(request, _("A published version cannot be changed. Start a new draft instead."))
        return redirect("standards:version", version.pk)
    form = forms.DraftForm(request.POST or None, instance=version)
    if request.method == "POST" and form.is_valid():
        try:
            services.draft_update(
                draft=StandardVersion.objects.select_related("service__unit").get(pk=version.pk),
                fields=form.content(),
                requirements=form.lines("requirements"),
                procedure=form.lines("procedure"),
                by=request.user,
            )
        except (ApplicationError, ValidationError) as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("standards:version", version.pk)
    return render(request, "standards/draft_edit.html", {"version": version, "form": form})


def _render_version(request, version, *, publish_form=None, governance_form=None, status=200):
    """The version page; a failed publish or governance form comes back with its errors."""
    can_manage = org_selectors.can_manage_unit(user=request.user, unit=version.service.unit)
    return render(
        request,
        "standards/version.html",
        {
            "version": version,
            "components": version_components(version),
            "missing": services.missing_public_components(version) if not version.is_published else [],
            "can_manage": can_manage,
            "publish_form": publish_form or forms.PublishForm(prefix="publish"),
            "governance_form": governance_form
            or forms.GovernanceForm(prefix="gov", initial={"next_review_date": version.next_review_date}),
        },
        status=status,
    )


@staff_required
def version_detail(request, pk):
    return _render_version(request, _version(request.user, pk))


@staff_required
@require_POST
def version_publish(request, pk):
    version = _version(request.user, pk)
    _require_manage(request.user, version.service.unit)
    form = forms.PublishForm(request.POST, prefix="publish")
    if form.is_valid():
        try:
            services.version_publish(
                version=version, effective_date=form.cleaned_data["effective_date"], by=request.user
            )
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Version %(number)s published.") % {"number": version.number})
            return redirect("standards:version", version.pk)
    return _render_version(request, version, publish_form=form, status=422)


@staff_required
@require_POST
def draft_discard(request, pk):
    version = _version(request.user, pk)
    _require_manage(request.user, version.service.unit)
    try:
        services.draft_discard(draft=version, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("standards:version", version.pk)
    messages.success(request, _("Draft discarded."))
    return redirect("standards:service", version.service_id)


@staff_required
@require_POST
def version_governance(request, pk):
    version = _version(request.user, pk)
    _require_manage(request.user, version.service.unit)
    form = forms.GovernanceForm(request.POST, request.FILES, prefix="gov")
    if form.is_valid():
        try:
            services.version_set_governance(
                version=version,
                next_review_date=form.cleaned_data["next_review_date"],
                decree_scan=form.cleaned_data["decree_scan"],
                by=request.user,
            )
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Governance saved."))
            return redirect("standards:version", version.pk)
    return _render_version(request, version, governance_form=form, status=422)


@staff_required
def consultation_add(request, pk):
    version = _version(request.user, pk)
    _require_manage(request.user, version.service.unit)
    form = forms.ConsultationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.consultation_add(
                version=version,
                held_on=d["held_on"],
                venue=d["venue"],
                minutes=d["minutes"],
                participants=form.participants(),
                minutes_scan=d["minutes_scan"],
                by=request.user,
            )
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Public consultation recorded."))
            return redirect("standards:version", version.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Record a public consultation"),
            "intro": str(version),
            "cancel_url": f"/kelola/standar/versi/{version.pk}/",
        },
    )


@staff_required
def version_compare(request, pk):
    service = _service(request.user, pk)
    form = forms.CompareForm(request.GET or None, versions=service.versions.all())
    diff = None
    if form.is_valid():
        left = _version(request.user, form.cleaned_data["left"].pk)
        right = _version(request.user, form.cleaned_data["right"].pk)
        diff = compare_components(version_components(left), version_components(right))
        form.left_version, form.right_version = left, right
    return render(request, "standards/compare.html", {"service": service, "form": form, "diff": diff})


@staff_required
def maklumat(request, slug):
    unit = _unit(request.user, slug)
    can_manage = org_selectors.can_manage_unit(user=request.user, unit=unit)
    form = forms.MaklumatForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if form.is_valid():
            try:
                services.maklumat_create(unit=unit, by=request.user, **form.cleaned_data)
            except (ApplicationError, ValidationError) as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("Maklumat saved."))
                return redirect("standards:maklumat", unit.slug)
    return render(
        request,
        "standards/maklumat.html",
        {
            "unit": unit,
            "can_manage": can_manage,
            "form": form,
            "rows": unit.maklumat.select_related("scan").all(),
        },
    )
