"""The one write path every channel shares: checks, idempotency and the tally rollup."""

import datetime as dt
import uuid

import pytest
import time_machine

from mutu.core.errors import ApplicationError
from mutu.surveys.models import Answer, Channel, Response, Survey, Tally
from mutu.surveys.services import Submission, parse_answer_value, submit_response
from mutu.surveys.testing import answers

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def submit(survey, channel=Channel.KIOSK, **kwargs):
    kwargs.setdefault("answers", answers(*[4] * 9))
    return submit_response(survey=survey, channel=channel, submission=Submission(**kwargs), now=NOW)


@pytest.mark.parametrize(
    ("raw", "value"), [(4, 4), ("4", 4), (" 3 ", 3), (4.0, 4), ("2.0", 2), ("", None), (None, None)]
)
def test_answers_are_read_as_whole_numbers(raw, value):
    assert parse_answer_value(raw) == value


@pytest.mark.parametrize("raw", [3.5, "baik", True, "4,5"])
def test_other_answers_are_refused(raw):
    with pytest.raises(ValueError):
        parse_answer_value(raw)


def test_a_response_stores_answers_and_counts_in_the_tallies(survey_world):
    w = survey_world
    response, created = submit(w.survey, counter=w.counter_a1, location=w.mpp)
    assert created
    assert response.unit == w.dpmptsp
    assert response.gerai == w.gerai_dpmptsp
    assert response.day == dt.date(2026, 11, 26)
    assert Answer.objects.filter(response=response).count() == 9
    assert Tally.objects.get(survey=w.survey, question__isnull=True).answered == 1
    u1 = Tally.objects.get(survey=w.survey, question=w.questions["U1"])
    assert (u1.answered, u1.total, u1.counter_id) == (1, 4, w.counter_a1.pk)


def test_out_of_range_answers_are_refused_and_nothing_is_stored(survey_world):
    with pytest.raises(ApplicationError) as caught:
        submit(survey_world.survey, answers={**answers(*[4] * 9), "U3": 5})
    assert "U3" in caught.value.field_errors
    assert not Response.objects.exists()
    assert not Tally.objects.exists()


def test_an_unknown_question_is_refused(survey_world):
    with pytest.raises(ApplicationError) as caught:
        submit(survey_world.survey, answers={**answers(*[4] * 9), "U10": 4})
    assert "u10" in caught.value.field_errors


def test_a_screen_respondent_must_answer_every_required_question(survey_world):
    with pytest.raises(ApplicationError) as caught:
        submit(survey_world.survey, answers=answers(4, 4, 4))
    assert set(caught.value.field_errors) == {f"U{i}" for i in range(4, 10)}


def test_a_paper_questionnaire_keeps_blanks(survey_world):
    w = survey_world
    response, _ = submit(w.survey, channel=Channel.SURVEYOR, surveyor_id=w.surveyor.pk, answers=answers(4, None, 3))
    assert Answer.objects.filter(response=response).count() == 2


def test_a_paper_questionnaire_with_no_answer_at_all_is_refused(survey_world):
    w = survey_world
    with pytest.raises(ApplicationError) as caught:
        submit(w.survey, channel=Channel.SURVEYOR, surveyor_id=w.surveyor.pk, answers=answers())
    assert "__all__" in caught.value.field_errors


def test_the_same_client_id_twice_stores_one_response(survey_world):
    client_id = uuid.uuid4()
    first, created_first = submit(survey_world.survey, client_id=client_id)
    second, created_second = submit(survey_world.survey, client_id=client_id)
    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    assert Tally.objects.get(question__isnull=True).answered == 1


def test_a_survey_outside_its_period_is_closed(survey_world):
    w = survey_world
    Survey.objects.filter(pk=w.survey.pk).update(ends_on=dt.date(2026, 11, 25))
    w.survey.refresh_from_db()
    with pytest.raises(ApplicationError, match="closed"):
        submit(w.survey)


def test_a_draft_survey_is_closed(survey_world):
    w = survey_world
    Survey.objects.filter(pk=w.survey.pk).update(status=Survey.Status.DRAFT)
    w.survey.refresh_from_db()
    with pytest.raises(ApplicationError, match="closed"):
        submit(w.survey)


def test_the_day_is_taken_in_the_units_time_zone(survey_world):
    # 23:30 UTC on 25 Nov is 07:30 on 26 Nov in Bontang (WITA, UTC+8).
    w = survey_world
    late = dt.datetime(2026, 11, 25, 23, 30, tzinfo=dt.UTC)
    response, _ = submit(w.survey, answered_at=late)
    assert response.day == dt.date(2026, 11, 26)


def test_an_mpp_survey_needs_the_unit_that_served(survey_world):
    w = survey_world
    with pytest.raises(ApplicationError) as caught:
        submit(w.mpp_survey)
    assert "gerai" in caught.value.field_errors
    response, _ = submit(w.mpp_survey, gerai=w.gerai_bpjs)
    assert response.unit == w.bpjs


def test_a_profile_value_outside_the_list_is_refused(survey_world):
    with pytest.raises(ApplicationError) as caught:
        submit(survey_world.survey, profile={"gender": "x"})
    assert "gender" in caught.value.field_errors
