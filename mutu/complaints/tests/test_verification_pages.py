"""The verifier's pages: who may open them (everyone else gets a 404), and each decision by form."""

import datetime as dt
import uuid

import pytest
import time_machine
from django.urls import reverse

from mutu.complaints import services_verification as svc
from mutu.complaints.models import Complaint, Evidence, Handling, IdentityView, Message, Status
from mutu.complaints.testing import make_complaint
from mutu.core.models import StoredFile

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
UNIT_STAFF_AND_STRANGERS = ("complaint_officer", "alice", "head", "bob", "charlie", "dave", "nobody")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _evidence(complaint, name="bukti-antrean.pdf"):
    stored = StoredFile.objects.create(
        created_at=NOW,
        purpose="complaint",
        original_name=name,
        kind=StoredFile.Kind.PDF,
        content_type="application/pdf",
        size=2048,
        sha256="ab" * 32,
        relative_path=f"test/{uuid.uuid4()}.pdf",
    )
    return Evidence.objects.create(complaint=complaint, file=stored, created_at=NOW)


# --- the queue ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["verifier", "instansi_admin"])
def test_the_verifier_and_the_instansi_admin_see_the_queue(complaint_world, login, persona):
    w = complaint_world
    complaint = make_complaint(w)
    asked = svc.request_more_information(complaint=make_complaint(w, title="Kurang lengkap"), question="?", by=None)
    response = login(getattr(w, persona)).get(reverse("complaints:verify_queue"))
    assert response.status_code == 200
    assert complaint.tracking_code in response.text and asked.tracking_code in response.text


@pytest.mark.parametrize("persona", UNIT_STAFF_AND_STRANGERS)
def test_everyone_else_gets_a_404_for_the_queue(complaint_world, login, persona):
    make_complaint(complaint_world)
    assert login(getattr(complaint_world, persona)).get(reverse("complaints:verify_queue")).status_code == 404


def test_the_queue_asks_a_visitor_to_log_in(client, complaint_world):
    response = client.get(reverse("complaints:verify_queue"))
    assert response.status_code == 302 and response.url.startswith(reverse("core:login"))


def test_the_queue_escapes_what_the_citizen_wrote(complaint_world, login):
    make_complaint(complaint_world, title="<script>alert(1)</script>")
    response = login(complaint_world.verifier).get(reverse("complaints:verify_queue"))
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_the_queue_costs_the_same_number_of_queries_for_many_reports(
    complaint_world, login, django_assert_max_num_queries
):
    w = complaint_world
    client = login(w.verifier)
    make_complaint(w)
    client.get(reverse("complaints:verify_queue"))
    for i in range(15):
        _evidence(make_complaint(w, title=f"Laporan {i}", is_anonymous=bool(i % 2)))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("complaints:verify_queue"))
    assert response.status_code == 200


# --- one report -----------------------------------------------------------------------------------------


def test_the_verifier_sees_the_report_with_its_evidence_and_identity(complaint_world, login):
    w = complaint_world
    complaint = make_complaint(w, reporter_nik="6474012345678901")
    _evidence(complaint)
    response = login(w.verifier).get(reverse("complaints:verify", args=[complaint.pk]))
    assert response.status_code == 200
    assert "bukti-antrean.pdf" in response.text
    assert "siti@example.org" in response.text and "6474012345678901" in response.text


def test_an_anonim_identity_is_not_on_the_verify_page_but_behind_a_logged_look(complaint_world, login):
    w = complaint_world
    complaint = make_complaint(w, is_anonymous=True)
    response = login(w.verifier).get(reverse("complaints:verify", args=[complaint.pk]))
    assert "siti@example.org" not in response.text and "Siti Aminah" not in response.text
    assert reverse("complaints:identity", args=[complaint.pk]) in response.text
    # The instansi admin sees the report but not the way to its identity.
    response = login(w.instansi_admin).get(reverse("complaints:verify", args=[complaint.pk]))
    assert response.status_code == 200 and "siti@example.org" not in response.text
    assert reverse("complaints:identity", args=[complaint.pk]) not in response.text


def test_possible_duplicates_are_offered_for_merging(complaint_world, login):
    w = complaint_world
    first = make_complaint(w)
    second = make_complaint(w)
    response = login(w.verifier).get(reverse("complaints:verify", args=[second.pk]))
    assert f'name="merge-into_code" value="{first.tracking_code}"' in response.text


@pytest.mark.parametrize("persona", UNIT_STAFF_AND_STRANGERS)
def test_everyone_else_gets_a_404_for_a_report_at_the_verifier(complaint_world, login, persona):
    w = complaint_world
    complaint = make_complaint(w)
    svc.forward_complaint(complaint=make_complaint(w), unit=w.dpmptsp, by=w.verifier)
    assert login(getattr(w, persona)).get(reverse("complaints:verify", args=[complaint.pk])).status_code == 404


def test_the_verifier_forwards_a_report_by_the_form(complaint_world, login):
    w = complaint_world
    complaint = make_complaint(w, suggested_unit=w.dpmptsp)
    url = reverse("complaints:verify", args=[complaint.pk])
    client = login(w.verifier)
    page = client.get(url)
    assert w.bpjs.name not in page.text  # MPP tenants of another instansi are not offered
    response = client.post(
        url,
        {"action": "forward", "forward-unit": w.dpmptsp.pk, "forward-category": w.light.pk, "forward-note": ""},
    )
    assert response.status_code == 302 and response.url == reverse("complaints:verify_queue")
    complaint.refresh_from_db()
    assert complaint.status == Status.FORWARDED and complaint.category_id == w.light.pk


def test_a_forward_without_a_unit_shows_the_error_and_changes_nothing(complaint_world, login):
    w = complaint_world
    complaint = make_complaint(w)
    response = login(w.verifier).post(
        reverse("complaints:verify", args=[complaint.pk]), {"action": "forward", "forward-unit": ""}
    )
    assert response.status_code == 422
    assert 'id="id_forward-unit_error"' in response.text
    assert Complaint.objects.get(pk=complaint.pk).status == Status.SUBMITTED


def test_a_category_of_the_wrong_unit_is_put_next_to_its_field(complaint_world, login):
    w = complaint_world
    complaint = make_complaint(w)
    response = login(w.verifier).post(
        reverse("complaints:verify", args=[complaint.pk]),
        {"action": "forward", "forward-unit": w.dukcapil.pk, "forward-category": w.light.pk},
    )
    assert response.status_code == 422 and 'id="id_forward-category_error"' in response.text


def test_a_decision_on_a_report_that_moved_on_is_refused_politely(complaint_world, login):
    w = complaint_world
    complaint = make_complaint(w)
    svc.forward_complaint(complaint=complaint, unit=w.dpmptsp, by=w.verifier)
    url = reverse("complaints:verify", args=[complaint.pk])
    response = login(w.verifier).post(url, {"action": "archive", "archive-reason": "Spam"})
    assert response.status_code == 302 and response.url == url
    assert Complaint.objects.get(pk=complaint.pk).status == Status.FORWARDED


def test_the_verifier_asks_for_more_refuses_and_archives_by_the_forms(complaint_world, login):
    w = complaint_world
    client = login(w.verifier)
    asked, refused, archived = make_complaint(w), make_complaint(w), make_complaint(w)
    client.post(
        reverse("complaints:verify", args=[asked.pk]), {"action": "request_info", "info-question": "Nomor berkas?"}
    )
    client.post(
        reverse("complaints:verify", args=[refused.pk]),
        {"action": "not_authority", "refuse-reason": "Kewenangan Pemerintah Provinsi"},
    )
    client.post(reverse("complaints:verify", args=[archived.pk]), {"action": "archive", "archive-reason": "Uji"})
    assert Complaint.objects.get(pk=asked.pk).status == Status.NEEDS_INFO
    refused.refresh_from_db()
    assert refused.status == Status.NOT_AUTHORITY and refused.decision_reason == "Kewenangan Pemerintah Provinsi"
    assert Complaint.objects.get(pk=archived.pk).status == Status.ARCHIVED


def test_not_our_authority_without_a_reason_is_refused(complaint_world, login):
    w = complaint_world
    complaint = make_complaint(w)
    response = login(w.verifier).post(
        reverse("complaints:verify", args=[complaint.pk]), {"action": "not_authority", "refuse-reason": ""}
    )
    assert response.status_code == 422 and "<details" in response.text and " open>" in response.text
    assert Complaint.objects.get(pk=complaint.pk).status == Status.SUBMITTED


def test_the_verifier_merges_a_duplicate_by_its_code(complaint_world, login):
    w = complaint_world
    into, duplicate = make_complaint(w), make_complaint(w)
    client = login(w.verifier)
    url = reverse("complaints:verify", args=[duplicate.pk])
    response = client.post(url, {"action": "merge", "merge-into_code": into.tracking_code.lower().replace("-", "")})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED and duplicate.merged_into_id == into.pk


def test_a_merge_into_an_unknown_or_foreign_code_is_refused(complaint_world, login):
    w = complaint_world
    duplicate = make_complaint(w)
    foreign = make_complaint(w, instansi=w.bpjs_instansi)
    client = login(w.verifier)
    url = reverse("complaints:verify", args=[duplicate.pk])
    for code in ("ZZZZ-ZZZZ", foreign.tracking_code):
        response = client.post(url, {"action": "merge", "merge-into_code": code})
        assert response.status_code == 422
    assert Complaint.objects.get(pk=duplicate.pk).status == Status.SUBMITTED


# --- passing on to another unit ----------------------------------------------------------------------


def test_the_unit_passes_a_report_on_and_then_only_reads_it(complaint_world, login):
    w = complaint_world
    complaint = svc.forward_complaint(complaint=make_complaint(w), unit=w.dpmptsp, by=w.verifier)
    url = reverse("complaints:redirect", args=[complaint.pk])
    client = login(w.complaint_officer)
    assert client.get(url).status_code == 200
    response = client.post(url, {"redirect-unit": w.dukcapil.pk, "redirect-note": "Urusan KTP"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.unit_id == w.dukcapil.pk
    assert Handling.objects.filter(complaint=complaint).count() == 2
    # The old unit cannot pass it on again; the new unit can; a third party gets a 404.
    assert client.get(url).status_code == 404
    assert login(w.charlie).get(url).status_code == 200
    assert login(w.dave).get(url).status_code == 404


@pytest.mark.parametrize("persona", ["head", "bob", "charlie", "dave", "nobody"])
def test_others_get_a_404_when_passing_on(complaint_world, login, persona):
    w = complaint_world
    complaint = svc.forward_complaint(complaint=make_complaint(w), unit=w.dpmptsp, by=w.verifier)
    url = reverse("complaints:redirect", args=[complaint.pk])
    assert (
        login(getattr(w, persona)).post(url, {"redirect-unit": w.dukcapil.pk, "redirect-note": "x"}).status_code == 404
    )
    assert Complaint.objects.get(pk=complaint.pk).unit_id == w.dpmptsp.pk


def test_the_verifier_may_pass_on_from_the_verify_page(complaint_world, login):
    w = complaint_world
    complaint = svc.forward_complaint(complaint=make_complaint(w), unit=w.dpmptsp, by=w.verifier)
    client = login(w.verifier)
    page = client.get(reverse("complaints:verify", args=[complaint.pk]))
    assert reverse("complaints:redirect", args=[complaint.pk]) in page.text
    response = client.post(
        reverse("complaints:redirect", args=[complaint.pk]), {"redirect-unit": w.dukcapil.pk, "redirect-note": "Salah"}
    )
    assert response.status_code == 302 and response.url == reverse("complaints:verify", args=[complaint.pk])


def test_a_bare_post_from_the_detail_page_opens_the_form_without_errors(complaint_world, login):
    w = complaint_world
    complaint = svc.forward_complaint(complaint=make_complaint(w), unit=w.dpmptsp, by=w.verifier)
    response = login(w.complaint_officer).post(reverse("complaints:redirect", args=[complaint.pk]))
    assert response.status_code == 200 and "errorlist" not in response.text
    assert 'name="redirect-unit"' in response.text


def test_passing_on_without_a_reason_shows_the_error(complaint_world, login):
    w = complaint_world
    complaint = svc.forward_complaint(complaint=make_complaint(w), unit=w.dpmptsp, by=w.verifier)
    response = login(w.alice).post(
        reverse("complaints:redirect", args=[complaint.pk]), {"redirect-unit": w.dukcapil.pk, "redirect-note": ""}
    )
    assert response.status_code == 422 and 'id="id_redirect-note_error"' in response.text
    assert Complaint.objects.get(pk=complaint.pk).unit_id == w.dpmptsp.pk


# --- identity ------------------------------------------------------------------------------------------


def test_the_verifier_sees_an_anonim_identity_only_after_giving_a_reason(complaint_world, login):
    w = complaint_world
    complaint = make_complaint(w, is_anonymous=True)
    url = reverse("complaints:identity", args=[complaint.pk])
    client = login(w.verifier)
    page = client.get(url)
    assert page.status_code == 200 and "siti@example.org" not in page.text
    assert "no-store" in page.headers["Cache-Control"] or "no-cache" in page.headers["Cache-Control"]
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 422 and "siti@example.org" not in refused.text
    assert not IdentityView.objects.exists()
    shown = client.post(url, {"reason": "Memastikan pelapor <b>sama</b>"})
    assert shown.status_code == 200 and "siti@example.org" in shown.text
    client.post(url, {"reason": "Kedua kali"})
    assert IdentityView.objects.filter(complaint=complaint, user=w.verifier).count() == 2
    listed = client.get(url)
    assert "Kedua kali" in listed.text and "Memastikan pelapor &lt;b&gt;sama&lt;/b&gt;" in listed.text


@pytest.mark.parametrize("persona", ["instansi_admin", *UNIT_STAFF_AND_STRANGERS])
def test_nobody_but_the_verifier_may_look_at_an_anonim_identity(complaint_world, login, persona):
    w = complaint_world
    complaint = svc.forward_complaint(complaint=make_complaint(w, is_anonymous=True), unit=w.dpmptsp, by=w.verifier)
    client = login(getattr(w, persona))
    url = reverse("complaints:identity", args=[complaint.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "ingin tahu"}).status_code == 404
    assert not IdentityView.objects.exists()


def test_the_unit_handling_an_anonim_report_never_sees_the_identity_on_its_messages(complaint_world, login):
    w = complaint_world
    complaint = svc.forward_complaint(complaint=make_complaint(w, is_anonymous=True), unit=w.dpmptsp, by=w.verifier)
    assert not Message.objects.filter(complaint=complaint, body__contains="siti@example.org").exists()


def test_a_report_that_is_not_anonim_has_no_identity_page(complaint_world, login):
    complaint = make_complaint(complaint_world)
    url = reverse("complaints:identity", args=[complaint.pk])
    assert login(complaint_world.verifier).get(url).status_code == 404


def test_the_verify_page_costs_the_same_number_of_queries_however_many_duplicates(complaint_world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = complaint_world
    subject = make_complaint(w)
    _evidence(subject)
    client = login(w.verifier)
    url = reverse("complaints:verify", args=[subject.pk])
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    make_complaint(w)
    few = count()
    for _i in range(8):
        duplicate = make_complaint(w)
        _evidence(duplicate)
    assert count() == few
