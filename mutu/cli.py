"""Command-line tools that need no database and no Django settings.

    mutu due-date START N [--tz ZONE] [--no-cuti-bersama]

prints the date N working days after START using the national calendar from the `holidays`
package. It answers "when is this due?" on a laptop or in a script, without a running site.

    mutu ikm FILE [--weight exact|0.111] [--format json|table]

computes the IKM of a CSV or XLSX file with columns U1…U9 (PermenPANRB 14/2017) with the
same pure functions the site uses, and

    mutu sample-size N [--method krejcie-morgan|slovin] [--error 0.05]

prints the sample size for a population of N. Other tools depend on the output and the exit
codes of these two exactly (issue 10, "Command-line contract").

Messages are plain English: the CLI runs without Django, so there is no translation machinery.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mutu.organisations.calculations import add_working_days, calendar_years_needed
from mutu.organisations.national_holidays import national_calendar
from mutu.surveys import calculations, sheets

PROG = "mutu"
DEFAULT_ZONE = "Asia/Jakarta"
# Usage errors exit 2, like argparse's own.
EXIT_USAGE = 2


class InputError(Exception):
    """Bad user input; the message is shown as is, without a traceback."""


def parse_zone(value: str) -> ZoneInfo:
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        # ValueError covers malformed keys such as absolute paths.
        raise InputError(f"unknown time zone {value!r} (use an IANA name such as Asia/Jakarta)") from None


def parse_start(value: str, zone: ZoneInfo) -> date:
    """The receipt day: a date as is, or the local date in `zone` of a datetime.

    A datetime without an offset is wall time in `zone`, so its date is taken as written.
    """
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"invalid START {value!r} (expected YYYY-MM-DD or an ISO 8601 datetime)") from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=zone)
    return instant.astimezone(zone).date()


def parse_count(value: str) -> int:
    try:
        count = int(value)
    except ValueError:
        count = 0
    if count < 1:
        raise InputError(f"invalid N {value!r} (expected a positive whole number of working days)")
    return count


def national_due_date(start: date, n: int, *, cuti_bersama_closed: bool) -> date:
    """`add_working_days` over the national calendar, loading only the years it needs."""
    years = calendar_years_needed(start, n)
    while True:
        calendar = national_calendar(years, cuti_bersama_closed=cuti_bersama_closed)
        due = add_working_days(calendar, start, n)
        # Days after the last loaded year were counted without their holidays, so a due date
        # there may be too early: load up to that year and count again.
        if due.year <= years[-1]:
            return due
        years = range(start.year, max(years[-1] + 1, due.year) + 1)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Service-quality tools for Indonesian public-service units."
    )
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    due_date = subcommands.add_parser(
        "due-date",
        help="print the date N working days after START",
        description=(
            "Print the due date (YYYY-MM-DD) N working days after START, using weekends and the "
            "national public holidays and cuti bersama from the holidays package. Day 1 is the "
            "first working day after the receipt day."
        ),
    )
    # START and N stay strings here and are validated in `due_date_command`, so every bad value
    # gets one clear line instead of argparse's usage block.
    due_date.add_argument(
        "start",
        metavar="START",
        help="receipt day, YYYY-MM-DD, or an ISO 8601 datetime (converted to ZONE; "
        "without an offset it is wall time in ZONE)",
    )
    due_date.add_argument("n", metavar="N", help="number of working days, at least 1")
    due_date.add_argument(
        "--tz",
        metavar="ZONE",
        default=DEFAULT_ZONE,
        help=f"IANA time zone of the unit (default: {DEFAULT_ZONE})",
    )
    due_date.add_argument(
        "--no-cuti-bersama",
        dest="cuti_bersama_closed",
        action="store_false",
        help="count cuti bersama (collective leave) days as working days",
    )
    due_date.set_defaults(handler=due_date_command)

    ikm = subcommands.add_parser(
        "ikm",
        help="print the IKM of a CSV or XLSX file of answers",
        description=(
            "Compute the Indeks Kepuasan Masyarakat (PermenPANRB 14/2017) of FILE, a CSV or XLSX file "
            "whose header row names the columns U1 to U9 (case-insensitive) holding answers 1 to 4; "
            "a blank is not answered and other columns are ignored. Rows are named by their line "
            "number in the file (the header is line 1)."
        ),
    )
    ikm.add_argument("file", metavar="FILE", help="CSV (UTF-8) or XLSX file with a header row")
    ikm.add_argument(
        "--weight",
        choices=[calculations.WEIGHT_EXACT, calculations.WEIGHT_PRINTED],
        default=calculations.WEIGHT_EXACT,
        help="weight of each unsur: exact 1/9 (default) or the printed 0.111 of older reports",
    )
    ikm.add_argument("--format", choices=["table", "json"], default="table", help="output format (default: table)")
    ikm.set_defaults(handler=ikm_command)

    sample = subcommands.add_parser(
        "sample-size",
        help="print the sample size for a population of N",
        description=(
            "Print the number of respondents needed for a population of N: Krejcie & Morgan "
            "(chi-square 3.841, p = 0.5, rounded to the nearest integer as their table) or Slovin "
            "(rounded up)."
        ),
    )
    sample.add_argument("n", metavar="N", help="population served, a positive whole number")
    sample.add_argument(
        "--method",
        choices=list(calculations.SAMPLE_METHODS),
        default=calculations.KREJCIE_MORGAN,
        help="krejcie-morgan (default) or slovin",
    )
    sample.add_argument(
        "--error",
        metavar="E",
        default=str(calculations.DEFAULT_ERROR),
        help="margin of error between 0 and 1: d for Krejcie & Morgan, e for Slovin (default: 0.05)",
    )
    sample.set_defaults(handler=sample_size_command)
    return parser


def due_date_command(args: argparse.Namespace) -> int:
    zone = parse_zone(args.tz)
    start = parse_start(args.start, zone)
    n = parse_count(args.n)
    try:
        due = national_due_date(start, n, cuti_bersama_closed=args.cuti_bersama_closed)
    except ValueError as error:
        # Only reachable for absurd N that runs past year 9999.
        raise InputError(str(error)) from None
    print(due.isoformat())
    return 0


# --- mutu ikm ------------------------------------------------------------------------------------

# Errors listed before the rest are summarised in one line: a file with a broken column would
# otherwise print one line per row.
MAX_ERROR_LINES = 50
FOUR_PLACES = Decimal("0.0001")


class InputErrors(Exception):
    """Several messages about the input, one per line."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


def ikm_result(path: str, *, weight_mode: str) -> calculations.IkmResult:
    try:
        return sheets.ikm_of_sheet(sheets.read_path(path), weight_mode=weight_mode)
    except (sheets.SheetError, sheets.SheetErrors) as exc:
        messages = [str(e) for e in sheets.iter_errors(exc)]
        if len(messages) > MAX_ERROR_LINES:
            rest = len(messages) - MAX_ERROR_LINES
            messages = [*messages[:MAX_ERROR_LINES], f"... and {rest} more errors"]
        raise InputErrors([f"{path}: {m}" for m in messages]) from None


def ikm_json(result: calculations.IkmResult) -> dict:
    return {
        "respondents": result.respondents,
        "unsur": [{"code": u.code, "name": u.name, "answered": u.answered, "nrr": float(u.nrr)} for u in result.unsur],
        "ikm": float(result.converted),
        "ikm_weighted": float(result.weighted_4dp),
        "mutu": result.mutu,
        "kinerja": result.kinerja,
    }


def ikm_table(result: calculations.IkmResult) -> str:
    name_width = max(len(u.name) for u in result.unsur)
    lines = [f"{'Unsur':<{name_width + 5}} {'Answered':>8} {'NRR':>7}"]
    for u in result.unsur:
        nrr = calculations.round_half_up(u.nrr, FOUR_PLACES)
        lines.append(f"{u.code:<4} {u.name:<{name_width}} {u.answered:>8} {nrr:>7}")
    weight = "1/9" if result.weight_mode == calculations.WEIGHT_EXACT else result.weight_mode
    lines += [
        "",
        f"Respondents:              {result.respondents}",
        f"Weight per unsur:         {weight}",
        f"IKM (weighted, 1-4):      {result.weighted_4dp}",
        f"IKM (converted, 25-100):  {result.converted}",
        f"Mutu:                     {result.mutu}",
        f"Kinerja:                  {result.kinerja}",
    ]
    return "\n".join(lines)


def ikm_command(args: argparse.Namespace) -> int:
    result = ikm_result(args.file, weight_mode=args.weight)
    if args.format == "json":
        print(json.dumps(ikm_json(result), ensure_ascii=False))
    else:
        print(ikm_table(result))
    return 0


# --- mutu sample-size ----------------------------------------------------------------------------


def parse_population(value: str) -> int:
    text = value.strip()
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise InputError(f"invalid N {value!r} (expected a positive whole number)")
    return int(text)


def parse_error_margin(value: str) -> float:
    try:
        error = float(value)
    except ValueError:
        error = math.nan
    if not 0 < error < 1:  # also false for NaN
        raise InputError(f"invalid --error {value!r} (expected a number between 0 and 1, such as 0.05)")
    return error


def sample_size_command(args: argparse.Namespace) -> int:
    population = parse_population(args.n)
    error = parse_error_margin(args.error)
    print(calculations.sample_size(population, method=args.method, error=error))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except InputError as error:
        print(f"{PROG} {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except InputErrors as errors:
        for message in errors.messages:
            print(f"{PROG} {args.command}: error: {message}", file=sys.stderr)
        return EXIT_USAGE
