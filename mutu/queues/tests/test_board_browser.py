"""The display board and the console in headless Chromium (Debian's chromium through Playwright).

The board: one tap on the sound button, a call made through the service, and the board shows
the number and speaks it in Indonesian (``speechSynthesis.speak`` is stubbed to record the
utterances: headless Chromium has no voices); it says "reconnecting" while offline and recovers.
The console: "call next" swaps the console region with htmx under the strict CSP. axe finds no
serious or critical violation on the board, the console and the location overview.
"""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mutu.core.testing import PASSWORD
from mutu.core.tests import test_accessibility as a11y

# The Chromium fixtures of the accessibility tests (module-scoped there, and here).
browser = a11y.browser
_allow_async_unsafe = a11y._allow_async_unsafe
AXE, AXE_RUN, BLOCKING_IMPACTS = a11y.AXE, a11y.AXE_RUN, a11y.BLOCKING_IMPACTS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TV = {"viewport": {"width": 1920, "height": 1080}}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

RECORD_SPEECH = """
window.__spoken = [];
if (!window.speechSynthesis) {
  window.speechSynthesis = {getVoices: () => [], speak: () => {}};
}
window.speechSynthesis.speak = (u) => { window.__spoken.push({text: u.text, lang: u.lang}); };
"""


@pytest.fixture
def site(live_server, transactional_db, settings):
    from mutu.core.testing import build_world
    from mutu.queues.testing import build_queue_world
    from mutu.standards.models import Maklumat

    settings.AXES_ENABLED = False
    settings.RATELIMIT_ENABLED = False
    w = build_queue_world(build_world())
    Maklumat.objects.create(
        unit=w.dpmptsp,
        text="Dengan ini kami menyatakan sanggup menyelenggarakan pelayanan sesuai standar pelayanan "
        "yang telah ditetapkan dan apabila tidak menepati janji ini kami siap menerima sanksi.",
        signatory_name="Kepala DPMPTSP",
        signatory_title="Kepala Dinas",
        signed_on=timezone.localdate() - dt.timedelta(days=30),
        created_at=timezone.now(),
    )
    w.url = live_server.url
    yield w
    a11y._flush_despite_immutability_triggers()


def waiting_ticket(w, number: int, *, line=None, group: str = ""):
    """A ticket of today (ORM: the test must not depend on the hour it runs at)."""
    from mutu.queues.models import Ticket

    line = line or w.line_a
    now = timezone.now()
    return Ticket.objects.create(
        location=w.mpp,
        line=line,
        service=line.service,
        standard_version=w.reklame_v1 if line == w.line_a else w.ktp_v1,
        prefix=line.prefix,
        number=number,
        day=now.astimezone(ZoneInfo(w.mpp.timezone)).date(),
        issued_at=now - dt.timedelta(minutes=20 - number),
        priority_group=group,
    )


def _context(browser, device: dict):
    context = browser.new_context(locale="id-ID", **device)
    context.set_default_timeout(15_000)
    context.add_init_script(path=str(AXE))
    return context


def _axe(page, where: str) -> list[str]:
    return [
        f"{where}: axe {v['id']} ({v['impact']}, {v['count']}): {v['help']} -> {'; '.join(v['targets'])} "
        f"({v['detail']})"
        for v in page.evaluate(AXE_RUN)
        if v["impact"] in BLOCKING_IMPACTS
    ]


def _spoken(page, timeout: float = 10.0) -> list[dict]:
    """The recorded utterances, once there is one (polled from Python: the page's CSP forbids
    the eval that ``wait_for_function`` needs)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        spoken = page.evaluate("window.__spoken")
        if spoken:
            return spoken
        page.wait_for_timeout(200)
    return []


def _log_in(page, base: str, username: str) -> None:
    page.goto(base + "/akun/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/akun/masuk/" not in page.url, f"logging in as {username} failed"


def test_the_board_shows_and_speaks_a_new_call_and_reconnects(browser, site):
    from mutu.queues.services.counter import call_next

    w = site
    waiting_ticket(w, 7)
    context = _context(browser, TV)
    context.add_init_script(script=RECORD_SPEECH)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        assert page.goto(w.url + "/papan/mpp/").status == 200
        sound = page.locator("#board-sound")
        sound.wait_for(state="visible")
        sound.click()
        assert sound.get_attribute("aria-pressed") == "true"

        called = call_next(counter=w.counter_a1, officer=w.bob)
        assert called.code == "A-007"
        expect(page.locator("#board-latest")).to_contain_text("A-007")
        expect(page.locator(f'[data-counter-id="{w.counter_a1.pk}"] .board__counter-code')).to_have_text("A-007")
        spoken = _spoken(page)
        assert spoken == [{"text": "Nomor antrean A 0 0 7, silakan menuju loket A1", "lang": "id-ID"}]
        assert "A-007" in page.locator("#board-recent").inner_text()

        # A network drop: the board says it is reconnecting, then recovers by itself.
        context.set_offline(True)
        page.locator("#board-status").wait_for(state="visible", timeout=20_000)
        context.set_offline(False)
        page.locator("#board-status").wait_for(state="hidden", timeout=45_000)

        problems = _axe(page, "board")
        assert not problems, "\n".join(problems)
        assert not errors, errors
    finally:
        context.close()


def test_the_board_works_without_javascript(browser, site):
    context = browser.new_context(locale="id-ID", java_script_enabled=False, **TV)
    page = context.new_page()
    try:
        assert page.goto(site.url + "/papan/mpp/").status == 200
        assert page.locator("#board-counters li").count() == 3
        assert page.locator("#board-sound").is_hidden()
    finally:
        context.close()


def test_the_console_calls_with_htmx_and_is_accessible(browser, site):
    from mutu.queues.models import CompensationCase

    w = site
    first = waiting_ticket(w, 1)
    waiting_ticket(w, 2, group="elderly")
    waiting_ticket(w, 3)
    CompensationCase.objects.create(
        unit=w.dpmptsp,
        trigger="wait_without_info",
        rule=w.rules.rules.get(trigger="wait_without_info"),
        ticket=first,
        service=w.reklame,
        detected_at=timezone.now(),
        measured_minutes=11,
    )
    problems: list[str] = []
    for name, device in (("desktop", DESKTOP), ("phone", PHONE)):
        context = _context(browser, device)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        try:
            _log_in(page, w.url, "bob")
            console = f"{w.url}/kelola/loket/{w.counter_a1.pk}/"
            assert page.goto(console).status == 200
            assert page.evaluate("document.documentElement.lang") == "id"
            problems += _axe(page, f"[{name}] console, nothing called")
            if name == "desktop":
                page.click("#btn-call-next")
                page.locator("#btn-start").wait_for(state="visible")
                assert page.url == console, "the call should swap the console in place"
                assert "A-002" in page.locator(".console-current__code").inner_text()
                problems += _axe(page, f"[{name}] console, A-002 called")
            assert not errors, errors
        finally:
            context.close()

    context = _context(browser, DESKTOP)
    page = context.new_page()
    try:
        _log_in(page, w.url, "mpp.manager")
        assert page.goto(w.url + "/kelola/loket/lokasi/mpp/").status == 200
        problems += _axe(page, "location overview")
        assert page.goto(w.url + "/kelola/loket/").status == 200
        problems += _axe(page, "console index")
    finally:
        context.close()
    assert not problems, "\n".join(problems)
