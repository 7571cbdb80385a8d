"""Calling order, place in line and estimated wait, and the public status page."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import NoReverseMatch, reverse

from mutu.queues.models import CompensationRule, CompensationRuleSet, Ticket
from mutu.queues.selectors.tickets import ticket_status, waiting_order
from mutu.queues.services.tickets import issue_ticket

WITA = ZoneInfo("Asia/Makassar")
MONDAY = dt.date(2026, 11, 23)


def at(hour: int, minute: int = 0, day: dt.date = MONDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=WITA)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def morning(queue_world):
    """Five tickets on line A: a child (priority) arrives fourth."""
    w = queue_world
    w.t1 = issue_ticket(line=w.line_a, now=at(9, 0))
    w.t2 = issue_ticket(line=w.line_a, now=at(9, 1))
    w.t3 = issue_ticket(line=w.line_a, now=at(9, 2))
    w.t4 = issue_ticket(line=w.line_a, priority_group="child", now=at(9, 3))
    w.t5 = issue_ticket(line=w.line_a, now=at(9, 4))
    w.other_line = issue_ticket(line=w.line_b, now=at(8, 30))
    return w


def test_waiting_order_calls_priority_tickets_first_then_by_issue_time(morning):
    w = morning
    order = list(Ticket.objects.filter(line=w.line_a, status="waiting").order_by(*waiting_order()))
    assert [t.code for t in order] == ["A-004", "A-001", "A-002", "A-003", "A-005"]


def test_place_in_line_follows_the_calling_order(morning):
    w = morning
    with time_machine.travel(at(9, 10), tick=False):
        places = {t.code: ticket_status(token=t.public_token).ahead for t in (w.t1, w.t2, w.t3, w.t4, w.t5)}
    assert places == {"A-004": 0, "A-001": 1, "A-002": 2, "A-003": 3, "A-005": 4}
    with time_machine.travel(at(9, 10), tick=False):
        assert ticket_status(token=w.t4.public_token).position == 1


def test_tickets_no_longer_waiting_are_not_ahead(morning):
    w = morning
    Ticket.objects.filter(pk__in=[w.t4.pk, w.t1.pk]).update(status="called", called_at=at(9, 5))
    with time_machine.travel(at(9, 10), tick=False):
        status = ticket_status(token=w.t5.public_token)
        assert status.ahead == 2
        assert ticket_status(token=w.t1.public_token).ahead is None


def test_the_estimate_uses_the_standard_time_before_anyone_is_served(morning):
    w = morning  # Izin Reklame: 15 minutes at the counter, one counter (A1)
    with time_machine.travel(at(9, 10), tick=False):
        status = ticket_status(token=w.t5.public_token)
    assert status.minutes_per_ticket == 15
    assert status.open_counters == 1
    assert status.estimated_minutes == 4 * 15


def test_the_estimate_uses_todays_median_service_time_and_open_counters(morning):
    w = morning
    for ticket, (start, end) in zip(
        (w.t1, w.t2, w.t3), [((9, 5), (9, 11)), ((9, 11), (9, 19)), ((9, 19), (9, 29))], strict=True
    ):
        Ticket.objects.filter(pk=ticket.pk).update(
            status="done", called_at=at(*start), service_started_at=at(*start), finished_at=at(*end)
        )
    from mutu.organisations.models import Counter

    second = Counter.objects.create(gerai=w.gerai_dpmptsp, code="A2", name="Loket 2")
    w.line_a.counters.add(second)
    with time_machine.travel(at(9, 30), tick=False):
        status = ticket_status(token=w.t5.public_token)
    # Durations 6, 8 and 10 minutes: median 8; one ticket (the child) ahead, two counters.
    assert status.minutes_per_ticket == 8
    assert status.ahead == 1 and status.open_counters == 2
    assert status.estimated_minutes == 4


def test_the_rules_in_force_on_the_tickets_day_are_listed(morning):
    w = morning
    newer = CompensationRuleSet.objects.create(
        unit=w.dpmptsp, number=2, effective_from=MONDAY + dt.timedelta(days=1), created_at=at(8)
    )
    CompensationRule.objects.create(
        ruleset=newer, trigger="wait_without_info", threshold_minutes=5, remedy="apology_drink", poster_text="Baru"
    )
    with time_machine.travel(at(9, 10), tick=False):
        rules = ticket_status(token=w.t1.public_token).rules
    assert len(rules) == 3 and "Baru" not in [r.poster_text for r in rules]


# --- The page ---------------------------------------------------------------------------


def test_the_status_page_shows_place_and_wait_but_no_personal_data(morning, client):
    w = morning
    w.bob.first_name = "Bobby"
    w.bob.save()
    Ticket.objects.filter(pk=w.t1.pk).update(status="called", counter=w.counter_a1, officer=w.bob)
    with time_machine.travel(at(9, 10), tick=False):
        response = client.get(f"/antrean/status/{w.t5.public_token}/", HTTP_ACCEPT_LANGUAGE="en")
        called = client.get(f"/antrean/status/{w.t1.public_token}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "A-005" in body and "Izin Reklame" in body
    assert 'hx-trigger="every 15s"' in body
    assert "Menunggu lebih dari 10 menit tanpa informasi" in body  # the poster sentences
    assert "Bobby" not in body and "bob" not in body
    assert w.t1.public_token not in body  # no other ticket's address
    called_body = called.content.decode()
    assert "Loket 1" in called_body and "A1" in called_body
    assert "Bobby" not in called_body and ">bob<" not in called_body


def test_the_status_page_in_indonesian_and_position_numbers(morning, client):
    w = morning
    with time_machine.travel(at(9, 10), tick=False):
        body = client.get(f"/antrean/status/{w.t5.public_token}/").content.decode()
    assert '<html lang="id">' in body
    assert "4" in body and "60" in body  # four ahead, about 60 minutes


def test_an_htmx_poll_gets_only_the_live_part(morning, client):
    w = morning
    with time_machine.travel(at(9, 10), tick=False):
        response = client.get(f"/antrean/status/{w.t5.public_token}/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and "A-005" in body and "every 15s" in body


def test_a_finished_ticket_stops_polling_and_has_no_survey_link_without_surveys(morning, client):
    w = morning
    Ticket.objects.filter(pk=w.t1.pk).update(
        status="done", called_at=at(9, 5), service_started_at=at(9, 5), finished_at=at(9, 9), counter=w.counter_a1
    )
    with time_machine.travel(at(9, 10), tick=False):
        body = client.get(f"/antrean/status/{w.t1.public_token}/").content.decode()
    assert "every 15s" not in body
    with pytest.raises(NoReverseMatch):
        reverse("surveys:ticket", args=["x"])
    assert "Isi survei" not in body and "/survei/" not in body


# A served ticket's link to its survey (once an open survey covers it) is tested with the
# surveys: mutu/surveys/tests/test_public_ticket.py.


def test_unknown_tokens_are_404(client, db):
    assert client.get("/antrean/status/no-such-ticket/").status_code == 404
    assert client.get("/antrean/tiket/no-such-ticket/").status_code == 404
