"""Command-line tools that need no database and no Django settings.

    mutu due-date START N [--tz ZONE] [--no-cuti-bersama]

prints the date N working days after START using the national calendar from the `holidays`
package. It answers "when is this due?" on a laptop or in a script, without a running site.
Messages are plain English: the CLI runs without Django, so there is no translation machinery.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mutu.organisations.calculations import add_working_days, calendar_years_needed
from mutu.organisations.national_holidays import national_calendar

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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except InputError as error:
        print(f"{PROG} {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
