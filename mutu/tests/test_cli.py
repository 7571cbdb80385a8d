"""The database-free `mutu due-date` command."""

import subprocess
import sys
from pathlib import Path

import pytest

from mutu.cli import main

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_due_date_prints_the_date_n_working_days_after_start(capsys):
    assert run(capsys, "due-date", "2026-01-02", "3") == (0, "2026-01-07\n", "")


def test_python_dash_m_mutu_runs_without_a_database():
    result = subprocess.run(
        [sys.executable, "-m", "mutu", "due-date", "2026-01-02", "3"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "2026-01-07\n", "")


def test_a_datetime_with_an_offset_is_converted_to_the_zone(capsys):
    # 23:30 UTC on Nyepi is already Friday 20 March (cuti bersama) in Makassar; after the
    # Idul Fitri weekend and cuti bersama on 23-24, Wednesday 25 is day 1.
    assert run(capsys, "due-date", "2026-03-19T23:30:00+00:00", "1", "--tz", "Asia/Makassar") == (
        0,
        "2026-03-25\n",
        "",
    )
    # In UTC it is still Thursday 19: the same answer, since 20 is closed anyway.
    assert run(capsys, "due-date", "2026-03-19T23:30:00+00:00", "1", "--tz", "UTC") == (
        0,
        "2026-03-25\n",
        "",
    )


def test_the_conversion_decides_the_receipt_day(capsys):
    # 20:00 UTC on Thursday 1 January is 04:00 on Friday 2 in Makassar. Received on the 1st (UTC),
    # Friday 2 is day 1; received on Friday 2 (Makassar), Monday 5 is day 1.
    assert run(capsys, "due-date", "2026-01-01T20:00:00Z", "1", "--tz", "UTC") == (
        0,
        "2026-01-02\n",
        "",
    )
    assert run(capsys, "due-date", "2026-01-01T20:00:00Z", "1", "--tz", "Asia/Makassar") == (
        0,
        "2026-01-05\n",
        "",
    )


def test_a_datetime_without_an_offset_is_wall_time_in_the_zone(capsys):
    # 23:30 on Thursday 1 January in Makassar: not shifted, so Friday 2 is day 1.
    assert run(capsys, "due-date", "2026-01-01T23:30:00", "1", "--tz", "Asia/Makassar") == (
        0,
        "2026-01-02\n",
        "",
    )


def test_no_cuti_bersama_counts_the_leave_days_as_working_days(capsys):
    assert run(capsys, "due-date", "2026-03-17", "3") == (0, "2026-03-27\n", "")
    assert run(capsys, "due-date", "2026-03-17", "3", "--no-cuti-bersama") == (
        0,
        "2026-03-23\n",
        "",
    )


def test_a_deadline_crossing_into_a_later_year_loads_that_year(capsys):
    # 2026-12-23 + 6: skips 24 (cuti bersama), 25, 1 January and 5 January 2027 (Isra Mikraj).
    assert run(capsys, "due-date", "2026-12-23", "6") == (0, "2027-01-06\n", "")


@pytest.mark.parametrize(
    ("argv", "mentions"),
    [
        (["2026-13-01", "3"], "START"),
        (["tomorrow", "3"], "START"),
        (["2026-01-02", "3", "--tz", "Mars/Olympus"], "time zone"),
        (["2026-01-02", "0"], "N"),
        (["2026-01-02", "-2"], "N"),
        (["2026-01-02", "x"], "N"),
    ],
)
def test_bad_input_exits_2_with_one_line_on_stderr(capsys, argv, mentions):
    code, out, err = run(capsys, "due-date", *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert mentions in err
    assert "Traceback" not in err


def test_missing_arguments_are_argparse_usage_errors(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["due-date", "2026-01-02"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().out == ""


def test_help_lists_the_due_date_command(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "due-date" in out
    assert "ikm" in out
    assert "sample-size" in out
