"""Confirming a web report's WhatsApp number with a one-time code sent by the authentication
template, and what a confirmed number then receives."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from mutu.complaints.models import Complaint, ContactCode
from mutu.complaints.services_intake import (
    CODE_MAX_ATTEMPTS,
    CODE_MAX_SENDS,
    confirm_phone,
    phone_confirmation_offered,
    send_phone_code,
    submit_web_complaint,
)
from mutu.core.errors import ApplicationError
from mutu.core.models import AuditEvent
from mutu.core.outbox import deliver_due
from mutu.messaging.models import ChannelAccount, ChatMessage, MessageTemplate, TemplatePurpose

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def web_report(w, *, phone="0812-3456-7890", email=""):
    return submit_web_complaint(
        instansi=w.bontang,
        kind="pengaduan",
        title="Antrean tidak jelas",
        description="Saya menunggu satu jam.",
        reporter_name="Siti",
        reporter_email=email,
        reporter_phone=phone,
        consent=True,
        now=NOW,
    )


def code_sent_by_whatsapp(fake_graph) -> str:
    """Deliver the outbox and read the code from the template the fake Graph API received."""
    deliver_due(now=timezone.now())
    template = fake_graph.sent[-1]["template"]
    assert template["name"] == "mutu_confirmation_code"
    return template["components"][0]["parameters"][0]["text"]


def test_a_code_is_sent_by_the_authentication_template_and_confirms_the_number(chat_world, fake_graph):
    complaint = web_report(chat_world)
    assert phone_confirmation_offered(complaint=complaint)

    send_phone_code(complaint=complaint, now=NOW)
    code = code_sent_by_whatsapp(fake_graph)

    assert fake_graph.sent[-1]["to"] == "6281234567890"
    assert fake_graph.sent[-1]["template"]["components"][1]["parameters"] == [{"type": "text", "text": code}]
    message = ChatMessage.objects.get(complaint=complaint)
    assert code not in message.text and code not in str(message.payload)
    confirm_phone(complaint=complaint, code=code, now=NOW)
    complaint.refresh_from_db()
    assert complaint.phone_confirmed_at == NOW
    assert not phone_confirmation_offered(complaint=complaint)
    assert AuditEvent.objects.filter(action="complaint.phone_confirmed").exists()


def test_a_wrong_code_counts_a_try_and_says_how_many_are_left(chat_world, fake_graph):
    complaint = web_report(chat_world)
    send_phone_code(complaint=complaint, now=NOW)
    code = code_sent_by_whatsapp(fake_graph)
    wrong = "000000" if code != "000000" else "111111"

    with pytest.raises(ApplicationError) as refused:
        confirm_phone(complaint=complaint, code=wrong, now=NOW)

    assert "code" in refused.value.field_errors
    assert ContactCode.objects.get(complaint=complaint, medium=ContactCode.Medium.PHONE).attempts == 1
    complaint.refresh_from_db()
    assert complaint.phone_confirmed_at is None


def test_after_too_many_wrong_codes_even_the_right_one_is_refused(chat_world, fake_graph):
    complaint = web_report(chat_world)
    send_phone_code(complaint=complaint, now=NOW)
    code = code_sent_by_whatsapp(fake_graph)
    wrong = "000000" if code != "000000" else "111111"
    for _try in range(CODE_MAX_ATTEMPTS):
        with pytest.raises(ApplicationError):
            confirm_phone(complaint=complaint, code=wrong, now=NOW)

    with pytest.raises(ApplicationError):
        confirm_phone(complaint=complaint, code=code, now=NOW)

    complaint.refresh_from_db()
    assert complaint.phone_confirmed_at is None


def test_an_expired_code_is_refused(chat_world, fake_graph):
    complaint = web_report(chat_world)
    send_phone_code(complaint=complaint, now=NOW)
    code = code_sent_by_whatsapp(fake_graph)

    with pytest.raises(ApplicationError):
        confirm_phone(complaint=complaint, code=code, now=NOW + dt.timedelta(minutes=16))


def test_codes_are_limited_in_number_and_frequency(chat_world, fake_graph, _frozen):
    complaint = web_report(chat_world)
    send_phone_code(complaint=complaint, now=NOW)
    with pytest.raises(ApplicationError):
        send_phone_code(complaint=complaint, now=NOW + dt.timedelta(seconds=10))
    at = NOW
    for _n in range(CODE_MAX_SENDS - 1):
        at += dt.timedelta(minutes=2)
        send_phone_code(complaint=complaint, now=at)

    with pytest.raises(ApplicationError):
        send_phone_code(complaint=complaint, now=at + dt.timedelta(minutes=2))
    assert ContactCode.objects.filter(complaint=complaint, medium=ContactCode.Medium.PHONE).count() == CODE_MAX_SENDS


def test_the_email_code_and_the_phone_code_do_not_cancel_each_other(chat_world, fake_graph):
    complaint = web_report(chat_world, email="siti@example.org")
    send_phone_code(complaint=complaint, now=NOW)
    code = code_sent_by_whatsapp(fake_graph)

    confirm_phone(complaint=complaint, code=code, now=NOW)

    assert ContactCode.objects.get(complaint=complaint, medium=ContactCode.Medium.EMAIL).expires_at > NOW


def test_it_is_not_offered_without_a_whatsapp_account_or_template(chat_world):
    complaint = web_report(chat_world)
    MessageTemplate.objects.filter(purpose=TemplatePurpose.CONFIRMATION_CODE).delete()
    assert not phone_confirmation_offered(complaint=complaint)

    ChannelAccount.objects.all().delete()
    assert not phone_confirmation_offered(complaint=complaint)
    with pytest.raises(ApplicationError):
        send_phone_code(complaint=complaint, now=NOW)


def test_it_is_not_offered_without_a_phone_number(chat_world):
    assert not phone_confirmation_offered(complaint=web_report(chat_world, phone="", email="siti@example.org"))


# --- pages --------------------------------------------------------------------------------------


def test_the_thanks_page_offers_the_whatsapp_confirmation(chat_world, client):
    complaint = web_report(chat_world)

    page = client.get(reverse("complaints:confirm_email", args=[complaint.tracking_code]))

    assert page.context["phone_offer"] is True
    assert reverse("complaints:confirm_phone", args=[complaint.tracking_code]) in page.content.decode()


def test_the_thanks_page_does_not_offer_it_without_a_whatsapp_account(complaint_world, client):
    complaint = web_report(complaint_world)

    page = client.get(reverse("complaints:confirm_email", args=[complaint.tracking_code]))

    assert page.context["phone_offer"] is False
    assert "konfirmasi-wa" not in page.content.decode()
    assert client.get(reverse("complaints:confirm_phone", args=[complaint.tracking_code])).status_code == 302


def test_the_citizen_asks_for_the_code_and_confirms_it_on_the_page(chat_world, fake_graph, client):
    complaint = web_report(chat_world)
    url = reverse("complaints:confirm_phone", args=[complaint.tracking_code])

    first = client.get(url)
    assert first.status_code == 200 and first.context["code_sent"] is False
    assert "+6281•" in first.content.decode()
    assert client.post(url, {"action": "send"}).status_code == 302
    code = code_sent_by_whatsapp(fake_graph)
    assert client.get(url).context["code_sent"] is True

    wrong = client.post(url, {"code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    right = client.post(url, {"code": code})

    assert right.status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).phone_confirmed_at is not None
    assert client.get(url).context["confirmed"] is True


def test_the_tracking_page_offers_the_confirmation_until_it_is_done(chat_world, client):
    complaint = web_report(chat_world)
    track = reverse("complaints:track", args=[complaint.tracking_code])

    assert client.get(track).context["phone_offer"] is True
    Complaint.objects.filter(pk=complaint.pk).update(phone_confirmed_at=NOW)
    assert client.get(track).context["phone_offer"] is False
