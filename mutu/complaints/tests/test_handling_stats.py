"""Statistics on a hand-made set: counts, medians, the share within the deadline, scope, queries."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from mutu.complaints.models import Channel, Complaint, Deadline, Stage, Status
from mutu.complaints.selectors_handling import complaint_stats
from mutu.complaints.testing import make_complaint
from mutu.complaints.tests.test_handling_services import NOW

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _made(w, *, submitted, first=None, answered=None, due=None, met=None, category=None, **kwargs):
    c = make_complaint(w, submitted_at=submitted, **kwargs)
    Complaint.objects.filter(pk=c.pk).update(
        unit=w.dpmptsp,
        status=Status.ANSWERED if answered else Status.IN_PROGRESS,
        first_response_at=first,
        answered_at=answered,
        category=category,
    )
    if due is not None:
        Deadline.objects.create(
            complaint=c,
            stage=Stage.COMPLETION,
            due_at=due,
            met_at=met,
            days=2,
            day_kind="working",
            started_at=submitted,
        )
    return c


@pytest.fixture
def sample(complaint_world):
    w = complaint_world
    s1 = NOW - 10 * D
    _made(w, submitted=s1, first=s1 + 24 * H, answered=s1 + 48 * H, due=NOW - 5 * D, met=s1 + 48 * H, category=w.light)
    _made(
        w, submitted=s1, first=s1 + 72 * H, answered=s1 + 144 * H, due=NOW - 9 * D, met=s1 + 144 * H, category=w.light
    )
    s3 = NOW - 3 * D
    _made(
        w,
        submitted=s3,
        first=s3 + 12 * H,
        due=NOW - D,
        channel=Channel.PHONE,
        consent=False,
        recorded_by=w.complaint_officer,
    )
    _made(w, submitted=NOW - 2 * D, due=NOW + 5 * D)
    return w


def test_medians_and_the_share_within_the_deadline_per_channel_and_category(sample):
    stats = complaint_stats(user=sample.complaint_officer, start=None, end=None, now=NOW)
    web, phone = stats.by_channel
    assert (web.count, web.median_first_response_hours, web.median_completion_days) == (3, 48.0, 4.0)
    assert (web.on_time, web.judged, web.within_deadline_percent) == (1, 2, 50.0)
    assert (phone.count, phone.median_first_response_hours, phone.median_completion_days) == (1, 12.0, None)
    assert phone.within_deadline_percent == 0.0
    light, none = stats.by_category
    assert light.label.startswith("Ringan") and (light.count, light.median_completion_days) == (2, 4.0)
    assert (none.count, none.median_first_response_hours, none.within_deadline_percent) == (2, 12.0, 0.0)
    total = stats.total
    assert (total.count, total.median_first_response_hours, total.median_completion_days) == (4, 24.0, 4.0)
    assert total.within_deadline_percent == 33.3


def test_the_period_filters_by_the_day_received(sample):
    stats = complaint_stats(user=sample.complaint_officer, start=NOW - 5 * D, end=None, now=NOW)
    assert stats.total.count == 2
    stats = complaint_stats(user=sample.complaint_officer, start=None, end=NOW - 5 * D, now=NOW)
    assert stats.total.count == 2


def test_another_unit_counts_nothing_of_ours(sample):
    assert complaint_stats(user=sample.charlie, start=None, end=None, now=NOW).total.count == 0
    assert complaint_stats(user=sample.verifier, start=None, end=None, now=NOW).total.count == 4


def test_the_statistics_page_shows_tables_and_charts_in_constant_queries(sample, login, django_assert_max_num_queries):
    url = reverse("complaints:stats")
    client = login(sample.alice)
    response = client.get(url, {"day_from": (timezone.localdate() - 30 * D).isoformat()})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and ("33,3" in body or "33.3" in body)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _ in range(6):
        _made(sample, submitted=NOW - D, first=NOW - D + H, due=NOW + D)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_an_invalid_period_is_named(sample, login):
    response = login(sample.alice).get(reverse("complaints:stats"), {"day_from": "2026-11-10", "day_to": "2026-11-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["day_to"]


def test_people_without_a_role_are_refused_the_statistics(sample, login):
    assert login(sample.nobody).get(reverse("complaints:stats")).status_code == 403
