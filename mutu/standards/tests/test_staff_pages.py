"""Staff pages for standards: drafting, publishing, diff, governance and maklumat, with bad input."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mutu.core.testing import tiny_pdf
from mutu.standards import services
from mutu.standards.models import Maklumat, PublicConsultation, Service, StandardVersion

PDF = tiny_pdf()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def draft_data(**changes):
    data = {
        "requirements": "Fotokopi KTP\nSurat permohonan\n\n",
        "procedure": "Pemohon mengisi formulir\nPetugas memverifikasi\nIzin diterbitkan",
        "counter_time_minutes": "15",
        "completion_time_value": "5",
        "completion_time_unit": "working_days",
        "fee_kind": "free",
        "fee_amount": "",
        "fee_legal_basis": "Peraturan Daerah Kota Bontang",
        "product": "Surat izin",
        "complaint_handling": "WhatsApp 0811-53-1515",
        "change_summary": "Versi awal",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def service(world):
    return services.service_create(unit=world.dpmptsp, name="Izin Reklame", by=world.alice)


def test_a_unit_admin_drafts_and_publishes_a_standard_through_the_pages(world, login, service):
    client = login(world.alice)
    response = client.post(f"/kelola/standar/layanan/{service.pk}/draf-baru/")
    draft = StandardVersion.objects.get(service=service)
    assert response["Location"] == f"/kelola/standar/versi/{draft.pk}/ubah/"
    assert client.post(f"/kelola/standar/versi/{draft.pk}/ubah/", draft_data()).status_code == 302
    assert [r.text for r in draft.requirements.all()] == ["Fotokopi KTP", "Surat permohonan"]
    response = client.post(f"/kelola/standar/versi/{draft.pk}/terbitkan/", {"publish-effective_date": "2026-12-01"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published" and draft.effective_date == datetime.date(2026, 12, 1)
    # The edit page of a published version does not offer a form any more.
    assert client.get(f"/kelola/standar/versi/{draft.pk}/ubah/").status_code == 302


@pytest.mark.parametrize(
    ("changes", "kept"),
    [
        ({"fee_kind": "fixed", "fee_amount": ""}, "Peraturan Daerah Kota Bontang"),
        ({"fee_kind": "fixed", "fee_amount": "-5"}, "-5"),
        ({"fee_kind": "free", "fee_amount": "5000"}, "5000"),
        ({"fee_kind": "gratis-saja"}, "Peraturan Daerah Kota Bontang"),
        ({"completion_time_value": "5", "completion_time_unit": ""}, "Surat permohonan"),
        ({"counter_time_minutes": "lima belas"}, "lima belas"),
        ({"decree_date": "31-02-2026"}, "31-02-2026"),
    ],
)
def test_bad_draft_input_is_shown_next_to_the_field_and_kept(world, login, service, changes, kept):
    client = login(world.alice)
    draft = services.draft_start(service=service, by=world.alice)
    response = client.post(f"/kelola/standar/versi/{draft.pk}/ubah/", draft_data(**changes))
    assert response.status_code == 200
    body = response.content.decode()
    assert "errorlist" in body and kept in body
    assert not draft.requirements.exists()


def test_publishing_an_incomplete_draft_explains_what_is_missing(world, login, service):
    client = login(world.alice)
    draft = services.draft_start(service=service, by=world.alice)
    response = client.post(f"/kelola/standar/versi/{draft.pk}/terbitkan/", {"publish-effective_date": "2026-12-01"})
    assert response.status_code == 422
    assert "errorlist" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_diff_page_shows_both_versions_side_by_side(world, login, service):
    client = login(world.alice)
    for product, when in [("Surat izin", "2025-01-01"), ("Surat izin elektronik", "2026-01-01")]:
        draft = services.draft_start(service=service, by=world.alice)
        client.post(f"/kelola/standar/versi/{draft.pk}/ubah/", draft_data(product=product))
        client.post(f"/kelola/standar/versi/{draft.pk}/terbitkan/", {"publish-effective_date": when})
    v1, v2 = StandardVersion.objects.filter(service=service).order_by("number")
    response = client.get(f"/kelola/standar/layanan/{service.pk}/banding/", {"left": v1.pk, "right": v2.pk})
    body = response.content.decode()
    assert response.status_code == 200
    assert "diff-del" in body and "diff-add" in body
    assert "Surat izin elektronik" in body


def test_another_units_service_is_a_404_everywhere(world, login, service):
    draft = services.draft_start(service=service, by=world.alice)
    client = login(world.charlie)
    for url in [
        f"/kelola/standar/layanan/{service.pk}/",
        f"/kelola/standar/versi/{draft.pk}/",
        f"/kelola/standar/versi/{draft.pk}/ubah/",
        f"/kelola/standar/layanan/{service.pk}/banding/",
    ]:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            f"/kelola/standar/versi/{draft.pk}/terbitkan/", {"publish-effective_date": "2026-12-01"}
        ).status_code
        == 404
    )


def test_read_only_roles_see_standards_but_cannot_change_them(world, login, service):
    draft = services.draft_start(service=service, by=world.alice)
    for persona in [world.evaluator, world.bob]:
        client = login(persona)
        assert client.get(f"/kelola/standar/versi/{draft.pk}/").status_code == 200
        assert client.get(f"/kelola/standar/versi/{draft.pk}/ubah/").status_code == 404
        assert client.post(f"/kelola/standar/layanan/{service.pk}/draf-baru/").status_code == 404


def test_the_list_flags_standards_overdue_for_review(world, login, service):
    client = login(world.alice)
    draft = services.draft_start(service=service, by=world.alice)
    client.post(f"/kelola/standar/versi/{draft.pk}/ubah/", draft_data(next_review_date="2025-06-30"))
    client.post(f"/kelola/standar/versi/{draft.pk}/terbitkan/", {"publish-effective_date": "2025-01-01"})
    body = client.get("/kelola/standar/unit/dpmptsp/").content.decode()
    assert "badge--danger" in body


def test_a_consultation_needs_participants_and_a_past_date(world, login, service):
    client = login(world.alice)
    draft = services.draft_start(service=service, by=world.alice)
    url = f"/kelola/standar/versi/{draft.pk}/konsultasi/"
    response = client.post(url, {"held_on": "2026-10-01", "venue": "Aula DPMPTSP", "minutes": "Notulen"})
    assert response.status_code == 200 and "Aula DPMPTSP" in response.content.decode()
    response = client.post(url, {"held_on": "2099-10-01", "venue": "Aula", "users": "10"})
    assert response.status_code == 200
    scan = SimpleUploadedFile("notulen.pdf", PDF, "application/pdf")
    response = client.post(
        url, {"held_on": "2026-10-01", "venue": "Aula", "users": "20", "experts": "3", "minutes_scan": scan}
    )
    assert response.status_code == 302
    consultation = PublicConsultation.objects.get(version=draft)
    assert {p.group: p.count for p in consultation.participants.all()} == {"users": 20, "experts": 3}
    assert consultation.minutes_scan.is_public


def test_a_maklumat_with_a_bad_scan_is_refused_and_the_text_kept(world, login):
    client = login(world.alice)
    data = {
        "text": "Kami sanggup melayani sesuai standar.",
        "signatory_name": "Muhammad Aspiannur",
        "signatory_title": "Kepala DPMPTSP",
        "signed_on": "2026-01-05",
        "scan": SimpleUploadedFile("maklumat.pdf", b"bukan pdf", "application/pdf"),
    }
    response = client.post("/kelola/standar/unit/dpmptsp/maklumat/", data)
    assert response.status_code == 200
    assert "Kami sanggup melayani sesuai standar." in response.content.decode()
    assert not Maklumat.objects.exists()
    data["scan"] = SimpleUploadedFile("maklumat.pdf", PDF, "application/pdf")
    assert client.post("/kelola/standar/unit/dpmptsp/maklumat/", data).status_code == 302
    assert Maklumat.objects.get().scan.is_public


def test_adding_a_service_with_an_empty_name_is_refused(world, login):
    response = login(world.alice).post("/kelola/standar/unit/dpmptsp/tambah/", {"name": "", "summary": "Ringkas"})
    assert response.status_code == 200 and "Ringkas" in response.content.decode()
    assert not Service.objects.exists()


def test_the_standards_list_reads_a_fixed_number_of_queries(world, login, service, django_assert_max_num_queries):
    client = login(world.alice)
    for n in range(5):
        services.service_create(unit=world.dpmptsp, name=f"Layanan {n}", by=world.alice)
        services.draft_start(service=Service.objects.get(name=f"Layanan {n}"), by=world.alice)
    with django_assert_max_num_queries(12):
        assert client.get("/kelola/standar/unit/dpmptsp/").status_code == 200
