"""Progress against the target, per location and service, from the tallies."""

import datetime as dt

import pytest
from django.urls import reverse

from mutu.queues.models import Ticket
from mutu.surveys.models import Survey
from mutu.surveys.selectors_planning import allocate, survey_progress
from mutu.surveys.testing import add_response

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)


def test_allocation_adds_up_to_the_target_and_is_equal_without_weights():
    assert allocate(10, {"a": 0, "b": 0, "c": 0}) == {"a": 4, "b": 3, "c": 3}
    assert allocate(100, {"a": 1, "b": 1, "c": 2}) == {"a": 25, "b": 25, "c": 50}
    parts = allocate(278, {"a": 7, "b": 13, "c": 5})
    assert sum(parts.values()) == 278
    assert allocate(0, {}) == {}


@pytest.fixture
def planned(survey_world, queue_world):
    w = survey_world
    w.office = w.dukcapil_office  # any second location will do for the slices
    survey = w.survey
    Survey.objects.filter(pk=survey.pk).update(target_sample=100, population=400)
    survey.refresh_from_db()
    survey.locations.set([w.mpp])
    survey.services.set([w.reklame])
    for _i in range(3):
        add_response(survey, location=w.mpp, service=w.reklame, now=NOW)
    add_response(survey, location=w.mpp, now=NOW)
    add_response(survey, now=NOW)
    return w, survey


def test_progress_counts_respondents_per_location_and_service(planned):
    w, survey = planned
    progress = survey_progress(survey=survey)
    assert (progress.collected, progress.target, progress.percent) == (5, 100, 5)
    by_location = {row.key: (row.collected, row.target) for row in progress.by_location}
    assert by_location == {w.mpp.pk: (4, 100), None: (1, None)}
    by_service = {row.key: (row.collected, row.target) for row in progress.by_service}
    assert by_service == {w.reklame.pk: (3, 100), None: (2, None)}
    assert not progress.weights_from_tickets


def test_targets_follow_last_periods_tickets(planned):
    w, survey = planned
    survey.services.set([w.reklame, w.ktp])
    day = dt.date(2025, 12, 10)  # in the year before the survey (no previous survey of the unit)
    for i, line in enumerate([w.line_a] * 3 + [w.line_b]):
        Ticket.objects.create(
            location=w.mpp,
            line=line,
            service=line.service,
            prefix=line.prefix,
            number=i + 1,
            day=day,
            issued_at=NOW - dt.timedelta(days=400),
            status=Ticket.Status.DONE,
        )
    Survey.objects.filter(pk=survey.pk).update(mpp=w.mpp)  # so Disdukcapil's tickets count too
    survey.refresh_from_db()
    progress = survey_progress(survey=survey)
    targets = {row.key: row.target for row in progress.by_service}
    assert targets[w.reklame.pk] == 75 and targets[w.ktp.pk] == 25
    assert progress.weights_from_tickets


def test_progress_reads_a_constant_number_of_queries(planned, django_assert_max_num_queries):
    w, survey = planned
    survey = Survey.objects.prefetch_related("locations", "services").get(pk=survey.pk)
    with django_assert_max_num_queries(5):
        survey_progress(survey=survey)
    for _ in range(10):
        add_response(survey, location=w.mpp, service=w.reklame, now=NOW)
    survey = Survey.objects.prefetch_related("locations", "services").get(pk=survey.pk)
    with django_assert_max_num_queries(5):
        assert survey_progress(survey=survey).collected == 15


def test_the_detail_page_shows_progress_and_guards_links_to_other_areas(planned, login):
    w, survey = planned
    response = login(w.alice).get(reverse("surveys:detail", args=[survey.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<strong>5</strong>" in page and "<strong>100</strong>" in page
    assert 'max="100" value="5"' in page
    assert w.reklame.name in page


def test_an_mpp_tenant_sees_only_its_own_respondents_of_the_mpp_survey(survey_world, login):
    w = survey_world
    add_response(w.mpp_survey, gerai=w.gerai_bpjs, location=w.mpp, now=NOW)
    add_response(w.mpp_survey, gerai=w.gerai_dpmptsp, location=w.mpp, now=NOW)
    add_response(w.mpp_survey, gerai=w.gerai_dpmptsp, location=w.mpp, now=NOW)
    response = login(w.dave).get(reverse("surveys:detail", args=[w.mpp_survey.pk]))
    assert response.context["progress"].collected == 1
    response = login(w.alice).get(reverse("surveys:detail", args=[w.mpp_survey.pk]))
    progress = response.context["progress"]
    assert progress.collected == 3
    assert {row.label: row.collected for row in progress.by_unit} == {"BPJS Bontang": 1, "DPMPTSP": 2}
