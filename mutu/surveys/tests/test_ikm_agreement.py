"""The page's numbers (tallies in the database) equal the pure function's on the same answers."""

import datetime as dt
import random
import uuid

import pytest
import time_machine

from mutu.surveys.calculations import UNSUR_KEYS, compute_ikm
from mutu.surveys.models import Channel, Gender, Tally
from mutu.surveys.selectors import Slice, ikm_for, unsur_totals_from_answers, unsur_totals_from_tallies
from mutu.surveys.services import rebuild_survey_tallies
from mutu.surveys.testing import SKM_CODES, add_response

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def filled(survey_world):
    w = survey_world
    rng = random.Random(14_2017)
    expected = []
    with time_machine.travel(NOW, tick=False):
        for i in range(60):
            values = [rng.choice([1, 2, 3, 4, 4, None if i % 7 == 0 else 3]) for _ in SKM_CODES]
            if all(v is None for v in values):
                values[0] = 2
            # Screens ask for every answer; blanks come from paper questionnaires.
            channel = Channel.SURVEYOR if i % 3 == 0 or None in values else Channel.KIOSK
            add_response(
                w.survey,
                channel=channel,
                answers=dict(zip(SKM_CODES, values, strict=True)),
                surveyor_id=w.surveyor.pk if channel == Channel.SURVEYOR else None,
                counter=w.counter_a1 if i % 2 else None,
                location=w.mpp,
                profile={"gender": Gender.FEMALE if i % 4 else Gender.MALE},
                client_id=uuid.uuid4(),
                now=NOW,
            )
            expected.append({"values": dict(zip(UNSUR_KEYS, values, strict=True)), "i": i, "channel": channel})
    return w, expected


def test_tallies_answers_and_the_pure_function_agree(filled):
    w, expected = filled
    pure = compute_ikm([e["values"] for e in expected])
    page = ikm_for(survey=w.survey)
    assert page == pure
    assert unsur_totals_from_tallies(survey_ids=[w.survey.pk], slice=Slice()) == unsur_totals_from_answers(
        survey_ids=[w.survey.pk], slice=Slice()
    )


def test_slices_agree_too(filled):
    w, expected = filled
    counter_only = compute_ikm([e["values"] for e in expected if e["i"] % 2])
    assert ikm_for(survey=w.survey, slice=Slice(counter_id=w.counter_a1.pk)) == counter_only
    surveyor_only = compute_ikm([e["values"] for e in expected if e["channel"] == Channel.SURVEYOR])
    assert ikm_for(survey=w.survey, slice=Slice(channels=(Channel.SURVEYOR,))) == surveyor_only
    men = compute_ikm([e["values"] for e in expected if e["i"] % 4 == 0])
    assert ikm_for(survey=w.survey, slice=Slice(gender=Gender.MALE)) == men


def test_rebuilding_tallies_gives_the_same_rows(filled):
    w, _expected = filled
    before = sorted(Tally.objects.filter(survey=w.survey).values_list("key", "answered", "total"))
    rebuild_survey_tallies(survey=w.survey)
    after = sorted(Tally.objects.filter(survey=w.survey).values_list("key", "answered", "total"))
    assert before == after


def test_a_period_with_no_answers_has_no_ikm(survey_world):
    result = ikm_for(survey=survey_world.survey)
    assert result.respondents == 0
    assert result.converted is None
    assert len(result.unsur) == 9


def test_the_page_reads_a_constant_number_of_queries(filled, django_assert_num_queries):
    w, _expected = filled
    with django_assert_num_queries(2):
        ikm_for(survey=w.survey)
