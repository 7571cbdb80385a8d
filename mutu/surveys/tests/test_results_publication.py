"""Publishing a period's results, the public SKM page of a unit and its printable poster."""

import datetime as dt
import io
import uuid

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from mutu.core.errors import ApplicationError
from mutu.core.models import AuditEvent
from mutu.surveys.models import FollowUpAction, Survey
from mutu.surveys.selectors import Slice, ikm_for
from mutu.surveys.services import create_survey
from mutu.surveys.services_results import publish_survey_results, unpublish_survey_results
from mutu.surveys.testing import add_response, answers

pytestmark = pytest.mark.django_db
DURING = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
AFTER = dt.datetime(2027, 1, 5, 2, 0, tzinfo=dt.UTC)


def fill(survey, n=6, **kwargs):
    with time_machine.travel(DURING, tick=False):
        for i in range(n):
            values = [4, 3, 2 if i % 2 else 3, 4, 3, 4, 4, 3, 4]
            add_response(survey, answers=answers(*values), client_id=uuid.uuid4(), now=DURING, **kwargs)


def published(survey, by, now=AFTER):
    return publish_survey_results(survey=survey, by=by, now=now)


def fmt(decimal):
    """A Decimal as the Indonesian pages print it."""
    return str(decimal).replace(".", ",")


# --- the rule --------------------------------------------------------------------------------------


def test_results_of_a_running_period_cannot_be_published(survey_world):
    w = survey_world
    fill(w.survey)
    with translation.override("en"), pytest.raises(ApplicationError, match="period is over"):
        publish_survey_results(survey=w.survey, by=w.alice, now=DURING)
    w.survey.refresh_from_db()
    assert w.survey.published_at is None


def test_a_closed_survey_can_be_published_before_its_last_day(survey_world):
    w = survey_world
    fill(w.survey)
    Survey.objects.filter(pk=w.survey.pk).update(status=Survey.Status.CLOSED)
    w.survey.refresh_from_db()
    publish_survey_results(survey=w.survey, by=w.alice, now=DURING)
    assert w.survey.published_at == DURING


def test_a_period_without_a_complete_ikm_cannot_be_published(survey_world):
    w = survey_world
    with translation.override("en"), pytest.raises(ApplicationError, match="nine unsur"):
        published(w.survey, w.alice)


def test_publishing_after_the_last_day_is_recorded(survey_world):
    w = survey_world
    fill(w.survey)
    published(w.survey, w.head)
    w.survey.refresh_from_db()
    assert w.survey.published_at == AFTER
    event = AuditEvent.objects.get(action="survey.publish")
    assert event.actor == w.head
    unpublish_survey_results(survey=w.survey, by=w.alice, now=AFTER)
    w.survey.refresh_from_db()
    assert w.survey.published_at is None
    assert AuditEvent.objects.filter(action="survey.unpublish").count() == 1


def test_an_officer_cannot_publish(survey_world):
    w = survey_world
    fill(w.survey)
    with pytest.raises(ApplicationError):
        published(w.survey, w.bob)


def test_the_unit_admin_publishes_from_the_results_page(survey_world, login):
    w = survey_world
    fill(w.survey)
    url = reverse("surveys:results_publication", args=[w.survey.pk])
    with time_machine.travel(AFTER, tick=False):
        response = login(w.alice).post(url, {"action": "publish"})
    assert response.status_code == 302
    w.survey.refresh_from_db()
    assert w.survey.published_at == AFTER


def test_publishing_too_early_shows_the_reason(survey_world, login):
    w = survey_world
    fill(w.survey)
    client = login(w.alice)
    with time_machine.travel(DURING, tick=False):
        response = client.post(
            reverse("surveys:results_publication", args=[w.survey.pk]), {"action": "publish"}, follow=True
        )
    assert "31-12-2026" in response.content.decode()
    w.survey.refresh_from_db()
    assert w.survey.published_at is None


@pytest.mark.parametrize("persona", ["bob", "charlie", "dave"])
def test_others_get_404_on_publication(survey_world, login, persona):
    w = survey_world
    fill(w.survey)
    fill(w.mpp_survey, gerai=w.gerai_bpjs)
    with time_machine.travel(AFTER, tick=False):
        client = login(getattr(w, persona))
        for survey in (w.survey, w.mpp_survey):
            url = reverse("surveys:results_publication", args=[survey.pk])
            assert client.post(url, {"action": "publish"}).status_code == 404
    assert not Survey.objects.filter(published_at__isnull=False).exists()


# --- the public page -------------------------------------------------------------------------------


def test_the_public_page_shows_only_published_periods(survey_world, client):
    w = survey_world
    fill(w.survey)
    url = reverse("surveys:public_unit", args=[w.dpmptsp.slug])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["latest"] is None
    assert "SKM Semester II 2026" not in response.content.decode()

    published(w.survey, w.alice)
    response = client.get(url)
    latest = response.context["latest"]
    assert latest.survey.pk == w.survey.pk
    assert latest.result == ikm_for(survey=w.survey)
    html = response.content.decode()
    assert fmt(latest.result.converted) in html
    assert "SKM Semester II 2026" in html


def test_the_public_page_lists_the_history_newest_first(survey_world, client):
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
    when = dt.datetime(2026, 3, 2, 2, tzinfo=dt.UTC)
    with time_machine.travel(when, tick=False):
        add_response(earlier, answers=answers(*([3] * 9)), now=when)
    fill(w.survey)
    published(earlier, w.alice)
    unpublished_later = create_survey(
        unit=w.dpmptsp,
        name="SKM Semester I 2027",
        slug="skm-2027-1",
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2027, 6, 30),
        by=w.alice,
    )
    published(w.survey, w.alice)
    response = client.get(reverse("surveys:public_unit", args=[w.dpmptsp.slug]))
    assert [p.survey.pk for p in response.context["history"]] == [w.survey.pk, earlier.pk]
    assert unpublished_later.name not in response.content.decode()


def test_an_mpp_survey_counts_with_the_units_own_slice(survey_world, client):
    w = survey_world
    fill(w.mpp_survey, 4, gerai=w.gerai_bpjs)
    fill(w.mpp_survey, 2, gerai=w.gerai_dpmptsp)
    published(w.mpp_survey, w.alice)
    response = client.get(reverse("surveys:public_unit", args=[w.bpjs.slug]))
    latest = response.context["latest"]
    assert latest.survey.pk == w.mpp_survey.pk
    assert latest.result.respondents == 4
    assert latest.result == ikm_for(survey=w.mpp_survey, slice=Slice(unit_id=w.bpjs.pk))


def test_the_public_page_shows_the_follow_up_actions_of_the_latest_period(survey_world, client):
    w = survey_world
    fill(w.survey)
    published(w.survey, w.alice)
    FollowUpAction.objects.create(
        survey=w.survey,
        unit=w.dpmptsp,
        unsur="waktu",
        action="Menambah satu petugas verifikasi berkas",
        responsible="Kepala Bidang Pelayanan",
        due_date=dt.date(2027, 3, 31),
        status=FollowUpAction.Status.IN_PROGRESS,
        created_at=AFTER,
        updated_at=AFTER,
    )
    html = client.get(reverse("surveys:public_unit", args=[w.dpmptsp.slug])).content.decode()
    assert "Menambah satu petugas verifikasi berkas" in html
    assert "Kepala Bidang Pelayanan" in html


def test_an_unknown_unit_has_no_public_page(survey_world, client):
    assert client.get(reverse("surveys:public_unit", args=["tidak-ada"])).status_code == 404


def test_the_units_catalogue_page_links_to_the_results(survey_world, client):
    w = survey_world
    html = client.get(reverse("public:unit", args=[w.dpmptsp.slug])).content.decode()
    assert reverse("surveys:public_unit", args=[w.dpmptsp.slug]) in html


# --- the poster ------------------------------------------------------------------------------------


def test_there_is_no_poster_before_anything_is_published(survey_world, client):
    w = survey_world
    fill(w.survey)
    assert client.get(reverse("surveys:poster", args=[w.dpmptsp.slug])).status_code == 404


def test_the_poster_shows_the_ikm_the_mutu_and_the_unit(survey_world, client):
    w = survey_world
    fill(w.survey)
    published(w.survey, w.alice)
    result = ikm_for(survey=w.survey)
    response = client.get(reverse("surveys:poster", args=[w.dpmptsp.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert fmt(result.converted) in text
    assert "DPMPTSP Kota Bontang" in text
    assert result.mutu in text
    assert "6" in text
