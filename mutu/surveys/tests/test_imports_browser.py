"""The import pages in headless Chromium: axe on every step, the whole flow, htmx progress polling.

Screenshots go to /tmp/shots/imports_*.png for a person to look at (1366 and 390 px wide).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from mutu.core.testing import build_world
from mutu.core.tests import test_accessibility as a11y
from mutu.core.tests.test_accessibility import AXE, AXE_RUN, BLOCKING_IMPACTS, VIEWPORTS
from mutu.surveys.models import ImportBatch, Response
from mutu.surveys.skm_template import QUESTIONS
from mutu.surveys.testing import build_survey_world

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
SHOTS = Path("/tmp/shots")
# The shared Chromium fixtures of the accessibility tests.
browser = a11y.browser
_allow_async_unsafe = a11y._allow_async_unsafe


@pytest.fixture
def site(live_server, transactional_db, settings, tmp_path):
    settings.STORAGES = {
        **django_settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.AXES_ENABLED = False
    settings.RATELIMIT_ENABLED = False
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    w = build_survey_world(build_world())
    return live_server.url.replace("127.0.0.1", "localhost"), w


def _context(browser, viewport: str, user, **kwargs):
    context = browser.new_context(locale="id-ID", **VIEWPORTS[viewport], **kwargs)
    context.set_default_timeout(15_000)
    context.add_init_script(path=str(AXE))
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


def _google_forms_xlsx(path: Path, bad: bool) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Stempel waktu", "Jenis Kelamin", "Usia", *[q[2] for q in QUESTIONS], "Kritik dan saran"])
    for day in range(1, 13):
        values = [4, 3, 3, 4, 3, 4, 4, 3, 4]
        if bad and day == 5:
            values[2] = 5
        sheet.append([f"{day:02d}/10/2026 09:15:00", "L" if day % 2 else "P", 20 + day, *values, "Lebih cepat"])
    workbook.save(path)
    return path


def _shoot(page, name, viewport):
    SHOTS.mkdir(exist_ok=True)
    width = VIEWPORTS[viewport]["viewport"]["width"]
    page.screenshot(path=str(SHOTS / f"imports_{name}_{width}.png"), full_page=True)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_whole_import_is_accessible_and_works(browser, site, tmp_path, viewport):
    base, w = site
    problems: list[str] = []
    context = _context(browser, viewport, w.alice)
    page = context.new_page()
    page.goto(base + reverse("surveys:imports", args=[w.survey.pk]))
    problems += _axe_problems(page, f"[{viewport}] upload")
    _shoot(page, "upload", viewport)

    # A file with one bad answer: the report names the row; nothing is imported.
    page.set_input_files("input[name=file]", str(_google_forms_xlsx(tmp_path / "jawaban-salah.xlsx", bad=True)))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("select[name=col_3]").input_value() == "q:U1"
    problems += _axe_problems(page, f"[{viewport}] mapping")
    _shoot(page, "mapping", viewport)
    with page.expect_navigation():
        page.click("form.imports-mapping button[type=submit]")
    assert page.locator(".imports-errors td.num", has_text="6").count() == 1
    problems += _axe_problems(page, f"[{viewport}] errors")
    _shoot(page, "errors", viewport)
    assert Response.objects.count() == 0

    # The corrected file is checked and imported.
    page.goto(base + reverse("surveys:imports", args=[w.survey.pk]))
    page.set_input_files("input[name=file]", str(_google_forms_xlsx(tmp_path / "jawaban.xlsx", bad=False)))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    with page.expect_navigation():
        page.click("form.imports-mapping button[type=submit]")
    problems += _axe_problems(page, f"[{viewport}] ready")
    _shoot(page, "ready", viewport)
    with page.expect_navigation():
        page.click(".imports-ready button[type=submit]")
    assert page.locator(".imports-result").count() == 1
    problems += _axe_problems(page, f"[{viewport}] done")
    _shoot(page, "done", viewport)
    assert Response.objects.filter(channel="import").count() == 12
    context.close()
    assert not problems, "\n".join(problems)


def test_the_progress_bar_polls_and_the_page_reloads_when_done(browser, site):
    base, w = site
    client = Client()
    client.force_login(w.alice, backend="django.contrib.auth.backends.ModelBackend")
    file = io.BytesIO(b"U1,U2\n4,3\n")
    file.name = "rekap.csv"
    client.post(reverse("surveys:imports", args=[w.survey.pk]), {"file": file})
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.IMPORTING, processed_rows=200, total_rows=800
    )

    context = _context(browser, "desktop", w.alice)
    page = context.new_page()
    page.goto(base + reverse("surveys:import_batch", args=[w.survey.pk, batch.pk]))
    assert page.locator("#import-bar").get_attribute("value") == "25"
    problems = _axe_problems(page, "progress")
    _shoot(page, "progress", "desktop")
    ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=600)
    page.wait_for_selector('#import-bar[value="75"]')
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.DONE, imported_rows=800)
    page.wait_for_selector(".imports-result")
    context.close()
    assert not problems, "\n".join(problems)
