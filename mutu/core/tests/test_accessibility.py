"""Accessibility of the main pages in headless Chromium, checked with axe-core.

Drives Debian's chromium (``apt-get install chromium``) through Playwright's sync API against
pytest-django's live server, on a phone (390x844) and a desktop (1366x900) viewport, with the
demo data of ``manage.py seed_demo``. Each page must answer 200, declare ``<html lang="id">``
and have no serious or critical axe violation. The catalogue must also work with JavaScript off.

Public pages are found by following links from ``/`` (not hard-coded), so their addresses can
change without touching this file. Never run ``playwright install``: it downloads a browser.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parents[1] / "static" / "vendor" / "axe.min.js"
VIEWPORTS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}
DEMO_PASSWORD = "bontang-demo-2026"
BLOCKING_IMPACTS = ("serious", "critical")

UNIT_LINK = 'main a[href^="/unit/"]:not([href*="/layanan/"])'
LOCATION_LINK = 'main a[href^="/lokasi/"]:not([href="/lokasi/"])'
SERVICE_LINK = 'main a[href*="/layanan/"]:not([href$=".pdf"])'

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

AXE_RUN = """
async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
    count: v.nodes.length,
    detail: (v.nodes[0].any.concat(v.nodes[0].all, v.nodes[0].none)[0] || {}).message || "",
  }));
}
"""


@pytest.fixture(scope="module")
def _allow_async_unsafe():
    """Playwright's sync API keeps an asyncio loop in this thread, so Django would refuse the
    test's own ORM calls (seeding, flushing) as "async unsafe". Allowed only while this module
    runs: left set, it would leak into later tests and their subprocesses (check --deploy
    reports it as async.E001)."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(_allow_async_unsafe):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: browser tests need Debian's chromium "
            "(apt-get update && apt-get install -y chromium); never `playwright install`.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    except Exception:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def site(live_server, transactional_db, settings):
    """The live server's address, with the demo data loaded.

    Plain static storage: the live server serves /static/ from the apps' folders, where the
    hashed names of the manifest storage (used when DEBUG is false) do not exist.
    """
    settings.STORAGES = {
        **django_settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.AXES_ENABLED = False
    settings.RATELIMIT_ENABLED = False
    call_command("seed_demo", stdout=io.StringIO())
    yield live_server.url
    _flush_despite_immutability_triggers()


def _flush_despite_immutability_triggers() -> None:
    """Empty the tables before transactional_db does, so that its flush succeeds.

    On SQLite, flush deletes row by row and the triggers of
    mutu/standards/migrations/0002 refuse to delete published standard versions, which
    would fail the teardown and leave the demo data for the next test. PostgreSQL's
    TRUNCATE fires no row triggers. Remove this once those triggers let a flush through.
    """
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    import importlib

    triggers = importlib.import_module("mutu.standards.migrations.0002_published_versions_are_immutable")
    with connection.schema_editor() as editor:
        triggers.drop_triggers(None, editor)
    try:
        call_command("flush", interactive=False, verbosity=0)
    finally:
        with connection.schema_editor() as editor:
            triggers.create_triggers(None, editor)


def _context(browser, viewport: str, **kwargs):
    # Indonesian browser: the site negotiates the language from Accept-Language.
    context = browser.new_context(locale="id-ID", **VIEWPORTS[viewport], **kwargs)
    context.set_default_timeout(15_000)
    # Injected through the DevTools protocol, so the site's CSP does not block it.
    context.add_init_script(path=str(AXE))
    return context


def _check(page, base: str, path: str, label: str, problems: list[str]) -> None:
    """Open ``path`` and add every failed check to ``problems``."""
    response = page.goto(base + path)
    where = f"[{label}] {path}"
    if response is None or response.status != 200:
        problems.append(f"{where}: HTTP {response.status if response else 'no response'}")
        return
    lang = page.evaluate("document.documentElement.getAttribute('lang')")
    if lang != "id":
        problems.append(f'{where}: <html lang="{lang}">, expected "id"')
    for v in page.evaluate(AXE_RUN):
        if v["impact"] in BLOCKING_IMPACTS:
            problems.append(
                f"{where}: axe {v['id']} ({v['impact']}, {v['count']} node(s)): {v['help']} "
                f"-> {'; '.join(v['targets'])} ({v['detail']})"
            )


def _href(page, base: str, path: str, selector: str, problems: list[str]) -> str | None:
    page.goto(base + path)
    link = page.locator(selector).first
    if link.count() == 0:
        found = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
        problems.append(f"{path}: no link matching {selector!r}; links in <main>: {found[:20]}")
        return None
    return link.get_attribute("href")


def _log_in(page, base: str, username: str) -> None:
    page.goto(base + "/akun/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/akun/masuk/" not in page.url, f"logging in as {username} failed (still on {page.url})"


def _report(problems: list[str]) -> str:
    return f"{len(problems)} problem(s):\n" + "\n".join(problems)


def test_public_pages_are_accessible(browser, site):
    problems: list[str] = []
    context = _context(browser, "desktop")
    page = context.new_page()

    # The home page is the catalogue itself: 200, no redirect.
    response = page.goto(site + "/")
    assert response is not None and response.status == 200, f"/ answered {response and response.status}"
    assert response.request.redirected_from is None, "/ redirected"
    assert page.url == site + "/"

    unit = _href(page, site, "/", UNIT_LINK, problems)
    location = _href(page, site, "/lokasi/", LOCATION_LINK, problems)
    service = None
    for path in filter(None, [unit, "/?q=ktp", "/"]):
        page.goto(site + path)
        if page.locator(SERVICE_LINK).count():
            service = page.locator(SERVICE_LINK).first.get_attribute("href")
            break
    if service is None:
        problems.append(f"no link matching {SERVICE_LINK!r} on the unit page, /?q=ktp or /")
    context.close()

    paths = ["/", "/?q=ktp", "/lokasi/", *filter(None, [unit, location, service])]
    for viewport in VIEWPORTS:
        context = _context(browser, viewport)
        page = context.new_page()
        for path in paths:
            _check(page, site, path, viewport, problems)
        context.close()

    assert not problems, _report(problems)


STAFF_PAGES = {
    "admin.dpmptsp": [
        "/akun/beranda/",
        "/kelola/unit/dpmptsp-bontang/",
        "/kelola/unit/dpmptsp-bontang/kalender/",
        "/kelola/standar/unit/dpmptsp-bontang/",
    ],
    "mpp.bontang": ["/kelola/lokasi/mpp-bontang/"],
}


def test_staff_pages_are_accessible(browser, site):
    problems: list[str] = []
    for viewport in VIEWPORTS:
        for username, paths in STAFF_PAGES.items():
            context = _context(browser, viewport)
            page = context.new_page()
            _log_in(page, site, username)
            for path in paths:
                _check(page, site, path, f"{viewport} {username}", problems)
            context.close()

    assert not problems, _report(problems)


def test_catalogue_search_works_without_javascript(browser, site):
    context = browser.new_context(locale="id-ID", java_script_enabled=False, **VIEWPORTS["phone"])
    page = context.new_page()
    try:
        response = page.goto(site + "/")
        assert response is not None and response.status == 200

        search = page.locator('main form input[name="q"]').first
        assert search.count() == 1, "no search field named q in a <main> form on /"
        search.fill("ktp")
        with page.expect_navigation():
            search.press("Enter")

        assert "q=ktp" in page.url, f"the search did not submit as GET ?q=ktp (at {page.url})"
        links = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.textContent.toLowerCase())")
        hits = [t.strip() for t in links if "ktp" in t or "kartu tanda penduduk" in t]
        assert hits, f"no result about KTP for q=ktp; links in <main>: {links[:20]}"
    finally:
        context.close()
