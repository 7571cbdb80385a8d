"""Importing answers from a spreadsheet (XLSX/CSV, e.g. a Google Forms export), all or nothing.

The steps, each one service:

1. :func:`upload_import` stores the file privately, reads its header, guesses what each column
   holds (:func:`guess_mapping`) and refuses a file already imported into the survey.
2. :func:`check_import` saves the column mapping and the defaults, then reads and checks *every*
   row with the same :func:`mutu.surveys.services.validate_submission` every channel uses; the
   errors (row, column, message) are kept on the batch and nothing is imported while there are any.
3. :func:`start_import` claims a checked batch; small files are imported at once, big ones by the
   background task :func:`mutu.surveys.tasks.import_responses_task` enqueued on commit.
4. :func:`run_import` reads and checks the file again (progress in ``processed_rows``), then writes
   every response in one transaction through :func:`mutu.surveys.services.record_responses`. A
   failure rolls everything back: a failed import leaves no responses.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mutu.core.audit import record_audit
from mutu.core.errors import ApplicationError
from mutu.core.files import private_root
from mutu.core.models import StoredFile
from mutu.organisations.models import Gerai, Location
from mutu.standards.models import Service
from mutu.surveys import sheets
from mutu.surveys.calculations import UNSUR_NAME
from mutu.surveys.models import AgeGroup, Channel, Education, Gender, ImportBatch, Occupation, Question, Survey
from mutu.surveys.services import (
    CheckedSubmission,
    QuestionSpec,
    Submission,
    questionnaire_spec,
    record_responses,
    validate_submission,
)

logger = logging.getLogger(__name__)

# A file with more rows is refused: split it (the check reads every row in the request).
MAX_ROWS = 20_000
# Files with fewer rows are imported in the request; bigger ones by the background task.
INLINE_ROWS = 500
PREVIEW_ROWS = 10
MAX_REPORTED_ERRORS = 500
PROGRESS_EVERY = 200
CONTENT_TYPES = {
    sheets.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    sheets.CSV: "text/csv",
}

# What a column can hold. Questions are "q:<code>".
IGNORE = ""
GENDER = "gender"
AGE = "age_group"
EDUCATION = "education"
OCCUPATION = "occupation"
SERVICE = "service"
DATE = "answered_at"
SUGGESTION = "suggestion"
PROFILE_TARGETS = (GENDER, AGE, EDUCATION, OCCUPATION)
OTHER_TARGETS = (*PROFILE_TARGETS, SERVICE, DATE, SUGGESTION)
PROFILE_PARSERS = {
    GENDER: sheets.parse_gender,
    AGE: sheets.parse_age_group,
    EDUCATION: sheets.parse_education,
    OCCUPATION: sheets.parse_occupation,
}
PROFILE_CHOICES = {GENDER: Gender, AGE: AgeGroup, EDUCATION: Education, OCCUPATION: Occupation}


def question_target(code: str) -> str:
    return f"q:{code}"


def target_labels(questions: Iterable[Question]) -> list[tuple[str, str]]:
    """(value, label) of every target a column can be mapped to, for forms and previews."""
    choices = [(IGNORE, _("Ignore this column"))]
    for q in questions:
        name = UNSUR_NAME.get(q.unsur, "") if q.unsur else q.text
        label = f"{q.code} · {name}" if name else q.code
        choices.append((question_target(q.code), label if len(label) <= 70 else label[:67] + "…"))
    choices += [
        (GENDER, _("Gender")),
        (AGE, _("Age (a number or an age group)")),
        (EDUCATION, _("Education")),
        (OCCUPATION, _("Occupation")),
        (SERVICE, _("Service received")),
        (DATE, _("Date answered")),
        (SUGGESTION, _("Suggestion")),
    ]
    return choices


# --- guessing the mapping from the headers --------------------------------------------------------

DATE_WORDS = ("stempel waktu", "cap waktu", "timestamp", "tanggal", "tgl", "date", "waktu pengisian")
PROFILE_WORDS = {
    GENDER: ("jenis kelamin", "kelamin", "gender", "sex", "l p"),
    AGE: ("usia", "umur", "age"),
    EDUCATION: ("pendidikan", "education"),
    OCCUPATION: ("pekerjaan", "profesi", "occupation"),
}
UNSUR_WORDS = {
    "persyaratan": ("persyaratan",),
    "prosedur": ("prosedur", "mekanisme"),
    "waktu": ("waktu penyelesaian", "kecepatan", "waktu"),
    "biaya": ("biaya", "tarif"),
    "produk": ("produk", "spesifikasi"),
    "kompetensi": ("kompetensi",),
    "perilaku": ("perilaku", "kesopanan", "keramahan"),
    "pengaduan": ("pengaduan",),
    "sarana": ("sarana", "prasarana"),
}
SUGGESTION_WORDS = ("saran", "masukan", "kritik", "suggestion", "komentar", "harapan")
SERVICE_WORDS = ("jenis layanan", "jenis pelayanan", "layanan", "pelayanan", "service")
# Headers longer than this are question texts: keywords would match them by accident.
SHORT_HEADER = 40


def _has_word(header: str, phrase: str) -> bool:
    return f" {phrase} " in f" {header} "


def guess_target(header: str, questions: Sequence[Question]) -> str:
    """What a column probably holds, from its header alone; IGNORE when unsure."""
    text = sheets.normalise_header(header)
    if not text:
        return IGNORE
    by_code = {q.code.lower(): q for q in questions}
    first = text.split(" ", 1)[0]
    if first in by_code:
        return question_target(by_code[first].code)
    compact = text.replace(" ", "")
    if compact in by_code:
        return question_target(by_code[compact].code)
    # Google Forms exports use the question text as the header.
    for q in questions:
        wording = sheets.normalise_header(q.text)
        if len(wording) >= 20 and (wording in text or (len(text) >= 20 and text in wording)):
            return question_target(q.code)
    if len(text) >= 20:
        best = max(
            questions,
            key=lambda q: difflib.SequenceMatcher(None, text, sheets.normalise_header(q.text)).ratio(),
            default=None,
        )
        if best is not None and difflib.SequenceMatcher(None, text, sheets.normalise_header(best.text)).ratio() >= 0.8:
            return question_target(best.code)
    if len(text) > SHORT_HEADER:
        return IGNORE
    if any(_has_word(text, w) for w in DATE_WORDS):
        return DATE
    for target, words in PROFILE_WORDS.items():
        if any(_has_word(text, w) for w in words):
            return target
    by_unsur = {q.unsur: q for q in questions if q.unsur}
    for unsur, words in UNSUR_WORDS.items():
        if unsur in by_unsur and any(_has_word(text, w) for w in words):
            return question_target(by_unsur[unsur].code)
    if any(_has_word(text, w) for w in SUGGESTION_WORDS):
        return SUGGESTION
    if any(_has_word(text, w) for w in SERVICE_WORDS):
        return SERVICE
    return IGNORE


def guess_mapping(*, headers: Sequence[str], questions: Sequence[Question]) -> dict[str, str]:
    """{column index: target}; each target goes to the first column that looks like it."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        target = guess_target(header, questions)
        if target and target not in taken:
            mapping[str(index)] = target
            taken.add(target)
    return mapping


# --- reading and checking rows -----------------------------------------------------------------


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ReadRow:
    """One spreadsheet row read through the mapping: what will be stored, and what is wrong."""

    line: int
    values: dict[str, object] = field(default_factory=dict)  # target → value as read
    errors: list[RowError] = field(default_factory=list)
    checked: CheckedSubmission | None = None


@dataclass
class ImportContext:
    survey: Survey
    spec: list[QuestionSpec]
    zone: ZoneInfo
    mapping: dict[int, str]
    services: dict[str, Service]
    location: Location | None
    gerai: Gerai | None
    service: Service | None
    answered_on: datetime.date | None


def services_for(survey: Survey) -> list[Service]:
    """The services a row may name: the survey's own list, else every service of its unit(s)."""
    chosen = list(survey.services.all())
    if chosen:
        return chosen
    unit_ids = {survey.unit_id}
    if survey.mpp_id:
        unit_ids |= set(Gerai.objects.filter(location_id=survey.mpp_id).values_list("unit_id", flat=True))
    return list(Service.objects.filter(unit_id__in=unit_ids, is_active=True))


def gerai_for(survey: Survey) -> list[Gerai]:
    """The gerai an MPP survey's rows can be attributed to (empty for a unit's own survey)."""
    if not survey.mpp_id:
        return []
    return list(Gerai.objects.filter(location_id=survey.mpp_id).select_related("unit"))


def locations_for(survey: Survey) -> list[Location]:
    locations = list(survey.locations.all())
    if survey.mpp_id and all(loc.pk != survey.mpp_id for loc in locations):
        locations.append(survey.mpp)
    return locations


def _key(text: str) -> str:
    return " ".join(str(text).lower().split())


def build_context(*, batch: ImportBatch) -> ImportContext:
    survey = batch.survey
    defaults = batch.defaults or {}
    services = services_for(survey)
    by_id = {s.pk: s for s in services}
    location = next((loc for loc in locations_for(survey) if loc.pk == defaults.get("location")), None)
    gerai = next((g for g in gerai_for(survey) if g.pk == defaults.get("gerai")), None)
    answered_on = defaults.get("answered_on")
    return ImportContext(
        survey=survey,
        spec=questionnaire_spec(survey.questionnaire_id),
        zone=ZoneInfo(survey.unit.timezone),
        mapping={int(k): v for k, v in (batch.mapping or {}).items() if v},
        services={_key(s.name): s for s in services},
        location=location,
        gerai=gerai,
        service=by_id.get(defaults.get("service")),
        answered_on=datetime.date.fromisoformat(answered_on) if answered_on else None,
    )


def _aware(parsed: sheets.ParsedDate, zone: ZoneInfo) -> datetime.datetime:
    """A parsed cell as an instant: with its own offset, else wall time in the unit's zone;
    a day without a time is taken at noon, safely inside that day."""
    hour, minute, second = parsed.time or (12, 0, 0)
    if parsed.offset_minutes is not None:
        tz = datetime.timezone(datetime.timedelta(minutes=parsed.offset_minutes))
        return datetime.datetime(parsed.year, parsed.month, parsed.day, hour, minute, second, tzinfo=tz)
    return datetime.datetime(parsed.year, parsed.month, parsed.day, hour, minute, second, tzinfo=zone)


def _period_text(survey: Survey) -> str:
    return f"{survey.starts_on:%d-%m-%Y} – {survey.ends_on:%d-%m-%Y}"


def read_row(
    row: sheets.Row, *, sheet: sheets.Sheet, ctx: ImportContext, now: datetime.datetime, batch_id: int | None
) -> ReadRow:
    """Read one row through the mapping and check it as every channel's submission is checked."""
    result = ReadRow(line=row.line)
    columns: dict[str, int] = {target: index for index, target in ctx.mapping.items()}

    def column_of(target: str) -> str:
        index = columns.get(target)
        if index is None:
            return ""
        header = sheet.headers[index] if index < len(sheet.headers) else ""
        if target.startswith("q:") and len(header) > SHORT_HEADER:
            # A question text as header (Google Forms) is named by the question's code.
            return f"{target[2:]} ({sheets.column_letter(index)})"
        return sheet.column_label(index)

    def fail(target: str, message: str) -> None:
        result.errors.append(RowError(row.line, column_of(target), message))

    answers: dict[str, object] = {}
    profile: dict[str, str] = {}
    suggestion = ""
    service = ctx.service
    answered_at: datetime.datetime | None = None
    date_failed = False
    for index, target in sorted(ctx.mapping.items()):
        raw = row.get(index)
        if target.startswith("q:"):
            answers[target[2:]] = None if sheets.is_blank(raw) else raw
            try:
                result.values[target] = sheets.parse_answer(raw)  # 4.0 is shown as the 4 it counts as
            except ValueError:
                result.values[target] = raw
        elif target in PROFILE_PARSERS:
            try:
                profile[target] = PROFILE_PARSERS[target](raw)
                result.values[target] = PROFILE_CHOICES[target](profile[target]).label if profile[target] else ""
            except ValueError:
                result.values[target] = raw
                fail(target, profile_error(target) % {"value": sheets.show(raw)})
        elif target == SERVICE:
            result.values[target] = raw
            if not sheets.is_blank(raw):
                service = ctx.services.get(_key(raw))
                if service is None:
                    fail(target, _("There is no service named %(value)s in this survey.") % {"value": sheets.show(raw)})
        elif target == DATE:
            result.values[target] = raw
            try:
                parsed = sheets.parse_date(raw)
            except ValueError:
                fail(
                    target,
                    _("%(value)s is not a date (write it as 31-10-2024 or 2024-10-31).") % {"value": sheets.show(raw)},
                )
                date_failed = True
            else:
                answered_at = _aware(parsed, ctx.zone) if parsed else None
        elif target == SUGGESTION:
            suggestion = "" if sheets.is_blank(raw) else str(raw).strip()
            result.values[target] = suggestion
    if answered_at is None and not date_failed:
        if ctx.answered_on is None:
            fail(DATE, _("The row has no date; give a date for rows without one."))
        else:
            answered_at = _aware(
                sheets.ParsedDate(ctx.answered_on.year, ctx.answered_on.month, ctx.answered_on.day), ctx.zone
            )
    if answered_at is not None:
        day = timezone.localtime(answered_at, ctx.zone).date()
        if not ctx.survey.starts_on <= day <= ctx.survey.ends_on:
            fail(
                DATE,
                _("The date %(date)s is outside the survey period (%(period)s).")
                % {"date": f"{day:%d-%m-%Y}", "period": _period_text(ctx.survey)},
            )
    result.values[SERVICE] = service.name if service else ""

    submission = Submission(
        answers=answers,
        gerai=ctx.gerai,
        location=ctx.location or (ctx.gerai.location if ctx.gerai else None),
        service=service,
        profile=profile,
        suggestion=suggestion,
        answered_at=answered_at or now,
        import_batch_id=batch_id,
        import_row=row.line,
    )
    try:
        result.checked = validate_submission(
            survey=ctx.survey, submission=submission, spec=ctx.spec, now=now, check_open=False
        )
    except ApplicationError as exc:
        targets = {code.lower(): question_target(code) for code in (q.code for q in ctx.spec)}
        for key, messages in exc.field_errors.items():
            target = targets.get(str(key).lower(), key)
            for message in messages:
                if key == "gerai":
                    message = _("Choose the gerai that served the respondents.")
                result.errors.append(RowError(row.line, column_of(target), message))
    if result.errors:
        result.checked = None
    return result


def profile_error(target: str) -> str:
    return {
        GENDER: _("%(value)s is not a gender (write L or P, Laki-laki or Perempuan)."),
        AGE: _("%(value)s is not an age or an age group (write an age such as 35, or a range such as 30-39)."),
        EDUCATION: _("%(value)s is not a known level of education (for example SD, SMP, SMA/SMK, D3, S1, S2)."),
        OCCUPATION: _("%(value)s is not a known occupation."),
    }[target]


def read_file(batch: ImportBatch, *, limit: int | None = None) -> sheets.Sheet:
    try:
        data = (private_root() / batch.file.relative_path).read_bytes()
    except OSError as exc:
        raise ApplicationError(_("The uploaded file is no longer available; upload it again.")) from exc
    try:
        return sheets.read_sheet(data, batch.original_name, max_rows=MAX_ROWS, limit=limit)
    except sheets.SheetError as exc:
        raise ApplicationError(sheet_error_message(exc)) from exc


def sheet_error_message(exc: sheets.SheetError) -> str:
    messages = {
        "empty": _("The file is empty."),
        "xls": _("Old Excel .xls files cannot be read. Save the sheet as .xlsx or CSV and upload it again."),
        "not_xlsx": _("The file is not a valid .xlsx workbook."),
        "not_table": _("Only XLSX and CSV files can be imported."),
        "no_header": _("The first row of the file must hold the column names."),
        "too_many_rows": _("The file has more than %(n)s rows. Split it into smaller files.") % {"n": MAX_ROWS},
        "unreadable": _("The file could not be read as a spreadsheet."),
        "too_big": _("The workbook is too large when unpacked. Split it into smaller files."),
    }
    return messages.get(exc.code, messages["unreadable"])


def preview(*, batch: ImportBatch, now: datetime.datetime | None = None) -> tuple[sheets.Sheet, list[ReadRow]]:
    """The first rows as they will be read (a read: nothing is stored)."""
    sheet = read_file(batch, limit=PREVIEW_ROWS)
    ctx = build_context(batch=batch)
    now = now or timezone.now()
    return sheet, [read_row(row, sheet=sheet, ctx=ctx, now=now, batch_id=batch.pk) for row in sheet.rows]


def _check_rows(
    *, batch: ImportBatch, now: datetime.datetime, on_progress=None
) -> tuple[list[CheckedSubmission], list[RowError], int]:
    sheet = read_file(batch)
    ctx = build_context(batch=batch)
    checked: list[CheckedSubmission] = []
    errors: list[RowError] = []
    for done, row in enumerate(sheet.rows, start=1):
        result = read_row(row, sheet=sheet, ctx=ctx, now=now, batch_id=batch.pk)
        errors += result.errors
        if result.checked is not None:
            checked.append(result.checked)
        if on_progress is not None and done % PROGRESS_EVERY == 0:
            on_progress(done)
    if not sheet.rows:
        errors.append(RowError(2, "", _("The file has no rows of answers below the header.")))
    return checked, errors, len(sheet.rows)


def _error_list(errors: Sequence[RowError]) -> list[dict]:
    shown = [e.as_dict() for e in errors[:MAX_REPORTED_ERRORS]]
    if len(errors) > MAX_REPORTED_ERRORS:
        shown.append(
            {
                "row": None,
                "column": "",
                "message": ngettext(
                    "… and %(n)s more error.", "… and %(n)s more errors.", len(errors) - MAX_REPORTED_ERRORS
                )
                % {"n": len(errors) - MAX_REPORTED_ERRORS},
            }
        )
    return shown


# --- the services -------------------------------------------------------------------------------


def _already_imported(survey: Survey, sha256: str) -> ImportBatch | None:
    return ImportBatch.objects.filter(survey=survey, sha256=sha256, status=ImportBatch.Status.DONE).first()


def _refuse_reimport(survey: Survey, sha256: str) -> None:
    done = _already_imported(survey, sha256)
    if done is not None:
        raise ApplicationError(
            _("This file was already imported into this survey (%(name)s, %(n)s responses). It is not imported twice.")
            % {"name": done.original_name, "n": done.imported_rows},
            field_errors={"file": [_("This file was already imported into this survey.")]},
        )


def _store_sheet(*, data: bytes, name: str, kind: str, survey: Survey, by, now: datetime.datetime) -> StoredFile:
    """Keep the spreadsheet privately, the way ``mutu.core.files.store_upload`` keeps uploads.

    ``store_upload`` accepts only PDF and images (it sniffs and re-encodes them); a spreadsheet is
    stored as received, under the same private root, path scheme and audit action.
    """
    stored = StoredFile(
        created_at=now,
        uploaded_by=by if by is not None and by.is_authenticated else None,
        unit=survey.unit,
        is_public=False,
        purpose="survey-import",
        original_name=Path(name or "import").name[:255],
        kind=kind,
        content_type=CONTENT_TYPES[kind],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    stored.relative_path = f"{now:%Y/%m}/{stored.id.hex}"
    target = private_root() / stored.relative_path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    stored.save()
    record_audit(
        actor=by,
        action="file.store",
        obj=stored,
        unit=survey.unit,
        after={"purpose": stored.purpose, "kind": kind, "size": stored.size, "sha256": stored.sha256},
        now=now,
    )
    return stored


def upload_import(*, survey: Survey, upload: UploadedFile, by, now: datetime.datetime) -> ImportBatch:
    """Store an uploaded spreadsheet, read its header and guess the mapping."""
    limit = settings.UPLOAD_MAX_BYTES
    too_big = _("The file is too large (maximum %(mb)s MB).") % {"mb": round(limit / 1024 / 1024, 1)}
    if upload.size and upload.size > limit:
        raise ApplicationError(too_big, field_errors={"file": [too_big]})
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ApplicationError(too_big, field_errors={"file": [too_big]})
    name = Path(upload.name or "import").name
    try:
        sheet = sheets.read_sheet(data, name, max_rows=MAX_ROWS)
    except sheets.SheetError as exc:
        message = sheet_error_message(exc)
        raise ApplicationError(message, field_errors={"file": [message]}) from exc
    sha256 = hashlib.sha256(data).hexdigest()
    _refuse_reimport(survey, sha256)
    questions = list(Question.objects.filter(questionnaire_id=survey.questionnaire_id))
    path = None
    try:
        with transaction.atomic():
            stored = _store_sheet(data=data, name=name, kind=sheet.kind, survey=survey, by=by, now=now)
            path = private_root() / stored.relative_path
            batch = ImportBatch.objects.create(
                survey=survey,
                file=stored,
                original_name=stored.original_name,
                sha256=sha256,
                headers=sheet.headers,
                mapping=guess_mapping(headers=sheet.headers, questions=questions),
                defaults=_initial_defaults(survey, now),
                total_rows=len(sheet.rows),
                created_at=now,
                created_by=by if getattr(by, "is_authenticated", False) else None,
            )
            record_audit(
                actor=by,
                action="survey.import.upload",
                obj=batch,
                unit=survey.unit,
                after={"survey": survey.pk, "file": stored.original_name, "rows": len(sheet.rows), "sha256": sha256},
                now=now,
            )
    except Exception:
        if path is not None:
            path.unlink(missing_ok=True)
        raise
    return batch


def _initial_defaults(survey: Survey, now: datetime.datetime) -> dict:
    today = timezone.localtime(now, ZoneInfo(survey.unit.timezone)).date()
    day = min(max(today, survey.starts_on), survey.ends_on)
    defaults: dict = {"answered_on": day.isoformat()}
    locations = locations_for(survey)
    if len(locations) == 1:
        defaults["location"] = locations[0].pk
    return defaults


def _editable(batch: ImportBatch) -> None:
    if batch.status not in (ImportBatch.Status.UPLOADED, ImportBatch.Status.INVALID, ImportBatch.Status.READY):
        raise ApplicationError(_("This import has already started; upload the file again to change it."))


def check_import(
    *,
    batch: ImportBatch,
    mapping: Mapping[str, str],
    defaults: Mapping[str, object],
    by,
    now: datetime.datetime,
) -> ImportBatch:
    """Save the mapping and defaults, then check every row; READY when no row has an error."""
    _editable(batch)
    mapping = {str(k): v for k, v in mapping.items() if v}
    questions = {
        question_target(q.code) for q in Question.objects.filter(questionnaire_id=batch.survey.questionnaire_id)
    }
    valid = questions | set(OTHER_TARGETS)
    field_errors: dict[str, list[str]] = {}
    seen: dict[str, str] = {}
    for index, target in mapping.items():
        if target not in valid or not index.isdigit() or int(index) >= len(batch.headers):
            field_errors.setdefault(f"col_{index}", []).append(_("Choose one of the listed options."))
        elif target in seen:
            field_errors.setdefault(f"col_{index}", []).append(
                _("Another column is already read as this; each can be chosen once.")
            )
        seen.setdefault(target, index)
    if not any(t.startswith("q:") for t in mapping.values()):
        field_errors.setdefault("__all__", []).append(_("Map at least one column to a question."))
    if DATE not in mapping.values() and not defaults.get("answered_on"):
        field_errors.setdefault("answered_on", []).append(
            _("No column holds the date answered: give the date of these answers.")
        )
    if batch.survey.mpp_id and not defaults.get("gerai"):
        field_errors.setdefault("gerai", []).append(_("Choose the gerai that served the respondents."))
    if field_errors:
        raise ApplicationError(_("Some choices need attention."), field_errors=field_errors)
    before = {"mapping": batch.mapping, "defaults": batch.defaults, "status": batch.status}
    batch.mapping = mapping
    batch.defaults = {k: v for k, v in defaults.items() if v not in (None, "")}
    _checked, errors, total = _check_rows(batch=batch, now=now)
    batch.errors = _error_list(errors)
    batch.total_rows = total
    batch.processed_rows = 0
    batch.status = ImportBatch.Status.INVALID if errors else ImportBatch.Status.READY
    with transaction.atomic():
        batch.save(update_fields=["mapping", "defaults", "errors", "total_rows", "processed_rows", "status"])
        record_audit(
            actor=by,
            action="survey.import.check",
            obj=batch,
            unit=batch.survey.unit,
            before=before,
            after={"mapping": batch.mapping, "defaults": batch.defaults, "status": batch.status, "errors": len(errors)},
            now=now,
        )
    return batch


def start_import(*, batch: ImportBatch, by, now: datetime.datetime) -> ImportBatch:
    """Claim a checked batch and import it: now when it is small, else in the background."""
    _refuse_reimport(batch.survey, batch.sha256)
    with transaction.atomic():
        claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.READY).update(
            status=ImportBatch.Status.IMPORTING, processed_rows=0, errors=[]
        )
        if claimed != 1:
            raise ApplicationError(_("Only a checked file without errors can be imported."))
        record_audit(
            actor=by,
            action="survey.import.start",
            obj=batch,
            unit=batch.survey.unit,
            after={"rows": batch.total_rows},
            now=now,
        )
        if batch.total_rows >= INLINE_ROWS:
            from mutu.surveys.tasks import import_responses_task

            transaction.on_commit(lambda: import_responses_task.enqueue(batch.pk))
    if batch.total_rows < INLINE_ROWS:
        run_import(batch_id=batch.pk, now=now, by=by)
    batch.refresh_from_db()
    return batch


def _fail(batch: ImportBatch, errors: Sequence[RowError], *, by, now: datetime.datetime) -> ImportBatch:
    with transaction.atomic():
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.FAILED, errors=_error_list(errors), finished_at=now
        )
        record_audit(
            actor=by,
            action="survey.import.fail",
            obj=batch,
            unit=batch.survey.unit,
            after={"errors": [e.as_dict() for e in errors[:20]]},
            now=now,
        )
    batch.refresh_from_db()
    return batch


def run_import(*, batch_id: int, now: datetime.datetime, by=None) -> ImportBatch | None:
    """Check every row again, then store them all in one transaction (or none at all)."""
    batch = ImportBatch.objects.select_related("survey__unit", "file", "created_by").filter(pk=batch_id).first()
    if batch is None or batch.status != ImportBatch.Status.IMPORTING:
        return batch
    by = by or batch.created_by

    def progress(done: int) -> None:
        ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=done)

    try:
        checked, errors, total = _check_rows(batch=batch, now=now, on_progress=progress)
    except ApplicationError as exc:
        return _fail(batch, [RowError(1, "", exc.message)], by=by, now=now)
    if errors:
        return _fail(batch, errors, by=by, now=now)
    ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=total, total_rows=total)
    try:
        with transaction.atomic():
            _responses, created = record_responses(
                survey=batch.survey, channel=Channel.IMPORT, checked=checked, now=now
            )
            done = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.IMPORTING).update(
                status=ImportBatch.Status.DONE, imported_rows=created, finished_at=now
            )
            if done != 1:
                raise IntegrityError("import batch changed while importing")
            record_audit(
                actor=by,
                action="survey.import.done",
                obj=batch,
                unit=batch.survey.unit,
                after={"survey": batch.survey_id, "responses": created, "sha256": batch.sha256},
                now=now,
            )
    except IntegrityError:
        logger.warning("import batch %s refused by the database", batch.pk, exc_info=True)
        message = (
            _("This file was already imported into this survey. It is not imported twice.")
            if _already_imported(batch.survey, batch.sha256)
            else _("The import failed and nothing was imported. Check the file and try again.")
        )
        return _fail(batch, [RowError(1, "", message)], by=by, now=now)
    except Exception:
        # Rolled back: nothing was stored. The batch says so instead of staying "importing".
        logger.exception("import batch %s failed", batch.pk)
        return _fail(
            batch,
            [RowError(1, "", _("The import failed and nothing was imported. Check the file and try again."))],
            by=by,
            now=now,
        )
    batch.refresh_from_db()
    return batch
