"""Drafts, publishing, immutability and the diff of service standard versions."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from mutu.core.errors import ApplicationError
from mutu.core.models import AuditEvent
from mutu.standards import services
from mutu.standards.models import RequirementItem, StandardVersion

COMPLETE = {
    "counter_time_minutes": 15,
    "completion_time_value": 5,
    "completion_time_unit": "working_days",
    "fee_kind": "free",
    "fee_amount": None,
    "fee_legal_basis": "Perda Kota Bontang Nomor 1 Tahun 2024",
    "product": "Surat izin",
    "complaint_handling": "Formulir web, WhatsApp 0811-53-1515",
    "legal_basis": "UU 25/2009",
}


@pytest.fixture
def service(world):
    return services.service_create(
        unit=world.dpmptsp, name="Izin Praktik Bidan", category_name="Kesehatan", by=world.alice
    )


def write_draft(service, by, **changes):
    draft = services.draft_start(service=service, by=by)
    fields = {**{k: getattr(draft, k) for k in services.CONTENT_FIELDS}, **COMPLETE, **changes}
    return services.draft_update(
        draft=draft,
        fields=fields,
        requirements=["KTP", "Ijazah bidan", "STR"],
        procedure=["Ajukan berkas", "Verifikasi", "Terbit izin"],
        by=by,
    )


def test_a_draft_is_published_with_an_effective_date(world, service):
    draft = write_draft(service, world.alice)
    published = services.version_publish(version=draft, effective_date=datetime.date(2026, 1, 1), by=world.alice)
    assert published.status == StandardVersion.Status.PUBLISHED
    assert published.published_by == world.alice
    assert AuditEvent.objects.filter(action="standard.publish", object_id=str(draft.pk)).count() == 1


def test_an_incomplete_draft_cannot_be_published(world, service):
    draft = services.draft_start(service=service, by=world.alice)
    with pytest.raises(ApplicationError) as exc:
        services.version_publish(version=draft, effective_date=datetime.date(2026, 1, 1), by=world.alice)
    assert "requirements" in exc.value.message or "persyaratan" in exc.value.message.lower()


def test_a_published_version_cannot_be_edited_through_the_service(world, service):
    draft = write_draft(service, world.alice)
    services.version_publish(version=draft, effective_date=datetime.date(2026, 1, 1), by=world.alice)
    with pytest.raises(ApplicationError):
        services.draft_update(
            draft=draft, fields={"product": "lain"}, requirements=["x"], procedure=["y"], by=world.alice
        )
    with pytest.raises(ApplicationError):
        services.version_publish(version=draft, effective_date=datetime.date(2026, 2, 1), by=world.alice)


def test_the_database_refuses_to_change_a_published_version(world, service):
    draft = write_draft(service, world.alice)
    services.version_publish(version=draft, effective_date=datetime.date(2026, 1, 1), by=world.alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        StandardVersion.objects.filter(pk=draft.pk).update(product="diubah diam-diam")
    with pytest.raises(IntegrityError), transaction.atomic():
        RequirementItem.objects.filter(version=draft).update(text="diubah")
    with pytest.raises(IntegrityError), transaction.atomic():
        RequirementItem.objects.create(version=draft, position=99, text="tambahan")
    with pytest.raises(IntegrityError), transaction.atomic():
        StandardVersion.objects.filter(pk=draft.pk).delete()
    draft.refresh_from_db()
    assert draft.product == "Surat izin"
    assert draft.requirements.count() == 3


def test_governance_may_still_be_recorded_after_publishing(world, service):
    draft = write_draft(service, world.alice)
    services.version_publish(version=draft, effective_date=datetime.date(2026, 1, 1), by=world.alice)
    services.version_set_governance(
        version=draft, next_review_date=datetime.date(2027, 1, 1), decree_scan=None, by=world.alice
    )
    draft.refresh_from_db()
    assert draft.next_review_date == datetime.date(2027, 1, 1)


def test_a_new_draft_copies_the_latest_version(world, service):
    first = write_draft(service, world.alice)
    services.version_publish(version=first, effective_date=datetime.date(2025, 1, 1), by=world.alice)
    second = services.draft_start(service=service, by=world.alice)
    assert second.number == 2
    assert [r.text for r in second.requirements.all()] == ["KTP", "Ijazah bidan", "STR"]
    assert second.product == "Surat izin"


def test_only_one_draft_per_service(world, service):
    services.draft_start(service=service, by=world.alice)
    with pytest.raises(ApplicationError):
        services.draft_start(service=service, by=world.alice)


def test_two_versions_cannot_take_effect_on_the_same_date(world, service):
    first = write_draft(service, world.alice)
    services.version_publish(version=first, effective_date=datetime.date(2026, 1, 1), by=world.alice)
    second = write_draft(service, world.alice, product="Surat izin elektronik")
    with pytest.raises(ApplicationError) as exc:
        services.version_publish(version=second, effective_date=datetime.date(2026, 1, 1), by=world.alice)
    assert "effective_date" in exc.value.field_errors


def test_the_fee_must_be_free_or_an_amount(world, service):
    draft = services.draft_start(service=service, by=world.alice)
    fields = {
        **{k: getattr(draft, k) for k in services.CONTENT_FIELDS},
        **COMPLETE,
        "fee_kind": "fixed",
        "fee_amount": None,
    }
    with pytest.raises(Exception):  # noqa: B017 - ValidationError from full_clean
        services.draft_update(draft=draft, fields=fields, requirements=["a"], procedure=["b"], by=world.alice)


def test_the_current_version_follows_effective_dates(world, service):
    from mutu.standards.selectors import current_version

    first = write_draft(service, world.alice)
    services.version_publish(version=first, effective_date=datetime.date(2025, 1, 1), by=world.alice)
    second = write_draft(service, world.alice, completion_time_value=3)
    services.version_publish(version=second, effective_date=datetime.date(2026, 7, 1), by=world.alice)
    versions = list(service.versions.all())
    assert current_version(versions=versions, today=datetime.date(2026, 6, 30)).number == 1
    assert current_version(versions=versions, today=datetime.date(2026, 7, 1)).number == 2
    assert current_version(versions=versions, today=datetime.date(2024, 12, 31)) is None


def test_a_fee_calculated_per_application_needs_no_fixed_amount(world, service):
    from mutu.standards.presentation import fee_text

    draft = write_draft(service, world.alice, fee_kind="tariff", fee_amount=None)
    assert fee_text(draft) in ("Calculated per application by the tariff", "Dihitung per permohonan sesuai tarif")
    draft = services.draft_update(
        draft=draft,
        fields={**{k: getattr(draft, k) for k in services.CONTENT_FIELDS}, "fee_amount": 50_000},
        requirements=["KTP"],
        procedure=["Ajukan"],
        by=world.alice,
    )
    assert "50.000" in fee_text(draft)


def test_the_database_refuses_an_amount_on_a_free_service(world, service):
    draft = services.draft_start(service=service, by=world.alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        StandardVersion.objects.filter(pk=draft.pk).update(fee_kind="free", fee_amount=10_000)
    with pytest.raises(IntegrityError), transaction.atomic():
        StandardVersion.objects.filter(pk=draft.pk).update(fee_kind="fixed", fee_amount=None)
