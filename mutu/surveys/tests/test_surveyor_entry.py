"""Surveyor entry of paper questionnaires: blanks, paper numbers, who may enter, and each surveyor's count."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from mutu.core.models import AuditEvent
from mutu.surveys.calculations import UNSUR_KEYS
from mutu.surveys.models import Answer, Channel, Response, Survey
from mutu.surveys.selectors import ikm_for
from mutu.surveys.selectors_surveyor import surveyor_counts
from mutu.surveys.testing import SKM_CODES, add_response, answers

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")
DAY = dt.date(2026, 11, 23)
NOW = dt.datetime.combine(DAY, dt.time(14), tzinfo=WITA)


def paper(number="001", *values, **extra) -> dict:
    values = values or (4, 3, None, 4, 2, 4, 4, 3, None)
    data = {f"q_{code}": "" if v is None else str(v) for code, v in zip(SKM_CODES, values, strict=True)}
    return {"paper_number": number, "answered_on": "2026-11-20", **data, **extra}


def entry_url(survey) -> str:
    return reverse("surveys:entry", args=[survey.pk])


@pytest.fixture
def w(survey_world):
    survey_world.survey.surveyors.add(survey_world.surveyor)
    return survey_world


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_surveyor_enters_a_paper_and_blanks_stay_unanswered(w, login):
    client = login(w.surveyor)
    response = client.post(entry_url(w.survey), paper("001", counter=w.counter_a1.pk, gender="m"))
    assert response.status_code == 302
    assert response["Location"] == entry_url(w.survey)
    stored = Response.objects.get()
    assert stored.channel == Channel.SURVEYOR
    assert (stored.surveyor_id, stored.paper_number, stored.day) == (w.surveyor.pk, "001", dt.date(2026, 11, 20))
    assert (stored.counter_id, stored.gerai_id, stored.gender) == (w.counter_a1.pk, w.gerai_dpmptsp.pk, "m")
    assert stored.location_id == w.mpp.pk
    # Seven answers stored; the two blanks are no rows at all (a blank is not a zero).
    assert Answer.objects.filter(response=stored).count() == 7
    assert not Answer.objects.filter(response=stored, question__code__in=["U3", "U9"]).exists()
    result = {u.key: u for u in ikm_for(survey=w.survey).unsur}
    assert result["waktu"].answered == 0 and result["persyaratan"].answered == 1
    assert AuditEvent.objects.filter(action="survey.response.paper", actor=w.surveyor).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "001" in page and "message--success" in page


def test_the_next_paper_starts_with_the_place_and_date_of_the_previous_one(w, login):
    client = login(w.surveyor)
    client.post(entry_url(w.survey), paper("001", counter=w.counter_a1.pk, service=""))
    body = client.get(entry_url(w.survey)).content.decode()
    assert f'<option value="{w.counter_a1.pk}" selected>' in body
    assert 'value="2026-11-20"' in body
    assert 'name="paper_number"' in body and 'name="paper_number" value="001"' not in body


def test_a_duplicate_paper_number_is_refused_in_indonesian(w, login):
    client = login(w.surveyor)
    assert client.post(entry_url(w.survey), paper("17")).status_code == 302
    response = client.post(entry_url(w.survey), paper(" 17 ", 1, 1, 1, 1, 1, 1, 1, 1, 1))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Kuesioner nomor 17 sudah dientri untuk survei ini." in body
    assert 'id="id_paper_number_error"' in body
    assert Response.objects.count() == 1
    assert 'name="q_U1" value="1"' in body  # what was typed is still there


def test_answers_out_of_range_and_dates_outside_the_period_are_refused_next_to_the_field(w, login):
    client = login(w.surveyor)
    response = client.post(
        entry_url(w.survey), paper("002", 5, 4, 4, 4, 4, 4, 4, 4, 4, answered_on="2025-12-31", suggestion="AC mati")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_answered_on_error"' in body
    assert not Response.objects.exists()
    response = client.post(entry_url(w.survey), paper("002", 5, 4, 4, 4, 4, 4, 4, 4, 4, suggestion="AC mati"))
    body = response.content.decode()
    assert 'id="id_q_U1_error"' in body and "AC mati" in body
    assert not Response.objects.exists()


def test_a_paper_with_no_answer_at_all_is_refused(w, login):
    client = login(w.surveyor)
    response = client.post(entry_url(w.survey), paper("003", *([None] * 9)))
    assert response.status_code == 200
    assert "errorlist nonfield" in response.content.decode()
    assert not Response.objects.exists()


def test_an_mpp_wide_survey_needs_the_gerai_that_served_the_respondent(w, login):
    client = login(w.alice)
    missing = client.post(entry_url(w.mpp_survey), paper("M1"))
    assert 'id="id_gerai_error"' in missing.content.decode()
    assert client.post(entry_url(w.mpp_survey), paper("M1", gerai=w.gerai_bpjs.pk)).status_code == 302
    assert Response.objects.get().unit_id == w.bpjs.pk


def test_a_closed_survey_takes_no_papers(w, login):
    Survey.objects.filter(pk=w.survey.pk).update(status=Survey.Status.CLOSED)
    client = login(w.surveyor)
    assert client.get(entry_url(w.survey)).status_code == 200
    assert client.post(entry_url(w.survey), paper("004")).status_code == 200
    assert not Response.objects.exists()


@pytest.mark.parametrize("persona", ["surveyor", "alice", "head", "superuser"])
def test_the_surveys_surveyors_and_the_units_administrators_may_enter_papers(w, login, persona):
    client = login(getattr(w, persona))
    assert client.get(entry_url(w.survey)).status_code == 200
    assert client.post(entry_url(w.survey), paper(f"P-{persona}")).status_code == 302


@pytest.mark.parametrize("persona", ["charlie", "dave", "bob", "mpp_manager", "nobody"])
def test_anyone_else_gets_a_404(w, login, persona):
    client = login(getattr(w, persona))
    assert client.get(entry_url(w.survey)).status_code == 404
    assert client.post(entry_url(w.survey), paper("X")).status_code == 404
    assert not Response.objects.exists()


def test_a_surveyor_not_assigned_to_this_survey_gets_a_404(w, login):
    # The DPMPTSP surveyor is assigned to w.survey only, not to the MPP-wide survey.
    client = login(w.surveyor)
    assert client.get(entry_url(w.mpp_survey)).status_code == 404


def test_another_units_administrator_enters_into_their_own_survey_only(w, login):
    client = login(w.charlie)
    assert client.get(entry_url(w.dukcapil_survey)).status_code == 200
    assert client.get(entry_url(w.survey)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(w, client):
    response = client.get(entry_url(w.survey))
    assert response.status_code == 302 and "/akun/" in response["Location"]


def test_each_surveyors_count_comes_from_one_query(w, django_assert_num_queries):
    earlier = dt.datetime(2026, 11, 20, 10, tzinfo=WITA)
    for i in range(3):
        add_response(w.survey, channel=Channel.SURVEYOR, surveyor_id=w.surveyor.pk, paper_number=f"S{i}", now=NOW)
    add_response(
        w.survey, channel=Channel.SURVEYOR, surveyor_id=w.surveyor.pk, paper_number="S9", answered_at=earlier, now=NOW
    )
    add_response(w.survey, channel=Channel.SURVEYOR, surveyor_id=w.alice.pk, paper_number="A1", now=NOW)
    add_response(w.survey, channel=Channel.KIOSK, answers=answers(*([3] * 9)), now=NOW)
    add_response(w.dukcapil_survey, channel=Channel.SURVEYOR, surveyor_id=w.surveyor.pk, paper_number="D1", now=NOW)
    w.survey.surveyors.add(w.bob)
    with django_assert_num_queries(1):
        counts = surveyor_counts(survey=w.survey, today=DAY)
    assert [(c.user_id, c.total, c.today) for c in counts] == [
        (w.surveyor.pk, 4, 3),
        (w.alice.pk, 1, 1),
        (w.bob.pk, 0, 0),
    ]


def test_the_entry_page_shows_each_surveyors_count(w, login):
    add_response(w.survey, channel=Channel.SURVEYOR, surveyor_id=w.surveyor.pk, paper_number="S1", now=NOW)
    body = login(w.alice).get(entry_url(w.survey)).content.decode()
    assert "Surveyor" in body and '<td class="num">1</td>' in body


def test_the_form_is_made_for_the_keyboard(w, login):
    body = login(w.surveyor).get(entry_url(w.survey)).content.decode()
    assert body.count('inputmode="numeric"') == len(UNSUR_KEYS)
    assert 'maxlength="1"' in body and "autofocus" in body
    assert 'tabindex="-1"' not in body.split('<form method="post" class="entry-form"')[1].split("</form>")[0]
    assert 'type="submit"' in body
