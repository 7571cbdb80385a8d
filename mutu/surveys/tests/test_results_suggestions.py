"""Suggestions: listed per survey, filtered by unsur, tagged by the unit's officers."""

import datetime as dt
import uuid

import pytest
import time_machine
from django.urls import reverse

from mutu.core.errors import ApplicationError
from mutu.core.models import AuditEvent
from mutu.surveys.selectors import Slice
from mutu.surveys.selectors_results import suggestion_counts, suggestions
from mutu.surveys.services_results import tag_suggestion
from mutu.surveys.testing import add_response

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def said(survey, text, **kwargs):
    return add_response(survey, suggestion=text, client_id=uuid.uuid4(), now=NOW, **kwargs)


def list_url(survey, query=""):
    return reverse("surveys:suggestions", args=[survey.pk]) + query


def tag_url(response):
    return reverse("surveys:suggestion_tag", args=[response.survey_id, response.pk])


def test_the_list_shows_only_responses_with_a_suggestion(survey_world, login):
    w = survey_world
    said(w.survey, "Antrean terlalu lama di loket 2")
    add_response(w.survey, client_id=uuid.uuid4(), now=NOW)
    response = login(w.alice).get(list_url(w.survey))
    assert response.status_code == 200
    assert "Antrean terlalu lama di loket 2" in response.content.decode()
    assert response.context["page"].paginator.count == 1


def test_the_list_is_paginated(survey_world, login):
    w = survey_world
    for i in range(23):
        said(w.survey, f"Saran nomor {i}")
    client = login(w.alice)
    first = client.get(list_url(w.survey))
    assert len(first.context["page"].object_list) == 20
    second = client.get(list_url(w.survey, "?page=2"))
    assert len(second.context["page"].object_list) == 3


def test_charlie_gets_404_on_another_units_suggestions(survey_world, login):
    w = survey_world
    item = said(w.survey, "Ruang tunggu panas")
    client = login(w.charlie)
    assert client.get(list_url(w.survey)).status_code == 404
    assert client.post(tag_url(item), {"unsur": ["sarana"]}).status_code == 404
    item.refresh_from_db()
    assert item.suggestion_unsur == []


def test_an_officer_tags_a_suggestion_without_javascript(survey_world, login):
    w = survey_world
    item = said(w.survey, "Petugas ramah tapi antrean lama")
    next_url = list_url(w.survey, "?page=1")
    response = login(w.bob).post(tag_url(item), {"unsur": ["waktu", "perilaku"], "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    item.refresh_from_db()
    assert item.suggestion_unsur == ["waktu", "perilaku"]
    event = AuditEvent.objects.get(action="survey.suggestion_tag")
    assert event.actor == w.bob
    assert event.after == {"suggestion_unsur": ["waktu", "perilaku"]}


def test_tagging_with_htmx_returns_the_item_only(survey_world, login):
    w = survey_world
    item = said(w.survey, "Persyaratan tidak jelas")
    response = login(w.alice).post(tag_url(item), {"unsur": ["persyaratan"]}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert f'id="suggestion-{item.pk}"' in html
    assert 'value="persyaratan" id="tag-' in html and "checked" in html


def test_an_outside_redirect_target_is_ignored(survey_world, login):
    w = survey_world
    item = said(w.survey, "Parkir sempit")
    response = login(w.alice).post(tag_url(item), {"unsur": ["sarana"], "next": "https://evil.example/"})
    assert response["Location"] == list_url(w.survey)


def test_an_unknown_unsur_is_refused(survey_world, login):
    w = survey_world
    item = said(w.survey, "Biaya tidak jelas")
    login(w.alice).post(tag_url(item), {"unsur": ["maklumat"]})
    item.refresh_from_db()
    assert item.suggestion_unsur == []
    with pytest.raises(ApplicationError):
        tag_suggestion(response=item, unsur_keys=["maklumat"], by=w.alice)


def test_a_response_without_suggestion_cannot_be_tagged(survey_world):
    w = survey_world
    item = add_response(w.survey, client_id=uuid.uuid4(), now=NOW)
    with pytest.raises(ApplicationError):
        tag_suggestion(response=item, unsur_keys=["waktu"], by=w.alice)


def test_dave_tags_bpjs_suggestions_of_the_mpp_survey_but_not_others(survey_world, login):
    w = survey_world
    ours = said(w.mpp_survey, "Loket BPJS kurang", gerai=w.gerai_bpjs)
    theirs = said(w.mpp_survey, "Loket DPMPTSP kurang", gerai=w.gerai_dpmptsp)
    client = login(w.dave)
    page = client.get(list_url(w.mpp_survey))
    assert [r.pk for r in page.context["page"]] == [ours.pk]
    assert client.post(tag_url(ours), {"unsur": ["sarana"]}).status_code == 302
    assert client.post(tag_url(theirs), {"unsur": ["sarana"]}).status_code == 404
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert ours.suggestion_unsur == ["sarana"]
    assert theirs.suggestion_unsur == []


def test_the_unsur_filter_and_the_counts(survey_world, login):
    w = survey_world
    a = said(w.survey, "Lama sekali")
    b = said(w.survey, "Mahal dan lama")
    said(w.survey, "Belum dibaca")
    tag_suggestion(response=a, unsur_keys=["waktu"], by=w.alice)
    tag_suggestion(response=b, unsur_keys=["biaya", "waktu"], by=w.alice)
    ids = {r.pk for r in suggestions(survey_ids=[w.survey.pk], slice=Slice(), unsur="waktu")}
    assert ids == {a.pk, b.pk}
    assert [r.pk for r in suggestions(survey_ids=[w.survey.pk], slice=Slice(), unsur="biaya")] == [b.pk]
    assert suggestions(survey_ids=[w.survey.pk], slice=Slice(), unsur="none").count() == 1
    counts = suggestion_counts(survey_ids=[w.survey.pk], slice=Slice())
    assert counts["waktu"] == 2 and counts["biaya"] == 1 and counts["none"] == 1 and counts["total"] == 3
    response = login(w.alice).get(list_url(w.survey, "?unsur=biaya"))
    assert [r.pk for r in response.context["page"]] == [b.pk]


def test_tags_are_stored_in_regulation_order_once(survey_world):
    w = survey_world
    item = said(w.survey, "Semua kurang")
    tag_suggestion(response=item, unsur_keys=["sarana", "persyaratan", "sarana"], by=w.alice)
    item.refresh_from_db()
    assert item.suggestion_unsur == ["persyaratan", "sarana"]
