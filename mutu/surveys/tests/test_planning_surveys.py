"""Planning a survey period: the form, the sample target, population from tickets, open and close."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from mutu.core.errors import ApplicationError
from mutu.core.models import AuditEvent
from mutu.queues.models import Ticket
from mutu.surveys.jobs import close_finished_surveys
from mutu.surveys.models import Questionnaire, Survey
from mutu.surveys.selectors_planning import population_window
from mutu.surveys.services import template_questionnaire
from mutu.surveys.services_planning import close_survey, open_survey, survey_plan_create, survey_plan_update

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)  # 10:00 WITA


def _post_data(w, **overrides):
    data = {
        "unit": "dpmptsp",
        "name": "SKM Semester I 2027",
        "slug": "skm-2027-1",
        "starts_on": "2027-03-01",
        "ends_on": "2027-03-31",
        "questionnaire": template_questionnaire().pk,
        "mpp": "",
        "weight_mode": "exact",
        "sample_method": "krejcie-morgan",
        "sample_error": "0.05",
        "population_source": "entered",
        "population": "1000",
        "allow_anonymous_qr": "on",
        "locations": [w.mpp.pk],
        "surveyors": [w.surveyor.pk],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _plan(w, **overrides):
    kwargs = {
        "unit": w.dpmptsp,
        "by": w.alice,
        "name": "SKM Semester I 2027",
        "slug": "skm-2027-1",
        "starts_on": dt.date(2027, 3, 1),
        "ends_on": dt.date(2027, 3, 31),
        "questionnaire": template_questionnaire(),
        "population": 1000,
        "now": NOW,
    }
    kwargs.update(overrides)
    return survey_plan_create(**kwargs)


def _tickets(w, line, day, n, *, status=Ticket.Status.DONE, start=1):
    issued = dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)
    Ticket.objects.bulk_create(
        Ticket(
            location=line.gerai.location,
            line=line,
            service=line.service,
            prefix=line.prefix,
            number=start + i,
            day=day,
            issued_at=issued,
            status=status,
            public_token=f"t{line.pk}-{day.isoformat()}-{start + i}",
        )
        for i in range(n)
    )


# --- the form ---------------------------------------------------------------------------------


def test_a_unit_admin_plans_a_survey_with_the_krejcie_morgan_target(world, login):
    client = login(world.alice)
    response = client.post(reverse("surveys:create"), _post_data(world))
    survey = Survey.objects.get(slug="skm-2027-1")
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:detail", args=[survey.pk])
    assert survey.status == Survey.Status.DRAFT
    assert survey.population == 1000
    assert survey.target_sample == 278  # Krejcie & Morgan's table: N = 1,000 → 278
    assert list(survey.locations.all()) == [world.mpp]
    assert list(survey.surveyors.all()) == [world.surveyor]
    assert AuditEvent.objects.filter(action="survey.plan", object_id=str(survey.pk)).exists()


def test_slovin_rounds_up_with_the_chosen_margin_of_error(world, login):
    login(world.alice).post(
        reverse("surveys:create"), _post_data(world, sample_method="slovin", sample_error="0.1", population="500")
    )
    assert Survey.objects.get(slug="skm-2027-1").target_sample == 84  # 500 / (1 + 5) = 83.3 → 84


def test_the_calculate_button_shows_the_formula_and_saves_nothing(world, login):
    response = login(world.alice).post(reverse("surveys:create"), {**_post_data(world), "preview": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "3.841 × 1000 × 0.25" in page
    assert "278" in page
    assert not Survey.objects.filter(slug="skm-2027-1").exists()


def test_bad_input_is_explained_in_indonesian_and_nothing_typed_is_lost(world, login):
    client = login(world.alice)
    with translation.override("id"):
        response = client.post(
            reverse("surveys:create"),
            _post_data(world, ends_on="2027-02-01", sample_error="1.5", population="", name="SKM uji coba"),
            HTTP_ACCEPT_LANGUAGE="id",
        )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"ends_on", "sample_error", "population"}
    assert 'value="SKM uji coba"' in response.content.decode()
    assert not Survey.objects.filter(slug="skm-2027-1").exists()


def test_a_slug_used_by_another_survey_of_the_unit_is_refused(survey_world, login):
    w = survey_world
    response = login(w.alice).post(reverse("surveys:create"), _post_data(w, slug=w.survey.slug))
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors


def test_a_questionnaire_of_another_unit_cannot_be_chosen(world):
    other = Questionnaire.objects.create(unit=world.dukcapil, name="Lain", number=1, created_at=NOW)
    with pytest.raises(ApplicationError) as caught:
        _plan(world, questionnaire=other)
    assert "questionnaire" in caught.value.field_errors


def test_only_the_mpp_manager_unit_may_survey_the_whole_mpp(world, login):
    response = login(world.alice).post(reverse("surveys:create"), _post_data(world, mpp=world.mpp.pk))
    assert Survey.objects.get(slug="skm-2027-1").mpp == world.mpp
    assert response.status_code == 302
    with pytest.raises(ApplicationError) as caught:
        _plan(world, unit=world.dukcapil, by=world.charlie, slug="x", mpp=world.mpp)
    assert "mpp" in caught.value.field_errors


# --- permissions ------------------------------------------------------------------------------


def test_another_units_admin_gets_404_on_the_survey_pages(survey_world, login):
    w = survey_world
    client = login(w.charlie)
    for name in ("surveys:detail", "surveys:edit"):
        assert client.get(reverse(name, args=[w.survey.pk])).status_code == 404
    assert client.post(reverse("surveys:survey_close", args=[w.survey.pk])).status_code == 404
    assert client.get(reverse("surveys:create") + "?unit=dpmptsp").status_code == 200  # offers charlie's own unit
    assert w.survey.name not in client.get(reverse("surveys:list")).content.decode()


def test_a_surveyor_sees_the_plan_but_cannot_change_it(survey_world, login):
    w = survey_world
    client = login(w.surveyor)
    assert client.get(reverse("surveys:detail", args=[w.survey.pk])).status_code == 200
    assert client.get(reverse("surveys:edit", args=[w.survey.pk])).status_code == 403
    assert client.post(reverse("surveys:survey_close", args=[w.survey.pk])).status_code == 403
    assert client.get(reverse("surveys:create")).status_code == 403
    w.survey.refresh_from_db()
    assert w.survey.status == Survey.Status.OPEN


def test_the_list_groups_surveys_by_unit_with_a_create_button_for_planners(survey_world, login):
    w = survey_world
    page = login(w.alice).get(reverse("surveys:list")).content.decode()
    assert w.survey.name in page and w.mpp_survey.name in page
    assert w.dukcapil_survey.name not in page
    assert reverse("surveys:create") + "?unit=dpmptsp" in page
    page = login(w.surveyor).get(reverse("surveys:list")).content.decode()
    assert w.survey.name in page
    assert reverse("surveys:create") not in page


def test_an_mpp_tenant_sees_the_mpp_survey_but_not_the_units_own(survey_world, login):
    w = survey_world
    client = login(w.dave)
    assert client.get(reverse("surveys:detail", args=[w.mpp_survey.pk])).status_code == 200
    assert client.get(reverse("surveys:detail", args=[w.survey.pk])).status_code == 404
    assert client.get(reverse("surveys:edit", args=[w.mpp_survey.pk])).status_code == 403


def test_the_dashboard_links_each_unit_to_its_surveys(world, login):
    page = login(world.alice).get(reverse("core:dashboard")).content.decode()
    assert reverse("surveys:list") + "#survei-dpmptsp" in page


# --- editing ----------------------------------------------------------------------------------


def test_a_draft_may_change_its_dates_and_questionnaire(world, login):
    survey = _plan(world)
    own = Questionnaire.objects.create(unit=world.dpmptsp, name="Versi unit", number=1, created_at=NOW)
    response = login(world.alice).post(
        reverse("surveys:edit", args=[survey.pk]),
        _post_data(world, starts_on="2027-04-01", ends_on="2027-04-30", questionnaire=own.pk),
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    assert (survey.starts_on, survey.questionnaire_id) == (dt.date(2027, 4, 1), own.pk)


def test_an_open_surveys_questionnaire_and_first_day_cannot_change(survey_world):
    w = survey_world
    own = Questionnaire.objects.create(unit=w.dpmptsp, name="Versi unit", number=1, created_at=NOW)
    base = {
        "survey": w.survey,
        "by": w.alice,
        "name": w.survey.name,
        "slug": w.survey.slug,
        "starts_on": w.survey.starts_on,
        "ends_on": w.survey.ends_on,
        "questionnaire": w.survey.questionnaire,
        "mpp": None,
        "weight_mode": "exact",
        "sample_method": "krejcie-morgan",
        "sample_error": "0.050",
        "population_source": "entered",
        "population": 400,
        "allow_anonymous_qr": True,
        "now": NOW,
    }
    with pytest.raises(ApplicationError) as caught:
        survey_plan_update(**{**base, "questionnaire": own, "starts_on": dt.date(2026, 2, 1)})
    assert set(caught.value.field_errors) == {"questionnaire", "starts_on"}
    updated = survey_plan_update(**{**base, "ends_on": dt.date(2026, 12, 15)})
    assert (updated.ends_on, updated.target_sample) == (dt.date(2026, 12, 15), 196)


def test_a_closed_surveys_plan_is_read_only(survey_world, login):
    w = survey_world
    close_survey(survey=w.survey, by=w.alice, now=NOW)
    response = login(w.alice).get(reverse("surveys:edit", args=[w.survey.pk]))
    assert response.status_code == 302


# --- population from queue tickets ------------------------------------------------------------


def test_population_from_tickets_counts_the_units_finished_tickets_of_the_period_before(queue_world):
    w = queue_world
    _tickets(w, w.line_a, dt.date(2027, 2, 10), 40)
    _tickets(w, w.line_a, dt.date(2027, 2, 11), 5, status=Ticket.Status.NO_SHOW, start=100)
    _tickets(w, w.line_a, dt.date(2027, 1, 15), 7, start=200)  # before the window of 31 days
    _tickets(w, w.line_b, dt.date(2027, 2, 10), 30)  # Disdukcapil's tickets
    survey = _plan(w, population_source="tickets", population=None)
    assert survey.population == 40
    assert survey.target_sample == 36  # Krejcie & Morgan, N = 40
    window = population_window(
        unit_id=w.dpmptsp.pk, mpp_id=None, starts_on=survey.starts_on, ends_on=survey.ends_on, exclude_id=survey.pk
    )
    assert (window.starts_on, window.ends_on, window.previous_survey) == (
        dt.date(2027, 1, 29),
        dt.date(2027, 2, 28),
        None,
    )


def test_population_from_tickets_uses_the_previous_surveys_dates_when_there_is_one(queue_world):
    w = queue_world
    _plan(w, slug="skm-2026-2", starts_on=dt.date(2026, 9, 30), ends_on=dt.date(2026, 10, 30))
    _tickets(w, w.line_a, dt.date(2026, 10, 5), 12)
    _tickets(w, w.line_a, dt.date(2027, 2, 10), 40, start=100)
    survey = _plan(w, population_source="tickets", population=None)
    assert survey.population == 12


def test_an_mpp_survey_counts_the_tickets_of_every_gerai(queue_world):
    w = queue_world
    _tickets(w, w.line_a, dt.date(2027, 2, 10), 10)
    _tickets(w, w.line_b, dt.date(2027, 2, 10), 15)
    survey = _plan(w, population_source="tickets", population=None, mpp=w.mpp)
    assert survey.population == 25


def test_no_tickets_asks_for_the_population_to_be_entered(queue_world, login):
    w = queue_world
    with translation.override("id"):
        response = login(w.alice).post(
            reverse("surveys:create"), _post_data(w, population_source="tickets", population="")
        )
    assert response.status_code == 200
    assert "population_source" in response.context["form"].errors
    assert not Survey.objects.filter(slug="skm-2027-1").exists()


# --- open and close ---------------------------------------------------------------------------


def test_opening_locks_the_questionnaire_and_happens_once(world):
    own = Questionnaire.objects.create(unit=world.dpmptsp, name="Versi unit", number=1, created_at=NOW)
    survey = _plan(world, questionnaire=own)
    open_survey(survey=survey, by=world.alice, now=NOW)
    own.refresh_from_db()
    assert own.is_locked
    assert Survey.objects.get(pk=survey.pk).status == Survey.Status.OPEN
    stale = Survey.objects.get(pk=survey.pk)
    stale.status = Survey.Status.DRAFT  # a second tab still showing the draft
    with pytest.raises(ApplicationError):
        open_survey(survey=stale, by=world.alice, now=NOW)
    assert AuditEvent.objects.filter(action="survey.open", object_id=str(survey.pk)).count() == 1


def test_a_survey_whose_last_day_passed_cannot_be_opened(world):
    survey = _plan(world, starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2026, 10, 31))
    with pytest.raises(ApplicationError):
        open_survey(survey=survey, by=world.alice, now=NOW)


def test_closing_is_a_conditional_update(survey_world, login):
    w = survey_world
    client = login(w.alice)
    assert client.post(reverse("surveys:survey_close", args=[w.survey.pk])).status_code == 302
    assert client.post(reverse("surveys:survey_close", args=[w.survey.pk])).status_code == 302
    w.survey.refresh_from_db()
    assert w.survey.status == Survey.Status.CLOSED
    assert AuditEvent.objects.filter(action="survey.close", object_id=str(w.survey.pk)).count() == 1


def test_the_open_button_opens_a_draft(world, login):
    survey = _plan(world, starts_on=dt.date(2026, 11, 1), ends_on=dt.date(2026, 12, 31))
    with time_machine.travel(NOW, tick=False):
        login(world.alice).post(reverse("surveys:survey_open", args=[survey.pk]))
    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN


def test_the_periodic_job_closes_finished_surveys_once_in_the_units_time_zone(survey_world):
    w = survey_world
    Survey.objects.filter(pk=w.survey.pk).update(ends_on=dt.date(2026, 11, 25))
    Survey.objects.filter(pk=w.mpp_survey.pk).update(ends_on=dt.date(2026, 11, 26))
    # 25 Nov 23:30 WITA: the last day has not passed yet in Bontang.
    assert close_finished_surveys(now=dt.datetime(2026, 11, 25, 15, 30, tzinfo=dt.UTC)) == 0
    # 26 Nov 00:30 WITA (still 25 Nov in UTC): it has.
    assert close_finished_surveys(now=dt.datetime(2026, 11, 25, 16, 30, tzinfo=dt.UTC)) == 1
    assert close_finished_surveys(now=dt.datetime(2026, 11, 25, 16, 31, tzinfo=dt.UTC)) == 0
    statuses = dict(Survey.objects.values_list("pk", "status"))
    assert statuses[w.survey.pk] == Survey.Status.CLOSED
    assert statuses[w.mpp_survey.pk] == Survey.Status.OPEN


def test_the_job_is_registered_with_the_periodic_loop():
    from mutu.core.periodic import PERIODIC_JOBS

    assert "mutu.surveys.jobs.close_finished_surveys" in PERIODIC_JOBS
