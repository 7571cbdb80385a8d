"""WhatsApp notices of a queue ticket: the opt-in, "a few places from the front", "called".

Messages are queued through ``send_chat`` (a ChatMessage and its outbox row) in the calling
transaction; the last test delivers them to the local fake Graph server.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from mutu.core.errors import ApplicationError
from mutu.core.models import AuditEvent, OutboxMessage
from mutu.core.outbox import deliver_due
from mutu.messaging.models import ChannelAccount, ChatMessage, Contact
from mutu.messaging.testing import build_chat_world
from mutu.queues.models import Ticket, TicketNotice
from mutu.queues.services.counter import call_next, mark_no_show, recall, transfer
from mutu.queues.services.notices import issue_ticket_with_notice, request_ticket_notice
from mutu.queues.services.tickets import issue_ticket

WITA = ZoneInfo("Asia/Makassar")
MONDAY = dt.date(2026, 11, 23)
PHONE = "0812-3456-7890"
DIGITS = "6281234567890"


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(MONDAY, dt.time(hour, minute), tzinfo=WITA)


@pytest.fixture
def w(queue_world, settings):
    settings.QUEUE_NOTICE_PLACES_AHEAD = 3
    return build_chat_world(queue_world)


def take(w, count: int, *, line=None) -> list[Ticket]:
    return [issue_ticket(line=line or w.line_a, now=at(9, i)) for i in range(count)]


def opt_in(ticket: Ticket, phone: str = PHONE) -> TicketNotice:
    return request_ticket_notice(ticket=ticket, phone=phone, consent=True, now=at(9, 30))


def serve_next(w, minute: int) -> Ticket:
    """Bob calls the next ticket at A1; the previous one did not come."""
    current = Ticket.objects.filter(counter=w.counter_a1, status=Ticket.Status.CALLED).first()
    if current is not None:
        mark_no_show(ticket=current, officer=w.bob, now=at(10, minute))
    return call_next(counter=w.counter_a1, officer=w.bob, now=at(10, minute))


def queue_messages(purpose: str | None = None):
    qs = ChatMessage.objects.filter(outbox__dedupe_key__startswith="chat:queue:")
    if purpose:
        qs = qs.filter(outbox__template_name=purpose)
    return qs


# --- Opting in ---------------------------------------------------------------------------


def test_opting_in_records_the_number_and_the_consent_with_the_ticket(w):
    [ticket] = take(w, 1)
    notice = opt_in(ticket)
    assert notice.ticket_id == ticket.pk
    assert notice.consented_at == at(9, 30)
    assert notice.places_ahead == 3
    assert notice.near_sent_at is None and notice.called_sent_at is None
    contact = Contact.objects.get(pk=notice.contact_id)
    assert (contact.platform, contact.external_id, contact.phone) == ("whatsapp", DIGITS, DIGITS)
    audit = AuditEvent.objects.get(action="ticket.notice_consent")
    assert audit.object_id == str(ticket.pk)
    assert DIGITS not in str(audit.after) and "3456" not in str(audit.after)  # no number in the audit trail


def test_the_kiosk_issues_the_ticket_and_its_notice_together(w):
    ticket = issue_ticket_with_notice(line=w.line_a, phone="+62 812 3456 7890", consent=True, now=at(9))
    assert ticket.notice.contact.phone == DIGITS


def test_a_number_that_is_not_a_phone_number_is_refused_and_no_ticket_is_issued(w):
    with pytest.raises(ApplicationError) as caught:
        issue_ticket_with_notice(line=w.line_a, phone="12ab", consent=True, now=at(9))
    assert "not a mobile number WhatsApp can reach" in caught.value.message
    assert list(caught.value.field_errors) == ["whatsapp"]
    assert not Ticket.objects.exists()


def test_a_number_without_the_opt_in_is_refused(w):
    with pytest.raises(ApplicationError) as caught:
        issue_ticket_with_notice(line=w.line_a, phone=PHONE, consent=False, now=at(9))
    assert list(caught.value.field_errors) == ["whatsapp_consent"]
    assert not Ticket.objects.exists() and not TicketNotice.objects.exists()


def test_without_a_number_the_ticket_has_no_notice(w):
    ticket = issue_ticket_with_notice(line=w.line_a, now=at(9))
    assert not TicketNotice.objects.filter(ticket=ticket).exists()


def test_asking_again_replaces_the_number(w):
    [ticket] = take(w, 1)
    first = opt_in(ticket)
    second = opt_in(ticket, phone="0813-1111-2222")
    assert second.pk == first.pk
    assert TicketNotice.objects.get().contact.phone == "6281311112222"


def test_no_notice_without_a_whatsapp_account_for_the_unit(w):
    ChannelAccount.objects.update(is_active=False)
    [ticket] = take(w, 1)
    with pytest.raises(ApplicationError, match="not available"):
        opt_in(ticket)
    assert not TicketNotice.objects.exists()


def test_a_called_ticket_can_no_longer_ask(w):
    [ticket] = take(w, 1)
    serve_next(w, 0)
    with pytest.raises(ApplicationError, match="while the ticket is waiting"):
        opt_in(ticket)


# --- Near the front, and called ----------------------------------------------------------


def test_the_near_notice_goes_once_when_the_ticket_gets_within_n_places(w):
    tickets = take(w, 6)
    sixth = tickets[5]
    opt_in(sixth)
    serve_next(w, 0)  # A-001 called: 4 ahead of A-006
    assert not queue_messages().exists()
    serve_next(w, 1)  # A-002 called: 3 ahead
    [near] = queue_messages("queue_near")
    assert near.payload["params"] == ["A-006", "3", "Izin Reklame"]
    assert near.contact.phone == DIGITS
    assert near.status == ChatMessage.Status.QUEUED
    assert "A-006" in near.text and "Izin Reklame" in near.text  # the free-text body, in Indonesian
    assert TicketNotice.objects.get().near_sent_at == at(10, 1)
    serve_next(w, 2)  # 2 ahead: nothing more
    serve_next(w, 3)
    assert queue_messages().count() == 1


def test_a_ticket_already_near_when_it_opts_in_is_told_at_the_next_call(w):
    tickets = take(w, 3)
    opt_in(tickets[2])  # 2 ahead already
    serve_next(w, 0)
    [near] = queue_messages("queue_near")
    assert near.payload["params"][:2] == ["A-003", "1"]


def test_the_called_notice_goes_once_even_when_the_ticket_is_called_again(w):
    [ticket] = take(w, 1)
    opt_in(ticket)
    serve_next(w, 0)
    [called] = queue_messages("queue_called")
    assert called.payload["params"] == ["A-001", "Loket 1"]
    assert "A-001" in called.text and "Loket 1" in called.text
    recall(ticket=ticket, officer=w.bob, now=at(10, 2))
    recall(ticket=ticket, officer=w.bob, now=at(10, 4))
    assert queue_messages().count() == 1
    assert OutboxMessage.objects.filter(dedupe_key__startswith="chat:queue:").count() == 1


def test_tickets_without_a_notice_send_nothing(w):
    take(w, 5)
    serve_next(w, 0)
    serve_next(w, 1)
    assert not queue_messages().exists()
    assert not ChatMessage.objects.exists()


def test_another_line_is_not_told(w):
    [line_b_ticket] = take(w, 1, line=w.line_b)
    opt_in(line_b_ticket)
    take(w, 2)
    serve_next(w, 0)  # calls on line A
    assert not queue_messages().exists()


def test_a_call_that_rolls_back_sends_nothing(w):
    [ticket] = take(w, 1)
    opt_in(ticket)
    with pytest.raises(RuntimeError), transaction.atomic():
        call_next(counter=w.counter_a1, officer=w.bob, now=at(10))
        raise RuntimeError("the request failed after the call")
    assert not queue_messages().exists()
    assert TicketNotice.objects.get().called_sent_at is None
    serve_next(w, 1)
    assert queue_messages("queue_called").count() == 1


def test_a_transfer_moves_the_notice_to_the_new_ticket(w):
    [ticket] = take(w, 1)
    opt_in(ticket)
    called = serve_next(w, 0)
    new = transfer(ticket=called, officer=w.bob, to_line=w.line_b, to_counter=None, now=at(10, 5))
    notice = TicketNotice.objects.get()
    assert notice.ticket_id == new.pk
    # Nobody waits before it on line B: it is told at once with its new number.
    [near] = queue_messages("queue_near")
    assert near.payload["params"] == [new.code, "0", "KTP-el"]
    assert queue_messages("queue_called").count() == 1  # the old number's call


# --- Delivery -------------------------------------------------------------------------------


def test_the_notices_go_out_as_templates_to_the_fake_graph(w, fake_graph):
    tickets = take(w, 2)
    opt_in(tickets[1])
    serve_next(w, 0)  # A-002 is next: near
    mark_no_show(ticket=tickets[0], officer=w.bob, now=at(10, 1))
    call_next(counter=w.counter_a1, officer=w.bob, now=at(10, 2))  # A-002 called
    deliver_due(now=at(10, 3))
    templates = [body["template"] for body in fake_graph.sent]
    assert [t["name"] for t in templates] == ["mutu_queue_near", "mutu_queue_called"]
    assert [p["text"] for p in templates[0]["components"][0]["parameters"]] == ["A-002", "0", "Izin Reklame"]
    assert [p["text"] for p in templates[1]["components"][0]["parameters"]] == ["A-002", "Loket 1"]
    assert {body["to"] for body in fake_graph.sent} == {DIGITS}
    assert set(queue_messages().values_list("status", flat=True)) == {ChatMessage.Status.SENT}
