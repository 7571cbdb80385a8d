"""The Laporan SKM as PDF (text checked with pypdf) and XLSX (cells checked with openpyxl).

alice administers DPMPTSP, which ran "SKM Semester II 2025" before this year's survey; bob is
its counter officer (may print, sees the whole survey); charlie administers Disdukcapil (404 on
DPMPTSP's survey, his own slice of the MPP survey); dave is BPJS, a tenant of the MPP.
"""

import datetime as dt
import io
import os
import uuid
from decimal import Decimal

import openpyxl
import pypdf
import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from mutu.surveys.calculations import UNSUR, UNSUR_NAME
from mutu.surveys.models import AgeGroup, Channel, Education, Gender, Occupation, Response
from mutu.surveys.reporting import build_report
from mutu.surveys.selectors import Slice, ikm_for
from mutu.surveys.selectors_reports import previous_survey, raw_answers, suggestions_by_unsur
from mutu.surveys.services import create_survey
from mutu.surveys.services_reports import add_follow_up, update_follow_up, update_survey_analysis
from mutu.surveys.testing import SKM_CODES, add_response

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)
LAST_YEAR = dt.datetime(2025, 10, 1, 2, 0, tzinfo=dt.UTC)
A4_POINTS = (595, 842)
PATTERNS = [
    # (answers U1..U9, gender, age, education, occupation)
    ((4, 3, 2, 4, 3, 4, 4, 3, 3), Gender.FEMALE, AgeGroup.A20_29, Education.SMA, Occupation.PRIVATE),
    ((3, 3, 2, 4, 3, 4, 4, 3, 4), Gender.MALE, AgeGroup.A30_39, Education.S1, Occupation.PNS),
    ((4, 4, 3, 4, 4, 4, 4, 4, 3), Gender.FEMALE, AgeGroup.A40_49, Education.S1, Occupation.ENTREPRENEUR),
    ((3, 2, 1, 4, 3, 3, 4, 2, 3), Gender.MALE, AgeGroup.UNDER_20, Education.SMP, Occupation.STUDENT),
    ((4, 3, 3, 4, 4, 4, 4, 3, 4), Gender.FEMALE, AgeGroup.A50_59, Education.D3, Occupation.OTHER),
]


def english() -> Client:
    client = Client()
    client.cookies["mutu_language"] = "en"
    return client


def as_user(client: Client, user) -> Client:
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def fmt2(value: Decimal) -> str:
    return f"{value:.2f}"


@pytest.fixture
def rw(queue_world, survey_world, settings, tmp_path):
    """Responses for this year's survey and the MPP survey, last year's survey with a finished action."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    w = survey_world
    w.previous = create_survey(
        unit=w.dpmptsp,
        name="SKM Semester II 2025",
        slug="skm-2025-2",
        starts_on=dt.date(2025, 7, 1),
        ends_on=dt.date(2025, 12, 31),
        by=w.alice,
        open_now=True,
        now=LAST_YEAR,
    )
    for values, *_profile in PATTERNS[:3]:
        add_response(w.previous, answers=dict(zip(SKM_CODES, values, strict=True)), now=LAST_YEAR)
    w.old_action = add_follow_up(
        survey=w.previous,
        unsur="waktu",
        action="Menambah petugas loket pada jam sibuk",
        responsible="Kepala Bidang Pelayanan",
        due_date=dt.date(2025, 12, 15),
        by=w.alice,
        now=LAST_YEAR,
    )
    update_follow_up(
        follow_up=w.old_action,
        status="done",
        progress_note="Dua petugas tambahan bertugas sejak November",
        by=w.alice,
        now=LAST_YEAR,
    )
    with time_machine.travel(NOW, tick=False):
        w.responses = []
        for i in range(10):
            values, gender, age, education, occupation = PATTERNS[i % len(PATTERNS)]
            answers = dict(zip(SKM_CODES, values, strict=True))
            channel = Channel.SURVEYOR if i % 3 == 0 else Channel.KIOSK
            if i == 9:
                answers["U5"] = None  # a blank on paper is not a zero
            w.responses.append(
                add_response(
                    w.survey,
                    channel=channel,
                    answers=answers,
                    surveyor_id=w.surveyor.pk if channel == Channel.SURVEYOR else None,
                    paper_number=f"P-{i}" if channel == Channel.SURVEYOR else "",
                    location=w.mpp,
                    counter=w.counter_a1 if i % 2 else None,
                    service=w.reklame if i % 2 else None,
                    profile={"gender": gender, "age_group": age, "education": education, "occupation": occupation},
                    suggestion="Antrean terlalu lama di pagi hari"
                    if i in (1, 4)
                    else ("Ruang tunggu panas" if i == 2 else ""),
                    client_id=uuid.uuid4(),
                    now=NOW,
                )
            )
        Response.objects.filter(pk__in=[w.responses[1].pk, w.responses[4].pk]).update(suggestion_unsur=["waktu"])
        Response.objects.filter(pk=w.responses[2].pk).update(suggestion_unsur=["sarana"])
        for gerai, values in ((w.gerai_dpmptsp, (4,) * 9), (w.gerai_dukcapil, (3,) * 9), (w.gerai_bpjs, (2,) * 9)):
            for _ in range(2):
                add_response(
                    w.mpp_survey,
                    answers=dict(zip(SKM_CODES, values, strict=True)),
                    gerai=gerai,
                    location=w.mpp,
                    now=NOW,
                )
        w.action = add_follow_up(
            survey=w.survey,
            unsur="waktu",
            action="Membuka loket tambahan untuk pengambilan berkas",
            responsible="Sekretaris DPMPTSP",
            due_date=dt.date(2026, 9, 30),
            by=w.alice,
            now=NOW,
        )
        update_survey_analysis(
            survey=w.survey, analysis="Waktu penyelesaian masih menjadi keluhan utama responden.", by=w.alice, now=NOW
        )
    return w


# --- The PDF ------------------------------------------------------------------------------------------


def test_the_report_is_an_a4_pdf_named_after_the_unit_and_survey(rw):
    response = as_user(english(), rw.alice).get(reverse("surveys:report_pdf", args=[rw.survey.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="laporan-skm-dpmptsp-skm-2026-2.pdf"'
    page = pypdf.PdfReader(io.BytesIO(response.content)).pages[0]
    assert (round(page.mediabox.width), round(page.mediabox.height)) == A4_POINTS
    if os.environ.get("REPORT_PDF_OUT"):
        with open(os.environ["REPORT_PDF_OUT"], "wb") as fh:
            fh.write(response.content)


def test_the_pdf_prints_the_unit_period_ikm_mutu_and_every_unsur(rw):
    result = ikm_for(survey=rw.survey)
    text = pdf_text(as_user(english(), rw.alice).get(reverse("surveys:report_pdf", args=[rw.survey.pk])).content)
    assert "DPMPTSP Kota Bontang" in text
    assert "SKM Semester II 2026" in text
    assert "1 January 2026 – 31 December 2026" in text
    assert fmt2(result.converted) in text
    assert f"Mutu {result.mutu}" in text
    assert result.kinerja in text
    for _key, code, name in UNSUR:
        assert f"{code} {name}" in text
    assert "Krejcie & Morgan" in text
    assert "CHAPTER VI Follow-up plan" in text


def test_the_pdf_prints_the_analysis_suggestions_and_both_periods_actions(rw):
    text = pdf_text(as_user(english(), rw.alice).get(reverse("surveys:report_pdf", args=[rw.survey.pk])).content)
    assert "Waktu penyelesaian masih menjadi keluhan utama responden." in text
    assert "Antrean terlalu lama di pagi hari" in text
    assert "U3 Waktu Penyelesaian (2)" in text
    assert "Membuka loket tambahan untuk pengambilan berkas" in text
    assert "Sekretaris DPMPTSP" in text
    # The previous period's action and how far it got.
    assert "SKM Semester II 2025" in text
    assert "Menambah petugas loket pada jam sibuk" in text
    assert "Dua petugas tambahan bertugas sejak November" in text


def test_the_pdf_is_indonesian_by_default_with_decimal_commas(rw):
    result = ikm_for(survey=rw.survey)
    client = as_user(Client(), rw.alice)
    text = pdf_text(client.get(reverse("surveys:report_pdf", args=[rw.survey.pk])).content)
    assert fmt2(result.converted).replace(".", ",") in text
    assert "Januari 2026" in text


def test_an_mpp_report_has_a_table_of_ikm_per_unit(rw):
    text = pdf_text(as_user(english(), rw.alice).get(reverse("surveys:report_pdf", args=[rw.mpp_survey.pk])).content)
    assert "IKM per unit" in text
    for unit, result in ((rw.dpmptsp, "100.00"), (rw.dukcapil, "75.00"), (rw.bpjs, "50.00")):
        assert f"{unit.name} 2 " in text
        assert result in text
    assert ikm_for(survey=rw.mpp_survey).converted == Decimal("75.00")


def test_a_tenant_prints_only_its_own_slice_of_the_mpp_survey(rw):
    text = pdf_text(as_user(english(), rw.dave).get(reverse("surveys:report_pdf", args=[rw.mpp_survey.pk])).content)
    assert "BPJS Kesehatan Cabang Bontang" in text
    assert "50.00" in text
    assert "IKM per unit" not in text
    assert "Disdukcapil Kota Bontang" not in text


def test_reports_of_another_units_survey_are_404(rw):
    charlie = as_user(english(), rw.charlie)
    assert charlie.get(reverse("surveys:report_pdf", args=[rw.survey.pk])).status_code == 404
    assert charlie.get(reverse("surveys:report_xlsx", args=[rw.survey.pk])).status_code == 404
    bob = as_user(english(), rw.bob)
    assert bob.get(reverse("surveys:report_xlsx", args=[rw.survey.pk])).status_code == 200


def test_anonymous_visitors_are_sent_to_the_login_page(rw):
    response = Client().get(reverse("surveys:report_pdf", args=[rw.survey.pk]))
    assert response.status_code == 302
    assert reverse("core:login") in response["Location"]


def test_a_survey_without_answers_still_prints(survey_world):
    w = survey_world
    text = pdf_text(
        as_user(english(), w.charlie).get(reverse("surveys:report_pdf", args=[w.dukcapil_survey.pk])).content
    )
    assert "Not enough answers yet to compute the IKM" in text
    assert "This is the unit's first survey period in mutu." in text


# --- The workbook -------------------------------------------------------------------------------------


def workbook(rw, user=None, survey=None):
    response = as_user(english(), user or rw.alice).get(reverse("surveys:report_xlsx", args=[(survey or rw.survey).pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_the_workbook_has_one_data_row_per_response_with_answers_by_code(rw):
    wb = workbook(rw)
    assert wb.sheetnames == ["Data", "Pengolahan", "Tindak lanjut"]
    rows = list(wb["Data"].iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert len(data) == Response.objects.filter(survey=rw.survey).count() == 10
    u1 = header.index("U1")
    assert list(header[u1 : u1 + 9]) == SKM_CODES
    first = next(r for r in data if r[0] == rw.responses[0].pk)
    assert list(first[u1 : u1 + 9]) == list(PATTERNS[0][0])
    assert first[header.index("Channel")] == "Paper questionnaire (surveyor)"
    assert first[header.index("Gender")] == "Female"
    assert first[header.index("Paper number")] == "P-0"
    blank = next(r for r in data if r[0] == rw.responses[9].pk)
    assert blank[header.index("U5")] is None
    with_suggestion = next(r for r in data if r[0] == rw.responses[1].pk)
    assert with_suggestion[header.index("Suggestion")] == "Antrean terlalu lama di pagi hari"
    assert with_suggestion[header.index("Service")] == "Izin Reklame"


def test_the_computation_sheet_equals_ikm_for(rw):
    result = ikm_for(survey=rw.survey)
    sheet = workbook(rw)["Pengolahan"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r]
    by_code = {r[0]: r for r in rows if r[0] in SKM_CODES}
    for u in result.unsur:
        code, name, answered, total, nrr, weight, weighted, _converted = by_code[u.code]
        assert (name, answered, total) == (UNSUR_NAME[u.key], u.answered, u.total)
        assert isinstance(nrr, int | float)
        assert nrr == pytest.approx(float(u.nrr), abs=1e-12)
        assert weight == pytest.approx(1 / 9)
        assert weighted == pytest.approx(float(u.nrr) / 9)
    labels = {r[0]: r[1] for r in rows if isinstance(r[0], str)}
    assert labels["IKM converted (25–100)"] == float(result.converted)
    assert labels["IKM (1–4)"] == pytest.approx(float(result.weighted))
    assert labels["Mutu"] == result.mutu
    assert labels["Kinerja"] == result.kinerja


def test_the_workbook_lists_the_follow_up_plan(rw):
    rows = list(workbook(rw)["Tindak lanjut"].iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][:5] == (
        "DPMPTSP Kota Bontang",
        "U3 Waktu Penyelesaian",
        "Membuka loket tambahan untuk pengambilan berkas",
        "Sekretaris DPMPTSP",
        dt.datetime(2026, 9, 30),
    )


def test_a_tenants_workbook_holds_only_its_own_respondents(rw):
    rows = list(workbook(rw, user=rw.dave, survey=rw.mpp_survey)["Data"].iter_rows(values_only=True))
    assert len(rows) == 3
    assert {r[rows[0].index("Unit")] for r in rows[1:]} == {"BPJS Kesehatan Cabang Bontang"}


def test_leaving_out_anonymous_qr_responses(rw):
    with time_machine.travel(NOW, tick=False):
        add_response(
            rw.survey, channel=Channel.QR_ANONYMOUS, answers=dict(zip(SKM_CODES, (1,) * 9, strict=True)), now=NOW
        )
    client = as_user(english(), rw.alice)
    url = reverse("surveys:report_xlsx", args=[rw.survey.pk])
    with_anon = openpyxl.load_workbook(io.BytesIO(b"".join(client.get(url).streaming_content)))
    without = openpyxl.load_workbook(io.BytesIO(b"".join(client.get(url + "?anonim=0").streaming_content)))
    assert with_anon["Data"].max_row == 12
    assert without["Data"].max_row == 11


# --- The selectors behind them --------------------------------------------------------------------------


def test_the_report_counts_each_answer_value_per_unsur(rw):
    report = build_report(survey=rw.survey, now=NOW)
    rows = {r.key: r for r in report.rows}
    assert rows["waktu"].distribution == {1: 2, 2: 4, 3: 4, 4: 0}
    assert rows["waktu"].counts[0] == (1, 2, Decimal("20.0"))
    for row in report.rows:
        assert sum(row.distribution.values()) == row.answered
        assert sum(v * n for v, n in row.distribution.items()) == row.total
    assert rows["produk"].answered == 9  # one blank


def test_the_report_counts_respondents_per_profile_value(rw):
    with translation.override("en"):
        report = build_report(survey=rw.survey, now=NOW)
    gender = report.profile[0]
    assert [(label, n) for label, n, _p in gender.rows] == [("Male", 4), ("Female", 6)]
    assert all(table.total == 10 for table in report.profile)


def test_suggestions_are_grouped_by_unsur_tag_most_first(rw):
    written, groups = suggestions_by_unsur(survey=rw.survey, slice=Slice())
    assert written == 3
    assert [(g.unsur, g.count) for g in groups] == [("waktu", 2), ("sarana", 1)]


def test_the_mpp_reports_ikm_per_unit_equals_ikm_for_each_unit(rw):
    report = build_report(survey=rw.mpp_survey, now=NOW)
    names = [item.name for item in report.per_unit]
    assert names == [rw.bpjs.name, rw.dpmptsp.name, rw.dukcapil.name, rw.mpp.name]
    for item, unit in zip(report.per_unit, (rw.bpjs, rw.dpmptsp, rw.dukcapil), strict=False):
        assert item.ikm == ikm_for(survey=rw.mpp_survey, slice=Slice(unit_id=unit.pk))
    assert report.per_unit[-1].is_total and report.per_unit[-1].ikm == ikm_for(survey=rw.mpp_survey)


def test_the_previous_survey_is_the_units_period_before(rw):
    assert previous_survey(survey=rw.survey) == rw.previous
    assert previous_survey(survey=rw.previous) is None
    assert previous_survey(survey=rw.mpp_survey) is None


def test_raw_answers_page_through_the_responses_in_few_queries(rw, django_assert_num_queries):
    # 10 responses in pages of 3: four pages, two queries each; the short last page ends it.
    with django_assert_num_queries(2 * 4):
        rows = list(raw_answers(survey=rw.survey, slice=Slice(), chunk_size=3))
    assert [r[0][0] for r in rows] == sorted(r.pk for r in rw.responses)


def test_building_the_report_does_not_grow_queries_with_actions_or_respondents(rw):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            build_report(survey=rw.mpp_survey, now=NOW)
        return len(ctx.captured_queries)

    before = count()
    with time_machine.travel(NOW, tick=False):
        for unsur in ("waktu", "sarana", "biaya"):
            for unit in (rw.dpmptsp, rw.bpjs):
                add_follow_up(
                    survey=rw.mpp_survey,
                    unit=unit,
                    unsur=unsur,
                    action="Aksi",
                    responsible="Kabid",
                    due_date=dt.date(2026, 6, 1),
                    by=rw.alice,
                    now=NOW,
                )
        for _ in range(5):
            add_response(rw.mpp_survey, gerai=rw.gerai_bpjs, suggestion="Parkir sempit", now=NOW)
    assert count() == before
