"""The kiosk page (three steps as plain links and forms), taking a ticket, the ticket page."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache

from mutu.organisations.models import Location
from mutu.queues.models import Kiosk, PriorityVoucher, QueueLine, Ticket
from mutu.queues.selectors.tickets import kiosk_choices
from mutu.queues.services.tickets import deactivate_kiosk, register_kiosk
from mutu.queues.testing import published_service
from mutu.queues.views.kiosk import RATE_LIMIT_ANONYMOUS

WITA = ZoneInfo("Asia/Makassar")
MONDAY = dt.date(2026, 11, 23)
KIOSK = "/antrean/mpp/kiosk/"


def at(hour: int, minute: int = 0, day: dt.date = MONDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=WITA)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def open_monday():
    with time_machine.travel(at(9), tick=False):
        yield


def take(client, line, **data):
    return client.post(KIOSK, {"line": line.pk, "priority_group": "", "voucher_code": "", **data})


# --- The three steps ---------------------------------------------------------------------


def test_step_one_lists_the_gerai_that_issue_tickets(queue_world, client, open_monday):
    w = queue_world
    body = client.get(KIOSK).content.decode()
    assert f'href="{KIOSK}?gerai={w.gerai_dpmptsp.pk}"' in body
    assert f'href="{KIOSK}?gerai={w.gerai_dukcapil.pk}"' in body
    assert "Gerai BPJS Kesehatan" not in body  # no queue line there
    assert '<html lang="id">' in body


def test_step_two_lists_the_services_of_the_gerai(queue_world, client, open_monday):
    w = queue_world
    body = client.get(KIOSK, {"gerai": w.gerai_dpmptsp.pk}).content.decode()
    assert "Izin Reklame" in body and f"?layanan={w.line_a.pk}" in body
    assert "KTP-el" not in body


def test_step_three_offers_the_six_priority_choices_and_a_voucher_field(queue_world, english, open_monday):
    w = queue_world
    body = english.get(KIOSK, {"layanan": w.line_a.pk}).content.decode()
    assert body.count('type="radio" name="priority_group"') == 6
    for label in ("None of these", "Elderly", "Person with a disability", "Pregnant woman", "Child", "Disaster victim"):
        assert label in body
    assert "Priority voucher" not in body.split("<legend>")[1].split("</fieldset>")[0]
    assert 'name="voucher_code"' in body
    assert 'value="" id="id_priority_group_0" checked' in body


def test_a_location_with_one_gerai_starts_at_the_services(queue_world, client, open_monday):
    w = queue_world
    QueueLine.objects.filter(pk=w.line_b.pk).update(is_active=False)
    body = client.get(KIOSK).content.decode()
    assert "Izin Reklame" in body and "?gerai=" not in body


def test_the_kiosk_says_when_no_more_tickets_are_issued(queue_world, english):
    with time_machine.travel(at(15, 30), tick=False):
        body = english.get(KIOSK).content.decode()
    assert "no longer issued after 15.00" in body
    assert "?gerai=" not in body


@pytest.mark.parametrize(
    "url",
    [
        "/antrean/nowhere/kiosk/",
        f"{KIOSK}?gerai=999999",
        f"{KIOSK}?layanan=999999",
        f"{KIOSK}?gerai=abc",
    ],
)
def test_unknown_locations_gerai_and_lines_are_404(queue_world, client, open_monday, url):
    assert client.get(url).status_code == 404


def test_a_line_or_gerai_of_another_location_is_404(queue_world, client, open_monday):
    w = queue_world
    office_line = QueueLine.objects.create(gerai=w.gerai_dukcapil_office, service=w.ktp, prefix="K")
    assert client.get(KIOSK, {"layanan": office_line.pk}).status_code == 404
    assert client.get(KIOSK, {"gerai": w.gerai_dukcapil_office.pk}).status_code == 404
    assert take(client, office_line).status_code == 404
    assert not Ticket.objects.exists()


def test_an_inactive_location_is_404(queue_world, client, open_monday):
    Location.objects.filter(pk=queue_world.mpp.pk).update(is_active=False)
    assert client.get(KIOSK).status_code == 404


def test_kiosk_choices_take_two_queries_whatever_the_size(queue_world, django_assert_num_queries):
    w = queue_world
    for i in range(5):
        service, _v = published_service(unit=w.dpmptsp, name=f"Layanan {i}", slug=f"layanan-{i}")
        QueueLine.objects.create(gerai=w.gerai_dpmptsp, service=service, prefix="Z")
    with django_assert_num_queries(2):
        gerai = kiosk_choices(location=w.mpp, today=MONDAY)
        names = [line.service.name for g in gerai for line in g.kiosk_lines]
    assert len(names) == 7


# --- Taking a ticket ---------------------------------------------------------------------


def test_taking_a_ticket_redirects_to_the_ticket(queue_world, client, open_monday):
    w = queue_world
    response = take(client, w.line_a, priority_group="pregnant")
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/antrean/tiket/{ticket.public_token}/"
    assert ticket.code == "A-001" and ticket.priority_group == "pregnant" and ticket.kiosk is None


def test_the_paper_width_is_kept_through_the_steps(queue_world, client, open_monday):
    w = queue_world
    assert "kertas=58" in client.get(KIOSK, {"kertas": "58"}).content.decode()
    response = take(client, w.line_a, kertas="58")
    assert response["Location"].endswith("/?kertas=58")
    assert 'class="kiosk-page paper-58"' in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("instant", "message"),
    [
        (at(15, 5), "Tickets for today are no longer issued after 15.00."),
        (at(7, 30), "Tickets for today are issued from 08.00."),
        (at(10, day=dt.date(2026, 11, 29)), "MPP Bontang is closed today"),
    ],
)
def test_refusals_are_shown_next_to_the_form_with_the_choices_kept(queue_world, english, instant, message):
    w = queue_world
    with time_machine.travel(instant, tick=False):
        response = take(english, w.line_a, priority_group="elderly", voucher_code="ABC")
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body and 'role="alert"' in body
    assert 'value="elderly" id="id_priority_group_1" checked' in body
    assert 'value="ABC"' in body
    assert not Ticket.objects.exists()


def test_a_service_without_a_published_standard_is_refused(queue_world, english, open_monday):
    from mutu.standards.models import Service

    w = queue_world
    draft = Service.objects.create(unit=w.dpmptsp, name="Izin Draf", slug="izin-draf")
    line = QueueLine.objects.create(gerai=w.gerai_dpmptsp, service=draft, prefix="D")
    assert "Izin Draf" not in english.get(KIOSK, {"gerai": w.gerai_dpmptsp.pk}).content.decode()
    body = take(english, line).content.decode()
    assert "Izin Draf has no published service standard in force" in body
    assert not Ticket.objects.exists()


def test_a_voucher_works_once_at_the_kiosk(queue_world, english, open_monday):
    w = queue_world
    voucher = PriorityVoucher.objects.create(
        code="K7Q2-M9XD", unit=w.dpmptsp, issued_at=at(8, day=MONDAY - dt.timedelta(days=2)), valid_until=MONDAY
    )
    assert take(english, w.line_a, voucher_code="k7q2-m9xd").status_code == 302
    used_at = PriorityVoucher.objects.get(pk=voucher.pk).used_at
    second = take(english, w.line_a, voucher_code="K7Q2-M9XD")
    assert "This priority voucher has already been used." in second.content.decode()
    assert Ticket.objects.get().priority_group == "voucher"
    assert PriorityVoucher.objects.get(pk=voucher.pk).used_at == used_at


def test_an_expired_voucher_is_refused_at_the_kiosk(queue_world, english, open_monday):
    w = queue_world
    PriorityVoucher.objects.create(
        code="OLD1", unit=w.dpmptsp, issued_at=at(8, day=dt.date(2026, 10, 1)), valid_until=dt.date(2026, 10, 31)
    )
    body = take(english, w.line_a, voucher_code="OLD1").content.decode()
    assert "This priority voucher expired on 31-10-2026." in body
    assert 'aria-invalid="true"' in body
    assert not Ticket.objects.exists()


# --- Rate limit and registered kiosks -------------------------------------------------------


def test_an_unknown_device_is_rate_limited(queue_world, client, open_monday):
    w = queue_world
    statuses = [take(client, w.line_a).status_code for _ in range(RATE_LIMIT_ANONYMOUS + 1)]
    assert statuses == [302] * RATE_LIMIT_ANONYMOUS + [429]
    assert Ticket.objects.count() == RATE_LIMIT_ANONYMOUS
    refused = take(client, w.line_a)
    assert refused.status_code == 429 and refused["Retry-After"] == "60"


def test_a_registered_kiosk_gets_a_higher_limit_and_is_recorded(queue_world, client, open_monday):
    w = queue_world
    kiosk, secret = register_kiosk(location=w.mpp, name="Lobi", by=w.mpp_manager)
    response = client.get(f"/antrean/kiosk/daftar/{secret}/")
    assert response.status_code == 302 and response["Location"] == KIOSK
    cookie = response.cookies["mutu_kiosk"]
    assert cookie["httponly"] and secret not in cookie.value.split(":")[-1]
    statuses = {take(client, w.line_a).status_code for _ in range(RATE_LIMIT_ANONYMOUS + 5)}
    assert statuses == {302}
    assert Ticket.objects.filter(kiosk=kiosk).count() == RATE_LIMIT_ANONYMOUS + 5
    assert Kiosk.objects.get(pk=kiosk.pk).last_seen_at == at(9)


def test_a_switched_off_or_unknown_kiosk_link_is_404(queue_world, client, open_monday):
    w = queue_world
    kiosk, secret = register_kiosk(location=w.mpp, name="Lobi", by=w.mpp_manager)
    assert client.get("/antrean/kiosk/daftar/not-a-secret/").status_code == 404
    client.get(f"/antrean/kiosk/daftar/{secret}/")
    deactivate_kiosk(kiosk=kiosk, by=w.mpp_manager)
    assert client.get(f"/antrean/kiosk/daftar/{secret}/").status_code == 404
    # The tablet's cookie no longer counts: its tickets are anonymous again.
    assert take(client, w.line_a).status_code == 302
    assert Ticket.objects.get().kiosk is None


def test_a_forged_kiosk_cookie_is_ignored(queue_world, client, open_monday):
    w = queue_world
    register_kiosk(location=w.mpp, name="Lobi", by=w.mpp_manager)
    client.cookies["mutu_kiosk"] = "forged"
    assert take(client, w.line_a).status_code == 302
    assert Ticket.objects.get().kiosk is None


# --- The ticket page -----------------------------------------------------------------------


def test_the_ticket_page_has_the_code_service_time_and_a_qr_code(queue_world, client, open_monday, settings):
    settings.SITE_URL = "https://mutu.bontangkota.go.id"
    w = queue_world
    take(client, w.line_a, priority_group="elderly")
    ticket = Ticket.objects.get()
    body = client.get(f"/antrean/tiket/{ticket.public_token}/").content.decode()
    assert "A-001" in body and "Izin Reklame" in body and "Gerai DPMPTSP" in body
    assert "09.00 WITA" in body
    assert "<svg" in body and f"https://mutu.bontangkota.go.id/antrean/status/{ticket.public_token}/" in body
    assert "data-print" in body and "queues/kiosk.css" in body and "queues/kiosk.js" in body
    assert 'class="kiosk-page paper-80"' in body


def test_the_ticket_page_tells_htmx_its_address(queue_world, client, open_monday):
    w = queue_world
    take(client, w.line_a)
    ticket = Ticket.objects.get()
    response = client.get(f"/antrean/tiket/{ticket.public_token}/", HTTP_HX_REQUEST="true")
    assert response["HX-Push-Url"] == f"/antrean/tiket/{ticket.public_token}/"
