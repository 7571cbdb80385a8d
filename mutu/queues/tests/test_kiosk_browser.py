"""The kiosk in headless Chromium: the three steps, a ticket and its status page, with and
without JavaScript, on a tablet and a phone; axe must report no serious or critical violation
and the content security policy must block nothing.

Uses Debian's chromium like mutu/core/tests/test_accessibility.py (never `playwright install`).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from mutu.core.testing import build_world
from mutu.core.tests import test_accessibility as a11y
from mutu.organisations.models import OpeningHours, Unit
from mutu.queues.models import PriorityGroup, PriorityVoucher, QueueLine, Ticket
from mutu.queues.services.tickets import issue_ticket
from mutu.queues.testing import build_queue_world

# The browser fixtures of the accessibility tests (one Chromium per test module).
browser = a11y.browser
_allow_async_unsafe = a11y._allow_async_unsafe
AXE, AXE_RUN, BLOCKING_IMPACTS = a11y.AXE, a11y.AXE_RUN, a11y.BLOCKING_IMPACTS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

DEVICES = {
    "tablet": {"viewport": {"width": 800, "height": 1280}, "has_touch": True},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


@pytest.fixture
def site(live_server, transactional_db, settings):
    settings.STORAGES = {
        **django_settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.RATELIMIT_ENABLED = False
    settings.SITE_URL = live_server.url
    w = build_queue_world(build_world())
    # Open around the clock, every day: the live server runs on the real clock.
    OpeningHours.objects.filter(location=w.mpp).delete()
    for weekday in range(7):
        OpeningHours.objects.create(
            location=w.mpp,
            weekday=weekday,
            opens=dt.time(0),
            closes=dt.time(23, 59, 59),
            last_ticket=dt.time(23, 59, 58),
        )
    yield live_server.url
    a11y._flush_despite_immutability_triggers()


def indonesian(label) -> str:
    with translation.override("id"):
        return str(label)


def _page(browser, device: str, *, javascript: bool = True):
    context = browser.new_context(locale="id-ID", java_script_enabled=javascript, **DEVICES[device])
    context.set_default_timeout(15_000)
    context.add_init_script(path=str(AXE))
    context.javascript = javascript
    page = context.new_page()
    page.csp_errors = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.csp_errors.append(m.text))
    return page


def _axe(page, label: str, problems: list[str]) -> None:
    if not page.context.javascript:  # axe needs JavaScript; the same pages are checked with it on
        return
    if page.evaluate("document.documentElement.getAttribute('lang')") != "id":
        problems.append(f"{label}: html lang is not id")
    for v in page.evaluate(AXE_RUN):
        if v["impact"] in BLOCKING_IMPACTS:
            problems.append(f"{label} {page.url}: axe {v['id']} ({v['impact']}): {v['help']} -> {v['targets']}")


def _take_ticket(page, site: str, label: str, problems: list[str]) -> None:
    page.goto(site + "/antrean/mpp/kiosk/")
    _axe(page, f"{label} step 1", problems)
    page.get_by_role("link", name="Gerai DPMPTSP").click()
    page.wait_for_url("**gerai=*")
    page.get_by_role("heading", name="Pilih layanan").wait_for()
    _axe(page, f"{label} step 2", problems)
    page.get_by_role("link", name="Izin Reklame").click()
    page.wait_for_url("**layanan=*")
    page.get_by_role("heading", name="Ambil nomor antrean").wait_for()
    _axe(page, f"{label} step 3", problems)
    page.get_by_label(indonesian(PriorityGroup.ELDERLY.label)).check()
    page.get_by_role("button", name="Ambil nomor").click()
    page.wait_for_url("**/antrean/tiket/**")
    page.locator(".ticket__code").wait_for()
    _axe(page, f"{label} ticket", problems)


@pytest.mark.parametrize("device", DEVICES)
def test_taking_a_ticket_with_javascript(browser, site, device):
    problems: list[str] = []
    page = _page(browser, device)
    _take_ticket(page, site, device, problems)
    ticket = Ticket.objects.get()
    assert ticket.priority_group == "elderly"
    assert page.locator(".ticket__code").inner_text().strip().endswith("A-001")
    assert page.get_by_role("button", name="Cetak tiket").is_visible()
    assert page.locator(".ticket__qr svg").is_visible()

    page.goto(f"{site}/antrean/status/{ticket.public_token}/")
    assert page.locator('[hx-trigger="every 15s"]').count() == 1
    assert "Anda berikutnya." in page.locator("#ticket-live").inner_text()
    _axe(page, f"{device} status", problems)
    assert not page.csp_errors, page.csp_errors
    assert not problems, "\n".join(problems)
    page.context.close()


def test_taking_a_ticket_without_javascript(browser, site):
    problems: list[str] = []
    page = _page(browser, "tablet", javascript=False)
    _take_ticket(page, site, "no-js", problems)
    assert Ticket.objects.get().code == "A-001"
    # Nothing that needs JavaScript is offered.
    assert not page.get_by_role("button", name="Cetak tiket").is_visible()
    assert page.get_by_role("link", name="Selesai: kembali ke awal").is_visible()
    assert not problems, "\n".join(problems)
    page.context.close()


def test_a_refused_voucher_is_read_out_and_keeps_the_choices(browser, site):
    problems: list[str] = []
    PriorityVoucher.objects.create(
        code="LAMA1",
        unit=Unit.objects.get(slug="dpmptsp"),
        issued_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        valid_until=dt.date(2020, 1, 31),
    )
    page = _page(browser, "tablet")
    page.goto(site + "/antrean/mpp/kiosk/")
    page.get_by_role("link", name="Gerai DPMPTSP").click()
    page.get_by_role("link", name="Izin Reklame").click()
    page.get_by_label(indonesian(PriorityGroup.PREGNANT.label)).check()
    page.get_by_label("Kode voucher prioritas (jika ada)").fill("lama1")
    page.get_by_role("button", name="Ambil nomor").click()
    error = page.get_by_text("Voucher prioritas ini sudah berakhir pada 31-01-2020.")
    error.wait_for()
    # Focus moves to the field in error, whose message is its description.
    page.wait_for_function("document.activeElement && document.activeElement.id === 'id_voucher_code'")
    assert page.get_by_label(indonesian(PriorityGroup.PREGNANT.label)).is_checked()
    _axe(page, "voucher error", problems)
    assert not Ticket.objects.exists()
    assert not problems, "\n".join(problems)
    page.context.close()


POLL = """async (url) => {
  document.querySelector('#ticket-live [data-state]').dataset.marker = 'before';
  await htmx.ajax('GET', url, {target: '#ticket-live', swap: 'innerHTML'});
  await new Promise(resolve => setTimeout(resolve, 200));
  const state = document.querySelector('#ticket-live [data-state]');
  return {swapped: state.dataset.marker !== 'before', text: document.querySelector('#ticket-live').innerText};
}"""


def test_the_status_page_speaks_only_when_something_changed(browser, site):
    """A poll with the same state is not swapped (the live region stays quiet); a call is."""
    line = QueueLine.objects.get(prefix="A")
    ticket = issue_ticket(line=line)
    page = _page(browser, "phone")
    url = f"/antrean/status/{ticket.public_token}/"
    page.goto(site + url)
    quiet = page.evaluate(POLL, url)
    assert not quiet["swapped"]
    Ticket.objects.filter(pk=ticket.pk).update(status="called", counter=line.counters.get(), called_at=ticket.issued_at)
    called = page.evaluate(POLL, url)
    assert called["swapped"] and "Loket 1" in called["text"]
    assert not page.csp_errors, page.csp_errors
    page.context.close()


def test_the_ticket_prints_on_one_thermal_page_of_80_or_58_mm(browser, site):
    import io

    from pypdf import PdfReader

    ticket = issue_ticket(line=QueueLine.objects.get(prefix="A"))
    page = _page(browser, "tablet")
    widths = {}
    for paper in ("80", "58"):
        page.goto(f"{site}/antrean/tiket/{ticket.public_token}/?kertas={paper}")
        pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
        assert len(pdf.pages) == 1, paper
        widths[paper] = round(float(pdf.pages[0].mediabox.width) / 72 * 25.4)
    assert widths == {"80": 80, "58": 58}
    page.context.close()
