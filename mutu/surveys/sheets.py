"""Spreadsheets of survey answers, read without Django: CSV and XLSX into a header and rows.

Used by ``mutu ikm`` (which runs without settings) and by the import pages. Every row keeps
its line number in the file (the header is line 1), so every message can name the row a user
sees in their spreadsheet program, and its column by header and letter.

Messages here are plain English: this module has no translation machinery. The import pages
build their own translated messages from the structured errors (:class:`CellError`).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mutu.surveys.calculations import UNSUR, WEIGHT_EXACT, IkmResult, ikm_from_totals

XLSX = "xlsx"
CSV = "csv"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
CSV_DELIMITERS = ",;\t"
MAX_UNPACKED_BYTES = 200 * 1024 * 1024


class SheetError(ValueError):
    """The file cannot be read as a table; ``line`` and ``column`` say where, when known."""

    def __init__(self, message: str, *, line: int | None = None, column: str = "", code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.code = code  # lets the import pages say it in the user's language

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"row {self.line}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass(frozen=True)
class Row:
    line: int  # line number in the file; the header is line 1
    cells: tuple[object, ...]

    def get(self, index: int) -> object:
        return self.cells[index] if index < len(self.cells) else None


@dataclass
class Sheet:
    kind: str
    headers: list[str]
    rows: list[Row] = field(default_factory=list)

    def column_label(self, index: int) -> str:
        """How a message names a column: its header and its spreadsheet letter, "U3 (D)"."""
        header = self.headers[index] if index < len(self.headers) else ""
        letter = column_letter(index)
        if not header:
            return letter
        short = header if len(header) <= 40 else header[:37] + "…"
        return f"{short} ({letter})"


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA, as spreadsheet programs name columns."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def detect_kind(data: bytes, name: str = "") -> str:
    """XLSX or CSV, by content first (an .xlsx is a zip), then by the file name."""
    if data.startswith(ZIP_MAGIC):
        return XLSX
    if data.startswith(OLE_MAGIC) or name.lower().endswith(".xls"):
        raise SheetError("old Excel .xls files cannot be read; save the sheet as .xlsx or CSV", code="xls")
    if name.lower().endswith(".xlsx"):
        raise SheetError("the file is not a valid .xlsx workbook", code="not_xlsx")
    if b"\x00" in data[:4096]:
        raise SheetError("the file is neither CSV nor XLSX", code="not_table")
    return CSV


def read_sheet(data: bytes, name: str = "", *, max_rows: int | None = None, limit: int | None = None) -> Sheet:
    """Read the first worksheet (XLSX) or the CSV text into a header and non-blank rows.

    Raises SheetError when the file is empty or unreadable, or has more than ``max_rows``
    rows of data. ``limit`` stops after that many rows (a preview).
    """
    if not data:
        raise SheetError("the file is empty", line=1, code="empty")
    kind = detect_kind(data, name)
    lines = _xlsx_lines(data) if kind == XLSX else _csv_lines(data)
    header: list[str] | None = None
    rows: list[Row] = []
    for line, cells in lines:
        if header is None:
            if line != 1 or all(is_blank(c) for c in cells):
                raise SheetError("the first row must hold the column names", line=1, code="no_header")
            header = [_header_text(c) for c in cells]
            while header and header[-1] == "":
                header.pop()
            continue
        if all(is_blank(c) for c in cells):
            continue
        rows.append(Row(line, tuple(cells)))
        if limit is not None and len(rows) >= limit:
            break
        if max_rows is not None and len(rows) > max_rows:
            raise SheetError(
                f"the file has more than {max_rows} rows; split it into smaller files", code="too_many_rows"
            )
    if header is None:
        raise SheetError("the file is empty", line=1, code="empty")
    return Sheet(kind=kind, headers=header, rows=rows)


def read_path(path: str | Path, **kwargs) -> Sheet:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SheetError(f"cannot read {path}: {exc.strerror or exc}") from None
    return read_sheet(data, path.name, **kwargs)


def _header_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _xlsx_lines(data: bytes) -> Iterator[tuple[int, list[object]]]:
    from openpyxl import load_workbook  # imported here: CSV users need no openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SheetError("the file is not a valid .xlsx workbook", code="not_xlsx") from None
    if unpacked > MAX_UNPACKED_BYTES:
        # A small upload can unpack to gigabytes (a zip bomb); openpyxl would load the strings.
        raise SheetError("the workbook is too large when unpacked; split it into smaller files", code="too_big")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SheetError(f"the workbook cannot be read ({exc.__class__.__name__})", code="not_xlsx") from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise SheetError("the workbook has no worksheet", line=1, code="empty")
        # A read-only sheet yields rows in order; min_row keeps the numbering when the top is empty.
        for line, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            yield line, list(values)
    finally:
        workbook.close()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _csv_lines(data: bytes) -> Iterator[tuple[int, list[object]]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    # The delimiter of the header line: Indonesian Excel writes semicolons, Google comma.
    delimiter = max(CSV_DELIMITERS, key=first_line.count) if first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    next_line = 1
    try:
        for cells in reader:
            line = next_line
            next_line = reader.line_num + 1
            yield line, list(cells)
    except csv.Error as exc:
        raise SheetError(f"the CSV cannot be read: {exc}", line=next_line, code="unreadable") from None


# --- answers -----------------------------------------------------------------------------------


def parse_answer(value: object) -> int | None:
    """A whole-number answer: 4, "4", " 4 ", 4.0 and "4.0" are 4; blank is None.

    Raises ValueError for anything else ("baik", 3.5, a date, TRUE).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(value)
    if not isinstance(value, str):
        raise ValueError(value)
    text = "".join(value.split())
    if text == "":
        return None
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    if re.fullmatch(r"[+-]?\d+[.,]0*", text):
        return int(re.split(r"[.,]", text)[0])
    raise ValueError(value)


def show(value: object) -> str:
    """A cell as a message quotes it."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "…")


# --- the IKM of a file (mutu ikm) --------------------------------------------------------------

IKM_CODES = tuple(code for _key, code, _name in UNSUR)
KEY_BY_CODE = {code: key for key, code, _name in UNSUR}


def ikm_columns(sheet: Sheet) -> dict[str, int]:
    """Column index of U1…U9, matched case-insensitively with spaces ignored."""
    found: dict[str, int] = {}
    problems: list[SheetError] = []
    for index, header in enumerate(sheet.headers):
        code = "".join(header.split()).upper()
        if code in KEY_BY_CODE:
            if code in found:
                problems.append(
                    SheetError(
                        f"{code} appears twice (columns {column_letter(found[code])} and {column_letter(index)})",
                        line=1,
                        column=code,
                    )
                )
            else:
                found[code] = index
    for code in IKM_CODES:
        if code not in found:
            problems.append(SheetError("the column is missing from the header row", line=1, column=code))
    if problems:
        raise SheetErrors(problems)
    return found


class SheetErrors(ValueError):
    """Several SheetErrors at once, in file order."""

    def __init__(self, errors: Sequence[SheetError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = list(errors)


def ikm_rows(sheet: Sheet) -> list[dict[str, int | None]]:
    """Each row as {unsur key: 1–4 or None}; raises SheetErrors naming each bad cell."""
    columns = ikm_columns(sheet)
    problems: list[SheetError] = []
    rows: list[dict[str, int | None]] = []
    for row in sheet.rows:
        values: dict[str, int | None] = {}
        for code in IKM_CODES:
            index = columns[code]
            raw = row.get(index)
            try:
                value = parse_answer(raw)
            except ValueError:
                value = -1
            if value is not None and not 1 <= value <= 4:
                problems.append(
                    SheetError(
                        f"{show(raw)} is not an answer (1, 2, 3, 4 or blank)",
                        line=row.line,
                        column=sheet.column_label(index),
                    )
                )
                continue
            values[KEY_BY_CODE[code]] = value
        rows.append(values)
    if problems:
        raise SheetErrors(problems)
    return rows


def ikm_of_sheet(sheet: Sheet, *, weight_mode: str = WEIGHT_EXACT) -> IkmResult:
    """The IKM of the U1…U9 columns; every unsur must have at least one answer."""
    rows = ikm_rows(sheet)
    answered = dict.fromkeys(KEY_BY_CODE.values(), 0)
    total = dict.fromkeys(KEY_BY_CODE.values(), 0)
    respondents = 0
    for values in rows:
        given = [(key, v) for key, v in values.items() if v is not None]
        respondents += bool(given)
        for key, v in given:
            answered[key] += 1
            total[key] += v
    if not sheet.rows:
        raise SheetErrors([SheetError("the file has no rows of answers below the header", line=2)])
    columns = ikm_columns(sheet)
    missing = [
        SheetError(
            f"nobody answered {code} (rows 2–{sheet.rows[-1].line})",
            line=None,
            column=sheet.column_label(columns[code]),
        )
        for code in IKM_CODES
        if answered[KEY_BY_CODE[code]] == 0
    ]
    if missing:
        raise SheetErrors(missing)
    return ikm_from_totals(
        {key: (answered[key], total[key]) for key in answered}, respondents=respondents, weight_mode=weight_mode
    )


def iter_errors(exc: SheetError | SheetErrors) -> Iterable[SheetError]:
    return exc.errors if isinstance(exc, SheetErrors) else [exc]


# --- respondent profile and dates, as people write them ------------------------------------------
# The codes returned are the stored choice values of mutu.surveys.models (Gender, AgeGroup,
# Education, Occupation); they are repeated here so this module stays free of Django.


def _words(value: object) -> list[str]:
    """Upper-case words of a cell: "SMA/SMK" → ["SMA", "SMK"], "D-III" → ["DIII"]."""
    text = str(value).upper().replace("-", "").replace(".", "")
    return re.findall(r"[A-Z0-9]+", text)


GENDER_WORDS = {
    "m": {"L", "LK", "LAKILAKI", "LAKI", "PRIA", "M", "MALE", "MAN", "COWOK"},
    "f": {"P", "PR", "PEREMPUAN", "WANITA", "F", "FEMALE", "WOMAN", "CEWEK"},
}


def parse_gender(value: object) -> str:
    """ "Laki-laki", "L", "Pria" → "m"; "Perempuan", "P", "Wanita" → "f"; blank → ""."""
    if is_blank(value):
        return ""
    words = _words(value)
    joined = "".join(words)
    for code, spellings in GENDER_WORDS.items():
        if joined in spellings or (words and words[0] in spellings and len(words) <= 2):
            return code
    raise ValueError(value)


AGE_GROUPS = (("lt20", 0, 19), ("20_29", 20, 29), ("30_39", 30, 39), ("40_49", 40, 49), ("50_59", 50, 59))


def age_group_of(age: int) -> str:
    if age < 0 or age > 120:
        raise ValueError(age)
    for code, low, high in AGE_GROUPS:
        if low <= age <= high:
            return code
    return "60plus"


def parse_age_group(value: object) -> str:
    """An age (35, "35 tahun") or a range inside one group ("30-39", "< 20", "60 ke atas")."""
    if is_blank(value):
        return ""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(value)
        return age_group_of(int(value))
    text = str(value).strip().lower()
    if text in {code for code, _low, _high in AGE_GROUPS} | {"60plus"}:
        return text
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    if len(numbers) == 1:
        (n,) = numbers
        if "<" in text or "kurang" in text or "bawah" in text or "under" in text:
            return age_group_of(n - 1)
        return age_group_of(n)
    if len(numbers) == 2 and numbers[0] <= numbers[1]:
        low, high = age_group_of(numbers[0]), age_group_of(numbers[1])
        if low == high:
            return low
    raise ValueError(value)


EDUCATION_WORDS = (
    ("s2", {"S2", "S3", "MAGISTER", "DOKTOR", "DOKTORAL", "PASCASARJANA", "MASTER", "DOCTORATE"}),
    ("s1", {"S1", "D4", "DIV", "SARJANA", "BACHELOR"}),
    ("d3", {"D1", "D2", "D3", "DI", "DII", "DIII", "DIPLOMA", "AKADEMI"}),
    ("sma", {"SMA", "SMK", "SLTA", "MA", "MAK", "SMU", "STM", "SMEA", "C", "SENIOR"}),
    ("smp", {"SMP", "SLTP", "MTS", "B", "JUNIOR"}),
    ("sd", {"SD", "MI", "TIDAK", "BELUM", "A", "PRIMARY"}),
)
EDUCATION_CODES = {code for code, _words in EDUCATION_WORDS}


def parse_education(value: object) -> str:
    """ "SMA/SMK", "SLTA" → "sma"; "S1", "D4", "Sarjana" → "s1"; "D3", "Diploma" → "d3"…"""
    if is_blank(value):
        return ""
    text = str(value).strip().lower()
    if text in EDUCATION_CODES:
        return text
    words = set(_words(value))
    # "Paket C" is the senior-high equivalent; single letters count only after "paket".
    if "PAKET" not in words:
        words -= {"A", "B", "C"}
    for code, spellings in EDUCATION_WORDS:
        if words & spellings:
            return code
    raise ValueError(value)


OCCUPATION_WORDS = (
    ("pns", {"PNS", "ASN", "TNI", "POLRI", "POLISI", "PPPK", "NEGERI", "CIVIL"}),
    ("entrepreneur", {"WIRASWASTA", "WIRAUSAHA", "PENGUSAHA", "PEDAGANG", "USAHA", "UMKM", "ENTREPRENEUR"}),
    ("private", {"SWASTA", "KARYAWAN", "KARYAWATI", "PRIVATE", "BUMN", "BUMD"}),
    ("student", {"PELAJAR", "MAHASISWA", "MAHASISWI", "SISWA", "STUDENT"}),
    ("other", {"LAINNYA", "LAIN", "OTHER"}),
)
OCCUPATION_CODES = {code for code, _words in OCCUPATION_WORDS}


def parse_occupation(value: object) -> str:
    """ "PNS/TNI/Polri" → "pns", "Pegawai Swasta" → "private", "Wiraswasta" → "entrepreneur",
    "Pelajar/Mahasiswa" → "student"; any other occupation (petani, ibu rumah tangga…) → "other"."""
    if is_blank(value):
        return ""
    text = str(value).strip().lower()
    if text in OCCUPATION_CODES:
        return text
    words = set(_words(value))
    for code, spellings in OCCUPATION_WORDS:
        if words & spellings:
            return code
    if not words:
        raise ValueError(value)
    return "other"


MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januari", "jan", "january"),
            ("februari", "feb", "pebruari", "february"),
            ("maret", "mar", "march"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "jun", "june"),
            ("juli", "jul", "july"),
            ("agustus", "agu", "agt", "ags", "aug", "august"),
            ("september", "sep", "sept"),
            ("oktober", "okt", "oct", "october"),
            ("november", "nov", "nop", "nopember"),
            ("desember", "des", "dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_TIME = r"(?:[ T]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?:\.\d+)?\s*(AM|PM)?)?"
_ZONE = r"\s*(?:(?:GMT|UTC)?\s*([+-]\d{1,2})(?::?(\d{2}))?|Z)?"
ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + _ZONE, re.IGNORECASE)
DMY_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})" + _TIME + _ZONE, re.IGNORECASE)
WORD_DATE = re.compile(r"(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})" + _TIME + _ZONE, re.IGNORECASE)


@dataclass(frozen=True)
class ParsedDate:
    """A day, with the time of day and UTC offset (in minutes) when the cell had them."""

    year: int
    month: int
    day: int
    time: tuple[int, int, int] | None = None
    offset_minutes: int | None = None


def parse_date(value: object) -> ParsedDate | None:
    """A date or timestamp as spreadsheets hold them: a date cell, "2024-10-01 10:22",
    "01/10/2024 10:22:33" (day first, as Indonesian forms write it), "2024/10/01 10:22:33 AM GMT+8",
    "1 Oktober 2024". Blank is None; anything else raises ValueError."""
    import datetime as dt

    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        offset = value.utcoffset()
        return ParsedDate(
            value.year,
            value.month,
            value.day,
            (value.hour, value.minute, value.second),
            None if offset is None else int(offset.total_seconds() // 60),
        )
    if isinstance(value, dt.date):
        return ParsedDate(value.year, value.month, value.day)
    if not isinstance(value, str):
        raise ValueError(value)
    text = " ".join(value.split())
    for pattern, order in ((ISO_DATE, "ymd"), (DMY_DATE, "dmy"), (WORD_DATE, "dMy")):
        match = pattern.fullmatch(text)
        if not match:
            continue
        parts = match.groups()
        first, second, third = parts[:3]
        if order == "ymd":
            year, month, day = int(first), int(second), int(third)
        elif order == "dmy":
            day, month, year = int(first), int(second), int(third)
        else:
            day, year = int(first), int(third)
            month = MONTHS.get(second.lower())
            if month is None:
                raise ValueError(value)
        dt.date(year, month, day)  # raises ValueError for 31 February
        time = None
        hour, minute, second_, meridiem, zone_hours, zone_minutes = parts[3:9]
        if hour is not None:
            h = int(hour)
            if meridiem:
                if not 1 <= h <= 12:
                    raise ValueError(value)
                h = h % 12 + (12 if meridiem.upper() == "PM" else 0)
            time = (h, int(minute), int(second_ or 0))
            dt.time(*time)  # raises ValueError for 25:00
        offset = None
        if zone_hours is not None:
            sign = -1 if zone_hours.startswith("-") else 1
            offset = sign * (abs(int(zone_hours)) * 60 + int(zone_minutes or 0))
        elif text.upper().endswith("Z"):
            offset = 0
        return ParsedDate(year, month, day, time, offset)
    raise ValueError(value)


def normalise_header(text: str) -> str:
    """Lower case, punctuation to spaces, leading numbering ("1.", "3)") dropped."""
    text = re.sub(r"[^\w]+", " ", text.lower()).strip()
    return re.sub(r"^\d+\s+", "", text)
