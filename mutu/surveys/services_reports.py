"""Writes behind the Laporan SKM: the unit's analysis text and the rencana tindak lanjut.

Each service checks its rules, writes in one transaction with an audit row, and raises
``ApplicationError`` with a message per field. Who may call them is decided by the views
(``selectors_reports.follow_up_access`` and ``surveys_managed_by``).
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from mutu.core.audit import record_audit, snapshot
from mutu.core.errors import ApplicationError
from mutu.core.files import store_upload
from mutu.organisations.models import Unit
from mutu.surveys.models import FollowUpAction, Survey, Unsur
from mutu.surveys.selectors_reports import survey_units

ANALYSIS_MAX_LENGTH = 20_000
ACTION_MAX_LENGTH = 2_000
NOTE_MAX_LENGTH = 4_000
RESPONSIBLE_MAX_LENGTH = 200
# A plan is for the next period or two, not for a decade.
DUE_WITHIN_DAYS = 3 * 366
EVIDENCE_PURPOSE = "survey.follow_up_evidence"

FOLLOW_UP_FIELDS = ["unit", "unsur", "action", "responsible", "due_date", "status", "progress_note", "evidence"]


def update_survey_analysis(*, survey: Survey, analysis: str, by, now: datetime.datetime | None = None) -> Survey:
    """Save the unit's own analysis of the results, printed in chapter V of the report."""
    now = now or timezone.now()
    text = (analysis or "").strip()
    if len(text) > ANALYSIS_MAX_LENGTH:
        raise ApplicationError(
            _("The analysis is too long."),
            field_errors={
                "analysis": [
                    _("Please keep the analysis under %(n)s characters.")
                    % {"n": formats.number_format(ANALYSIS_MAX_LENGTH, force_grouping=True)}
                ]
            },
        )
    with transaction.atomic():
        before = {"analysis": survey.analysis}
        Survey.objects.filter(pk=survey.pk).update(analysis=text)
        survey.analysis = text
        record_audit(
            actor=by,
            action="survey.analysis",
            obj=survey,
            unit=survey.unit,
            before=before,
            after={"analysis": text},
            now=now,
        )
    return survey


def _check_text(errors: dict[str, list[str]], field: str, value: str, *, limit: int, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        errors.setdefault(field, []).append(_("Please fill in this field."))
    elif len(text) > limit:
        errors.setdefault(field, []).append(
            _("Please keep this under %(n)s characters.") % {"n": formats.number_format(limit, force_grouping=True)}
        )
    return text


def _check_due_date(errors: dict[str, list[str]], survey: Survey, due_date: datetime.date | None) -> None:
    if due_date is None:
        errors.setdefault("due_date", []).append(_("Please enter the date by which it will be done."))
        return
    if due_date <= survey.starts_on:
        errors.setdefault("due_date", []).append(
            _("The date must be after the survey started (%(date)s).")
            % {"date": formats.date_format(survey.starts_on, "j F Y")}
        )
    elif due_date > survey.ends_on + datetime.timedelta(days=DUE_WITHIN_DAYS):
        errors.setdefault("due_date", []).append(_("The date is too far away: plan within three years of the survey."))


def add_follow_up(
    *,
    survey: Survey,
    unit: Unit | None = None,
    unsur: str,
    action: str,
    responsible: str,
    due_date: datetime.date | None,
    by,
    now: datetime.datetime | None = None,
) -> FollowUpAction:
    """Plan one follow-up action for a weak unsur. ``unit`` defaults to the survey's unit; in an
    MPP survey it may be any unit with a gerai in the MPP."""
    now = now or timezone.now()
    unit = unit or survey.unit
    errors: dict[str, list[str]] = {}
    if unsur not in Unsur.values:
        errors.setdefault("unsur", []).append(_("Choose one of the nine unsur."))
    action_text = _check_text(errors, "action", action, limit=ACTION_MAX_LENGTH, required=True)
    responsible_text = _check_text(errors, "responsible", responsible, limit=RESPONSIBLE_MAX_LENGTH, required=True)
    _check_due_date(errors, survey, due_date)
    if unit.pk != survey.unit_id and not survey_units(survey=survey).filter(pk=unit.pk).exists():
        errors.setdefault("unit", []).append(_("This unit is not part of the survey."))
    if errors:
        raise ApplicationError(_("The action could not be saved. Please check the fields marked."), field_errors=errors)
    with transaction.atomic():
        follow_up = FollowUpAction.objects.create(
            survey=survey,
            unit=unit,
            unsur=unsur,
            action=action_text,
            responsible=responsible_text,
            due_date=due_date,
            status=FollowUpAction.Status.PLANNED,
            created_at=now,
            updated_at=now,
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        record_audit(
            actor=by,
            action="survey.follow_up.add",
            obj=follow_up,
            unit=unit,
            after=snapshot(follow_up, FOLLOW_UP_FIELDS),
            now=now,
        )
    return follow_up


def update_follow_up(
    *,
    follow_up: FollowUpAction,
    status: str,
    progress_note: str,
    evidence: UploadedFile | None = None,
    due_date: datetime.date | None = None,
    by,
    now: datetime.datetime | None = None,
) -> FollowUpAction:
    """Record progress: the status, a note and optionally a file as evidence (or a new due date).

    Done needs a note or evidence of what was done; dropped needs a note saying why.
    """
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if status not in FollowUpAction.Status.values:
        errors.setdefault("status", []).append(_("Choose one of the listed statuses."))
    note = _check_text(errors, "progress_note", progress_note, limit=NOTE_MAX_LENGTH, required=False)
    has_evidence = evidence is not None or follow_up.evidence_id is not None
    if status == FollowUpAction.Status.DONE and not note and not has_evidence:
        errors.setdefault("progress_note", []).append(
            _("Describe what was done, or attach a file as evidence, before marking the action done.")
        )
    if status == FollowUpAction.Status.DROPPED and not note:
        errors.setdefault("progress_note", []).append(_("Explain why the action was dropped."))
    if due_date is not None and due_date != follow_up.due_date:
        _check_due_date(errors, follow_up.survey, due_date)
    if errors:
        raise ApplicationError(
            _("The progress could not be saved. Please check the fields marked."), field_errors=errors
        )

    before = snapshot(follow_up, FOLLOW_UP_FIELDS)
    stored = None
    if evidence is not None:
        # Stored first (it writes a file and its own audit row); a refused file changes nothing.
        try:
            stored = store_upload(upload=evidence, purpose=EVIDENCE_PURPOSE, unit=follow_up.unit, by=by)
        except ApplicationError as exc:
            raise ApplicationError(
                _("The progress could not be saved. Please check the fields marked."),
                field_errors={"evidence": [exc.message]},
            ) from exc
    with transaction.atomic():
        follow_up.status = status
        follow_up.progress_note = note
        if due_date is not None:
            follow_up.due_date = due_date
        if stored is not None:
            follow_up.evidence = stored
        follow_up.updated_at = now
        follow_up.save(update_fields=["status", "progress_note", "due_date", "evidence", "updated_at"])
        record_audit(
            actor=by,
            action="survey.follow_up.update",
            obj=follow_up,
            unit=follow_up.unit,
            before=before,
            after=snapshot(follow_up, FOLLOW_UP_FIELDS),
            now=now,
        )
    return follow_up
