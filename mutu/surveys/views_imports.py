"""Import pages: upload a spreadsheet, map its columns, check every row, import all or nothing.

Unit administrators (and heads) of the survey's unit and the survey's surveyors may import;
anyone else gets 404. The progress of a big import is polled with htmx every second; without
JavaScript the page offers a refresh link.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from mutu.core.errors import ApplicationError
from mutu.core.forms import apply_service_error
from mutu.surveys import selectors_imports as selectors
from mutu.surveys import services_imports as services
from mutu.surveys.forms_imports import MappingForm, UploadForm
from mutu.surveys.models import ImportBatch, Question, Survey


def _survey(user, survey_id) -> Survey:
    try:
        return selectors.importable_survey(user=user, survey_id=survey_id)
    except Survey.DoesNotExist as exc:
        raise Http404 from exc


def _batch(survey, batch_id) -> ImportBatch:
    try:
        return selectors.import_of(survey=survey, batch_id=batch_id)
    except ImportBatch.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_http_methods(["GET", "POST"])
def imports(request, survey_id):
    survey = _survey(request.user, survey_id)
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                batch = services.upload_import(
                    survey=survey, upload=form.cleaned_data["file"], by=request.user, now=timezone.now()
                )
            except ApplicationError as exc:
                apply_service_error(form, exc)
            else:
                return redirect("surveys:import_batch", survey.pk, batch.pk)
        status = 422
    return render(
        request,
        "surveys/imports.html",
        {"survey": survey, "form": form, "batches": selectors.imports_of(survey=survey), "S": ImportBatch.Status},
        status=status,
    )


EDITABLE = (ImportBatch.Status.UPLOADED, ImportBatch.Status.INVALID, ImportBatch.Status.READY)


@login_required
@require_http_methods(["GET", "POST"])
def import_batch(request, survey_id, batch_id):
    survey = _survey(request.user, survey_id)
    batch = _batch(survey, batch_id)
    editable = batch.status in EDITABLE
    status = 200
    form = None
    if editable:
        form = MappingForm(request.POST or None, batch=batch, survey=survey)
        if request.method == "POST":
            if form.is_valid():
                try:
                    batch = services.check_import(
                        batch=batch,
                        mapping=form.mapping(),
                        defaults=form.defaults(),
                        by=request.user,
                        now=timezone.now(),
                    )
                except ApplicationError as exc:
                    apply_service_error(form, exc)
                else:
                    if batch.status == ImportBatch.Status.READY:
                        messages.success(request, _("Every row is correct. The file is ready to import."))
                    else:
                        messages.error(request, _("Some rows have errors. Nothing has been imported."))
                    return redirect("surveys:import_batch", survey.pk, batch.pk)
            status = 422
    elif request.method == "POST":
        messages.error(request, _("This import has already started; upload the file again to change it."))
        return redirect("surveys:import_batch", survey.pk, batch.pk)

    preview_rows, preview_error, preview_targets = [], "", []
    if editable:
        try:
            _sheet, preview_rows = services.preview(batch=batch)
        except ApplicationError as exc:
            preview_error = exc.message
        labels = dict(services.target_labels(Question.objects.filter(questionnaire_id=survey.questionnaire_id)))
        mapped = sorted(((int(i), t) for i, t in (batch.mapping or {}).items() if t), key=lambda pair: pair[0])
        preview_targets = [(t, batch.headers[i] if i < len(batch.headers) else "", labels.get(t, t)) for i, t in mapped]
        if services.SERVICE not in dict(mapped).values() and (batch.defaults or {}).get("service"):
            preview_targets.append((services.SERVICE, "", labels[services.SERVICE]))
    preview = [
        {"line": row.line, "cells": [row.values.get(t, "") for t, _h, _l in preview_targets], "errors": row.errors}
        for row in preview_rows
    ]
    return render(
        request,
        "surveys/imports_batch.html",
        {
            "survey": survey,
            "batch": batch,
            "form": form,
            "editable": editable,
            "preview": preview,
            "preview_error": preview_error,
            "preview_targets": preview_targets,
            "percent": selectors.progress_percent(batch),
            "S": ImportBatch.Status,
        },
        status=status,
    )


@login_required
@require_POST
def import_start(request, survey_id, batch_id):
    survey = _survey(request.user, survey_id)
    batch = _batch(survey, batch_id)
    try:
        batch = services.start_import(batch=batch, by=request.user, now=timezone.now())
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if batch.status == ImportBatch.Status.DONE:
            messages.success(
                request,
                ngettext("%(n)s response was imported.", "%(n)s responses were imported.", batch.imported_rows)
                % {"n": batch.imported_rows},
            )
        elif batch.status == ImportBatch.Status.FAILED:
            messages.error(request, _("The import failed and nothing was imported."))
    return redirect("surveys:import_batch", survey.pk, batch.pk)


@login_required
@require_GET
def import_progress(request, survey_id, batch_id):
    survey = _survey(request.user, survey_id)
    batch = _batch(survey, batch_id)
    if request.htmx and batch.status != ImportBatch.Status.IMPORTING:
        # Finished: the whole page changes (result, errors), so load it again.
        return HttpResponseClientRefresh()
    return render(
        request,
        "surveys/imports_batch.html#progress",
        {"survey": survey, "batch": batch, "percent": selectors.progress_percent(batch), "S": ImportBatch.Status},
    )
