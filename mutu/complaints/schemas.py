"""In and Out schemas of the complaints API (public intake and tracking, staff list and detail)."""

from __future__ import annotations

import datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, field_validator

KindLiteral = Literal["pengaduan", "aspirasi", "informasi"]


def no_null_characters(cls, value):
    """PostgreSQL text cannot hold NUL (the web form refuses it too)."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError(_("A null character is not allowed in text."))
    return value


class ComplaintIn(Schema):
    instansi: str = Field("", max_length=80, description="Slug of the government office; empty when there is one")
    kind: KindLiteral = "pengaduan"
    title: str = Field(max_length=200)
    description: str = Field(max_length=8000)
    occurred_on: datetime.date | None = None
    service_id: int | None = Field(None, ge=1, le=2**62)
    location_id: int | None = Field(None, ge=1, le=2**62)
    reporter_name: str = Field("", max_length=150)
    reporter_email: str = Field("", max_length=254)
    reporter_phone: str = Field("", max_length=30)
    reporter_nik: str = Field("", max_length=16)
    is_anonymous: bool = False
    is_confidential: bool = False
    consent: bool = Field(False, description="The citizen agrees to the processing of the personal data; required")

    _no_nul = field_validator("*", mode="after")(no_null_characters)


class ComplaintCreatedOut(Schema):
    tracking_code: str
    status: str
    tracking_url: str
    email_confirmation_needed: bool


class MessageOut(Schema):
    kind: str
    kind_label: str
    body: str
    unit: str | None
    created_at: datetime.datetime


class DeadlineOut(Schema):
    stage: str
    label: str
    due_on: datetime.date
    paused: bool
    overdue: bool


class TrackOut(Schema):
    tracking_code: str
    kind: str
    title: str
    description: str
    status: str
    status_label: str
    lapor_status: str
    unit: str | None
    submitted_at: datetime.datetime
    decision_reason: str
    outcome: str
    messages: list[MessageOut]
    deadlines: list[DeadlineOut]


class ComplaintSummaryOut(Schema):
    id: int
    tracking_code: str
    kind: str
    channel: str
    status: str
    status_label: str
    lapor_status: str
    title: str
    unit: str | None
    service: str | None
    assigned_to: str | None
    is_anonymous: bool
    is_confidential: bool
    submitted_at: datetime.datetime
    next_due_at: datetime.datetime | None


class IdentityOut(Schema):
    name: str
    email: str
    phone: str


class StaffMessageOut(MessageOut):
    author: str | None


class OpenDeadlineOut(Schema):
    stage: str
    due_at: datetime.datetime


class ComplaintDetailOut(ComplaintSummaryOut):
    description: str
    occurred_on: datetime.date | None
    external_id: str
    decision_reason: str
    outcome: str
    identity: IdentityOut | None = Field(description="null for anonim reports: the verifier sees it on its own page")
    messages: list[StaffMessageOut]
    deadlines: list[OpenDeadlineOut]
