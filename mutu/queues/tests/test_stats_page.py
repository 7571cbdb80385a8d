"""Counter-service statistics: medians, p90, no-shows, compensations, within-standard share."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from mutu.queues.models import CompensationCase, Ticket
from mutu.queues.selectors.stats import queue_statistics

WITA = ZoneInfo("Asia/Makassar")
DAY = dt.date(2026, 11, 26)


def make_ticket(w, number, *, issued, called=None, started=None, finished=None, status="done", counter=None):
    at = lambda h, m: dt.datetime(2026, 11, 26, h, m, tzinfo=WITA)  # noqa: E731
    return Ticket.objects.create(
        location=w.mpp,
        line=w.line_a,
        service=w.reklame,
        standard_version=w.reklame_v1,
        prefix="A",
        number=number,
        day=DAY,
        issued_at=at(*issued),
        called_at=at(*called) if called else None,
        service_started_at=at(*started) if started else None,
        finished_at=at(*finished) if finished else None,
        status=status,
        counter=counter,
    )


@pytest.fixture
def busy(queue_world):
    w = queue_world
    a1 = w.counter_a1
    make_ticket(w, 1, issued=(8, 0), called=(8, 5), started=(8, 6), finished=(8, 16), counter=a1)  # wait 5, svc 10
    make_ticket(w, 2, issued=(8, 10), called=(8, 30), started=(8, 31), finished=(8, 56), counter=a1)  # wait 20, 25
    make_ticket(w, 3, issued=(9, 0), called=(9, 10), status="no_show", counter=a1)
    t4 = make_ticket(w, 4, issued=(9, 5), called=(9, 20), started=(9, 21), finished=(9, 31), counter=a1)
    rule = w.rules.rules.get(trigger="wait_without_info")
    CompensationCase.objects.create(
        unit=w.dpmptsp,
        trigger="wait_without_info",
        rule=rule,
        ticket=t4,
        service=w.reklame,
        detected_at=t4.called_at,
        measured_minutes=11,
    )
    return w


def test_statistics_fold_times_rates_and_standard(busy):
    stats = queue_statistics(unit=busy.dpmptsp, start=DAY, end=DAY)
    total = stats.total
    assert total.tickets == 4
    assert sorted(total.waits) == [5, 10, 15, 20]
    assert total.wait_median == 10 and total.wait_p90 == 20
    assert total.service_median == 10
    assert total.no_show_rate == pytest.approx(1 / 4)
    assert total.compensation_rate == pytest.approx(1 / 4)
    # Standard counter time is 15 minutes: 10 and 10 are within, 25 is not.
    assert total.within_standard_share == pytest.approx(2 / 3)
    assert [g.label for g in stats.by_hour] == ["08.00", "09.00"]
    assert [g.label for g in stats.by_counter] == ["A1"]


def test_another_units_tickets_are_not_counted(busy):
    assert queue_statistics(unit=busy.dukcapil, start=DAY, end=DAY).total.tickets == 0


def test_the_page_shows_the_numbers_and_charts(busy, login):
    response = login(busy.head).get(
        "/kelola/statistik-antrean/unit/dpmptsp/", {"start": "2026-11-26", "end": "2026-11-26"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and "Izin Reklame" in body


def test_a_period_that_ends_before_it_starts_is_refused_with_a_message(busy, login):
    response = login(busy.head).get(
        "/kelola/statistik-antrean/unit/dpmptsp/", {"start": "2026-11-26", "end": "2026-11-01"}
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


def test_another_unit_gets_404(busy, login):
    assert login(busy.charlie).get("/kelola/statistik-antrean/unit/dpmptsp/").status_code == 404


def test_the_page_reads_a_fixed_number_of_queries(busy, login, django_assert_max_num_queries):
    client = login(busy.head)
    with django_assert_max_num_queries(10):
        client.get("/kelola/statistik-antrean/unit/dpmptsp/", {"start": "2026-11-26", "end": "2026-11-26"})
