"""`mutu ikm` and `mutu sample-size`: the command-line contract of issue 10, exactly."""

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from openpyxl import Workbook

from mutu.cli import main
from mutu.surveys.calculations import UNSUR_KEYS, compute_ikm

PROJECT_ROOT = Path(__file__).resolve().parents[3]
HEADER = ["U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write_csv(tmp_path, lines, name="answers.csv", encoding="utf-8") -> str:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return str(path)


def write_xlsx(tmp_path, rows, name="answers.xlsx") -> str:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return str(path)


def ikm_json(capsys, path, *extra) -> dict:
    code, out, err = run(capsys, "ikm", path, "--format", "json", *extra)
    assert (code, err) == (0, "")
    return json.loads(out)


# Three respondents by hand: U1 = 4, 3, 4 → 11/3; U6 has a blank (2 answers); the rest below.
HAND = [
    "Nama,U1,U2,U3,U4,U5,U6,U7,U8,U9",
    "Ani,4,3,3,4,3,3,4,4,3",
    "Budi,3,3,2,4,3,4,4,4,3",
    "Citra,4,3,3,4,3,,4,3,2",
]


def test_a_hand_computed_file_gives_the_exact_numbers(tmp_path, capsys):
    data = ikm_json(capsys, write_csv(tmp_path, HAND))
    assert data["respondents"] == 3
    assert [u["code"] for u in data["unsur"]] == HEADER
    assert [u["answered"] for u in data["unsur"]] == [3, 3, 3, 3, 3, 2, 3, 3, 3]
    nrr = [Fraction(11, 3), 3, Fraction(8, 3), 4, 3, Fraction(7, 2), 4, Fraction(11, 3), Fraction(8, 3)]
    assert [u["nrr"] for u in data["unsur"]] == [float(n) for n in nrr]
    # Σ NRR = 181/6; × 1/9 = 181/54 = 3.35185…; × 25 = 83.796… → 83.80, mutu B.
    assert data["ikm_weighted"] == 3.3519
    assert data["ikm"] == 83.80
    assert (data["mutu"], data["kinerja"]) == ("B", "Baik")
    assert data["unsur"][0]["name"] == "Persyaratan"
    assert set(data) == {"respondents", "unsur", "ikm", "ikm_weighted", "mutu", "kinerja"}
    assert set(data["unsur"][0]) == {"code", "name", "answered", "nrr"}


def test_the_printed_weight_reproduces_older_reports(tmp_path, capsys):
    all_four = write_csv(tmp_path, [",".join(HEADER), ",".join(["4"] * 9)])
    assert ikm_json(capsys, all_four)["ikm"] == 100.0
    printed = ikm_json(capsys, all_four, "--weight", "0.111")
    assert (printed["ikm"], printed["ikm_weighted"], printed["mutu"]) == (99.90, 3.996, "A")


def test_the_table_is_the_default_format(tmp_path, capsys):
    code, out, err = run(capsys, "ikm", write_csv(tmp_path, HAND))
    assert (code, err) == (0, "")
    assert "U1   Persyaratan" in out
    assert "3.6667" in out and "3.5000" in out
    assert "83.80" in out and "3.3519" in out
    assert "Mutu:                     B" in out
    assert "Kinerja:                  Baik" in out


def test_headers_are_case_insensitive_and_spaces_in_answers_are_ignored(tmp_path, capsys):
    path = write_csv(
        tmp_path, [" u1 ,U2,u3,U4,U5,U6,U7,U8,U9,Saran", " 4 ,3 ,2,1,4,4,4,4,4,bagus", "3,3,3,3,3,3,3,3,3,"]
    )
    data = ikm_json(capsys, path)
    assert data["respondents"] == 2
    assert data["unsur"][0]["nrr"] == 3.5


def test_a_semicolon_csv_with_a_bom_is_read(tmp_path, capsys):
    path = tmp_path / "excel.csv"
    path.write_bytes(("\ufeff" + ";".join(HEADER) + "\r\n" + ";".join(["3"] * 9) + "\r\n").encode("utf-8"))
    assert ikm_json(capsys, str(path))["ikm"] == 75.0


def test_xlsx_numbers_like_4_0_count_as_4(tmp_path, capsys):
    rows = [[4.0, 3.0, 3, 4, 3, 3, 4, 4, 3], [3, 3, 2, 4, 3, 4, 4, 4, 3.0]]
    data = ikm_json(capsys, write_xlsx(tmp_path, [HEADER, *rows]))
    expected = compute_ikm([dict(zip(UNSUR_KEYS, map(int, r), strict=True)) for r in rows])
    assert data["respondents"] == 2
    assert data["unsur"][0]["nrr"] == 3.5
    assert data["ikm"] == float(expected.converted)


def test_a_row_with_no_answer_is_not_a_respondent(tmp_path, capsys):
    path = write_csv(tmp_path, ["Nama," + ",".join(HEADER), "Ani," + ",".join(["4"] * 9), "Kosong,,,,,,,,,"])
    assert ikm_json(capsys, path)["respondents"] == 1


def assert_refused(capsys, argv, *mentions):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    for text in mentions:
        assert text in err
    assert "Traceback" not in err
    return err


def test_a_bad_value_names_its_row_and_column(tmp_path, capsys):
    path = write_csv(tmp_path, [",".join(HEADER), ",".join(["4"] * 9), "4,4,5,4,4,4,4,4,4", "4,4,4,baik,4,4,4,4,4"])
    err = assert_refused(capsys, ["ikm", path], "row 3, column U3 (C)", "'5'", "row 4, column U4 (D)", "'baik'")
    assert err.count("\n") == 2


def test_a_fraction_in_a_spreadsheet_is_a_bad_value(tmp_path, capsys):
    path = write_xlsx(tmp_path, [HEADER, [3.5, 3, 3, 4, 3, 3, 4, 4, 3]])
    assert_refused(capsys, ["ikm", path], "row 2, column U1 (A)", "'3.5'")


def test_a_missing_column_is_named(tmp_path, capsys):
    path = write_csv(tmp_path, [",".join(HEADER[:8]), ",".join(["4"] * 8)])
    assert_refused(capsys, ["ikm", path], "row 1, column U9", "missing")


def test_an_unsur_nobody_answered_is_named(tmp_path, capsys):
    path = write_csv(tmp_path, [",".join(HEADER), "4,4,4,,4,4,4,4,4", "3,3,3,,3,3,3,3,3"])
    assert_refused(capsys, ["ikm", path], "column U4 (D)", "nobody answered U4", "rows 2–3")


@pytest.mark.parametrize("content", [b"", b"\n\n", ",".join(HEADER).encode()])
def test_an_empty_file_is_refused(tmp_path, capsys, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    assert_refused(capsys, ["ikm", str(path)], "row")


def test_an_empty_workbook_is_refused(tmp_path, capsys):
    assert_refused(capsys, ["ikm", write_xlsx(tmp_path, [])], "row 1", "empty")


def test_a_missing_file_is_refused(tmp_path, capsys):
    assert_refused(capsys, ["ikm", str(tmp_path / "nope.csv")], "cannot read")


def test_an_old_xls_file_is_refused(tmp_path, capsys):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    assert_refused(capsys, ["ikm", str(path)], ".xls")


def test_the_console_script_runs_without_django(tmp_path):
    path = write_csv(tmp_path, HAND)
    result = subprocess.run(
        [sys.executable, "-m", "mutu", "ikm", path, "--format", "json"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ikm"] == 83.8


def test_the_console_script_exits_2_on_bad_input(tmp_path):
    path = write_csv(tmp_path, [",".join(HEADER), "4,4,4,4,4,4,4,4,9"])
    result = subprocess.run(
        [sys.executable, "-m", "mutu", "ikm", path],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert "row 2, column U9 (I)" in result.stderr


# --- sample-size ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("population", "expected"),
    [("100", "80"), ("1000", "278"), ("10000", "370"), ("1000000", "384"), ("15", "14"), ("50", "44")],
)
def test_krejcie_morgan_is_the_default_and_matches_their_table(capsys, population, expected):
    assert run(capsys, "sample-size", population) == (0, f"{expected}\n", "")


@pytest.mark.parametrize(
    ("population", "expected"), [("100", "80"), ("1000", "286"), ("10000", "385"), ("1000000", "400")]
)
def test_slovin_rounds_up(capsys, population, expected):
    assert run(capsys, "sample-size", population, "--method", "slovin") == (0, f"{expected}\n", "")


def test_the_error_is_d_or_e(capsys):
    assert run(capsys, "sample-size", "1000", "--error", "0.1") == (0, "88\n", "")
    assert run(capsys, "sample-size", "1000", "--method", "slovin", "--error", "0.1") == (0, "91\n", "")


@pytest.mark.parametrize(
    "argv",
    [
        ["0"],
        ["-5"],
        ["abc"],
        ["1.5"],
        ["1e3"],
        ["100", "--error", "0"],
        ["100", "--error", "1"],
        ["100", "--error", "x"],
    ],
)
def test_bad_sample_size_input_exits_2(capsys, argv):
    err = assert_refused(capsys, ["sample-size", *argv], "error")
    assert err.count("\n") == 1


def test_an_unknown_method_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["sample-size", "100", "--method", "cochran"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().out == ""
