"""The citizen's QR survey on a phone (390 px) in headless Chromium, and the surveyor's entry page.

axe must find no serious or critical violation on the form, its error state, the thank-you
page, the poster and the entry page. Screenshots go to /tmp/shots/public_*.png for a person
to look at.
"""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from mutu.core.testing import PASSWORD, build_world
from mutu.core.tests.test_accessibility import AXE, AXE_RUN, BLOCKING_IMPACTS, VIEWPORTS, _allow_async_unsafe, browser  # noqa: F401 (fixtures)
from mutu.surveys.models import Channel, Response
from mutu.surveys.testing import build_survey_world

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
SHOTS = Path("/tmp/shots")


@pytest.fixture(scope="module")
def chromium(browser):  # noqa: F811 (the imported fixture)
    """The shared headless Chromium of the accessibility tests."""
    return browser


@pytest.fixture
def site(live_server, transactional_db, settings):
    settings.STORAGES = {
        **django_settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.AXES_ENABLED = False
    settings.RATELIMIT_ENABLED = False
    w = build_survey_world(build_world())
    w.survey.surveyors.add(w.surveyor)
    w.base = live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    return w


def _context(browser, viewport: str, **kwargs):  # noqa: F811
    context = browser.new_context(locale="id-ID", **VIEWPORTS[viewport], **kwargs)
    context.set_default_timeout(15_000)
    context.add_init_script(path=str(AXE))
    return context


def _axe_problems(page, label: str) -> list[str]:
    return [
        f"{label}: axe {v['id']} ({v['impact']}): {v['help']} -> {'; '.join(v['targets'])} ({v['detail']})"
        for v in page.evaluate(AXE_RUN)
        if v["impact"] in BLOCKING_IMPACTS
    ]


def test_a_citizen_takes_the_qr_survey_on_a_phone(chromium, site):
    w = site
    problems: list[str] = []
    context = _context(chromium, "phone")
    page = context.new_page()
    url = w.base + reverse("surveys:qr", args=[w.survey.public_token])

    response = page.goto(url)
    assert response is not None and response.status == 200
    assert page.evaluate("document.documentElement.lang") == "id"
    problems += _axe_problems(page, "form")
    page.screenshot(path=str(SHOTS / "public_form_390.png"), full_page=True)
    # Every answer is a large target: the whole label, at least 44 px high, is clickable.
    heights = page.eval_on_selector_all(".survey-option label", "els => els.map(e => e.getBoundingClientRect().height)")
    assert len(heights) == 36 and min(heights) >= 44
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width}px)"

    # Sending with two questions unanswered: messages next to them, the rest kept.
    for number in range(1, 8):
        page.click(f"label[for=id_q_U{number}_{4 if number % 2 else 3}]")
    page.fill("#id_suggestion", "Tempat parkir kurang luas")
    page.click("main button[type=submit]")
    page.wait_for_selector(".survey-error-summary")
    assert page.locator("#id_q_U8_error").is_visible() and page.locator("#id_q_U9_error").is_visible()
    assert page.is_checked("#id_q_U1_4") and page.input_value("#id_suggestion") == "Tempat parkir kurang luas"
    problems += _axe_problems(page, "errors")
    page.screenshot(path=str(SHOTS / "public_errors_390.png"), full_page=True)

    # Keyboard: the last two answers are chosen with Space on a focused radio.
    page.focus("#id_q_U8_3")
    page.keyboard.press("Space")
    page.focus("#id_q_U9_2")
    page.keyboard.press("Space")
    page.click("main button[type=submit]")
    page.wait_for_selector(".survey-message--thanks")
    problems += _axe_problems(page, "thanks")
    page.screenshot(path=str(SHOTS / "public_thanks_390.png"), full_page=True)

    stored = Response.objects.get()
    assert stored.channel == Channel.QR_ANONYMOUS and len(stored.device_hash) == 64
    assert stored.suggestion == "Tempat parkir kurang luas"
    assert sorted(stored.answers.values_list("question__code", "value")) == [
        ("U1", 4), ("U2", 3), ("U3", 4), ("U4", 3), ("U5", 4), ("U6", 3), ("U7", 4), ("U8", 3), ("U9", 2)
    ]  # fmt: skip

    # The same phone the same day: a kind page, no second response.
    page.goto(url)
    assert page.locator(".survey-message--already_today").count() == 1
    problems += _axe_problems(page, "already")
    assert Response.objects.count() == 1
    context.close()
    assert not problems, "\n".join(problems)


def test_the_survey_works_without_javascript(chromium, site):
    w = site
    context = _context(chromium, "phone", java_script_enabled=False)
    page = context.new_page()
    page.goto(w.base + reverse("surveys:qr", args=[w.survey.public_token]))
    for number in range(1, 10):
        page.click(f"label[for=id_q_U{number}_4]")
    page.select_option("#id_service", index=0)
    page.click("main button[type=submit]")
    page.wait_for_selector(".survey-message--thanks")
    assert Response.objects.count() == 1
    context.close()


def test_the_poster_and_the_entry_page_are_accessible(chromium, site):
    w = site
    problems: list[str] = []
    context = _context(chromium, "desktop")
    page = context.new_page()
    page.goto(w.base + reverse("surveys:qr_poster", args=[w.survey.public_token]))
    problems += _axe_problems(page, "poster")
    page.screenshot(path=str(SHOTS / "public_poster_1366.png"), full_page=True)
    # Printed on A4, the poster is one page holding the QR code and the survey's address.
    pdf = SHOTS / "public_poster.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    reader = pypdf.PdfReader(str(pdf))
    assert len(reader.pages) == 1
    assert w.survey.public_token in reader.pages[0].extract_text()

    page.goto(w.base + "/akun/masuk/")
    page.fill("input[name=username]", w.surveyor.username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    entry = w.base + reverse("surveys:entry", args=[w.survey.pk])
    page.goto(entry)
    problems += _axe_problems(page, "entry")
    # Keyboard only: the paper number has focus; digits move on by themselves; Enter saves.
    assert page.evaluate("document.activeElement.name") == "paper_number"
    page.keyboard.type("K-001")
    page.focus("#id_q_U1")
    page.keyboard.type("4343")
    assert page.evaluate("document.activeElement.name") == "q_U5"
    page.keyboard.press("Tab")  # U5 left blank
    page.keyboard.type("4444")
    page.keyboard.press("Enter")
    page.wait_for_selector(".message--success")
    problems += _axe_problems(page, "entry saved")
    page.screenshot(path=str(SHOTS / "public_entry_1366.png"), full_page=True)
    stored = Response.objects.get(paper_number="K-001")
    assert stored.surveyor_id == w.surveyor.pk
    assert not stored.answers.filter(question__code="U5").exists()
    assert stored.answers.count() == 8
    context.close()

    context = _context(chromium, "phone")
    page = context.new_page()
    page.goto(w.base + "/akun/masuk/")
    page.fill("input[name=username]", w.surveyor.username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.goto(entry)
    problems += _axe_problems(page, "entry phone")
    page.screenshot(path=str(SHOTS / "public_entry_390.png"), full_page=True)
    context.close()
    assert not problems, "\n".join(problems)
