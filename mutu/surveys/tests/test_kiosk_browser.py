"""The survey kiosk in headless Chromium: register, answer, go offline, come back, nothing lost.

Served by pytest-django's live server on localhost, which browsers treat as a secure context,
so the service worker and IndexedDB work as they do over HTTPS. Screenshots of the kiosk on a
phone (390px) and a tablet (1024px) go to /tmp/shots/kiosk_*.png.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import pytest
from django.utils import timezone

from mutu.core.tests.test_accessibility import AXE, AXE_RUN, BLOCKING_IMPACTS, _allow_async_unsafe, browser  # noqa: F401
from mutu.surveys.models import Response, SurveyDevice
from mutu.surveys.services import create_survey
from mutu.surveys.services_kiosk import create_survey_device, register_survey_device

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = Path("/tmp/shots")
TABLET = {"viewport": {"width": 1024, "height": 768}, "has_touch": True}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
# Headless Chromium has no voices: record that the kiosk asked to speak, and what.
SPEECH_SPY = """
window.__spoken = [];
if (window.speechSynthesis) {
  const original = window.speechSynthesis.speak.bind(window.speechSynthesis);
  window.speechSynthesis.speak = (utterance) => {
    window.__spoken.push(utterance.text);
    try { original(utterance); } catch (e) { /* no voices */ }
  };
}
"""


@pytest.fixture
def kiosk_world(live_server, settings):
    from mutu.core.testing import build_world

    settings.RATELIMIT_ENABLED = False
    w = build_world()
    today = timezone.localdate(timezone.now(), timezone=dt.timezone(dt.timedelta(hours=8)))
    w.survey = create_survey(
        unit=w.dpmptsp,
        name="SKM Kiosk",
        slug="skm-kiosk",
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=30),
        by=w.alice,
        open_now=True,
    )
    w.counter_a1.is_disability = True
    w.counter_a1.save()
    w.url = live_server.url
    return w


def _context(browser, viewport):  # noqa: F811
    context = browser.new_context(locale="id-ID", **viewport)
    context.set_default_timeout(15_000)
    context.add_init_script(SPEECH_SPY)
    context.add_init_script(path=str(AXE))
    return context


def _heading(page) -> str:
    return page.locator("#kiosk-screen h1").inner_text()


def _answer_survey(page, *, value: int, suggestion: str) -> None:
    page.click("#kiosk-start")
    for _ in range(9):
        before = _heading(page)
        page.click(f".skiosk-option[data-value='{value}']")
        page.wait_for_function(
            "(before) => document.querySelector('#kiosk-screen h1').innerText !== before", arg=before
        )
    # Profile: gender chosen, the other three skipped.
    before = _heading(page)
    page.locator("#kiosk-screen .skiosk-option").nth(1).click()
    page.wait_for_function("(before) => document.querySelector('#kiosk-screen h1').innerText !== before", arg=before)
    for _ in range(3):
        before = _heading(page)
        page.locator("#kiosk-screen .skiosk-nav button").nth(1).click()  # Back, Skip
        page.wait_for_function(
            "(before) => document.querySelector('#kiosk-screen h1').innerText !== before", arg=before
        )
    page.fill("#kiosk-suggestion", suggestion)
    page.click("#kiosk-send")
    page.wait_for_selector("#kiosk-done")


# A HEAD request: the service worker leaves it to the network, as it does the kiosk's POSTs.
NETWORK_PROBE = """
() => fetch("/survei/kiosk/manifest.webmanifest", {method: "HEAD", cache: "no-store"})
  .then(() => "online", () => "offline")
"""


def _network(page) -> str:
    return page.evaluate(NETWORK_PROBE)


def _pending(page) -> int:
    return page.evaluate("window.mutuSurveyKiosk.queue.count()")


def _wait_for(condition, timeout=15.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def _axe(page, label, problems):
    for v in page.evaluate(AXE_RUN):
        if v["impact"] in BLOCKING_IMPACTS:
            problems.append(f"{label}: axe {v['id']} ({v['impact']}): {v['help']} -> {'; '.join(v['targets'])}")


def test_a_kiosk_survey_offline_and_back_online_stores_each_response_once(browser, kiosk_world):  # noqa: F811
    w = kiosk_world
    SHOTS.mkdir(exist_ok=True)
    problems: list[str] = []
    device, code = create_survey_device(
        unit=w.dpmptsp, location=w.mpp, counter=w.counter_a1, name="Tablet disabilitas", by=w.alice, now=timezone.now()
    )
    context = _context(browser, TABLET)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    # Register the tablet with its one-time link.
    page.goto(f"{w.url}/survei/kiosk/daftar/{code}/")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{w.url}/survei/kiosk/")
    page.wait_for_selector("#kiosk-start")
    assert page.evaluate("localStorage.getItem('mutu.surveyKiosk.token')")
    assert page.evaluate("document.documentElement.lang") == "id"
    assert "Tablet disabilitas" not in page.content()  # the shell is the same for every tablet
    assert "disabilitas" in page.inner_text("#kiosk-sub").lower() or "disability" in page.inner_text("#kiosk-sub")
    page.screenshot(path=str(SHOTS / "kiosk_tablet_start.png"))
    _axe(page, "tablet start", problems)

    # Read aloud only after the tap on "Aktifkan suara".
    assert page.evaluate("window.__spoken.length") == 0
    page.click("#kiosk-voice")
    assert page.get_attribute("#kiosk-voice", "aria-pressed") == "true"
    assert page.evaluate("window.__spoken.length") >= 1
    page.click("#kiosk-start")
    page.wait_for_selector(".skiosk-option[data-value='4']")
    spoken = page.evaluate("window.__spoken")
    assert any("persyaratan" in text for text in spoken), spoken
    page.screenshot(path=str(SHOTS / "kiosk_tablet_question.png"))
    _axe(page, "tablet question", problems)
    page.keyboard.press("Tab")  # keyboard users reach the answers too
    page.click("#kiosk-screen .skiosk-nav button")  # Back to the start screen
    page.wait_for_selector("#kiosk-start")

    # The service worker takes control, so the kiosk also starts without network.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    _wait_for(lambda: page.evaluate("!!navigator.serviceWorker.controller"), timeout=10)

    # 1. Online: sent at once.
    _answer_survey(page, value=4, suggestion="Pelayanan cepat.")
    page.screenshot(path=str(SHOTS / "kiosk_tablet_thanks.png"))
    assert _wait_for(lambda: Response.objects.count() == 1), "the first response did not arrive"
    assert _wait_for(lambda: page.get_attribute("#kiosk-status", "data-pending") == "0")
    page.click("#kiosk-done")
    page.wait_for_selector("#kiosk-start")

    # 2. Offline: the answers wait in IndexedDB; a reload still shows the kiosk.
    context.set_offline(True)
    assert _wait_for(lambda: _network(page) == "offline"), "the browser did not go offline"
    _answer_survey(page, value=2, suggestion="AC ruang tunggu mati.")
    assert _pending(page) == 1
    assert _wait_for(lambda: page.get_attribute("#kiosk-status", "data-pending") == "1")
    time.sleep(1)
    assert Response.objects.count() == 1
    assert _pending(page) == 1
    page.click("#kiosk-done")
    # The service worker serves the kiosk without network. (Chromium applies the offline
    # emulation to a restarted service worker a moment late, so a request may slip out here;
    # the count is checked above, and the replay below proves a slipped-out one is not doubled.)
    page.reload()
    page.wait_for_selector("#kiosk-start")
    page.screenshot(path=str(SHOTS / "kiosk_tablet_offline.png"))

    # 3. Back online: sent, removed from IndexedDB, stored once.
    context.set_offline(False)
    assert _wait_for(lambda: Response.objects.count() == 2, timeout=20), "the queued response was not sent"
    assert _wait_for(lambda: _pending(page) == 0)
    # A replay of everything the tablet ever sent changes nothing.
    page.evaluate("window.mutuSurveyKiosk.sync()")
    time.sleep(0.5)
    assert Response.objects.count() == 2
    responses = list(Response.objects.order_by("answered_at"))
    assert len({r.client_id for r in responses}) == 2
    assert all(r.channel == "kiosk" and r.device_id == device.pk and r.counter_id == w.counter_a1.pk for r in responses)
    assert responses[1].suggestion == "AC ruang tunggu mati."
    assert responses[0].gender != ""
    device.refresh_from_db()
    assert device.last_seen_at is not None
    context.close()

    # Phone screenshots (a second tablet registered by its token).
    phone_device, phone_code = create_survey_device(
        unit=w.dpmptsp, location=w.mpp, counter=None, name="HP", by=w.alice, now=timezone.now()
    )
    _device, token = register_survey_device(code=phone_code, now=timezone.now())
    context = _context(browser, PHONE)
    context.add_init_script(f"localStorage.setItem('mutu.surveyKiosk.token', {token!r});")
    page = context.new_page()
    page.goto(f"{w.url}/survei/kiosk/")
    page.wait_for_selector("#kiosk-start")
    page.screenshot(path=str(SHOTS / "kiosk_phone_start.png"), full_page=True)
    _axe(page, "phone start", problems)
    page.click("#kiosk-start")
    page.wait_for_selector(".skiosk-option[data-value='4']")
    page.screenshot(path=str(SHOTS / "kiosk_phone_question.png"), full_page=True)
    _axe(page, "phone question", problems)
    context.close()

    # Network failures while offline are expected; script errors are not.
    assert not [e for e in errors if "Failed to load resource" not in e], errors
    assert not problems, "\n".join(problems)
    assert SurveyDevice.objects.count() == 2


def test_the_kiosk_resets_itself_after_inactivity(browser, kiosk_world):  # noqa: F811
    w = kiosk_world
    _device, code = create_survey_device(
        unit=w.dpmptsp, location=w.mpp, counter=None, name="Tablet", by=w.alice, now=timezone.now()
    )
    _device, token = register_survey_device(code=code, now=timezone.now())
    context = _context(browser, TABLET)
    context.add_init_script(f"localStorage.setItem('mutu.surveyKiosk.token', {token!r});")
    page = context.new_page()
    page.clock.install()
    page.goto(f"{w.url}/survei/kiosk/")
    page.wait_for_selector("#kiosk-start")
    page.click("#kiosk-start")
    page.click(".skiosk-option[data-value='3']")
    page.clock.run_for(1000)
    page.wait_for_selector(".skiosk-progress")
    page.clock.run_for(61_000)
    assert page.is_visible("#kiosk-idle")
    seconds = int(re.search(r"\d+", page.inner_text("#kiosk-idle-text")).group())
    assert 10 <= seconds <= 15  # a visible countdown
    page.screenshot(path=str(SHOTS / "kiosk_tablet_idle.png"))
    page.clock.run_for(16_000)
    page.wait_for_selector("#kiosk-start")
    assert not page.is_visible("#kiosk-idle")
    assert page.evaluate("window.mutuSurveyKiosk.queue.count()") == 0  # a half-finished survey is not kept
    context.close()


def test_a_revoked_tablet_says_so(browser, kiosk_world):  # noqa: F811
    w = kiosk_world
    device, code = create_survey_device(
        unit=w.dpmptsp, location=w.mpp, counter=None, name="Tablet", by=w.alice, now=timezone.now()
    )
    _device, token = register_survey_device(code=code, now=timezone.now())
    SurveyDevice.objects.filter(pk=device.pk).update(revoked_at=timezone.now())
    context = _context(browser, TABLET)
    context.add_init_script(f"localStorage.setItem('mutu.surveyKiosk.token', {token!r});")
    page = context.new_page()
    page.goto(f"{w.url}/survei/kiosk/")
    page.wait_for_selector(".skiosk-alert")
    assert page.locator("#kiosk-start").count() == 0
    context.close()


def test_the_devices_page_and_the_registration_page_are_accessible(browser, kiosk_world, settings):  # noqa: F811
    from mutu.core.testing import PASSWORD

    settings.AXES_ENABLED = False
    w = kiosk_world
    problems: list[str] = []
    SHOTS.mkdir(exist_ok=True)
    for name, viewport in (("desktop", {"viewport": {"width": 1366, "height": 900}}), ("phone", PHONE)):
        context = _context(browser, viewport)
        page = context.new_page()
        page.goto(f"{w.url}/akun/masuk/")
        page.fill("input[name=username]", "alice")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        page.goto(f"{w.url}/kelola/survei/perangkat/unit/{w.dpmptsp.slug}/")
        page.fill("input[name=name]", f"Tablet {name}")
        page.select_option("select[name=counter]", str(w.counter_a1.pk))
        with page.expect_navigation():
            page.click("main form.form button[type=submit]")
        link = page.inner_text(".skiosk-newlink__url code")
        assert "/survei/kiosk/daftar/" in link
        page.screenshot(path=str(SHOTS / f"kiosk_devices_{name}.png"), full_page=True)
        _axe(page, f"{name} devices", problems)
        page.goto(f"{w.url}/kelola/survei/perangkat/https/")
        _axe(page, f"{name} https notes", problems)
        page.goto(link)
        _axe(page, f"{name} register", problems)
        context.close()
    assert not problems, "\n".join(problems)
