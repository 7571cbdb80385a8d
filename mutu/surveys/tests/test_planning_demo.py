"""The demo surveys: seeded once, realistic numbers, nothing added by a second run."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from mutu.surveys.models import FollowUpAction, Response, Survey, SurveyDevice
from mutu.surveys.selectors import ikm_for

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    labels = ("surveys", "core")
    return {
        m._meta.label: m._default_manager.count() for label in labels for m in apps.get_app_config(label).get_models()
    }


def test_seeding_twice_adds_no_survey_rows_and_the_numbers_look_like_bontangs():
    call_command("seed_demo", stdout=io.StringIO())
    first = _counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == first

    s2024 = Survey.objects.get(slug="skm-2024-2")
    assert (str(s2024.starts_on), str(s2024.ends_on), s2024.status) == ("2024-09-30", "2024-10-30", "closed")
    assert s2024.published_at is not None
    assert s2024.counters.filter(is_disability=True).exists()
    assert Response.objects.filter(survey=s2024, channel="surveyor", surveyor__username="surveyor.stitek").exists()
    for survey in Survey.objects.filter(mpp__isnull=True):
        result = ikm_for(survey=survey)
        assert 80 <= result.converted <= 90, survey
        assert result.weakest.key == "waktu", survey
        assert Response.objects.filter(survey=survey).exclude(suggestion_unsur=[]).exists()
    assert Survey.objects.filter(slug="skm-2026-2", status="open").exists()
    mpp_survey = Survey.objects.get(mpp__isnull=False)
    assert Response.objects.filter(survey=mpp_survey).values("unit").distinct().count() >= 3
    assert FollowUpAction.objects.filter(survey=s2024, status="done").exists()
    assert SurveyDevice.objects.filter(counter__is_disability=True).exists()
