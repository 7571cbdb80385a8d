"""Out schemas of the public, read-only standards API (services and their standards)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from ninja import Schema


def _page_url(service) -> str:
    return settings.SITE_URL + reverse("public:service", args=[service.unit.slug, service.slug])


class ServiceUnitOut(Schema):
    slug: str
    name: str
    short_name: str


class ServiceOut(Schema):
    slug: str
    name: str
    summary: str
    unit: ServiceUnitOut
    category: str | None
    national_system: str
    url: str  # the public web page of the service

    @staticmethod
    def resolve_category(obj) -> str | None:
        return obj.category.name if obj.category_id else None

    @staticmethod
    def resolve_url(obj) -> str:
        return _page_url(obj)


class CompletionTimeOut(Schema):
    value: int
    unit: str  # "minutes", "hours" or "working_days"


class FeeOut(Schema):
    kind: str  # "free", "fixed" or "tariff" (calculated per application)
    free: bool
    amount: int | None  # rupiah: the fee, or for a tariff its lowest amount if known; null when free
    legal_basis: str


class DecreeOut(Schema):
    number: str
    date: datetime.date | None


class StandardOut(Schema):
    """A published version with the 14 components of PermenPANRB 15/2014."""

    version: int
    effective_date: datetime.date
    # Components delivered to the public.
    requirements: list[str]
    procedure: list[str]
    counter_time_minutes: int | None
    completion_time: CompletionTimeOut | None
    fee: FeeOut
    product: str
    complaint_handling: str
    # Internal management components.
    legal_basis: str
    facilities: str
    staff_competence: str
    internal_supervision: str
    staff_count: str
    service_guarantee: str
    safety_guarantee: str
    staff_evaluation: str
    decree: DecreeOut

    @staticmethod
    def resolve_version(obj) -> int:
        return obj.number

    @staticmethod
    def resolve_requirements(obj) -> list[str]:
        return [item.text for item in obj.requirements.all()]

    @staticmethod
    def resolve_procedure(obj) -> list[str]:
        return [step.text for step in obj.procedure_steps.all()]

    @staticmethod
    def resolve_completion_time(obj) -> dict | None:
        if not obj.completion_time_value:
            return None
        return {"value": obj.completion_time_value, "unit": obj.completion_time_unit}

    @staticmethod
    def resolve_fee(obj) -> dict:
        return {
            "kind": obj.fee_kind,
            "free": obj.fee_kind == "free",
            "amount": obj.fee_amount,
            "legal_basis": obj.fee_legal_basis,
        }

    @staticmethod
    def resolve_decree(obj) -> dict:
        return {"number": obj.decree_number, "date": obj.decree_date}


class ServiceDetailOut(ServiceOut):
    standard: StandardOut

    @staticmethod
    def resolve_standard(obj):
        return obj.standard
