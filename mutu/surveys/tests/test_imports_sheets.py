"""Reading spreadsheets without Django: line numbers, delimiters, answers, profile spellings, dates."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from mutu.surveys import sheets


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_rows_keep_their_line_numbers_across_blank_lines_and_multi_line_cells():
    data = b'U1,Saran\n4,"baris satu\nbaris dua"\n\n3,\n'
    sheet = sheets.read_sheet(data, "a.csv")
    assert sheet.headers == ["U1", "Saran"]
    assert [(r.line, r.cells) for r in sheet.rows] == [(2, ("4", "baris satu\nbaris dua")), (5, ("3", ""))]


def test_xlsx_rows_keep_their_line_numbers_across_empty_rows():
    sheet = sheets.read_sheet(xlsx([["U1", "U2"], [4, 3.0], [None, None], [None, 2]]), "a.xlsx")
    assert sheet.kind == sheets.XLSX
    assert [(r.line, r.cells) for r in sheet.rows] == [(2, (4, 3.0)), (4, (None, 2))]


def test_the_kind_is_found_by_content_not_by_name():
    assert sheets.read_sheet(xlsx([["U1"], [4]]), "rekap.csv").kind == sheets.XLSX
    assert sheets.read_sheet(b"U1\n4\n", "rekap.txt").kind == sheets.CSV


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_taken_from_the_header(delimiter):
    sheet = sheets.read_sheet(f"U1{delimiter}U2\n4{delimiter}3\n".encode(), "a.csv")
    assert sheet.headers == ["U1", "U2"]
    assert sheet.rows[0].cells == ("4", "3")


def test_a_windows_encoded_csv_is_read():
    assert sheets.read_sheet("Pekerjaan\nPegawai – swasta\n".encode("cp1252"), "a.csv").rows[0].cells == (
        "Pegawai – swasta",
    )


def test_a_preview_reads_only_the_first_rows():
    data = ("U1\n" + "4\n" * 50).encode()
    assert len(sheets.read_sheet(data, "a.csv", limit=10).rows) == 10
    with pytest.raises(sheets.SheetError) as exc:
        sheets.read_sheet(data, "a.csv", max_rows=20)
    assert exc.value.code == "too_many_rows"


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"", "empty"), (b"\n4\n", "no_header"), (b"\xd0\xcf\x11\xe0rest", "xls"), (b"PK\x03\x04junk", "not_xlsx")],
)
def test_unreadable_files_say_why(data, code):
    with pytest.raises(sheets.SheetError) as exc:
        sheets.read_sheet(data, "a.csv")
    assert exc.value.code == code


def test_column_letters_follow_spreadsheet_programs():
    assert [sheets.column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


@pytest.mark.parametrize(
    ("raw", "value"), [(4, 4), (4.0, 4), ("4", 4), (" 4 ", 4), ("4.0", 4), ("4,0", 4), ("", None), (None, None)]
)
def test_answers_are_whole_numbers(raw, value):
    assert sheets.parse_answer(raw) == value


@pytest.mark.parametrize("raw", ["baik", 3.5, "3.5", True, dt.date(2026, 1, 1), "4 dan 3"])
def test_anything_else_is_not_an_answer(raw):
    with pytest.raises(ValueError):
        sheets.parse_answer(raw)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("Laki-laki", "m"),
        ("L", "m"),
        ("Pria", "m"),
        ("laki laki", "m"),
        ("Perempuan", "f"),
        ("P", "f"),
        ("Wanita", "f"),
    ],
)
def test_gender_spellings(raw, code):
    assert sheets.parse_gender(raw) == code


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (17, "lt20"),
        (19.0, "lt20"),
        ("35 tahun", "30_39"),
        ("20-29", "20_29"),
        ("20 – 29 tahun", "20_29"),
        ("< 20 tahun", "lt20"),
        ("60 tahun ke atas", "60plus"),
        ("> 60", "60plus"),
        (75, "60plus"),
    ],
)
def test_ages_become_age_groups(raw, code):
    assert sheets.parse_age_group(raw) == code


@pytest.mark.parametrize("raw", ["26-35", "tua", 35.5, -1])
def test_ages_that_fit_no_group_are_refused(raw):
    with pytest.raises(ValueError):
        sheets.parse_age_group(raw)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("SD/Sederajat", "sd"),
        ("Tidak sekolah", "sd"),
        ("SLTP", "smp"),
        ("SMP", "smp"),
        ("SMA/SMK", "sma"),
        ("SLTA", "sma"),
        ("Paket C", "sma"),
        ("D-III", "d3"),
        ("Diploma (D1-D3)", "d3"),
        ("S1", "s1"),
        ("D4/S1", "s1"),
        ("Sarjana", "s1"),
        ("S2", "s2"),
        ("Pascasarjana", "s2"),
    ],
)
def test_education_spellings(raw, code):
    assert sheets.parse_education(raw) == code


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("PNS/TNI/Polri", "pns"),
        ("ASN", "pns"),
        ("Pegawai Swasta", "private"),
        ("Karyawan BUMN", "private"),
        ("Wiraswasta", "entrepreneur"),
        ("Pelajar/Mahasiswa", "student"),
        ("Petani", "other"),
        ("Lainnya", "other"),
    ],
)
def test_occupation_spellings(raw, code):
    assert sheets.parse_occupation(raw) == code


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        ("2026-10-01", sheets.ParsedDate(2026, 10, 1)),
        ("01/10/2026", sheets.ParsedDate(2026, 10, 1)),
        ("1/10/2026 9.05", sheets.ParsedDate(2026, 10, 1, (9, 5, 0))),
        ("01/10/2026 10:22:33", sheets.ParsedDate(2026, 10, 1, (10, 22, 33))),
        ("2026/10/01 10:22:33 PM GMT+8", sheets.ParsedDate(2026, 10, 1, (22, 22, 33), 480)),
        ("2026-10-01T10:22:33Z", sheets.ParsedDate(2026, 10, 1, (10, 22, 33), 0)),
        ("1 Oktober 2026", sheets.ParsedDate(2026, 10, 1)),
        ("30 Sep 2026", sheets.ParsedDate(2026, 9, 30)),
        (dt.datetime(2026, 10, 1, 8, 30), sheets.ParsedDate(2026, 10, 1, (8, 30, 0))),
        (dt.date(2026, 10, 1), sheets.ParsedDate(2026, 10, 1)),
        ("", None),
    ],
)
def test_dates_as_spreadsheets_hold_them(raw, parsed):
    assert sheets.parse_date(raw) == parsed


@pytest.mark.parametrize("raw", ["31/02/2026", "besok", "2026-10-01 25:00", "1 Brumaire 2026", 45566])
def test_things_that_are_not_dates(raw):
    with pytest.raises(ValueError):
        sheets.parse_date(raw)


def test_a_workbook_that_unpacks_to_too_much_is_refused(monkeypatch):
    monkeypatch.setattr(sheets, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(sheets.SheetError) as exc:
        sheets.read_sheet(xlsx([["U1"], [4]]), "a.xlsx")
    assert exc.value.code == "too_big"
