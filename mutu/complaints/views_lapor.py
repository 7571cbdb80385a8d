"""SP4N-LAPOR! exchange page of the instansi's verifier (and instansi admin); anyone else gets 404.

Import: upload LAPOR!'s export, every row is checked, all are imported or none.  Export: our
handling in the same layout (CSV or JSON) to upload back to LAPOR!.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from mutu.complaints import lapor as lapor_file
from mutu.complaints import selectors_lapor as selectors
from mutu.complaints.forms_lapor import LaporImportForm
from mutu.complaints.services_lapor import LaporImportError, import_lapor_file
from mutu.core.forms import apply_service_error


@login_required
@require_http_methods(["GET", "POST"])
def lapor(request):
    desk = selectors.lapor_desk_or_404(user=request.user, slug=request.GET.get("instansi", ""))
    form = LaporImportForm(request.POST or None, request.FILES or None)
    result, row_errors, status = None, [], 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = import_lapor_file(
                    instansi=desk,
                    content=upload.read(lapor_file.MAX_BYTES + 1),
                    filename=upload.name,
                    by=request.user,
                    now=timezone.now(),
                )
            except LaporImportError as exc:
                apply_service_error(form, exc)
                row_errors = exc.row_errors
        if result is None:
            status = 422
        else:
            form = LaporImportForm()
    return render(
        request,
        "complaints/lapor.html",
        {
            "desk": desk,
            "desks": selectors.lapor_desks(user=request.user),
            "form": form,
            "result": result,
            "row_errors": row_errors,
            "recent": selectors.recent_lapor_complaints(user=request.user, instansi=desk),
            "columns": lapor_file.COLUMNS,
        },
        status=status,
    )


@login_required
@require_GET
def lapor_export(request, fmt: str):
    desk = selectors.lapor_desk_or_404(user=request.user, slug=request.GET.get("instansi", ""))
    rows = selectors.export_rows(user=request.user, instansi=desk, only_lapor=request.GET.get("sumber") == "lapor")
    stamp = timezone.localtime(timezone.now()).strftime("%Y%m%d-%H%M")
    if fmt == "json":
        response = HttpResponse(lapor_file.build_json(rows), content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(lapor_file.build_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lapor-{desk.slug}-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
