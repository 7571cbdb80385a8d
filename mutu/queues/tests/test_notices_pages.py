"""The WhatsApp notice on the kiosk form and on the ticket's status page."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache

from mutu.messaging.models import ChannelAccount
from mutu.messaging.testing import build_chat_world
from mutu.queues.models import Ticket, TicketNotice
from mutu.queues.services.counter import call_next
from mutu.queues.services.tickets import issue_ticket

WITA = ZoneInfo("Asia/Makassar")
KIOSK = "/antrean/mpp/kiosk/"
NINE = dt.datetime(2026, 11, 23, 9, 0, tzinfo=WITA)  # a Monday, open


@pytest.fixture(autouse=True)
def _open_and_fresh_limits():
    cache.clear()
    with time_machine.travel(NINE, tick=False):
        yield
    cache.clear()


@pytest.fixture
def w(queue_world):
    return build_chat_world(queue_world)


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def take(client, line, **data):
    return client.post(KIOSK, {"line": line.pk, "priority_group": "", "voucher_code": "", **data})


def test_the_kiosk_offers_the_whatsapp_notice_with_an_explicit_opt_in(w, english):
    body = english.get(KIOSK, {"layanan": w.line_a.pk}).content.decode()
    assert 'type="tel"' in body and 'name="whatsapp"' in body
    assert 'type="checkbox" name="whatsapp_consent"' in body
    assert "checked" not in body.split('name="whatsapp_consent"')[1].split(">")[0]  # never ticked for them
    assert "Notice by WhatsApp (optional)" in body
    assert "when 3 people are ahead of you" in body


def test_without_a_whatsapp_account_the_field_is_absent(w, client):
    ChannelAccount.objects.update(is_active=False)
    body = client.get(KIOSK, {"layanan": w.line_a.pk}).content.decode()
    assert 'name="whatsapp"' not in body and "whatsapp_consent" not in body
    # A number posted anyway is ignored: the ticket is issued without a notice.
    response = take(client, w.line_a, whatsapp="0812-3456-7890", whatsapp_consent="on")
    assert response.status_code == 302
    assert Ticket.objects.count() == 1 and not TicketNotice.objects.exists()


def test_taking_a_ticket_with_a_number_records_the_opt_in(w, english):
    response = take(english, w.line_a, whatsapp="0812-3456-7890", whatsapp_consent="on")
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.notice.contact.phone == "6281234567890"
    assert ticket.notice.consented_at == NINE
    body = english.get(response["Location"]).content.decode()
    assert "WhatsApp notices go to the number …890." in body
    assert "3456" not in body


def test_a_bad_number_shows_a_clear_message_and_issues_no_ticket(w, english):
    response = take(english, w.line_a, whatsapp="12ab", whatsapp_consent="on")
    assert response.status_code == 200
    body = response.content.decode()
    assert "This is not a mobile number WhatsApp can reach. Write it like 0812-3456-7890." in body
    assert 'aria-invalid="true" aria-describedby="whatsapp-error"' in body
    assert 'value="12ab"' in body  # what they typed stays
    assert not Ticket.objects.exists()


def test_a_number_without_the_tick_asks_for_the_opt_in(w, english):
    response = take(english, w.line_a, whatsapp="0812-3456-7890")
    body = response.content.decode()
    assert "Tick the box to agree to WhatsApp messages about this ticket" in body
    assert not Ticket.objects.exists()


def test_the_pages_are_in_indonesian_by_default(w, client):
    body = client.get(KIOSK, {"layanan": w.line_a.pk}).content.decode()
    assert '<html lang="id">' in body and 'name="whatsapp"' in body


# --- After printing: the status page behind the QR code -------------------------------------


def test_the_status_page_offers_the_notice_while_the_ticket_waits(w, english):
    ticket = issue_ticket(line=w.line_a, now=NINE)
    url = f"/antrean/status/{ticket.public_token}/"
    body = english.get(url).content.decode()
    assert f'action="/antrean/status/{ticket.public_token}/whatsapp/"' in body
    response = english.post(
        f"/antrean/status/{ticket.public_token}/whatsapp/", {"whatsapp": "0812 9999 0001", "whatsapp_consent": "on"}
    )
    assert response.status_code == 302 and response["Location"] == url
    assert TicketNotice.objects.get(ticket=ticket).contact.phone == "6281299990001"
    body = english.get(url).content.decode()
    assert "WhatsApp notices go to the number …001." in body
    assert 'name="whatsapp"' not in body


def test_the_status_page_form_shows_errors_beside_the_fields(w, english):
    ticket = issue_ticket(line=w.line_a, now=NINE)
    response = english.post(f"/antrean/status/{ticket.public_token}/whatsapp/", {"whatsapp": "abc"})
    assert response.status_code == 400
    assert "This is not a mobile number WhatsApp can reach." in response.content.decode()
    assert not TicketNotice.objects.exists()


def test_the_status_page_has_no_form_once_called_or_without_an_account(w, english):
    ticket = issue_ticket(line=w.line_a, now=NINE)
    call_next(counter=w.counter_a1, officer=w.bob, now=NINE)
    assert 'name="whatsapp"' not in english.get(f"/antrean/status/{ticket.public_token}/").content.decode()
    ChannelAccount.objects.update(is_active=False)
    other = issue_ticket(line=w.line_a, now=NINE)
    assert 'name="whatsapp"' not in english.get(f"/antrean/status/{other.public_token}/").content.decode()


def test_an_unknown_ticket_is_404(w, client):
    assert client.post("/antrean/status/nope/whatsapp/", {"whatsapp": "0812"}).status_code == 404
