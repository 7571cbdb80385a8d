"""The report area's pages in headless Chromium: no serious or critical axe violation.

The pages are rendered by Django's test client and loaded into Chromium with the site's
stylesheet, so no live server (and no flush of the migrated SKM template) is needed. The
forms are plain HTML posts; the page tests post them without any JavaScript.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from mutu.core.tests.test_accessibility import AXE, AXE_RUN, BLOCKING_IMPACTS, CHROMIUM, CHROMIUM_ARGS, VIEWPORTS
from mutu.surveys.services_reports import add_follow_up
from mutu.surveys.testing import SKM_CODES, add_response

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.django_db]

NOW = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def pages(survey_world):
    w = survey_world
    add_response(w.survey, answers=dict(zip(SKM_CODES, (4, 3, 1, 4, 4, 4, 4, 2, 3), strict=True)), now=NOW)
    action = add_follow_up(
        survey=w.survey,
        unsur="waktu",
        action="Membuka loket tambahan",
        responsible="Sekretaris",
        due_date=dt.date(2026, 9, 30),
        by=w.alice,
        now=NOW,
    )
    client = Client()
    client.force_login(w.alice, backend="django.contrib.auth.backends.ModelBackend")
    paths = [
        reverse("surveys:follow_ups", args=[w.survey.pk]),
        reverse("surveys:follow_up_edit", args=[w.survey.pk, action.pk]),
        reverse("surveys:analysis", args=[w.survey.pk]),
    ]
    rendered = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        rendered[path] = response.content.decode()
    # A form sent back with errors must be accessible too.
    response = client.post(paths[0], {"unit": w.dpmptsp.pk, "unsur": "waktu", "action": "", "due_date": "2025-01-01"})
    assert response.status_code == 422
    rendered[paths[0] + " (errors)"] = response.content.decode()
    return rendered


def test_the_report_pages_have_no_serious_accessibility_problems(pages):
    # Chromium starts after the pages are rendered: the database is not touched while
    # Playwright's event loop runs, so Django's connection stays the test's own.
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "browser tests need Debian's chromium (apt-get install -y chromium)"
    css = finders.find("core/mutu.css")
    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for viewport in ("phone", "desktop"):
                context = browser.new_context(locale="id-ID", **VIEWPORTS[viewport])
                context.set_default_timeout(15_000)
                page = context.new_page()
                for path, html in pages.items():
                    page.set_content(html)
                    page.add_style_tag(path=css)
                    page.add_script_tag(path=str(AXE))
                    assert page.evaluate("document.documentElement.getAttribute('lang')") == "id"
                    for v in page.evaluate(AXE_RUN):
                        if v["impact"] in BLOCKING_IMPACTS:
                            problems.append(
                                f"[{viewport}] {path}: {v['id']} ({v['impact']}): {v['help']} -> {v['targets']} "
                                f"{v['detail']}"
                            )
                context.close()
        finally:
            browser.close()
    assert not problems, "\n".join(problems)
