"""Queue notices in headless Chromium: the kiosk's optional WhatsApp number with its opt-in, a
bad number answered beside the field, and the opt-in on the ticket's status page; axe must
report no serious or critical violation."""

from __future__ import annotations

import pytest

from mutu.core.tests.test_accessibility import _allow_async_unsafe  # noqa: F401 - fixture
from mutu.messaging.testing import build_chat_world
from mutu.queues.models import Ticket, TicketNotice
from mutu.queues.tests.test_kiosk_browser import _axe, _page, browser, site  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _to_last_step(page, site_url: str) -> None:
    page.goto(site_url + "/antrean/mpp/kiosk/")
    page.get_by_role("link", name="Gerai DPMPTSP").click()
    page.wait_for_url("**gerai=*")
    page.get_by_role("link", name="Izin Reklame").click()
    page.wait_for_url("**layanan=*")
    page.get_by_role("heading", name="Ambil nomor antrean").wait_for()


@pytest.mark.parametrize("device", ["tablet", "phone"])
def test_a_citizen_leaves_a_whatsapp_number_at_the_kiosk(browser, site, device):  # noqa: F811
    build_chat_world(_world())
    problems: list[str] = []
    page = _page(browser, device)
    _to_last_step(page, site)
    _axe(page, f"{device} step 3 with WhatsApp", problems)

    page.get_by_label("Nomor WhatsApp (opsional)").fill("0812 bukan nomor")
    page.get_by_label("Saya setuju menerima pesan WhatsApp khusus tentang tiket ini.").check()
    page.get_by_role("button", name="Ambil nomor").click()
    page.locator(".kiosk-field-error").first.wait_for()
    _axe(page, f"{device} bad number", problems)
    assert Ticket.objects.count() == 0  # nothing issued, the choices and the typing stay
    assert page.get_by_label("Nomor WhatsApp (opsional)").input_value() == "0812 bukan nomor"

    page.get_by_label("Nomor WhatsApp (opsional)").fill("0812 3456 7890")
    page.get_by_role("button", name="Ambil nomor").click()
    page.wait_for_url("**/antrean/tiket/**")
    notice = TicketNotice.objects.select_related("contact").get()
    assert notice.contact.phone == "6281234567890" and notice.consented_at is not None
    assert not problems, "\n".join(problems)
    page.context.close()


def test_the_status_page_offers_the_notice_later(browser, site):  # noqa: F811
    build_chat_world(_world())
    problems: list[str] = []
    page = _page(browser, "phone")
    _to_last_step(page, site)
    page.get_by_role("button", name="Ambil nomor").click()
    page.wait_for_url("**/antrean/tiket/**")
    ticket = Ticket.objects.get()

    page.goto(f"{site}/antrean/status/{ticket.public_token}/")
    page.get_by_role("heading", name="Dapatkan pemberitahuan lewat WhatsApp").wait_for()
    _axe(page, "status with opt-in", problems)
    page.get_by_label("Nomor WhatsApp (opsional)").fill("081234567890")
    page.get_by_label("Saya setuju menerima pesan WhatsApp khusus tentang tiket ini.").check()
    page.get_by_role("button", name="Kirimi saya pemberitahuan WhatsApp").click()
    page.get_by_text("…890").wait_for()
    _axe(page, "status after opt-in", problems)
    assert TicketNotice.objects.filter(ticket=ticket).exists()
    assert not problems, "\n".join(problems)
    page.context.close()


def _world():
    from types import SimpleNamespace

    from mutu.organisations.models import Instansi

    return SimpleNamespace(bontang=Instansi.objects.get(slug="kota-bontang"))
