"""In and Out schemas of the survey API (kiosk configuration and batches, pushed responses, IKM)."""

from __future__ import annotations

import datetime
import uuid

from ninja import Schema
from pydantic import Field

from mutu.surveys.services import SUGGESTION_MAX_LENGTH
from mutu.surveys.services_kiosk import BATCH_MAX

AnswerValue = int | str | None


# --- Kiosk configuration -------------------------------------------------------------------------


class ChoiceOut(Schema):
    value: str
    label: str


class KioskOptionOut(Schema):
    value: int
    label: str
    face: str = Field(description="very_sad, sad, neutral, happy, very_happy or empty")


class KioskQuestionOut(Schema):
    id: int
    code: str
    text: str
    kind: str = Field(description="scale or text")
    required: bool
    options: list[KioskOptionOut]


class KioskServiceOut(Schema):
    id: int
    name: str


class KioskProfileFieldOut(Schema):
    name: str
    label: str
    options: list[ChoiceOut]


class KioskSurveyOut(Schema):
    id: int
    name: str
    intro: str
    starts_on: datetime.date
    ends_on: datetime.date
    questions: list[KioskQuestionOut]
    services: list[KioskServiceOut]


class KioskDeviceOut(Schema):
    id: int
    name: str
    unit: str
    location: str
    counter: str
    is_disability_counter: bool


class KioskConfigOut(Schema):
    device: KioskDeviceOut
    survey: KioskSurveyOut | None
    message: str = Field(description="Why there is no survey to take, when survey is null")
    profile: list[KioskProfileFieldOut]
    generated_at: datetime.datetime


# --- Kiosk batches -------------------------------------------------------------------------------


class KioskResponseIn(Schema):
    client_id: uuid.UUID = Field(description="Generated on the kiosk (crypto.randomUUID()); a replay stores nothing")
    answered_at: datetime.datetime
    answers: dict[str, AnswerValue] = Field(description='Question code → answer, e.g. {"U1": 4}')
    profile: dict[str, str] = Field(default_factory=dict, description="gender, age_group, education, occupation")
    service_id: int | None = None
    suggestion: str = Field("", max_length=SUGGESTION_MAX_LENGTH * 2)
    survey_id: int | None = Field(None, description="The survey the kiosk showed; default: the one open that day")


class KioskBatchIn(Schema):
    responses: list[KioskResponseIn] = Field(min_length=1, max_length=BATCH_MAX)


class KioskItemResultOut(Schema):
    client_id: uuid.UUID
    status: str = Field(description="stored, duplicate or rejected")
    errors: dict[str, list[str]]


class KioskBatchOut(Schema):
    results: list[KioskItemResultOut]
    stored: int
    duplicate: int
    rejected: int


# --- Responses pushed by an integration ----------------------------------------------------------


class ResponseIn(Schema):
    client_id: uuid.UUID | None = Field(None, description="Idempotency key: the same id twice stores one response")
    answered_at: datetime.datetime | None = None
    answers: dict[str, AnswerValue]
    profile: dict[str, str] = Field(default_factory=dict)
    location_id: int | None = None
    gerai_id: int | None = Field(None, description="Required in an MPP-wide survey: the gerai that served")
    counter_id: int | None = None
    service_id: int | None = None
    suggestion: str = Field("", max_length=SUGGESTION_MAX_LENGTH * 2)


class ResponseOut(Schema):
    id: int
    client_id: uuid.UUID | None
    created: bool


# --- IKM -----------------------------------------------------------------------------------------


class UnsurOut(Schema):
    code: str
    name: str
    answered: int
    nrr: float | None


class IkmOut(Schema):
    """The same object as ``mutu ikm --format json``, plus the survey and its weight mode."""

    survey_id: int
    weight_mode: str
    respondents: int
    unsur: list[UnsurOut]
    ikm: float | None = Field(description="Converted IKM (25–100), rounded half-up to 2 decimals")
    ikm_weighted: float | None = Field(description="Weighted IKM (1–4), 4 decimals")
    mutu: str | None
    kinerja: str | None
