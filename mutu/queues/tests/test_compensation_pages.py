"""The unit's compensation pages: rules, new version, register + XLSX, summaries, A4 poster."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import translation

from mutu.core import periodic
from mutu.queues.detection import detect_breaches
from mutu.queues.models import CompensationCase, CompensationRuleSet, Ticket
from mutu.queues.services.compensation import compensation_record_given
from mutu.queues.tests.compensation_fixtures import DAY, at, make_berkas, make_ticket, now_is
from mutu.standards.models import Maklumat

BASE = "/kelola/kompensasi/unit/dpmptsp/"


@pytest.fixture
def cases(queue_world):
    """Three cases on DAY: A-001 waited (given), A-002 waited (due), a late berkas (voucher)."""
    w = queue_world
    make_ticket(w, 1, issued=at(9, 0))
    make_ticket(w, 2, issued=at(9, 5))
    make_berkas(w, received=at(9, 0, day=dt.date(2026, 11, 16)), due_date=dt.date(2026, 11, 23), finished=at(9, 0))
    detect_breaches(now=at(9, 20))
    compensation_record_given(
        case=CompensationCase.objects.get(ticket__number=1), remedy="apology_drink", by=w.bob, now=at(9, 25)
    )
    compensation_record_given(
        case=CompensationCase.objects.get(trigger="berkas_late"), remedy="priority_voucher", by=w.bob, now=at(9, 26)
    )
    return w


@pytest.mark.parametrize("suffix", ["", "aturan-baru/", "register/", "register.xlsx", "ringkasan/", "poster.pdf"])
def test_another_unit_gets_404(cases, login, suffix):
    assert login(cases.charlie).get(BASE + suffix).status_code == 404


@pytest.mark.parametrize("persona", ["bob", "mpp_manager", "surveyor", "dave"])
def test_staff_without_a_compensation_role_gets_404(cases, login, persona):
    assert login(getattr(cases, persona)).get(BASE + "register/").status_code == 404


@pytest.mark.parametrize("persona", ["head", "alice", "instansi_admin", "evaluator"])
def test_head_admin_and_instansi_readers_see_the_register(cases, login, persona):
    response = login(getattr(cases, persona)).get(BASE + "register/")
    assert response.status_code == 200
    assert "A-001" in response.content.decode()


@pytest.mark.parametrize("persona", ["instansi_admin", "evaluator"])
def test_instansi_readers_cannot_make_a_new_version(cases, login, persona):
    client = login(getattr(cases, persona))
    assert client.get(BASE + "aturan-baru/").status_code == 404
    assert "aturan-baru" not in client.get(BASE).content.decode()


def test_anonymous_is_sent_to_login(cases, client):
    response = client.get(BASE)
    assert response.status_code == 302 and "/akun/" in response["Location"]


def test_the_rules_page_shows_the_version_in_force_and_the_poster_link(cases, login):
    with now_is(at(10, 0)):
        body = login(cases.head).get(BASE).content.decode()
    assert "Menunggu lebih dari 10 menit tanpa informasi" in body
    assert "poster.pdf" in body and "aturan-baru" in body


def test_the_head_makes_a_new_version_through_the_form(cases, login):
    w = cases
    maklumat = Maklumat.objects.create(
        unit=w.dpmptsp,
        text="Kami sanggup menyelenggarakan pelayanan sesuai standar.",
        signatory_name="Drs. Kepala",
        signatory_title="Kepala DPMPTSP",
        signed_on=dt.date(2026, 1, 2),
        created_at=at(8, 0),
    )
    data = {
        "effective_from": "2026-12-01",
        "maklumat": maklumat.pk,
        "guarantee_reference": "Jaminan pelayanan SP Reklame",
        "wait_without_info__enabled": "on",
        "wait_without_info__threshold_minutes": "12",
        "wait_without_info__remedy": "apology_drink",
        "wait_without_info__voucher_valid_days": "30",
        "wait_without_info__poster_text": "Menunggu lebih dari 12 menit: maaf dan minuman.",
        "counter_time__remedy": "souvenir",
        "counter_time__voucher_valid_days": "30",
        "berkas_late__enabled": "on",
        "berkas_late__remedy": "priority_voucher",
        "berkas_late__voucher_valid_days": "14",
        "berkas_late__poster_text": "Berkas terlambat: prioritas.",
    }
    with now_is(at(10, 0)):
        response = login(w.head).post(BASE + "aturan-baru/", data)
    assert response.status_code == 302
    newest = CompensationRuleSet.objects.filter(unit=w.dpmptsp).order_by("-number").first()
    assert newest.number == 2 and newest.maklumat == maklumat and newest.effective_from == dt.date(2026, 12, 1)
    rules = {r.trigger: r for r in newest.rules.all()}
    assert set(rules) == {"wait_without_info", "berkas_late"}  # counter time left unticked
    assert rules["wait_without_info"].threshold_minutes == 12 and rules["berkas_late"].voucher_valid_days == 14


def test_a_form_error_is_shown_beside_its_field_and_keeps_the_input(cases, login):
    data = {
        "effective_from": "2026-11-01",  # in the past, and cases exist
        "wait_without_info__enabled": "on",
        "wait_without_info__threshold_minutes": "",
        "wait_without_info__remedy": "apology_drink",
        "wait_without_info__voucher_valid_days": "30",
        "wait_without_info__poster_text": "Teks yang diketik",
        "counter_time__remedy": "souvenir",
        "counter_time__voucher_valid_days": "30",
        "berkas_late__remedy": "souvenir",
        "berkas_late__voucher_valid_days": "30",
    }
    with now_is(at(10, 0)):
        response = login(cases.alice).post(BASE + "aturan-baru/", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_effective_from_error"' in body and 'id="id_wait_without_info__threshold_minutes_error"' in body
    assert "Teks yang diketik" in body
    assert CompensationRuleSet.objects.filter(unit=cases.dpmptsp).count() == 1


def test_the_register_filters_by_status_and_trigger(cases, login):
    client = login(cases.head)
    body = client.get(BASE + "register/", {"status": "due"}).content.decode()
    assert "A-002" in body and "A-001" not in body
    body = client.get(BASE + "register/", {"trigger": "berkas_late"}).content.decode()
    assert "RKL/2026/00001" in body and "A-00" not in body
    body = client.get(BASE + "register/", {"start": "2026-11-27"}).content.decode()
    assert "A-001" not in body


def test_the_register_reads_a_fixed_number_of_queries(cases, login, django_assert_max_num_queries):
    w = cases
    for n in range(3, 40):
        make_ticket(w, n, issued=at(9, 0))
    detect_breaches(now=at(9, 30))
    client = login(w.head)
    with django_assert_max_num_queries(14):
        assert client.get(BASE + "register/").status_code == 200


def test_the_xlsx_export_has_an_indonesian_header_and_the_filtered_rows(cases, login):
    from openpyxl import load_workbook

    response = login(cases.head).get(BASE + "register.xlsx", {"status": "given"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("Terdeteksi", "Pemicu", "Tiket") and "Kode voucher" in header
    assert len(rows) == 3  # the two given cases
    by_ticket = {r[2] or r[3]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert by_ticket["A-001"]["Terdeteksi"] == dt.datetime(2026, 11, 26, 9, 20)  # WITA wall clock
    assert by_ticket["A-001"]["Waktu dicatat"] == dt.datetime(2026, 11, 26, 9, 25)
    assert by_ticket["RKL/2026/00001"]["Kode voucher"]
    assert by_ticket["RKL/2026/00001"]["Satuan"] == "hari"


def test_the_summary_page_shows_counts_and_a_chart(cases, login):
    with now_is(at(12, 0)):
        response = login(cases.evaluator).get(BASE + "ringkasan/", {"start": "2026-11-01", "end": "2026-11-30"})
    body = response.content.decode()
    assert response.status_code == 200 and "<svg" in body and "Izin Reklame" in body


def test_the_poster_pdf_has_the_title_each_rule_and_the_guarantee_line(cases, login):
    from pypdf import PdfReader

    w = cases
    Maklumat.objects.create(
        unit=w.dpmptsp,
        text="Kami sanggup.",
        signatory_name="Drs. Kepala",
        signatory_title="Kepala DPMPTSP",
        signed_on=dt.date(2026, 1, 2),
        created_at=at(8, 0),
    )
    CompensationRuleSet.objects.filter(pk=w.rules.pk).update(
        maklumat=Maklumat.objects.get(unit=w.dpmptsp), guarantee_reference="Keputusan Kepala DPMPTSP 12/2025"
    )
    with now_is(at(10, 0)):
        response = login(w.head).get(BASE + "poster.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    with translation.override("id"):
        assert translation.gettext("Service compensation") in text
    for rule in w.rules.rules.all():
        assert rule.poster_text in text
    assert "DPMPTSP Kota Bontang" in text and "Keputusan Kepala DPMPTSP 12/2025" in text
    assert "Drs. Kepala" in text


def test_without_rules_in_force_the_poster_sends_back_with_a_message(queue_world, login):
    w = queue_world
    CompensationRuleSet.objects.filter(pk=w.rules.pk).update(effective_from=dt.date(2027, 1, 1))
    with now_is(at(10, 0)):
        response = login(w.head).get(BASE + "poster.pdf")
    assert response.status_code == 302


def test_the_head_corrects_a_record(cases, login):
    case = CompensationCase.objects.get(ticket__number=1)
    response = login(cases.head).post(
        BASE + f"register/{case.pk}/koreksi/", {"status": "declined", "remedy": "", "reason": "Warga menolak"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "declined"


def test_the_command_prints_counts_per_trigger(queue_world):
    make_ticket(queue_world, issued=at(9, 0))
    out = io.StringIO()
    with now_is(at(9, 20)):
        call_command("detect_breaches", "--unit", "dpmptsp", stdout=out)
    assert "wait_without_info: 1" in out.getvalue() and "total: 1" in out.getvalue()


def test_the_task_and_the_periodic_job_run_detection(queue_world):
    from mutu.queues.tasks import detect_breaches_task

    make_ticket(queue_world, issued=at(9, 0))
    make_ticket(queue_world, 2, issued=at(9, 0), line=queue_world.line_a)
    Ticket.objects.filter(number=2).update(status=Ticket.Status.CALLED)
    assert "mutu.queues.detection.run_periodic_detection" in periodic.PERIODIC_JOBS
    with now_is(at(9, 20)):
        assert detect_breaches_task.call(unit_slug="dpmptsp")["wait_without_info"] == 1
        result = periodic.run_job("mutu.queues.detection.run_periodic_detection")
    assert result.ok and result.result.startswith("0 new case")
    assert CompensationCase.objects.count() == 1


def test_the_register_is_empty_for_a_fresh_unit(queue_world, login):
    response = login(queue_world.charlie).get("/kelola/kompensasi/unit/dukcapil/register/")
    assert response.status_code == 200
    assert DAY  # the fixture day is a Thursday
