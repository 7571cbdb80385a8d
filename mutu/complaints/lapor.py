"""The SP4N-LAPOR! exchange file: parse an export of the national channel, build ours (pure).

One layout for both directions, CSV (UTF-8, a BOM is accepted, comma or semicolon) or JSON (a
list of objects, or an object whose ``data`` or ``laporan`` key holds that list), with these
Indonesian column names as LAPOR! writes them:

========================  ========  ===============================================================
column                    import    meaning
========================  ========  ===============================================================
``Nomor Tracking``        required  the report's LAPOR! tracking id (our external id, unique per
                                    instansi); in our export a report that did not come from LAPOR!
                                    carries our own tracking code
``Judul``                 required  subject (at most 200 characters)
``Isi Laporan``           required  the text (at most 8000 characters)
``Jenis``                 required  ``Pengaduan``, ``Aspirasi`` or ``Permintaan Informasi``
``Kategori``              optional  LAPOR!'s category, kept as it is
``Tanggal Laporan``       required  when the citizen sent it: ``2026-11-20 09:15:00`` (or ``…T…``,
                                    with or without seconds, or ``20-11-2026 09:15`` / ``20/11/2026``);
                                    without an offset it is the instansi's local time
``Tanggal Kejadian``      optional  the day it happened (``2026-11-19`` or ``19-11-2026``)
``Status``                optional  the LAPOR! status: Belum Terverifikasi, Belum Ditindaklanjuti,
                                    Proses, Selesai, Ditunda, Bukan Wewenang, Diarsipkan
``Anonim``                optional  ``Ya`` / ``Tidak`` (also true/false, 1/0); empty is ``Tidak``
``Rahasia``               optional  ``Ya`` / ``Tidak``
``Tindak Lanjut``         export    our latest public reply (ignored on import)
``Tanggal Tindak Lanjut`` export    when it was posted
``Unit Penanganan``       export    the unit handling it now
========================  ========  ===============================================================

The file never carries the complainant's identity: LAPOR! keeps it, and our export must not leak
anonim identities.  Any other column is ignored.  Column names are matched without regard to
case or surrounding spaces.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

TRACKING = "Nomor Tracking"
TITLE = "Judul"
TEXT = "Isi Laporan"
KIND = "Jenis"
CATEGORY = "Kategori"
REPORTED_AT = "Tanggal Laporan"
OCCURRED_ON = "Tanggal Kejadian"
STATUS = "Status"
ANONYMOUS = "Anonim"
CONFIDENTIAL = "Rahasia"
FOLLOW_UP = "Tindak Lanjut"
FOLLOW_UP_AT = "Tanggal Tindak Lanjut"
UNIT = "Unit Penanganan"

COLUMNS = [
    TRACKING,
    TITLE,
    TEXT,
    KIND,
    CATEGORY,
    REPORTED_AT,
    OCCURRED_ON,
    STATUS,
    ANONYMOUS,
    CONFIDENTIAL,
    FOLLOW_UP,
    FOLLOW_UP_AT,
    UNIT,
]
REQUIRED = (TRACKING, TITLE, TEXT, KIND, REPORTED_AT)

# LAPOR!'s names of the three kinds → mutu's Kind values (kept here so this module stays pure).
KINDS = {"pengaduan": "pengaduan", "aspirasi": "aspirasi", "permintaan informasi": "informasi"}
KIND_NAMES = {"pengaduan": "Pengaduan", "aspirasi": "Aspirasi", "informasi": "Permintaan Informasi"}
STATUSES = (
    "Belum Terverifikasi",
    "Belum Ditindaklanjuti",
    "Proses",
    "Selesai",
    "Ditunda",
    "Bukan Wewenang",
    "Diarsipkan",
)
YES = {"ya", "y", "true", "1", "yes"}
NO = {"tidak", "t", "false", "0", "no", ""}

TITLE_MAX = 200
TEXT_MAX = 8000
TRACKING_MAX = 40
CATEGORY_MAX = 120
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024

DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
)
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")
EXPORT_DATETIME = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class LaporRow:
    line: int
    tracking_id: str
    title: str
    text: str
    kind: str
    category: str
    reported_at: datetime.datetime
    occurred_on: datetime.date | None
    status: str
    is_anonymous: bool
    is_confidential: bool


@dataclass
class RowError:
    line: int  # 1 = the header in CSV; in JSON the position of the object, from 1
    tracking_id: str
    messages: list[str] = field(default_factory=list)


@dataclass
class ParsedFile:
    rows: list[LaporRow]
    errors: list[RowError]


class FileError(ValueError):
    """The file as a whole cannot be read (not a row's fault)."""


def file_format(filename: str) -> str:
    name = (filename or "").lower()
    if name.endswith(".json"):
        return "json"
    if name.endswith(".csv") or name.endswith(".txt"):
        return "csv"
    raise FileError(_("Upload a .csv or .json file exported from SP4N-LAPOR!."))


def parse_file(content: bytes, *, fmt: str, zone: ZoneInfo) -> ParsedFile:
    """Read every record and check it; rows with errors are reported, not returned."""
    if len(content) > MAX_BYTES:
        raise FileError(_("The file is larger than 5 MB. Split it into smaller files."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileError(_("The file is not UTF-8 text. Save it again as CSV UTF-8 or JSON.")) from exc
    records = _json_records(text) if fmt == "json" else _csv_records(text)
    if len(records) > MAX_ROWS:
        raise FileError(_("The file has more than %(n)s reports. Split it into smaller files.") % {"n": MAX_ROWS})
    if not records:
        raise FileError(_("The file has no reports."))
    rows: list[LaporRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, record in records:
        row, problems = _check(line, record, zone)
        tracking = (record.get(TRACKING) or "").strip()
        if tracking and tracking in seen:
            problems.append(_("This tracking number already appears on line %(line)s.") % {"line": seen[tracking]})
        elif tracking:
            seen[tracking] = line
        if problems:
            errors.append(RowError(line=line, tracking_id=tracking[:TRACKING_MAX], messages=problems))
        else:
            rows.append(row)
    return ParsedFile(rows=rows, errors=errors)


def _normalise_keys(record: dict) -> dict[str, str]:
    known = {c.lower(): c for c in COLUMNS}
    out: dict[str, str] = {}
    for key, value in record.items():
        column = known.get(str(key or "").strip().lower())
        if column is None:
            continue
        if value is None:
            value = ""
        elif isinstance(value, bool):
            value = "Ya" if value else "Tidak"
        out[column] = str(value).replace("\x00", "")  # NUL is never text (and PostgreSQL refuses it)
    return out


def _csv_records(text: str) -> list[tuple[int, dict[str, str]]]:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers = {(h or "").strip().lower() for h in (reader.fieldnames or [])}
    missing = [c for c in REQUIRED if c.lower() not in headers]
    if missing:
        raise FileError(_("The file lacks the column(s): %(columns)s.") % {"columns": ", ".join(missing)})
    records = []
    try:
        for record in reader:
            if not any((v or "").strip() for v in record.values() if isinstance(v, str)):
                continue  # blank line
            values = _normalise_keys(record)
            records.append((reader.line_num, {k: _unsafe_cell(v) for k, v in values.items()}))
    except csv.Error as exc:
        raise FileError(_("The CSV file is damaged near line %(line)s.") % {"line": reader.line_num}) from exc
    return records


def _json_records(text: str) -> list[tuple[int, dict[str, str]]]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise FileError(_("The file is not valid JSON.")) from exc
    if isinstance(data, dict):
        data = data.get("data", data.get("laporan"))
    if not isinstance(data, list):
        raise FileError(_("The JSON file must hold a list of reports."))
    records = []
    for position, record in enumerate(data, start=1):
        if not isinstance(record, dict):
            records.append((position, {}))
        else:
            records.append((position, _normalise_keys(record)))
    return records


def _check(line: int, record: dict[str, str], zone: ZoneInfo) -> tuple[LaporRow | None, list[str]]:
    problems: list[str] = []
    values = {k: (v or "").strip() for k, v in record.items()}
    for column in REQUIRED:
        if not values.get(column):
            problems.append(_("“%(column)s” is empty.") % {"column": column})
    tracking = values.get(TRACKING, "")
    if len(tracking) > TRACKING_MAX:
        problems.append(_("“%(column)s” is longer than %(n)s characters.") % {"column": TRACKING, "n": TRACKING_MAX})
    if len(values.get(TITLE, "")) > TITLE_MAX:
        problems.append(_("“%(column)s” is longer than %(n)s characters.") % {"column": TITLE, "n": TITLE_MAX})
    if len(values.get(TEXT, "")) > TEXT_MAX:
        problems.append(_("“%(column)s” is longer than %(n)s characters.") % {"column": TEXT, "n": TEXT_MAX})
    if len(values.get(CATEGORY, "")) > CATEGORY_MAX:
        problems.append(_("“%(column)s” is longer than %(n)s characters.") % {"column": CATEGORY, "n": CATEGORY_MAX})
    kind = KINDS.get(values.get(KIND, "").lower())
    if values.get(KIND) and kind is None:
        problems.append(
            _("“%(column)s” must be Pengaduan, Aspirasi or Permintaan Informasi, not “%(value)s”.")
            % {"column": KIND, "value": values[KIND][:40]}
        )
    reported_at = None
    if values.get(REPORTED_AT):
        reported_at = parse_datetime(values[REPORTED_AT], zone)
        if reported_at is None:
            problems.append(
                _("“%(column)s” is not a date and time such as 2026-11-20 09:15, but “%(value)s”.")
                % {"column": REPORTED_AT, "value": values[REPORTED_AT][:40]}
            )
    occurred_on = None
    if values.get(OCCURRED_ON):
        occurred_on = parse_date(values[OCCURRED_ON])
        if occurred_on is None:
            problems.append(
                _("“%(column)s” is not a date such as 2026-11-19, but “%(value)s”.")
                % {"column": OCCURRED_ON, "value": values[OCCURRED_ON][:40]}
            )
    status = ""
    if values.get(STATUS):
        status = next((s for s in STATUSES if s.lower() == values[STATUS].lower()), "")
        if not status:
            problems.append(
                _("“%(column)s” is not a SP4N-LAPOR! status: “%(value)s”.")
                % {"column": STATUS, "value": values[STATUS][:40]}
            )
    flags = {}
    for column in (ANONYMOUS, CONFIDENTIAL):
        value = values.get(column, "").lower()
        if value in YES:
            flags[column] = True
        elif value in NO:
            flags[column] = False
        else:
            problems.append(
                _("“%(column)s” must be Ya or Tidak, not “%(value)s”.")
                % {"column": column, "value": values[column][:40]}
            )
    if problems:
        return None, problems
    return (
        LaporRow(
            line=line,
            tracking_id=tracking,
            title=values[TITLE],
            text=values[TEXT],
            kind=kind,
            category=values.get(CATEGORY, ""),
            reported_at=reported_at,
            occurred_on=occurred_on,
            status=status,
            is_anonymous=flags[ANONYMOUS],
            is_confidential=flags[CONFIDENTIAL],
        ),
        [],
    )


def parse_datetime(value: str, zone: ZoneInfo) -> datetime.datetime | None:
    value = value.strip()
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
        for fmt in DATETIME_FORMATS + DATE_FORMATS:
            try:
                parsed = datetime.datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
        if parsed is None:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(datetime.UTC)


def parse_date(value: str) -> datetime.date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


def yes_no(value: bool) -> str:
    return "Ya" if value else "Tidak"


def format_datetime(value: datetime.datetime | None, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime(EXPORT_DATETIME) if value else ""


def build_csv(rows: list[dict[str, str]]) -> bytes:
    """Rows (dicts keyed by ``COLUMNS``) as CSV, UTF-8 with a BOM so spreadsheets read it right."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: _safe_cell(row.get(c, "")) for c in COLUMNS})
    return buffer.getvalue().encode("utf-8-sig")


def build_json(rows: list[dict[str, str]]) -> bytes:
    return json.dumps([{c: row.get(c, "") for c in COLUMNS} for row in rows], ensure_ascii=False, indent=1).encode()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _unsafe_cell(value: str) -> str:
    """Undo ``_safe_cell`` so a round trip keeps the text."""
    if value[:1] == "'" and value[1:2] in FORMULA_STARTS and value[1:2] != "":
        return value[1:]
    return value


def _safe_cell(value: str) -> str:
    """Keep a spreadsheet from running a citizen's text as a formula (CSV injection)."""
    value = str(value or "")
    if value[:1] in FORMULA_STARTS:
        return "'" + value
    return value
