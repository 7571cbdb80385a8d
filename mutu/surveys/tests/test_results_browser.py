"""The results page and the public SKM page in headless Chromium: axe, no-JS filters, htmx swap.

Screenshots go to /tmp/shots/results_*.png for a person to look at (1366 and 390 px wide).
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mutu.core.testing import build_world
from mutu.core.tests import test_accessibility as a11y
from mutu.surveys.models import FollowUpAction, Survey
from mutu.surveys.services_results import publish_survey_results, tag_suggestion
from mutu.surveys.testing import add_response, answers, build_survey_world

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
SHOTS = Path("/tmp/shots")
AXE, AXE_RUN, BLOCKING_IMPACTS, VIEWPORTS = a11y.AXE, a11y.AXE_RUN, a11y.BLOCKING_IMPACTS, a11y.VIEWPORTS
# The Chromium fixtures of the accessibility suite (Debian's chromium, never `playwright install`).
browser = a11y.browser
_allow_async_unsafe = a11y._allow_async_unsafe


@pytest.fixture
def site(live_server, transactional_db, settings):
    settings.STORAGES = {
        **django_settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.AXES_ENABLED = False
    settings.RATELIMIT_ENABLED = False
    w = build_survey_world(build_world())
    now = timezone.now()
    for i in range(24):
        values = [4 if i % 3 else 3, 3, 2 if i % 2 else 3, 4, 3, 4, 4, 3 if i % 4 else 2, 4]
        add_response(
            w.survey,
            answers=answers(*values),
            profile={
                "gender": "f" if i % 3 else "m",
                "age_group": "30_39",
                "education": "sma",
                "occupation": "private",
            },
            suggestion="Antrean di loket perizinan terlalu lama" if i % 5 == 0 else "",
            client_id=uuid.uuid4(),
            now=now,
        )
        add_response(
            w.mpp_survey,
            answers=answers(*values),
            gerai=(w.gerai_dpmptsp, w.gerai_bpjs, w.gerai_dukcapil)[i % 3],
            client_id=uuid.uuid4(),
            now=now,
        )
    first = w.survey.responses.exclude(suggestion="").first()
    tag_suggestion(response=first, unsur_keys=["waktu"], by=w.alice)
    Survey.objects.filter(pk=w.survey.pk).update(status=Survey.Status.CLOSED)
    w.survey.refresh_from_db()
    publish_survey_results(survey=w.survey, by=w.alice, now=now)
    FollowUpAction.objects.create(
        survey=w.survey,
        unit=w.dpmptsp,
        unsur="waktu",
        action="Menambah petugas verifikasi berkas pada jam sibuk",
        responsible="Kepala Bidang Pelayanan",
        due_date=now.date(),
        status=FollowUpAction.Status.IN_PROGRESS,
        created_at=now,
        updated_at=now,
    )
    return live_server.url, w


def _context(browser, viewport: str, user=None, **kwargs):
    context = browser.new_context(locale="id-ID", **VIEWPORTS[viewport], **kwargs)
    context.set_default_timeout(15_000)
    context.add_init_script(path=str(AXE))
    if user is not None:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "domain": "localhost", "path": "/"}])
    return context


def _axe_problems(page, label: str) -> list[str]:
    return [
        f"{label}: axe {v['id']} ({v['impact']}, {v['count']}): {v['help']} -> {'; '.join(v['targets'])}"
        for v in page.evaluate(AXE_RUN)
        if v["impact"] in BLOCKING_IMPACTS
    ]


def test_results_and_public_pages_are_accessible_and_photographed(browser, site):
    base, w = site
    base = base.replace("127.0.0.1", "localhost")
    SHOTS.mkdir(exist_ok=True)
    problems: list[str] = []
    pages = {
        "results": (w.alice, reverse("surveys:results", args=[w.survey.pk]) + "?with_profile=on"),
        "results_mpp": (w.alice, reverse("surveys:results", args=[w.mpp_survey.pk])),
        "results_suggestions": (w.alice, reverse("surveys:suggestions", args=[w.survey.pk])),
        "results_public": (None, reverse("surveys:public_unit", args=[w.dpmptsp.slug])),
    }
    for viewport in VIEWPORTS:
        width = VIEWPORTS[viewport]["viewport"]["width"]
        for name, (user, path) in pages.items():
            context = _context(browser, viewport, user)
            page = context.new_page()
            response = page.goto(base + path)
            assert response is not None and response.status == 200, f"{path}: {response and response.status}"
            problems += _axe_problems(page, f"[{viewport}] {path}")
            page.screenshot(path=str(SHOTS / f"{name}_{width}.png"), full_page=True)
            context.close()
    assert not problems, "\n".join(problems)


def test_the_filter_works_without_javascript(browser, site):
    base, w = site
    base = base.replace("127.0.0.1", "localhost")
    context = _context(browser, "desktop", w.alice, java_script_enabled=False)
    page = context.new_page()
    page.goto(base + reverse("surveys:results", args=[w.survey.pk]))
    page.select_option("select[name=gender]", "m")
    with page.expect_navigation():
        page.click("form.results-filter button[type=submit]")
    assert "gender=m" in page.url
    assert page.locator(".results-figure__value").first.inner_text().strip() == "8"
    context.close()


def test_the_filter_swaps_the_results_with_htmx(browser, site):
    base, w = site
    base = base.replace("127.0.0.1", "localhost")
    context = _context(browser, "desktop", w.alice)
    page = context.new_page()
    page.goto(base + reverse("surveys:results", args=[w.survey.pk]))
    page.evaluate("document.body.dataset.marker = 'kept'")
    page.select_option("select[name=gender]", "f")
    page.click("form.results-filter button[type=submit]")
    page.wait_for_url("**gender=f**")
    page.wait_for_function("document.querySelector('.results-figure__value').textContent.trim() === '16'")
    # The same document: htmx swapped the partial instead of loading a new page.
    assert page.evaluate("document.body.dataset.marker") == "kept"
    context.close()
