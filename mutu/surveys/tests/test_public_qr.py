"""The anonymous poster survey: one answer per browser and day, an IP limit, closed periods, the poster."""

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from mutu.surveys import views_public
from mutu.surveys.models import Channel, Response, Survey
from mutu.surveys.testing import SKM_CODES

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")
DAY = dt.date(2026, 11, 23)
COOKIE = views_public.DEVICE_COOKIE


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=WITA)


def form_data(*values, **extra) -> dict:
    data = {f"q_{code}": str(v) for code, v in zip(SKM_CODES, values, strict=False) if v is not None}
    return {**data, **extra}


ALL_THREE = form_data(*([3] * 9))


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def qr_url(survey) -> str:
    return reverse("surveys:qr", args=[survey.public_token])


def open_form(client, survey) -> str:
    """Open the survey like a phone that scanned the poster; returns the browser's cookie."""
    response = client.get(qr_url(survey))
    assert response.status_code == 200
    return client.cookies[COOKIE].value


def test_the_poster_survey_stores_an_anonymous_response_marked_by_a_hash_of_the_cookie(survey_world, client):
    w = survey_world
    with time_machine.travel(at(10), tick=False):
        cookie = open_form(client, w.survey)
        response = client.post(qr_url(w.survey), {**ALL_THREE, "service": "", "age_group": "30_39"})
    assert response.status_code == 302
    assert response["Location"] == qr_url(w.survey) + "?terima-kasih=1"
    stored = Response.objects.get()
    assert stored.channel == Channel.QR_ANONYMOUS
    assert stored.device_hash == hashlib.sha256(cookie.encode()).hexdigest()
    assert cookie not in stored.device_hash
    assert (stored.unit_id, stored.ticket_id, stored.age_group) == (w.dpmptsp.pk, None, "30_39")
    assert stored.location_id == w.mpp.pk  # the survey's only location
    cookie_attrs = client.cookies[COOKIE]
    assert cookie_attrs["httponly"] and cookie_attrs["samesite"] == "Lax" and int(cookie_attrs["max-age"]) > 300 * 86400
    with time_machine.travel(at(10, 1), tick=False):
        thanks = client.get(response["Location"]).content.decode()
    assert "survey-message--thanks" in thanks


def test_a_second_answer_from_the_same_browser_the_same_day_is_refused_kindly(survey_world, client):
    w = survey_world
    with time_machine.travel(at(10), tick=False):
        open_form(client, w.survey)
        client.post(qr_url(w.survey), ALL_THREE)
    with time_machine.travel(at(16), tick=False):
        again = client.post(qr_url(w.survey), form_data(*([1] * 9)))
        page = client.get(qr_url(w.survey))
    assert again.status_code == 200
    assert "survey-message--already_today" in again.content.decode()
    assert "survey-message--already_today" in page.content.decode()
    assert Response.objects.count() == 1
    # The next day (in the unit's time zone) the same browser may answer again.
    with time_machine.travel(at(8, day=DAY + dt.timedelta(days=1)), tick=False):
        assert client.post(qr_url(w.survey), ALL_THREE).status_code == 302
    assert Response.objects.count() == 2


def test_another_browser_on_the_same_day_may_answer(survey_world, client):
    w = survey_world
    other = Client()
    with time_machine.travel(at(10), tick=False):
        open_form(client, w.survey)
        open_form(other, w.survey)
        assert client.post(qr_url(w.survey), ALL_THREE).status_code == 302
        assert other.post(qr_url(w.survey), ALL_THREE).status_code == 302
    assert Response.objects.count() == 2
    assert len(set(Response.objects.values_list("device_hash", flat=True))) == 2


def test_a_post_without_the_cookie_keeps_the_answers_and_asks_to_send_again(survey_world, client):
    w = survey_world
    with time_machine.travel(at(10), tick=False):
        first = client.post(qr_url(w.survey), {**ALL_THREE, "suggestion": "Parkir sempit"})
        body = first.content.decode()
        assert first.status_code == 200
        assert not Response.objects.exists()
        assert "Parkir sempit" in body and 'value="3" checked' in body
        assert COOKIE in first.cookies
        assert client.post(qr_url(w.survey), {**ALL_THREE, "suggestion": "Parkir sempit"}).status_code == 302
    assert Response.objects.get().suggestion == "Parkir sempit"


def test_many_answers_from_one_address_are_limited(survey_world, monkeypatch):
    w = survey_world
    monkeypatch.setattr(views_public, "RATE_LIMIT", 2)
    statuses = []
    with time_machine.travel(at(10), tick=False):
        for _ in range(3):
            phone = Client()
            open_form(phone, w.survey)
            statuses.append(phone.post(qr_url(w.survey), ALL_THREE).status_code)
    assert statuses == [302, 302, 429]
    assert Response.objects.count() == 2


def test_bad_answers_come_back_with_messages_next_to_the_questions(survey_world, client):
    w = survey_world
    with time_machine.travel(at(10), tick=False):
        open_form(client, w.survey)
        response = client.post(qr_url(w.survey), form_data(4, 4, 4, 4, 4, 4, 4, "banyak", None, gender="x"))
    body = response.content.decode()
    assert response.status_code == 200
    assert not Response.objects.exists()
    for name in ("q_U8", "q_U9"):
        assert f'id="id_{name}_error"' in body
    assert 'href="#id_q_U9"' in body  # the summary links to the question
    assert 'id="id_q_U1_4" value="4" checked' in body


@pytest.mark.parametrize(
    ("status", "when", "kind"),
    [
        (Survey.Status.CLOSED, at(10), "closed"),
        (Survey.Status.OPEN, at(10, day=dt.date(2027, 1, 2)), "closed"),
        (Survey.Status.DRAFT, at(10), "not_yet"),
    ],
)
def test_a_survey_outside_its_period_or_not_open_shows_a_closed_page_with_its_dates(
    survey_world, client, status, when, kind
):
    w = survey_world
    Survey.objects.filter(pk=w.survey.pk).update(status=status)
    with time_machine.travel(when, tick=False):
        page = client.get(qr_url(w.survey))
        post = client.post(qr_url(w.survey), ALL_THREE)
    for response in (page, post):
        body = response.content.decode()
        assert response.status_code == 200
        assert f"survey-message--{kind}" in body
        assert "1 Januari 2026" in body and "31 Desember 2026" in body
    assert not Response.objects.exists()


def test_a_survey_without_anonymous_answers_says_so_and_stores_nothing(survey_world, client):
    w = survey_world
    Survey.objects.filter(pk=w.survey.pk).update(allow_anonymous_qr=False)
    with time_machine.travel(at(10), tick=False):
        page = client.get(qr_url(w.survey))
        post = client.post(qr_url(w.survey), ALL_THREE)
        poster = client.get(reverse("surveys:qr_poster", args=[w.survey.public_token]))
    assert "survey-message--no_anonymous" in page.content.decode()
    assert "survey-message--no_anonymous" in post.content.decode()
    assert "<svg" not in poster.content.decode()
    assert not Response.objects.exists()


def test_an_mpp_wide_survey_asks_which_gerai_served_the_respondent(survey_world, client):
    w = survey_world
    with time_machine.travel(at(10), tick=False):
        open_form(client, w.mpp_survey)
        missing = client.post(qr_url(w.mpp_survey), ALL_THREE)
        assert 'id="id_gerai_error"' in missing.content.decode()
        assert not Response.objects.exists()
        done = client.post(qr_url(w.mpp_survey), {**ALL_THREE, "gerai": w.gerai_bpjs.pk})
    assert done.status_code == 302
    stored = Response.objects.get()
    assert (stored.survey_id, stored.unit_id, stored.gerai_id, stored.location_id) == (
        w.mpp_survey.pk,
        w.bpjs.pk,
        w.gerai_bpjs.pk,
        w.mpp.pk,
    )


def test_a_gerai_of_another_location_cannot_be_forged(survey_world, client):
    w = survey_world
    with time_machine.travel(at(10), tick=False):
        open_form(client, w.mpp_survey)
        response = client.post(qr_url(w.mpp_survey), {**ALL_THREE, "gerai": w.gerai_dukcapil_office.pk})
    assert 'id="id_gerai_error"' in response.content.decode()
    assert not Response.objects.exists()


def test_the_poster_shows_the_qr_code_of_the_survey_address(survey_world, client, settings):
    w = survey_world
    settings.SITE_URL = "https://mutu.bontangkota.go.id"
    response = client.get(reverse("surveys:qr_poster", args=[w.survey.public_token]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in body
    assert f"https://mutu.bontangkota.go.id/survei/{w.survey.public_token}/" in body
    assert w.dpmptsp.name in body
    assert 'nonce="' in body and "<script>" not in body and "style=" not in body


def test_unknown_tokens_are_404(survey_world, client):
    assert client.get(reverse("surveys:qr", args=["no-such-survey"])).status_code == 404
    assert client.get(reverse("surveys:qr_poster", args=["no-such-survey"])).status_code == 404
