"""The staff results page: permissions, numbers equal to ikm_for, filters, weakest unsur, query count."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mutu.surveys.calculations import compute_ikm, round_half_up
from mutu.surveys.models import Channel, Gender, Unsur
from mutu.surveys.selectors import Slice, ikm_for
from mutu.surveys.selectors_results import answer_distribution, respondent_profile
from mutu.surveys.testing import add_response, answers

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def fill(survey, n, *, start=0, **kwargs):
    """n kiosk responses with a fixed pattern: U3 is always the weakest unsur."""
    rows = []
    for i in range(start, start + n):
        values = [4 if i % 3 else 3, 3, 2 if i % 2 else 1, 4, 3, 4, 4, 3 if i % 4 else 2, 4]
        gender = Gender.FEMALE if i % 3 else Gender.MALE
        add_response(
            survey,
            answers=answers(*values),
            profile={"gender": gender, "age_group": "30_39" if i % 2 else "20_29"},
            client_id=uuid.uuid4(),
            now=NOW,
            **kwargs,
        )
        rows.append({"values": values, "gender": gender})
    return rows


def ctx(response, name):
    return response.context[name]


def results_url(survey, **query):
    url = reverse("surveys:results", args=[survey.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


# --- permissions ------------------------------------------------------------------------------------


def test_the_unit_admin_sees_the_results_of_her_survey(survey_world, login):
    w = survey_world
    fill(w.survey, 3)
    response = login(w.alice).get(results_url(w.survey))
    assert response.status_code == 200
    assert ctx(response, "result").respondents == 3


def test_charlie_of_another_unit_gets_404(survey_world, login):
    w = survey_world
    fill(w.survey, 3)
    assert login(w.charlie).get(results_url(w.survey)).status_code == 404


def test_a_counter_officer_of_the_unit_may_read_the_results(survey_world, login):
    w = survey_world
    fill(w.survey, 2)
    assert login(w.bob).get(results_url(w.survey)).status_code == 200


def test_an_account_without_a_role_is_refused(survey_world, login):
    w = survey_world
    assert login(w.nobody).get(results_url(w.survey)).status_code == 403


def test_dave_of_bpjs_sees_only_the_bpjs_slice_of_the_mpp_survey(survey_world, login):
    w = survey_world
    fill(w.mpp_survey, 4, gerai=w.gerai_dpmptsp)
    fill(w.mpp_survey, 3, gerai=w.gerai_bpjs)
    response = login(w.dave).get(results_url(w.mpp_survey))
    assert response.status_code == 200
    result = ctx(response, "result")
    assert result.respondents == 3
    assert result == ikm_for(survey=w.mpp_survey, slice=Slice(unit_id=w.bpjs.pk))
    assert ctx(response, "unit_results") == []
    assert "unit" not in ctx(response, "form").fields
    assert 'id="units-title"' not in response.content.decode()


def test_dave_cannot_widen_his_slice_with_the_unit_filter(survey_world, login):
    w = survey_world
    fill(w.mpp_survey, 4, gerai=w.gerai_dpmptsp)
    fill(w.mpp_survey, 3, gerai=w.gerai_bpjs)
    response = login(w.dave).get(results_url(w.mpp_survey, unit=w.dpmptsp.pk))
    assert ctx(response, "result").respondents == 3


def test_dave_gets_404_on_a_dpmptsp_survey_outside_the_mpp(survey_world, login):
    w = survey_world
    assert login(w.dave).get(results_url(w.survey)).status_code == 404


def test_the_mpp_survey_shows_each_unit_and_the_whole_mpp(survey_world, login):
    w = survey_world
    fill(w.mpp_survey, 4, gerai=w.gerai_dpmptsp)
    fill(w.mpp_survey, 3, gerai=w.gerai_bpjs)
    response = login(w.alice).get(results_url(w.mpp_survey))
    rows = {(r.unit.pk if r.unit else None): r.result for r in ctx(response, "unit_results")}
    assert rows[w.bpjs.pk] == ikm_for(survey=w.mpp_survey, slice=Slice(unit_id=w.bpjs.pk))
    assert rows[w.dpmptsp.pk].respondents == 4
    assert rows[w.dukcapil.pk].respondents == 0
    assert rows[None] == ikm_for(survey=w.mpp_survey)
    assert rows[None].respondents == 7


# --- numbers -----------------------------------------------------------------------------------------


def test_the_numbers_on_the_page_equal_ikm_for(survey_world, login):
    w = survey_world
    rows = fill(w.survey, 12)
    response = login(w.alice).get(results_url(w.survey))
    result = ctx(response, "result")
    assert result == ikm_for(survey=w.survey)
    pure = compute_ikm([dict(zip(Unsur.values, r["values"], strict=True)) for r in rows])
    assert result == pure
    html = response.content.decode()
    # Indonesian number format: decimal comma.
    assert str(result.converted).replace(".", ",") in html
    assert str(result.weighted_4dp).replace(".", ",") in html
    assert f">{result.mutu}<" in html
    for row, u in zip(ctx(response, "rows"), result.unsur, strict=True):
        assert row.nrr == round_half_up(u.nrr, Decimal("0.0001"))
        assert row.weighted == round_half_up(u.nrr / 9, Decimal("0.0001"))
        assert str(row.nrr).replace(".", ",") in html


def test_the_respondent_count_is_shown_against_the_target(survey_world, login):
    w = survey_world
    w.survey.target_sample = 8
    w.survey.save(update_fields=["target_sample"])
    fill(w.survey, 2)
    response = login(w.alice).get(results_url(w.survey))
    assert ctx(response, "target") == 8
    assert ctx(response, "target_percent") == 25


def test_the_profile_filter_narrows_the_result(survey_world, login):
    w = survey_world
    rows = fill(w.survey, 12)
    response = login(w.alice).get(results_url(w.survey, gender=Gender.MALE))
    result = ctx(response, "result")
    men = [dict(zip(Unsur.values, r["values"], strict=True)) for r in rows if r["gender"] == Gender.MALE]
    assert result.respondents == len(men) == 4
    assert result == compute_ikm(men)
    assert result == ikm_for(survey=w.survey, slice=Slice(gender=Gender.MALE))


def test_anonymous_qr_responses_can_be_left_out(survey_world, login):
    w = survey_world
    fill(w.survey, 3)
    fill(w.survey, 2, start=3, channel=Channel.QR_ANONYMOUS)
    client = login(w.alice)
    assert ctx(client.get(results_url(w.survey)), "result").respondents == 5
    assert ctx(client.get(results_url(w.survey, anonymous="without")), "result").respondents == 3
    assert ctx(client.get(results_url(w.survey, channel=Channel.QR_ANONYMOUS)), "result").respondents == 2


def test_the_counter_and_date_filters_apply(survey_world, login):
    w = survey_world
    fill(w.survey, 3, counter=w.counter_a1)
    fill(w.survey, 2, start=3)
    client = login(w.alice)
    response = client.get(results_url(w.survey, counter=w.counter_a1.pk))
    assert ctx(response, "result").respondents == 3
    response = client.get(results_url(w.survey, day_from="2026-11-27"))
    assert ctx(response, "result").respondents == 0
    html = response.content.decode()
    assert "No respondent matches this selection." in html or "Tidak ada responden yang sesuai" in html


def test_an_end_before_the_start_is_refused_next_to_the_field(survey_world, login):
    w = survey_world
    fill(w.survey, 2)
    response = login(w.alice).get(results_url(w.survey, day_from="2026-11-20", day_to="2026-11-01"))
    assert "day_to" in ctx(response, "form").errors
    assert ctx(response, "result").respondents == 2


def test_the_weakest_unsur_is_marked_in_words(survey_world, login):
    w = survey_world
    fill(w.survey, 6)
    response = login(w.alice).get(results_url(w.survey))
    weakest = ctx(response, "weakest")
    assert weakest.key == "waktu"
    assert [r.key for r in ctx(response, "rows") if r.is_weakest] == ["waktu"]
    html = response.content.decode()
    row = html[html.index('class="results-weakest-row"') :]
    row = row[: row.index("</tr>")]
    assert "Weakest" in row or "Terendah" in row
    assert "U3" in row


def test_a_period_without_answers_says_there_is_no_ikm(survey_world, login):
    w = survey_world
    response = login(w.alice).get(results_url(w.survey))
    assert response.status_code == 200
    assert ctx(response, "result").converted is None


def test_the_trend_lists_the_periods_of_the_series(survey_world, login):
    from mutu.surveys.services import create_survey

    w = survey_world
    earlier = create_survey(
        unit=w.dpmptsp,
        name="SKM Semester I 2026",
        slug="skm-2026-1",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 6, 30),
        by=w.alice,
        open_now=True,
    )
    with time_machine.travel(dt.datetime(2026, 3, 1, 2, tzinfo=dt.UTC), tick=False):
        add_response(earlier, answers=answers(*([3] * 9)), now=dt.datetime(2026, 3, 1, 2, tzinfo=dt.UTC))
    fill(w.survey, 2)
    response = login(w.alice).get(results_url(w.survey))
    periods = ctx(response, "periods")
    assert [p.survey.pk for p in periods] == [earlier.pk, w.survey.pk]
    assert periods[0].result.converted == 75
    # The MPP survey is another series.
    assert w.mpp_survey.pk not in [p.survey.pk for p in periods]


def test_htmx_gets_only_the_results_partial(survey_world, login):
    w = survey_world
    fill(w.survey, 2)
    response = login(w.alice).get(results_url(w.survey, gender=Gender.FEMALE), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="summary-title"' in html
    assert 'id="results-status"' in html and 'hx-swap-oob="true"' in html


def test_the_page_runs_a_constant_number_of_queries(survey_world, login):
    w = survey_world
    client = login(w.alice)
    fill(w.mpp_survey, 10, gerai=w.gerai_bpjs, counter=w.counter_c1)
    url = results_url(w.mpp_survey)
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as ten:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ten_profile:
        client.get(url + "?gender=f&with_profile=on")
    fill(w.mpp_survey, 40, start=10, gerai=w.gerai_dpmptsp)
    with CaptureQueriesContext(connection) as fifty:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as fifty_profile:
        client.get(url + "?gender=f&with_profile=on")
    assert len(fifty) == len(ten)
    assert len(fifty_profile) == len(ten_profile)


def test_the_page_stays_under_a_query_budget(survey_world, login, django_assert_max_num_queries):
    w = survey_world
    fill(w.survey, 50)
    client = login(w.alice)
    client.get(results_url(w.survey))
    with django_assert_max_num_queries(40):
        client.get(results_url(w.survey))


def test_the_respondent_profile_is_shown_when_asked_for(survey_world, login):
    w = survey_world
    fill(w.survey, 6)
    client = login(w.alice)
    assert ctx(client.get(results_url(w.survey)), "profile") is None
    response = client.get(results_url(w.survey, with_profile="on", gender=Gender.FEMALE))
    profile = ctx(response, "profile")
    assert profile.respondents == 4
    assert 'id="profile-title"' in response.content.decode()


# --- selectors for the report ------------------------------------------------------------------------


def test_respondent_profile_counts_every_choice(survey_world):
    w = survey_world
    fill(w.survey, 6)
    add_response(w.survey, answers=answers(*([4] * 9)), client_id=uuid.uuid4(), now=NOW)  # no profile
    profile = respondent_profile(survey_ids=[w.survey.pk], slice=Slice())
    assert profile.respondents == 7
    gender = {item.value: item.count for item in profile.gender}
    assert gender == {"m": 2, "f": 4, "": 1}
    ages = {item.value: item.count for item in profile.age_group}
    assert ages["30_39"] == 3 and ages["20_29"] == 3 and ages["60plus"] == 0
    assert [name for name, _label, _items in profile.groups()] == ["gender", "age_group", "education", "occupation"]


def test_respondent_profile_follows_the_slice(survey_world):
    w = survey_world
    fill(w.survey, 6)
    profile = respondent_profile(survey_ids=[w.survey.pk], slice=Slice(gender=Gender.MALE))
    assert profile.respondents == 2


def test_answer_distribution_counts_each_value_per_unsur(survey_world):
    w = survey_world
    fill(w.survey, 4)
    dist = answer_distribution(survey_ids=[w.survey.pk], slice=Slice())
    # U3 alternates 1 and 2; U1 is 3 for i = 0, 3 and 4 otherwise.
    assert dist["waktu"] == {1: 2, 2: 2, 3: 0, 4: 0}
    assert dist["persyaratan"] == {1: 0, 2: 0, 3: 2, 4: 2}
    assert sum(dist["sarana"].values()) == 4
