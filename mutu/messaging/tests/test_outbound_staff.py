"""Staff pages: the chat thread beside a complaint, answering from it, the "Percakapan" pages
(scoped by instansi and unit) and the template settings."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from mutu.complaints.models import Channel, Complaint
from mutu.complaints.services import submit_complaint
from mutu.complaints.services_handling import start_handling
from mutu.complaints.services_verification import forward_complaint
from mutu.core.models import AuditEvent
from mutu.core.outbox import deliver_due
from mutu.messaging.accounts import account_for
from mutu.messaging.conversation import Privacy
from mutu.messaging.models import (
    ChannelAccount,
    ChatMessage,
    Contact,
    Conversation,
    MessageTemplate,
    Platform,
    TemplatePurpose,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
PHONE = "6281234567890"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def contact(*, platform=Platform.WHATSAPP, last_inbound_at=NOW, external_id=PHONE):
    return Contact.objects.create(
        platform=platform,
        external_id=external_id,
        phone=external_id if platform == Platform.WHATSAPP else "",
        profile_name="Rahmat Hidayat",
        first_seen_at=NOW,
        last_inbound_at=last_inbound_at,
    )


def inbound(account, who, *, text="Halo, saya mau lapor", complaint=None, n=1, **kwargs):
    return ChatMessage.objects.create(
        platform=account.platform,
        account=account,
        contact=who,
        complaint=complaint,
        direction=ChatMessage.Direction.IN,
        external_id=f"{account.platform}.IN{n}",
        text=text,
        sent_at=NOW,
        created_at=NOW,
        status=ChatMessage.Status.RECEIVED,
        **kwargs,
    )


def chat_complaint(w, *, anonymous=False, confidential=False, account=None, last_inbound_at=NOW):
    account = account or w.wa_account
    who = contact(platform=account.platform, last_inbound_at=last_inbound_at, external_id=PHONE)
    complaint = submit_complaint(
        instansi=w.bontang,
        channel=Channel.WHATSAPP if account.platform == Platform.WHATSAPP else Channel.INSTAGRAM,
        title="Izin lama sekali",
        description="Sudah tiga minggu.",
        reporter_name="Rahmat Hidayat",
        reporter_phone="+" + PHONE,
        is_anonymous=anonymous,
        is_confidential=confidential,
        now=NOW,
    )
    inbound(account, who, text="Izin saya belum selesai", complaint=complaint)
    forward_complaint(complaint=complaint, unit=w.dpmptsp, by=w.verifier, now=NOW)
    start_handling(complaint=complaint, by=w.complaint_officer, now=NOW)
    complaint.refresh_from_db()
    return complaint


def detail(client, complaint):
    return client.get(reverse("complaints:detail", args=[complaint.pk]))


# --- the thread beside the complaint --------------------------------------------------------------


def test_the_detail_page_shows_the_chat_thread_with_delivery_status_and_who_answered(chat_world, fake_graph, login):
    complaint = chat_complaint(chat_world)
    client = login(chat_world.complaint_officer)
    client.post(
        reverse("complaints:act", args=[complaint.pk]),
        {"action": "reply", "reply-body": "Kami cek ke bidang perizinan."},
    )
    deliver_due(now=NOW)

    page = detail(client, complaint).content.decode()

    assert 'id="chat-title"' in page
    assert "Izin saya belum selesai" in page and "Kami cek ke bidang perizinan." in page
    reply = ChatMessage.objects.get(text__contains="Kami cek ke bidang perizinan.")
    assert reply.status == ChatMessage.Status.SENT and reply.author == chat_world.complaint_officer
    assert str(ChatMessage.Status.SENT.label) in page or "Terkirim" in page
    assert chat_world.complaint_officer.username in page
    assert "+" + PHONE in page


def test_an_officers_public_reply_goes_out_through_the_graph_api(chat_world, fake_graph, login):
    complaint = chat_complaint(chat_world)
    deliver_due(now=NOW)
    fake_graph.reset()

    response = login(chat_world.complaint_officer).post(
        reverse("complaints:act", args=[complaint.pk]),
        {"action": "reply", "reply-body": "Berkas Anda sudah kami terima."},
    )
    deliver_due(now=NOW)

    assert response.status_code == 302
    assert fake_graph.sent_paths == [f"/{chat_world.wa_account.external_id}/messages"]
    assert fake_graph.sent[0]["to"] == PHONE
    assert "Berkas Anda sudah kami terima." in fake_graph.sent[0]["text"]["body"]


def test_the_reply_form_says_how_the_reply_will_go(chat_world, fake_graph, login):
    complaint = chat_complaint(chat_world)
    client = login(chat_world.complaint_officer)
    assert "chat-route" in detail(client, complaint).content.decode()
    route = detail(client, complaint).context["chat"].route
    assert route.mode == "text"

    Contact.objects.filter(external_id=PHONE).update(last_inbound_at=NOW - dt.timedelta(days=2))
    assert detail(client, complaint).context["chat"].route.mode == "template"

    MessageTemplate.objects.filter(purpose=TemplatePurpose.REPLY_NOTICE).delete()
    assert detail(client, complaint).context["chat"].route.mode == "no_template"


def test_the_reply_form_says_when_instagrams_window_has_closed(chat_world, fake_graph, login):
    complaint = chat_complaint(chat_world, account=chat_world.ig_account, last_inbound_at=NOW - dt.timedelta(days=8))

    page = detail(login(chat_world.complaint_officer), complaint)

    assert page.context["chat"].route.mode == "closed"
    assert "/lacak" in page.content.decode()


def test_an_anonim_chat_report_hides_the_number_and_profile_name_on_the_thread(chat_world, login):
    complaint = chat_complaint(chat_world, anonymous=True)

    for user in (chat_world.complaint_officer, chat_world.verifier):
        page = detail(login(user), complaint).content.decode()
        assert PHONE not in page and "Rahmat Hidayat" not in page
        assert detail(login(user), complaint).context["chat"].show_identity is False


def test_a_rahasia_chat_report_shows_the_contact_only_to_staff_who_see_the_report(chat_world, login):
    complaint = chat_complaint(chat_world, confidential=True)

    assert PHONE in detail(login(chat_world.complaint_officer), complaint).content.decode()
    assert detail(login(chat_world.charlie), complaint).status_code == 404


def test_an_attachment_links_to_the_permission_checked_evidence_download(chat_world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mutu.complaints.models import Evidence
    from mutu.core.files import store_upload
    from mutu.core.testing import tiny_pdf

    complaint = chat_complaint(chat_world)
    stored = store_upload(
        upload=SimpleUploadedFile("berkas.pdf", tiny_pdf(), content_type="application/pdf"),
        purpose="complaint-evidence",
        unit=None,
        by=None,
    )
    who = Contact.objects.get(external_id=PHONE)
    inbound(
        chat_world.wa_account,
        who,
        text="",
        complaint=complaint,
        n=2,
        kind="document",
        media_status=ChatMessage.MediaStatus.STORED,
        media_file=stored,
        media_name="berkas.pdf",
    )
    evidence = Evidence.objects.create(complaint=complaint, file=stored, from_citizen=True, created_at=NOW)

    page = detail(login(chat_world.complaint_officer), complaint).content.decode()

    assert reverse("complaints:evidence", args=[evidence.pk]) in page


# --- the "Percakapan" pages -------------------------------------------------------------------------


@pytest.fixture
def unit_account(chat_world):
    """DPMPTSP's own WhatsApp number."""
    return ChannelAccount.objects.create(
        platform=Platform.WHATSAPP,
        external_id="2000000001",
        instansi=chat_world.bontang,
        unit=chat_world.dpmptsp,
        display_name="WA DPMPTSP",
        created_at=NOW,
    )


def thread_url(account, who):
    return reverse("messaging:conversation", args=[account.pk, who.pk])


def test_the_verifier_sees_conversations_outside_any_report(chat_world, login, unit_account):
    who = contact()
    inbound(chat_world.wa_account, who, text="Saya mau tanya izin")
    flood = contact(external_id="6289999999999")
    inbound(unit_account, flood, text="spam", n=9, is_flood=True)

    client = login(chat_world.verifier)
    page = client.get(reverse("messaging:conversations"))

    assert page.status_code == 200
    rows = page.context["rows"]
    assert {(r.account.pk, r.contact.pk) for r in rows} == {
        (chat_world.wa_account.pk, who.pk),
        (unit_account.pk, flood.pk),
    }
    assert client.get(thread_url(chat_world.wa_account, who)).status_code == 200


def test_a_units_officers_see_only_their_units_own_account(chat_world, login, unit_account):
    shared = contact()
    inbound(chat_world.wa_account, shared, text="Ke nomor instansi")
    own = contact(external_id="6281111111111")
    inbound(unit_account, own, text="Ke nomor DPMPTSP", n=2)

    client = login(chat_world.complaint_officer)
    rows = client.get(reverse("messaging:conversations")).context["rows"]

    assert [(r.account.pk, r.contact.pk) for r in rows] == [(unit_account.pk, own.pk)]
    assert client.get(thread_url(unit_account, own)).status_code == 200
    assert client.get(thread_url(chat_world.wa_account, shared)).status_code == 404


def test_another_units_staff_get_404(chat_world, login, unit_account):
    own = contact()
    inbound(unit_account, own)

    client = login(chat_world.charlie)

    assert client.get(thread_url(unit_account, own)).status_code == 404
    assert client.get(reverse("messaging:conversations")).status_code == 404
    assert (
        client.post(
            thread_url(unit_account, own), {"action": "reply", "reply-text": "x", "reply-token": "t"}
        ).status_code
        == 404
    )


def test_a_contact_who_never_wrote_to_the_account_is_404(chat_world, login, unit_account):
    who = contact()
    inbound(unit_account, who)

    assert login(chat_world.verifier).get(thread_url(chat_world.wa_account, who)).status_code == 404


def test_an_officer_answers_a_conversation_inside_the_window(chat_world, fake_graph, login):
    who = contact(last_inbound_at=NOW - dt.timedelta(hours=2))
    inbound(chat_world.wa_account, who)
    client = login(chat_world.verifier)

    data = {"action": "reply", "reply-text": "Silakan ceritakan masalahnya.", "reply-token": "abc"}
    first = client.post(thread_url(chat_world.wa_account, who), data)
    client.post(thread_url(chat_world.wa_account, who), data)  # a double submit
    deliver_due(now=NOW)

    assert first.status_code == 302
    assert len(fake_graph.sent) == 1 and fake_graph.sent[0]["text"]["body"] == "Silakan ceritakan masalahnya."
    reply = ChatMessage.objects.get(direction=ChatMessage.Direction.OUT)
    assert reply.author == chat_world.verifier
    assert AuditEvent.objects.filter(action="chat.reply", actor=chat_world.verifier).count() == 1


def test_outside_the_window_there_is_no_reply_box_and_a_reply_is_refused(chat_world, login):
    who = contact(last_inbound_at=NOW - dt.timedelta(days=2))
    inbound(chat_world.wa_account, who)
    client = login(chat_world.verifier)

    page = client.get(thread_url(chat_world.wa_account, who))
    refused = client.post(
        thread_url(chat_world.wa_account, who), {"action": "reply", "reply-text": "Halo", "reply-token": "t"}
    )

    assert 'value="reply"' not in page.content.decode()
    assert refused.status_code == 400
    assert not ChatMessage.objects.filter(direction=ChatMessage.Direction.OUT).exists()


def test_the_report_form_takes_its_subject_from_the_story_not_the_greeting(chat_world, login):
    who = contact()
    inbound(chat_world.wa_account, who, text="Halo kak admin")
    inbound(chat_world.wa_account, who, text="Lampu jalan di depan MPP Bontang sudah seminggu mati", n=2)

    form = login(chat_world.verifier).get(thread_url(chat_world.wa_account, who)).context["file_form"]

    assert form.initial["title"].startswith("Lampu jalan di depan MPP Bontang")
    assert form.initial["description"].startswith("Halo kak admin")  # nothing the citizen wrote is dropped


def test_an_officer_files_a_report_from_the_conversation(chat_world, fake_graph, login):
    who = contact()
    first = inbound(chat_world.wa_account, who, text="Loket perizinan tutup jam 10")
    conversation = Conversation.objects.create(
        contact=who, account=chat_world.wa_account, state=Conversation.State.PLACE, started_at=NOW, updated_at=NOW
    )
    second = inbound(chat_world.wa_account, who, text="Padahal jadwalnya sampai jam 15", n=2, conversation=conversation)
    client = login(chat_world.verifier)
    form = client.get(thread_url(chat_world.wa_account, who)).context["file_form"]
    assert "Loket perizinan tutup jam 10" in form.initial["description"]

    response = client.post(
        thread_url(chat_world.wa_account, who),
        {
            "action": "file",
            "file-kind": "pengaduan",
            "file-title": "Loket tutup lebih awal",
            "file-description": form.initial["description"],
            "file-reporter_name": "Rahmat",
        },
    )

    assert response.status_code == 302
    complaint = Complaint.objects.get(title="Loket tutup lebih awal")
    assert complaint.channel == Channel.WHATSAPP and complaint.recorded_by == chat_world.verifier
    assert complaint.reporter_phone == "+" + PHONE
    for message in (first, second):
        message.refresh_from_db()
        assert message.complaint_id == complaint.pk
    conversation.refresh_from_db()
    assert conversation.complaint_id == complaint.pk and conversation.ended_at is not None
    told = ChatMessage.objects.get(direction=ChatMessage.Direction.OUT, complaint=complaint)
    assert complaint.tracking_code in told.text
    assert AuditEvent.objects.filter(action="chat.file_complaint").exists()
    # Nothing waits outside a report any more.
    assert client.get(reverse("messaging:conversations")).context["rows"] == []


@pytest.mark.parametrize("privacy", [Privacy.ANONYMOUS, Privacy.CONFIDENTIAL])
def test_a_citizen_who_chose_anonim_or_rahasia_in_the_dialogue_is_hidden_from_unit_officers(
    chat_world, login, unit_account, privacy
):
    who = contact()
    conversation = Conversation.objects.create(
        contact=who,
        account=unit_account,
        state=Conversation.State.CONFIRM,
        draft={"privacy": privacy},
        started_at=NOW,
        updated_at=NOW,
    )
    inbound(unit_account, who, conversation=conversation)

    page = login(chat_world.complaint_officer).get(thread_url(unit_account, who))

    assert page.context["thread"].show_identity is False
    assert PHONE not in page.content.decode() and "Rahmat Hidayat" not in page.content.decode()
    assert login(chat_world.verifier).get(thread_url(unit_account, who)).context["thread"].show_identity is True


# --- templates -----------------------------------------------------------------------------------


def test_the_instansi_admin_adds_a_units_template_and_it_is_audited(chat_world, login):
    client = login(chat_world.instansi_admin)
    account = chat_world.wa_account

    assert client.get(reverse("messaging:accounts")).status_code == 200
    response = client.post(
        reverse("messaging:accounts"),
        {
            "account": account.pk,
            "action": "save",
            f"new-{account.pk}-purpose": TemplatePurpose.STATUS_UPDATE,
            f"new-{account.pk}-unit": chat_world.dpmptsp.pk,
            f"new-{account.pk}-name": "dpmptsp_status_laporan",
            f"new-{account.pk}-language": "id",
        },
    )

    assert response.status_code == 302
    template = MessageTemplate.objects.get(name="dpmptsp_status_laporan")
    assert template.unit == chat_world.dpmptsp and template.purpose == TemplatePurpose.STATUS_UPDATE
    assert AuditEvent.objects.filter(action="chat.template_save", actor=chat_world.instansi_admin).exists()


def test_the_instansi_admin_edits_a_template_name(chat_world, login):
    template = MessageTemplate.objects.get(account=chat_world.wa_account, purpose=TemplatePurpose.RATING_REQUEST)
    prefix = f"edit-{template.pk}"

    login(chat_world.instansi_admin).post(
        reverse("messaging:accounts"),
        {
            "account": chat_world.wa_account.pk,
            "template": template.pk,
            "action": "save",
            f"{prefix}-purpose": TemplatePurpose.RATING_REQUEST,
            f"{prefix}-unit": "",
            f"{prefix}-name": "survei_kepuasan",
            f"{prefix}-language": "id",
        },
    )

    template.refresh_from_db()
    assert template.name == "survei_kepuasan"


def test_a_second_default_template_for_the_same_purpose_is_refused(chat_world, login):
    account = chat_world.wa_account
    response = login(chat_world.instansi_admin).post(
        reverse("messaging:accounts"),
        {
            "account": account.pk,
            "action": "save",
            f"new-{account.pk}-purpose": TemplatePurpose.STATUS_UPDATE,
            f"new-{account.pk}-unit": "",
            f"new-{account.pk}-name": "lagi",
            f"new-{account.pk}-language": "id",
        },
    )

    assert response.status_code == 400
    assert not MessageTemplate.objects.filter(name="lagi").exists()


def test_only_the_instansi_admin_reaches_the_template_settings(chat_world, login):
    for user in (chat_world.verifier, chat_world.complaint_officer, chat_world.dave):
        assert login(user).get(reverse("messaging:accounts")).status_code == 404


def connect(client, w, **fields):
    data = {
        "action": "connect",
        "instansi": w.bontang.pk,
        "platform": Platform.WHATSAPP,
        "external_id": "109876543210987",
        "display_name": "WhatsApp Disdukcapil",
        "display_address": "+62 811-5400-777",
        "unit": w.dukcapil.pk,
    }
    data.update(fields)
    return client.post(reverse("messaging:accounts"), data)


def test_the_instansi_admin_connects_a_units_own_number_and_it_is_audited(chat_world, login):
    w = chat_world
    response = connect(login(w.instansi_admin), w)

    assert response.status_code == 302
    account = ChannelAccount.objects.get(external_id="109876543210987")
    assert account.instansi == w.bontang and account.unit == w.dukcapil and account.is_active
    assert AuditEvent.objects.filter(action="chat.account_connect", actor=w.instansi_admin).exists()
    # Messages to that number now reach the unit's own account.
    assert account_for(platform=Platform.WHATSAPP, unit=w.dukcapil) == account


def test_a_bad_or_taken_id_is_refused_with_a_message_and_the_form_kept(chat_world, login):
    w = chat_world
    client = login(w.instansi_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    bad = connect(client, w, external_id="nomor kami")
    assert bad.status_code == 400 and "digits only" in bad.text
    assert "WhatsApp Disdukcapil" in bad.text  # what was typed stays

    taken = connect(client, w, external_id=w.wa_account.external_id)
    assert taken.status_code == 400 and "already connected" in taken.text
    assert ChannelAccount.objects.count() == 2


def test_another_instansis_unit_cannot_be_given_the_number(chat_world, login):
    w = chat_world
    response = connect(login(w.instansi_admin), w, unit=w.bpjs.pk)

    assert response.status_code == 400
    assert not ChannelAccount.objects.filter(external_id="109876543210987").exists()
