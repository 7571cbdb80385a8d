"""Who sees which complaint, and whose identity, used by every page, export and API alike."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from mutu.complaints.models import Complaint, Handling
from mutu.organisations.models import Membership
from mutu.organisations.selectors import _instansi_ids, _unit_ids

# Instansi roles that see every complaint of their instansi (the LAPOR! administrator's desk).
VERIFIER_ROLES = (Membership.Role.COMPLAINT_VERIFIER, Membership.Role.INSTANSI_ADMIN)
# Unit roles that handle complaints forwarded to their unit.
HANDLER_ROLES = (Membership.Role.COMPLAINT_OFFICER, Membership.Role.UNIT_ADMIN, Membership.Role.UNIT_HEAD)


def verifier_instansi_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return _instansi_ids(user, VERIFIER_ROLES)


def handler_unit_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return _unit_ids(user, HANDLER_ROLES)


def complaints_visible_to(*, user) -> QuerySet[Complaint]:
    """Verifiers: their instansi's complaints. Handlers: their unit's, and (read-only) those
    their unit once held and forwarded. Everyone else: none (404)."""
    if not user.is_authenticated:
        return Complaint.objects.none()
    if user.is_superuser:
        return Complaint.objects.all()
    instansi_ids = verifier_instansi_ids(user)
    unit_ids = handler_unit_ids(user)
    if not instansi_ids and not unit_ids:
        return Complaint.objects.none()
    held_before = Exists(Handling.objects.filter(complaint=OuterRef("pk"), unit_id__in=unit_ids))
    return Complaint.objects.filter(Q(instansi_id__in=instansi_ids) | Q(unit_id__in=unit_ids) | held_before)


def complaints_handled_by(*, user) -> QuerySet[Complaint]:
    """Complaints the user may act on as a handler: those their unit holds now."""
    if user.is_superuser:
        return Complaint.objects.exclude(unit__isnull=True)
    return Complaint.objects.filter(unit_id__in=handler_unit_ids(user))


def complaints_verified_by(*, user) -> QuerySet[Complaint]:
    """Complaints the user may verify, forward, hold, refuse or archive."""
    if user.is_superuser:
        return Complaint.objects.all()
    return Complaint.objects.filter(instansi_id__in=verifier_instansi_ids(user))


def can_act_on(*, user, complaint: Complaint) -> bool:
    return complaints_handled_by(user=user).filter(pk=complaint.pk).exists()


def can_see_identity(*, user, complaint: Complaint) -> bool:
    """Anonim hides the complainant from everyone but the instansi's complaint verifier.

    Seeing it is logged (``services.record_identity_view``)."""
    if not complaint.is_anonymous:
        return complaints_visible_to(user=user).filter(pk=complaint.pk).exists()
    if user.is_superuser:
        return True
    return complaint.instansi_id in _instansi_ids(user, (Membership.Role.COMPLAINT_VERIFIER,))


def public_complaint(*, tracking_code: str) -> Complaint | None:
    """The complaint behind a tracking code (its owner may see it even when rahasia)."""
    code = normalise_tracking_code(tracking_code)
    return (
        Complaint.objects.select_related("unit", "service", "category", "instansi").filter(tracking_code=code).first()
    )


def normalise_tracking_code(value: str) -> str:
    """Accept what people type or say: lower case, spaces, missing or extra dashes."""
    raw = "".join(ch for ch in value.upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else raw
