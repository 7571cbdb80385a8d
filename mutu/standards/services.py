"""Every change to services, standard versions, their governance and the maklumat."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mutu.core.audit import record_audit, snapshot
from mutu.core.errors import ApplicationError
from mutu.core.files import store_upload
from mutu.standards.models import (
    ConsultationParticipants,
    FeeKind,
    Maklumat,
    ProcedureStep,
    PublicConsultation,
    RequirementItem,
    Service,
    ServiceCategory,
    StandardVersion,
)

# The components a draft carries, in the order of PermenPANRB 15/2014.
CONTENT_FIELDS = [
    "counter_time_minutes",
    "completion_time_value",
    "completion_time_unit",
    "fee_kind",
    "fee_amount",
    "fee_legal_basis",
    "product",
    "complaint_handling",
    "legal_basis",
    "facilities",
    "staff_competence",
    "internal_supervision",
    "staff_count",
    "service_guarantee",
    "safety_guarantee",
    "staff_evaluation",
    "decree_number",
    "decree_date",
    "next_review_date",
    "change_summary",
]
# Records about a published version that may still be added later: they describe
# how the standard was set and when it is reviewed, not what it promises.
GOVERNANCE_FIELDS = ["decree_scan", "next_review_date"]


def _audit_version(version, *, by, action, before=None):
    record_audit(
        actor=by,
        action=action,
        obj=version,
        unit=version.service.unit,
        before=before,
        after={
            **snapshot(version),
            "requirements": [r.text for r in version.requirements.all()],
            "procedure": [s.text for s in version.procedure_steps.all()],
        },
    )


@transaction.atomic
def service_create(
    *, unit, name: str, category_name: str = "", summary: str = "", national_system: str = "", by
) -> Service:
    slug = slugify(name)[:100] or "layanan"
    base, n = slug, 2
    while Service.objects.filter(unit=unit, slug=slug).exists():
        slug = f"{base[:95]}-{n}"
        n += 1
    category = None
    if category_name.strip():
        category, _created = ServiceCategory.objects.get_or_create(unit=unit, name=category_name.strip())
    service = Service(
        unit=unit, name=name.strip(), slug=slug, category=category, summary=summary, national_system=national_system
    )
    service.full_clean()
    service.save()
    record_audit(actor=by, action="service.create", obj=service, unit=unit, after=snapshot(service))
    return service


@transaction.atomic
def draft_start(*, service: Service, by) -> StandardVersion:
    """Open a new draft, copying the latest version so only the changes need typing."""
    if service.versions.filter(status=StandardVersion.Status.DRAFT).exists():
        raise ApplicationError(_("This service already has a draft."))
    latest = service.versions.order_by("-number").first()
    draft = StandardVersion(
        service=service,
        number=(latest.number + 1) if latest else 1,
        status=StandardVersion.Status.DRAFT,
        created_at=timezone.now(),
    )
    if latest:
        for name in CONTENT_FIELDS:
            setattr(draft, name, getattr(latest, name))
        draft.change_summary = ""
    try:
        with transaction.atomic():
            draft.save()
    except IntegrityError as exc:  # another officer opened a draft at the same moment
        raise ApplicationError(_("This service already has a draft.")) from exc
    if latest:
        RequirementItem.objects.bulk_create(
            RequirementItem(version=draft, position=r.position, text=r.text) for r in latest.requirements.all()
        )
        ProcedureStep.objects.bulk_create(
            ProcedureStep(version=draft, position=s.position, text=s.text) for s in latest.procedure_steps.all()
        )
    _audit_version(draft, by=by, action="standard.draft_start")
    return draft


def _require_draft(version: StandardVersion) -> None:
    fresh_status = StandardVersion.objects.filter(pk=version.pk).values_list("status", flat=True).first()
    if fresh_status != StandardVersion.Status.DRAFT:
        raise ApplicationError(_("A published version cannot be changed. Start a new draft instead."))


@transaction.atomic
def draft_update(
    *, draft: StandardVersion, fields: dict, requirements: list[str], procedure: list[str], by
) -> StandardVersion:
    _require_draft(draft)
    before = {
        **snapshot(draft),
        "requirements": [r.text for r in draft.requirements.all()],
        "procedure": [s.text for s in draft.procedure_steps.all()],
    }
    unknown = set(fields) - set(CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"not content fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(draft, name, value)
    if draft.fee_kind == FeeKind.FREE:
        draft.fee_amount = None
    if not draft.completion_time_value:
        draft.completion_time_value, draft.completion_time_unit = None, ""
    draft.full_clean(exclude=["decree_scan", "published_by"])
    draft.save()
    draft.requirements.all().delete()
    draft.procedure_steps.all().delete()
    RequirementItem.objects.bulk_create(
        RequirementItem(version=draft, position=i, text=t) for i, t in enumerate(_clean_items(requirements), 1)
    )
    ProcedureStep.objects.bulk_create(
        ProcedureStep(version=draft, position=i, text=t) for i, t in enumerate(_clean_items(procedure), 1)
    )
    _audit_version(draft, by=by, action="standard.draft_update", before=before)
    return draft


def _clean_items(items: list[str]) -> list[str]:
    return [item.strip() for item in items if item and item.strip()]


def missing_public_components(version: StandardVersion) -> list[str]:
    """Names of the six public components a version still lacks (it cannot be published)."""
    missing = []
    if not version.requirements.exists():
        missing.append(_("requirements"))
    if not version.procedure_steps.exists():
        missing.append(_("procedure"))
    if not version.completion_time_value:
        missing.append(_("time to completion"))
    if not version.fee_legal_basis.strip():
        missing.append(_("fee and its legal basis"))
    if not version.product.strip():
        missing.append(_("product"))
    if not version.complaint_handling.strip():
        missing.append(_("complaint handling"))
    return missing


@transaction.atomic
def version_publish(*, version: StandardVersion, effective_date: datetime.date, by) -> StandardVersion:
    """Publish a draft from ``effective_date`` on; from now on it never changes."""
    _require_draft(version)
    missing = missing_public_components(version)
    if missing:
        raise ApplicationError(
            _("The standard cannot be published yet. Missing: %(missing)s.") % {"missing": ", ".join(missing)}
        )
    clash = StandardVersion.objects.filter(
        service=version.service, status=StandardVersion.Status.PUBLISHED, effective_date=effective_date
    ).exists()
    if clash:
        raise ApplicationError(
            _("Another version is already effective from this date."),
            field_errors={"effective_date": [_("Another version is already effective from this date.")]},
        )
    before = snapshot(version, ["status", "effective_date"])
    now = timezone.now()
    # Conditional update: two officers pressing "publish" at once publish it once.
    claimed = StandardVersion.objects.filter(pk=version.pk, status=StandardVersion.Status.DRAFT).update(
        status=StandardVersion.Status.PUBLISHED,
        effective_date=effective_date,
        published_at=now,
        published_by=by if by is not None and by.is_authenticated else None,
    )
    if claimed != 1:
        raise ApplicationError(_("A published version cannot be changed. Start a new draft instead."))
    version.refresh_from_db()
    _audit_version(version, by=by, action="standard.publish", before=before)
    return version


@transaction.atomic
def draft_discard(*, draft: StandardVersion, by) -> None:
    _require_draft(draft)
    record_audit(actor=by, action="standard.draft_discard", obj=draft, unit=draft.service.unit, before=snapshot(draft))
    draft.delete()


@transaction.atomic
def version_set_governance(
    *, version: StandardVersion, next_review_date: datetime.date | None, decree_scan: UploadedFile | None, by
) -> StandardVersion:
    """Record the signed decree scan and the next review date, also after publishing."""
    before = snapshot(version, GOVERNANCE_FIELDS)
    unit = version.service.unit
    if decree_scan is not None:
        version.decree_scan = store_upload(
            upload=decree_scan, purpose="standard.decree", unit=unit, is_public=True, by=by
        )
    version.next_review_date = next_review_date
    version.save(update_fields=GOVERNANCE_FIELDS)
    record_audit(
        actor=by,
        action="standard.governance",
        obj=version,
        unit=unit,
        before=before,
        after=snapshot(version, GOVERNANCE_FIELDS),
    )
    return version


@transaction.atomic
def consultation_add(
    *,
    version: StandardVersion,
    held_on: datetime.date,
    venue: str,
    minutes: str,
    participants: dict[str, int],
    minutes_scan: UploadedFile | None = None,
    by,
) -> PublicConsultation:
    counts = {group: n for group, n in participants.items() if n}
    if not counts:
        raise ApplicationError(
            _("Record how many people of at least one group took part."),
            field_errors={"users": [_("Record how many people of at least one group took part.")]},
        )
    if held_on > timezone.localdate():
        raise ApplicationError(
            _("A consultation cannot be recorded before it is held."),
            field_errors={"held_on": [_("A consultation cannot be recorded before it is held.")]},
        )
    unit = version.service.unit
    consultation = PublicConsultation.objects.create(
        version=version,
        held_on=held_on,
        venue=venue,
        minutes=minutes,
        recorded_at=timezone.now(),
        minutes_scan=store_upload(
            upload=minutes_scan, purpose="standard.consultation", unit=unit, is_public=True, by=by
        )
        if minutes_scan
        else None,
    )
    ConsultationParticipants.objects.bulk_create(
        ConsultationParticipants(consultation=consultation, group=g, count=n) for g, n in counts.items()
    )
    record_audit(
        actor=by,
        action="standard.consultation_add",
        obj=consultation,
        unit=unit,
        after={**snapshot(consultation), "participants": counts},
    )
    return consultation


@transaction.atomic
def maklumat_create(
    *,
    unit,
    text: str,
    signatory_name: str,
    signatory_title: str,
    signed_on: datetime.date,
    scan: UploadedFile | None = None,
    by,
) -> Maklumat:
    if Maklumat.objects.filter(unit=unit, signed_on=signed_on).exists():
        raise ApplicationError(
            _("A maklumat signed on this date already exists."),
            field_errors={"signed_on": [_("A maklumat signed on this date already exists.")]},
        )
    maklumat = Maklumat(
        unit=unit,
        text=text.strip(),
        signatory_name=signatory_name,
        signatory_title=signatory_title,
        signed_on=signed_on,
        created_at=timezone.now(),
    )
    if scan is not None:
        maklumat.scan = store_upload(upload=scan, purpose="maklumat", unit=unit, is_public=True, by=by)
    maklumat.full_clean()
    maklumat.save()
    record_audit(actor=by, action="maklumat.create", obj=maklumat, unit=unit, after=snapshot(maklumat))
    return maklumat
