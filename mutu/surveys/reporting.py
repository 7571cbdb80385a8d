"""The Laporan SKM as data, and the XLSX workbook written from it.

:func:`build_report` gathers everything the PDF prints — the IKM from
``selectors.ikm_for`` (never recomputed here), the counts from ``selectors_reports`` — into
one :class:`Report`; the PDF template only lays it out. :func:`write_workbook` writes the raw
answers, the per-unsur computation and the follow-up plan with openpyxl in write-only mode,
so a survey of any size streams through in pages.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import IO

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from mutu.core.charts import Chart, bar_chart
from mutu.organisations.models import Unit
from mutu.surveys import selectors_reports as sel
from mutu.surveys import selectors_results as results
from mutu.surveys.calculations import (
    CONVERSION_FACTOR,
    UNSUR_CODE,
    UNSUR_NAME,
    WEIGHT_PRINTED,
    WEIGHTS,
    IkmResult,
    round_half_up,
    sample_size,
)
from mutu.surveys.models import AgeGroup, Channel, Education, FollowUpAction, Gender, Occupation, Survey
from mutu.surveys.selectors import Slice, ikm_for

SCALE_VALUES = (1, 2, 3, 4)


def dec(value: Fraction | None, places: str) -> Decimal | None:
    """An exact value rounded half-up for printing (the workbook keeps full precision)."""
    return None if value is None else round_half_up(value, Decimal(places))


def percent(part: int, whole: int) -> Decimal | None:
    return dec(Fraction(part * 100, whole), "0.1") if whole else None


@dataclass
class UnsurRow:
    key: str
    code: str
    name: str
    answered: int
    total: int
    nrr: Fraction | None
    weight: Fraction
    distribution: dict[int, int]

    @property
    def weighted(self) -> Fraction | None:
        return None if self.nrr is None else self.nrr * self.weight

    @property
    def nrr_3dp(self) -> Decimal | None:
        return dec(self.nrr, "0.001")

    @property
    def weighted_4dp(self) -> Decimal | None:
        return dec(self.weighted, "0.0001")

    @property
    def converted(self) -> Decimal | None:
        """The unsur's own NRR on the 25–100 scale, to compare unsur with each other."""
        return dec(None if self.nrr is None else self.nrr * CONVERSION_FACTOR, "0.01")

    @property
    def counts(self) -> list[tuple[int, int, Decimal | None]]:
        return [
            (v, self.distribution.get(v, 0), percent(self.distribution.get(v, 0), self.answered)) for v in SCALE_VALUES
        ]


@dataclass
class CountTable:
    title: str
    rows: list[tuple[str, int, Decimal | None]]
    chart: Chart | None = None

    @property
    def total(self) -> int:
        return sum(n for _label, n, _p in self.rows)


@dataclass
class UnitIkm:
    name: str
    ikm: IkmResult
    is_total: bool = False


@dataclass
class Report:
    survey: Survey
    unit: Unit  # the unit that ran the survey
    scope_unit: Unit | None  # a tenant's own slice of an MPP survey
    slice: Slice
    ikm: IkmResult
    rows: list[UnsurRow]
    generated_at: datetime.datetime
    population: int | None
    target: int | None
    channels: CountTable
    locations: CountTable
    profile: list[CountTable]
    services: CountTable
    nrr_chart: Chart
    suggestions_written: int
    suggestion_groups: list[sel.SuggestionGroup]
    follow_ups: list[FollowUpAction]
    previous: Survey | None = None
    previous_ikm: IkmResult | None = None
    previous_follow_ups: list[FollowUpAction] = field(default_factory=list)
    per_unit: list[UnitIkm] = field(default_factory=list)

    @property
    def title_unit(self) -> Unit:
        return self.scope_unit or self.unit

    @property
    def is_mpp(self) -> bool:
        return self.survey.mpp_id is not None

    @property
    def weight(self) -> Fraction:
        return WEIGHTS[self.ikm.weight_mode]

    @property
    def printed_weight(self) -> bool:
        return self.ikm.weight_mode == WEIGHT_PRINTED

    @property
    def answered_rows(self) -> list[UnsurRow]:
        return [r for r in self.rows if r.nrr is not None]

    @property
    def weakest(self) -> list[UnsurRow]:
        """The unsur from the lowest NRR up (regulation order on a tie): chapter V and the plan."""
        return sorted(self.answered_rows, key=lambda r: r.nrr)[:3]

    @property
    def weakest_key(self) -> str:
        """The unsur to highlight; none when every answered unsur has the same value."""
        values = {r.nrr for r in self.answered_rows}
        weakest = self.ikm.weakest
        return weakest.key if weakest and len(values) > 1 else ""

    @property
    def strongest(self) -> list[UnsurRow]:
        return sorted(self.answered_rows, key=lambda r: -r.nrr)[:3]

    @property
    def target_percent(self) -> Decimal | None:
        return percent(self.ikm.respondents, self.target) if self.target else None

    @property
    def previous_ikm_change(self) -> Decimal | None:
        if self.previous_ikm is None or self.previous_ikm.converted is None or self.ikm.converted is None:
            return None
        return self.ikm.converted - self.previous_ikm.converted

    @property
    def previous_ikm_change_abs(self) -> Decimal | None:
        change = self.previous_ikm_change
        return None if change is None else abs(change)


def report_slice(*, scope_unit_id: int | None, include_anonymous: bool = True) -> Slice:
    return Slice(unit_id=scope_unit_id, include_anonymous=include_anonymous)


def _unsur_rows(ikm: IkmResult, distribution: dict[str, dict[int, int]]) -> list[UnsurRow]:
    weight = WEIGHTS[ikm.weight_mode]
    return [
        UnsurRow(
            key=u.key,
            code=u.code,
            name=u.name,
            answered=u.answered,
            total=u.total,
            nrr=u.nrr,
            weight=weight,
            distribution=distribution.get(u.key, {}),
        )
        for u in ikm.unsur
    ]


def _count_table(title: str, counts: Iterable[tuple[str, int]], respondents: int, *, chart: bool) -> CountTable:
    rows = [(label, n, percent(n, respondents)) for label, n in counts]
    drawn = (
        bar_chart(
            title=title,
            data=[(label, n) for label, n, _p in rows],
            value_label=_("respondents"),
            category_label=title,
            width=400,
            bar_height=20,
        )
        if chart and rows
        else None
    )
    return CountTable(title=title, rows=rows, chart=drawn)


def _profile_tables(profile: results.RespondentProfile, respondents: int) -> list[CountTable]:
    return [
        _count_table(title, [(c.label, c.count) for c in counts], respondents, chart=True)
        for _name, title, counts in profile.groups()
    ]


def build_report(
    *,
    survey: Survey,
    scope_unit: Unit | None = None,
    include_anonymous: bool = True,
    now: datetime.datetime | None = None,
) -> Report:
    """Everything the Laporan SKM prints, for the whole survey or one tenant unit's slice."""
    now = now or timezone.now()
    slice = report_slice(scope_unit_id=scope_unit.pk if scope_unit else None, include_anonymous=include_anonymous)
    ikm = ikm_for(survey=survey, slice=slice)
    rows = _unsur_rows(ikm, results.answer_distribution(survey_ids=[survey.pk], slice=slice))
    respondents = ikm.respondents

    channel_counts = sel.respondents_by_channel(survey=survey, slice=slice)
    channels = _count_table(
        _("Channel"),
        [(str(label), channel_counts[value]) for value, label in Channel.choices if channel_counts.get(value)],
        respondents,
        chart=False,
    )
    locations = _count_table(
        _("Location"),
        [(name or _("No location recorded"), n) for name, n in sel.respondents_by_location(survey=survey, slice=slice)],
        respondents,
        chart=False,
    )
    services = _count_table(
        _("Service received"),
        [(name or _("Not stated"), n) for name, n in sel.respondents_by_service(survey=survey, slice=slice)],
        respondents,
        chart=True,
    )
    profile = _profile_tables(results.respondent_profile(survey_ids=[survey.pk], slice=slice), respondents)
    nrr_chart = bar_chart(
        title=_("NRR per unsur (1–4)"),
        data=[(f"{r.code} {r.name}", r.nrr_3dp) for r in rows],
        value_label=_("NRR"),
        category_label=_("Unsur"),
        max_value=4,
        width=860,
        bar_height=22,
        number_format=lambda v: formats.number_format(v, 3),
    )
    written, groups = sel.suggestions_by_unsur(survey=survey, slice=slice)

    scope_ids = frozenset([scope_unit.pk]) if scope_unit else None
    previous = sel.previous_survey(survey=survey)
    report = Report(
        survey=survey,
        unit=survey.unit,
        scope_unit=scope_unit,
        slice=slice,
        ikm=ikm,
        rows=rows,
        generated_at=now,
        population=survey.population,
        target=_target(survey),
        channels=channels,
        locations=locations,
        profile=profile,
        services=services,
        nrr_chart=nrr_chart,
        suggestions_written=written,
        suggestion_groups=groups,
        follow_ups=list(sel.follow_ups_for(survey=survey, unit_ids=scope_ids)),
    )
    if previous is not None:
        report.previous = previous
        report.previous_ikm = ikm_for(survey=previous, slice=report_slice(scope_unit_id=slice.unit_id))
        report.previous_follow_ups = list(sel.follow_ups_for(survey=previous, unit_ids=scope_ids))
    for action in [*report.follow_ups, *report.previous_follow_ups]:
        action.unsur_label = unsur_label(action.unsur)
    if survey.mpp_id is not None and scope_unit is None:
        report.per_unit = [
            UnitIkm(row.unit.name if row.unit else survey.mpp.name, row.result, is_total=row.unit is None)
            for row in results.mpp_unit_results(survey=survey, slice=slice)
        ]
    return report


def _target(survey: Survey) -> int | None:
    if survey.target_sample:
        return survey.target_sample
    if survey.population:
        return sample_size(survey.population, method=survey.sample_method, error=float(survey.sample_error))
    return None


def unsur_label(key: str) -> str:
    """ "U3 Waktu Penyelesaian" for an unsur key; the regulation's own Indonesian name."""
    return f"{UNSUR_CODE[key]} {UNSUR_NAME[key]}" if key in UNSUR_CODE else ""


# --- the workbook ---------------------------------------------------------------------------

NUMBER_3 = "0.000"
NUMBER_4 = "0.0000"
NUMBER_2 = "0.00"


def _label(choices, value: str) -> str:
    if not value:
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def write_workbook(report: Report, out: IO[bytes]) -> None:
    """Sheets "Data" (one row per response), "Pengolahan" (the computation), "Tindak lanjut"."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    bold = Font(bold=True)
    wb = Workbook(write_only=True)

    def header(ws, titles):
        cells = []
        for title in titles:
            cell = WriteOnlyCell(ws, value=str(title))
            cell.font = bold
            cells.append(cell)
        ws.append(cells)

    def number(ws, value, fmt):
        cell = WriteOnlyCell(ws, value=value)
        if value is not None:
            cell.number_format = fmt
        return cell

    # --- Data: the raw answers, streamed in pages
    data = wb.create_sheet("Data")
    questions = sel.report_questions(survey=report.survey)
    column_of = {qid: i for i, (_code, qids) in enumerate(questions) for qid in qids}
    header(
        data,
        [
            _("Response"),
            _("Date"),
            _("Channel"),
            _("Unit"),
            _("Location"),
            _("Counter"),
            _("Service"),
            _("Gender"),
            _("Age group"),
            _("Education"),
            _("Occupation"),
            _("Paper number"),
            *[code for code, _qids in questions],
            _("Suggestion"),
        ],
    )
    channel_labels = {value: str(label) for value, label in Channel.choices}
    for row, answers in sel.raw_answers(survey=report.survey, slice=report.slice):
        (rid, day, channel, unit, location, counter, service, gender, age, education, occupation, paper, suggestion) = (
            row
        )
        values: list = [None] * len(questions)
        for qid, value in answers.items():
            if qid in column_of:
                values[column_of[qid]] = value
        data.append(
            [
                rid,
                day,
                channel_labels.get(channel, channel),
                unit,
                location or "",
                counter or "",
                service or "",
                _label(Gender, gender),
                _label(AgeGroup, age),
                _label(Education, education),
                _label(Occupation, occupation),
                paper,
                *values,
                suggestion,
            ]
        )

    # --- Pengolahan: the per-unsur computation, numbers as numbers
    calc = wb.create_sheet("Pengolahan")
    survey = report.survey
    calc.append([_("Survey"), survey.name])
    calc.append([_("Unit"), report.title_unit.name])
    calc.append([_("Period"), survey.starts_on, survey.ends_on])
    calc.append([_("Respondents"), report.ikm.respondents])
    calc.append([_("Weights"), str(Survey.WeightMode(report.ikm.weight_mode).label)])
    calc.append([])
    header(
        calc,
        [
            _("Code"),
            _("Unsur"),
            _("Answers"),
            _("Sum of answers"),
            _("NRR"),
            _("Weight"),
            _("NRR × weight"),
            _("NRR converted (× 25)"),
        ],
    )
    for r in report.rows:
        calc.append(
            [
                r.code,
                r.name,
                r.answered,
                r.total,
                number(calc, None if r.nrr is None else float(r.nrr), NUMBER_4),
                number(calc, float(r.weight), NUMBER_4),
                number(calc, None if r.weighted is None else float(r.weighted), NUMBER_4),
                number(calc, None if r.converted is None else float(r.converted), NUMBER_2),
            ]
        )
    ikm = report.ikm
    calc.append([])
    calc.append([_("IKM (1–4)"), number(calc, None if ikm.weighted is None else float(ikm.weighted), NUMBER_4)])
    calc.append(
        [_("IKM converted (25–100)"), number(calc, None if ikm.converted is None else float(ikm.converted), NUMBER_2)]
    )
    calc.append([_("Mutu"), ikm.mutu or ""])
    calc.append([_("Kinerja"), ikm.kinerja or ""])
    if report.per_unit:
        calc.append([])
        header(
            calc, [_("Unit"), _("Respondents"), _("IKM (1–4)"), _("IKM converted (25–100)"), _("Mutu"), _("Kinerja")]
        )
        for item in report.per_unit:
            result = item.ikm
            calc.append(
                [
                    item.name,
                    result.respondents,
                    number(calc, None if result.weighted is None else float(result.weighted), NUMBER_4),
                    number(calc, None if result.converted is None else float(result.converted), NUMBER_2),
                    result.mutu or "",
                    result.kinerja or "",
                ]
            )

    # --- Tindak lanjut: this period's plan
    plan = wb.create_sheet("Tindak lanjut")
    header(
        plan,
        [
            _("Unit"),
            _("Unsur"),
            _("What will be done"),
            _("Who is responsible"),
            _("By when"),
            _("Status"),
            _("Progress"),
        ],
    )
    for action in report.follow_ups:
        plan.append(
            [
                action.unit.name,
                unsur_label(action.unsur),
                action.action,
                action.responsible,
                action.due_date,
                str(action.get_status_display()),
                action.progress_note,
            ]
        )
    wb.save(out)
