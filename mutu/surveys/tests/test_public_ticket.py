"""The survey behind a served queue ticket: one response per ticket, place taken from the ticket."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from mutu.core.models import AuditEvent
from mutu.queues.models import Ticket
from mutu.queues.services.tickets import issue_ticket
from mutu.surveys.models import Answer, Channel, Response, Survey
from mutu.surveys.testing import SKM_CODES

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")
MONDAY = dt.date(2026, 11, 23)


def at(hour: int, minute: int = 0, day: dt.date = MONDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=WITA)


def form_data(*values, **extra) -> dict:
    data = {f"q_{code}": str(v) for code, v in zip(SKM_CODES, values, strict=False) if v is not None}
    return {**data, **extra}


ALL_FOUR = form_data(*([4] * 9))


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def served(queue_world, survey_world):
    """Ticket A-001 (Izin Reklame, DPMPTSP at the MPP) served at counter A1; A-002 still waiting."""
    w = queue_world
    w.done = issue_ticket(line=w.line_a, now=at(9, 0))
    w.waiting = issue_ticket(line=w.line_a, now=at(9, 1))
    Ticket.objects.filter(pk=w.done.pk).update(
        status="done", called_at=at(9, 5), service_started_at=at(9, 5), finished_at=at(9, 20), counter=w.counter_a1
    )
    w.done.refresh_from_db()
    return w


def url(ticket) -> str:
    return reverse("surveys:ticket_survey", args=[ticket.public_token])


def test_a_served_ticket_opens_the_questionnaire(served, client):
    with time_machine.travel(at(9, 30), tick=False):
        response = client.get(url(served.done))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="id">' in body
    assert "A-001" in body and "Izin Reklame" in body
    assert body.count('type="radio" name="q_U') == 36  # nine questions, four answers each
    assert "<fieldset" in body and "<legend>" in body


def test_the_answer_is_stored_once_with_the_place_taken_from_the_ticket(served, client):
    w = served
    with time_machine.travel(at(9, 30), tick=False):
        first = client.post(url(w.done), {**ALL_FOUR, "gender": "f", "suggestion": "Ruang tunggu nyaman"})
    assert first.status_code == 302
    assert first["Location"] == url(w.done) + "?terima-kasih=1"
    stored = Response.objects.get()
    assert stored.survey_id == w.survey.pk  # the unit's own survey, not the MPP-wide one
    assert stored.channel == Channel.QR_TICKET
    assert (stored.ticket_id, stored.unit_id, stored.location_id) == (w.done.pk, w.dpmptsp.pk, w.mpp.pk)
    assert (stored.gerai_id, stored.counter_id, stored.service_id) == (
        w.gerai_dpmptsp.pk,
        w.counter_a1.pk,
        w.reklame.pk,
    )
    assert stored.gender == "f" and stored.suggestion == "Ruang tunggu nyaman"
    assert Answer.objects.filter(response=stored).count() == 9
    assert AuditEvent.objects.filter(action="survey.response.qr_ticket", object_id=str(stored.pk)).exists()

    with time_machine.travel(at(9, 31), tick=False):
        thanks = client.get(first["Location"])
        second = client.post(url(w.done), form_data(*([1] * 9)))
        again = client.get(url(w.done))
    assert "survey-message--thanks" in thanks.content.decode()
    # A second attempt is refused kindly: a thank-you page, not an error, and nothing changes.
    assert second.status_code == 200
    assert "survey-message--already_answered" in second.content.decode()
    assert "survey-message--already_answered" in again.content.decode()
    assert Response.objects.count() == 1
    assert set(Answer.objects.values_list("value", flat=True)) == {4}


def test_a_ticket_not_yet_served_gets_a_friendly_message(served, client):
    w = served
    with time_machine.travel(at(9, 30), tick=False):
        page = client.get(url(w.waiting))
        post = client.post(url(w.waiting), ALL_FOUR)
    for response in (page, post):
        assert response.status_code == 200
        body = response.content.decode()
        assert "survey-message--not_served" in body
        assert reverse("kiosk:status", args=[w.waiting.public_token]) in body
    assert not Response.objects.exists()


def test_bad_answers_re_render_the_form_next_to_the_questions_keeping_the_rest(served, client):
    w = served
    data = form_data(None, 9, 3, 3, 3, 3, 3, 3, 3, suggestion="Antrean lama")
    with time_machine.travel(at(9, 30), tick=False):
        response = client.post(url(w.done), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert not Response.objects.exists()
    assert 'id="id_q_U1_error"' in body and 'id="id_q_U2_error"' in body
    assert 'id="id_q_U3_error"' not in body
    assert 'id="id_q_U3_3" value="3" checked' in body  # what was chosen stays chosen
    assert "Antrean lama" in body


def test_an_mpp_ticket_goes_to_the_mpp_survey_when_its_unit_has_none_open(served, client):
    w = served
    Survey.objects.filter(pk=w.dukcapil_survey.pk).update(status=Survey.Status.CLOSED)
    ktp = issue_ticket(line=w.line_b, now=at(9, 0))
    Ticket.objects.filter(pk=ktp.pk).update(status="done", finished_at=at(9, 15), counter=w.counter_b1)
    with time_machine.travel(at(9, 30), tick=False):
        response = client.post(url(ktp), ALL_FOUR)
    assert response.status_code == 302
    stored = Response.objects.get()
    assert (stored.survey_id, stored.unit_id, stored.gerai_id) == (w.mpp_survey.pk, w.dukcapil.pk, w.gerai_dukcapil.pk)


def test_a_closed_survey_shows_its_dates_and_stores_nothing(served, client):
    w = served
    Survey.objects.filter(pk=w.survey.pk).update(ends_on=dt.date(2026, 11, 22))
    Survey.objects.filter(pk=w.mpp_survey.pk).update(status=Survey.Status.DRAFT)
    # The ticket was served on the 23rd, after the unit's survey ended: no survey covers it.
    with time_machine.travel(at(9, 30), tick=False):
        assert "survey-message--no_survey" in client.get(url(w.done)).content.decode()
    Survey.objects.filter(pk=w.survey.pk).update(ends_on=dt.date(2026, 11, 23))
    with time_machine.travel(at(9, 0, day=dt.date(2026, 11, 24)), tick=False):
        response = client.post(url(w.done), ALL_FOUR)
    body = response.content.decode()
    assert response.status_code == 200
    assert "survey-message--closed" in body
    assert "1 Januari 2026" in body and "23 November 2026" in body
    assert not Response.objects.exists()


def test_the_status_page_links_to_the_survey_only_once_the_ticket_is_done(served, client):
    w = served
    with time_machine.travel(at(9, 30), tick=False):
        done = client.get(reverse("kiosk:status", args=[w.done.public_token])).content.decode()
        waiting = client.get(reverse("kiosk:status", args=[w.waiting.public_token])).content.decode()
    assert f'href="{url(w.done)}"' in done
    assert "/survei/" not in waiting


def test_the_status_page_has_no_link_when_no_open_survey_covers_the_ticket(served, client):
    w = served
    Survey.objects.update(status=Survey.Status.CLOSED)
    with time_machine.travel(at(9, 30), tick=False):
        done = client.get(reverse("kiosk:status", args=[w.done.public_token])).content.decode()
    assert "/survei/" not in done


def test_an_unknown_ticket_is_404(served, client):
    assert client.get(reverse("surveys:ticket_survey", args=["no-such-ticket"])).status_code == 404
