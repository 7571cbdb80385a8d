"""Berkas pages: list, receiving with the checklist, state buttons, the receipt PDF, the public page.

bob is DPMPTSP's counter officer (may receive), the evaluator reads every unit of the instansi,
charlie is the admin of another unit (404 everywhere), nobody has no role (403).
"""

import datetime as dt
import io
from unittest import mock
from zoneinfo import ZoneInfo

import pypdf
import pytest
import segno
import time_machine
import weasyprint
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mutu.organisations.services import sync_national_holidays
from mutu.queues.models import Berkas
from mutu.queues.services import berkas as services
from mutu.queues.testing import published_service

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")
NOW = dt.datetime(2026, 1, 14, 10, 0, tzinfo=WITA)  # Wednesday
A4_POINTS = (595, 842)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def bw(queue_world, frozen):
    """The queue world with a counter-time service and one file received on Monday 12 January."""
    w = queue_world
    w.legalisir, _v = published_service(unit=w.dpmptsp, name="Legalisir", slug="legalisir", completion=(2, "hours"))
    w.file = services.receive_berkas(
        unit=w.dpmptsp,
        service=w.reklame,
        applicant_name="Budi Santoso",
        applicant_phone="0812-5555-0101",
        present_requirements=[1, 2, 3],
        by=w.bob,
        now=dt.datetime(2026, 1, 12, 9, 0, tzinfo=WITA),
    )
    return w


def url(name, *args):
    return reverse(f"berkas:{name}", args=args)


def post_data(w, present=(1, 2, 3), **extra):
    return {
        "service": w.reklame.pk,
        "applicant_name": "Siti Aminah",
        "applicant_phone": "0813-1234-5678",
        "requirements": [str(p) for p in present],
        "note": "",
        **extra,
    }


def pdf_text(response) -> str:
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


# --- List ---------------------------------------------------------------------------------------


def test_unit_staff_see_the_list_with_counts(bw, login):
    response = login(bw.bob).get(url("unit", "dpmptsp"))
    assert response.status_code == 200
    assert bw.file.receipt_number in response.text
    assert "Budi Santoso" in response.text
    assert response.context["counts"]["received"] == 1
    assert response.context["counts"]["week"] == 0  # due Monday 19 January: next week
    assert url("receive", "dpmptsp") in response.text


def test_the_list_filters_overdue_and_due_this_week(bw, login):
    w = bw
    old = services.receive_berkas(
        unit=w.dpmptsp,
        service=w.reklame,
        applicant_name="Lama",
        present_requirements=[1, 2, 3],
        by=w.bob,
        now=dt.datetime(2026, 1, 2, 9, 0, tzinfo=WITA),  # due Friday 9 January: overdue on the 14th
    )
    soon = services.receive_berkas(
        unit=w.dpmptsp,
        service=w.reklame,
        applicant_name="Segera",
        present_requirements=[1, 2, 3],
        by=w.bob,
        now=dt.datetime(2026, 1, 8, 9, 0, tzinfo=WITA),  # due Thursday 15 January: this week
    )
    client = login(w.bob)
    overdue = client.get(url("unit", "dpmptsp"), {"due": "overdue"})
    assert [b.pk for b in overdue.context["page"]] == [old.pk]
    assert overdue.context["counts"]["overdue"] == 1
    week = client.get(url("unit", "dpmptsp"), {"due": "week"})
    assert [b.pk for b in week.context["page"]] == [soon.pk]  # the first file is due Monday 19th
    assert week.context["counts"]["week"] == 1
    received = client.get(url("unit", "dpmptsp"), {"status": "received"})
    assert {b.pk for b in received.context["page"]} == {old.pk, soon.pk, w.file.pk}
    # A finished file is no longer overdue.
    services.mark_ready(berkas=old, by=w.bob)
    assert client.get(url("unit", "dpmptsp"), {"due": "overdue"}).context["counts"]["overdue"] == 0


def test_the_evaluator_reads_without_buttons(bw, login):
    client = login(bw.evaluator)
    listing = client.get(url("unit", "dpmptsp"))
    assert listing.status_code == 200
    assert url("receive", "dpmptsp") not in listing.text
    detail = client.get(url("detail", bw.file.pk))
    assert detail.status_code == 200
    assert url("ready", bw.file.pk) not in detail.text
    assert client.get(url("receipt", bw.file.pk)).status_code == 200


# --- Permissions --------------------------------------------------------------------------------


def test_another_unit_gets_404_everywhere(bw, login):
    client = login(bw.charlie)
    pk = bw.file.pk
    for address in [url("unit", "dpmptsp"), url("receive", "dpmptsp"), url("detail", pk), url("receipt", pk)]:
        assert client.get(address).status_code == 404, address
    for name in ["start", "ready", "collected", "return"]:
        assert client.post(url(name, pk), {"reason": "x"}).status_code == 404, name
    assert client.post(url("receive", "dpmptsp"), post_data(bw)).status_code == 404
    assert Berkas.objects.get(pk=pk).status == Berkas.Status.RECEIVED
    assert Berkas.objects.count() == 1


def test_the_evaluator_cannot_change_anything(bw, login):
    client = login(bw.evaluator)
    pk = bw.file.pk
    assert client.get(url("receive", "dpmptsp")).status_code == 404
    assert client.post(url("receive", "dpmptsp"), post_data(bw)).status_code == 404
    for name in ["start", "ready", "collected", "return"]:
        assert client.post(url(name, pk), {"reason": "x"}).status_code == 404, name
    assert Berkas.objects.get(pk=pk).status == Berkas.Status.RECEIVED


def test_no_role_is_403_and_anonymous_is_sent_to_login(bw, client, login):
    anonymous = client.get(url("unit", "dpmptsp"))
    assert anonymous.status_code == 302 and "/akun/masuk/" in anonymous["Location"]
    assert client.get(url("receipt", bw.file.pk)).status_code == 302
    assert login(bw.nobody).get(url("unit", "dpmptsp")).status_code == 403


def test_state_changes_need_post(bw, login):
    assert login(bw.bob).get(url("ready", bw.file.pk)).status_code == 405


# --- Receiving ----------------------------------------------------------------------------------


def test_step_one_offers_only_working_day_services(bw, login):
    response = login(bw.bob).get(url("receive", "dpmptsp"))
    assert response.status_code == 200
    choices = dict(response.context["choice"].fields["service"].choices)
    assert bw.reklame.pk in choices
    assert bw.legalisir.pk not in choices
    assert "Fotokopi KTP" not in response.text


def test_step_two_shows_the_checklist_of_the_standard_in_force(bw, login):
    response = login(bw.bob).get(url("receive", "dpmptsp"), {"service": bw.reklame.pk})
    assert response.status_code == 200
    for text in ["Fotokopi KTP", "Surat permohonan", "Gambar desain"]:
        assert text in response.text
    assert "<html" in response.text


def test_with_htmx_only_the_checklist_is_swapped_in(bw, login):
    response = login(bw.bob).get(url("receive", "dpmptsp"), {"service": bw.reklame.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Gambar desain" in response.text
    assert 'name="applicant_name"' in response.text


def test_a_counter_time_service_cannot_be_chosen(bw, login):
    response = login(bw.bob).get(url("receive", "dpmptsp"), {"service": bw.legalisir.pk})
    assert response.context["form"] is None
    assert response.context["choice"].errors
    posted = login(bw.bob).post(url("receive", "dpmptsp"), post_data(bw, service=bw.legalisir.pk))
    assert posted.status_code == 302
    assert Berkas.objects.count() == 1


def test_the_counter_officer_receives_a_complete_file(bw, login):
    response = login(bw.bob).post(url("receive", "dpmptsp"), post_data(bw))
    berkas = Berkas.objects.exclude(pk=bw.file.pk).get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", berkas.pk)
    assert berkas.applicant_name == "Siti Aminah"
    assert berkas.received_by == bw.bob
    assert berkas.due_date == dt.date(2026, 1, 21)  # Wed 14 → Thu 15 … Wed 21
    assert berkas.receipt_number.endswith("/2026/00002")


def test_missing_documents_are_listed_and_nothing_is_saved(bw, login):
    response = login(bw.bob).post(url("receive", "dpmptsp"), post_data(bw, present=(2,)))
    assert response.status_code == 422
    assert "Fotokopi KTP" in response.text and "Gambar desain" in response.text
    errors = response.context["form"].errors
    assert [e for e in errors["requirements"] if "Fotokopi KTP" in e] and [
        e for e in errors["requirements"] if "Gambar desain" in e
    ]
    assert not [e for e in errors["requirements"] if "Surat permohonan" in e]
    assert errors["__all__"]
    assert 'value="Siti Aminah"' in response.text  # what was typed is kept
    assert Berkas.objects.count() == 1


# --- Detail and state buttons -------------------------------------------------------------------


def test_the_officer_moves_the_file_through_its_states(bw, login):
    client = login(bw.bob)
    pk = bw.file.pk
    page = client.get(url("detail", pk))
    assert url("start", pk) in page.text and url("ready", pk) in page.text
    assert client.post(url("start", pk)).status_code == 302
    assert client.post(url("ready", pk)).status_code == 302
    berkas = Berkas.objects.get(pk=pk)
    assert berkas.status == Berkas.Status.READY and berkas.finished_by == bw.bob and berkas.finished_at == NOW
    assert url("collected", pk) in client.get(url("detail", pk)).text
    client.post(url("collected", pk))
    assert Berkas.objects.get(pk=pk).status == Berkas.Status.COLLECTED


def test_a_wrong_state_shows_a_message_and_changes_nothing(bw, login):
    client = login(bw.bob)
    response = client.post(url("collected", bw.file.pk), follow=True)
    assert "Only a finished file can be handed over" in response.text or "diserahkan" in response.text
    assert Berkas.objects.get(pk=bw.file.pk).status == Berkas.Status.RECEIVED


def test_returning_needs_a_reason(bw, login):
    client = login(bw.bob)
    assert client.post(url("return", bw.file.pk), {"reason": ""}).status_code == 422
    assert Berkas.objects.get(pk=bw.file.pk).status == Berkas.Status.RECEIVED
    assert client.post(url("return", bw.file.pk), {"reason": "KTP tidak terbaca"}).status_code == 302
    berkas = Berkas.objects.get(pk=bw.file.pk)
    assert berkas.status == Berkas.Status.REJECTED and "KTP tidak terbaca" in berkas.note


# --- The receipt --------------------------------------------------------------------------------


def tracking(berkas):
    return settings.SITE_URL + reverse("berkas:track", args=[berkas.public_token])


def test_the_receipt_is_an_a4_pdf_with_the_number_and_the_promised_date_in_indonesian(queue_world, login):
    w = queue_world
    sync_national_holidays(instansi=w.bontang, years=[2025, 2026])
    received = dt.datetime(2025, 12, 30, 14, 5, tzinfo=WITA)  # Tuesday; 1 January is a holiday
    with time_machine.travel(received, tick=False):
        berkas = services.receive_berkas(
            unit=w.dpmptsp,
            service=w.reklame,
            applicant_name="Budi Santoso",
            present_requirements=[1, 2, 3],
            by=w.bob,
        )
        response = login(w.bob).get(url("receipt", berkas.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="tanda-terima-REKLAM-2025-00001.pdf"'
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    page = pypdf.PdfReader(io.BytesIO(response.content)).pages[0]
    assert (round(page.mediabox.width), round(page.mediabox.height)) == A4_POINTS
    text = pdf_text(response)
    assert "REKLAM/2025/00001" in text
    assert "Rabu, 7 Januari 2026" in text
    assert "Selasa, 30 Desember 2025" in text and "14.05 WITA" in text
    assert "Budi Santoso" in text
    for item in ["Fotokopi KTP", "Surat permohonan", "Gambar desain"]:
        assert item in text
    assert "WhatsApp 0811-53-1515" in text  # how to complain, from the standard
    assert "prioritas layanan" in text  # the unit's rule for files finished late
    assert tracking(berkas) in text.replace("\n", "")


def test_the_receipt_qr_code_points_to_the_public_status_page(bw, login):
    expected = segno.make(tracking(bw.file), error="m")
    with mock.patch("weasyprint.HTML", wraps=weasyprint.HTML) as html:
        login(bw.bob).get(url("receipt", bw.file.pk))
    printed = html.call_args.kwargs["string"]
    path = expected.svg_inline(scale=3, omitsize=True).split(' d="', 1)[1].split('"', 1)[0]
    assert path in printed


# --- Public status page -------------------------------------------------------------------------


def test_the_public_page_shows_the_status_without_personal_data(bw, client):
    response = client.get(url("track", bw.file.public_token))
    assert response.status_code == 200
    assert bw.file.receipt_number in response.text
    assert "Izin Reklame" in response.text
    assert "Senin, 19 Januari 2026" in response.text
    assert "Senin, 12 Januari 2026" in response.text
    for private in ["Budi", "Santoso", "0812", "5555", "bob", "Bob"]:
        assert private not in response.text, private
    assert response["X-Robots-Tag"] == "noindex"


def test_the_public_page_follows_the_state(bw, client):
    services.mark_ready(berkas=bw.file, by=bw.bob)
    response = client.get(url("track", bw.file.public_token))
    assert response.context["s"].status == Berkas.Status.READY
    assert "Budi" not in response.text


def test_an_unknown_token_is_404(bw, client):
    assert client.get(url("track", "no-such-token")).status_code == 404


def test_the_public_page_is_rate_limited(bw, client, settings):
    settings.RATELIMIT_ENABLED = True
    from django.core.cache import cache

    cache.clear()
    statuses = {client.get(url("track", f"guess-{i}")).status_code for i in range(61)}
    assert 429 in statuses
    cache.clear()


def test_the_list_needs_the_same_queries_for_many_files(bw, login):
    client = login(bw.bob)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("unit", "dpmptsp")).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for _ in range(15):
        services.receive_berkas(
            unit=bw.dpmptsp, service=bw.reklame, applicant_name="Warga", present_requirements=[1, 2, 3], by=bw.bob
        )
    assert count() == few
