"""A survey world for tests: an open SKM for DPMPTSP and an MPP-wide one, on ``build_world()``."""

import datetime as dt
from types import SimpleNamespace

from mutu.surveys.calculations import UNSUR
from mutu.surveys.models import Question
from mutu.surveys.services import Submission, create_survey, submit_response

SKM_CODES = [code for _key, code, _name in UNSUR]


def build_survey_world(w: SimpleNamespace) -> SimpleNamespace:
    """Add surveys to a world from ``build_world()``; dates cover 2026 so frozen tests fit."""
    w.survey = create_survey(
        unit=w.dpmptsp,
        name="SKM Semester II 2026",
        slug="skm-2026-2",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        by=w.alice,
        open_now=True,
    )
    w.survey.locations.add(w.mpp)
    w.mpp_survey = create_survey(
        unit=w.dpmptsp,
        name="SKM MPP Bontang 2026",
        slug="skm-mpp-2026",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        by=w.alice,
        mpp=w.mpp,
        open_now=True,
    )
    w.dukcapil_survey = create_survey(
        unit=w.dukcapil,
        name="SKM Disdukcapil 2026",
        slug="skm-dukcapil-2026",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        by=w.charlie,
        open_now=True,
    )
    w.questions = {q.code: q for q in Question.objects.filter(questionnaire=w.survey.questionnaire)}
    return w


def answers(*values) -> dict[str, int | None]:
    """answers(4, 3, None, …) → {"U1": 4, "U2": 3, "U3": None, …} (missing ones are blank)."""
    return {code: (values[i] if i < len(values) else None) for i, code in enumerate(SKM_CODES)}


def add_response(survey, *, channel="kiosk", now=None, **kwargs):
    """Store one response through the real service; answers default to all 4."""
    kwargs.setdefault("answers", answers(*([4] * 9)))
    response, _created = submit_response(survey=survey, channel=channel, submission=Submission(**kwargs), now=now)
    return response
