"""The inbox, a complaint's page and the categories page: scoping, filters, actions, query counts."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from mutu.complaints.models import CannedReply, Category, Channel, Complaint, Kind, Message, Status
from mutu.complaints.services_handling import start_handling
from mutu.complaints.testing import make_complaint
from mutu.complaints.tests.test_handling_services import NOW, forward, forwarded

pytestmark = pytest.mark.django_db
INBOX = reverse("complaints:inbox")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _codes(response) -> set[str]:
    return {row["complaint"].tracking_code for row in response.context["rows"]}


# --- who sees what -----------------------------------------------------------------------------------


def test_the_unit_sees_its_complaints_and_another_unit_does_not(complaint_world, login):
    w = complaint_world
    ours = forwarded(w)
    theirs = forwarded(w, unit=w.dukcapil)
    response = login(w.complaint_officer).get(INBOX)
    assert response.status_code == 200
    assert _codes(response) == {ours.tracking_code}
    response = login(w.charlie).get(INBOX)
    assert _codes(response) == {theirs.tracking_code}
    assert _codes(login(w.dave).get(INBOX)) == set()


def test_the_verifier_sees_every_complaint_of_the_instansi(complaint_world, login):
    w = complaint_world
    waiting = make_complaint(w)
    ours = forwarded(w)
    response = login(w.verifier).get(INBOX)
    assert _codes(response) == {waiting.tracking_code, ours.tracking_code}


def test_people_without_a_role_are_refused(complaint_world, login, client):
    w = complaint_world
    assert login(w.nobody).get(INBOX).status_code == 403
    client.logout()
    assert client.get(INBOX).status_code == 302


def test_an_anonim_complainant_is_hidden_from_the_unit(complaint_world, login):
    w = complaint_world
    complaint = forwarded(w, is_anonymous=True, reporter_name="Budi Rahasia")
    for path in (INBOX, reverse("complaints:detail", args=[complaint.pk])):
        body = login(w.complaint_officer).get(path).content.decode()
        assert "Budi Rahasia" not in body
        assert "Anonim" in body
    # The verifier is not shown the name in passing either: only through the logged identity page.
    assert "Budi Rahasia" not in login(w.verifier).get(INBOX).content.decode()


def test_a_named_complainant_is_shown_to_the_unit(complaint_world, login):
    w = complaint_world
    complaint = forwarded(w)
    body = login(w.complaint_officer).get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert "Siti Aminah" in body


def test_a_forwarded_complaint_is_read_only_for_the_old_unit_and_hidden_from_a_third(complaint_world, login):
    w = complaint_world
    complaint = forwarded(w)
    forward(w, complaint, w.dukcapil, now=NOW + dt.timedelta(hours=1))
    detail = reverse("complaints:detail", args=[complaint.pk])
    act = reverse("complaints:act", args=[complaint.pk])
    old = login(w.complaint_officer).get(detail)
    assert old.status_code == 200
    assert old.context["read_only_history"] and not old.context["can_act"]
    assert b'name="action"' not in old.content
    assert login(w.complaint_officer).post(act, {"action": "start"}).status_code == 404
    inbox_rows = login(w.complaint_officer).get(INBOX).context["rows"]
    assert [r["forwarded_away"] for r in inbox_rows] == [True]
    new = login(w.charlie).get(detail)
    assert new.context["can_act"]
    assert login(w.charlie).post(act, {"action": "start"}).status_code == 302
    assert login(w.dave).get(detail).status_code == 404
    assert login(w.dave).post(act, {"action": "start"}).status_code == 404


# --- filters and search ------------------------------------------------------------------------------


def test_the_filters_narrow_the_inbox(complaint_world, login):
    w = complaint_world
    web = forwarded(w, title="Loket lambat")
    info = forwarded(w, kind=Kind.INFORMATION, title="Tarif")
    phone = forwarded(w, channel=Channel.PHONE, recorded_by=w.complaint_officer, consent=False)
    start_handling(complaint=web, by=w.complaint_officer)
    client = login(w.alice)
    assert _codes(client.get(INBOX, {"channel": "phone"})) == {phone.tracking_code}
    assert _codes(client.get(INBOX, {"kind": "informasi"})) == {info.tracking_code}
    assert _codes(client.get(INBOX, {"status": "in_progress"})) == {web.tracking_code}
    assert _codes(client.get(INBOX, {"officer": w.complaint_officer.pk})) == {web.tracking_code}
    assert _codes(client.get(INBOX, {"officer": "0"})) == {info.tracking_code, phone.tracking_code}


def test_the_deadline_filter_finds_overdue_soon_and_paused(complaint_world, login):
    w = complaint_world
    old = forwarded(w)
    Complaint.objects.filter(pk=old.pk).update(submitted_at=NOW - dt.timedelta(days=30))
    old.deadlines.update(due_at=NOW - dt.timedelta(days=1))
    soon = forwarded(w)
    soon.deadlines.filter(met_at__isnull=True).update(due_at=NOW + dt.timedelta(days=1))
    paused = forwarded(w)
    Complaint.objects.filter(pk=paused.pk).update(status=Status.WAITING_CITIZEN, paused_since=NOW)
    client = login(w.complaint_officer)
    response = client.get(INBOX, {"deadline": "overdue"})
    assert _codes(response) == {old.tracking_code}
    assert response.context["rows"][0]["overdue"]
    assert _codes(client.get(INBOX, {"deadline": "soon"})) == {soon.tracking_code}
    assert _codes(client.get(INBOX, {"deadline": "paused"})) == {paused.tracking_code}


def test_the_search_box_finds_a_word(complaint_world, login):
    w = complaint_world
    hit = forwarded(w, title="Sertifikat PBG belum terbit", description="Sudah tiga bulan menunggu.")
    forwarded(w, title="Antrean panjang")
    response = login(w.complaint_officer).get(INBOX, {"q": "sertifikat"})
    assert _codes(response) == {hit.tracking_code}
    assert _codes(login(w.complaint_officer).get(INBOX, {"q": hit.tracking_code.lower()})) == {hit.tracking_code}


def test_the_filter_answers_htmx_with_the_results_only(complaint_world, login):
    w = complaint_world
    forwarded(w)
    response = login(w.complaint_officer).get(INBOX, {"status": "forwarded"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="inbox-caption"' in body and "<html" not in body


def test_the_inbox_reads_a_page_in_a_constant_number_of_queries(complaint_world, login, django_assert_max_num_queries):
    w = complaint_world
    for _ in range(5):
        forwarded(w)
    client = login(w.alice)
    client.get(INBOX)  # warm the text-search configuration cache and the session
    with django_assert_max_num_queries(14) as few:
        client.get(INBOX)
    for _ in range(20):
        forwarded(w)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(INBOX)
    assert len(response.context["rows"]) == 25


# --- bulk assignment ---------------------------------------------------------------------------------


def test_bulk_assignment_from_the_inbox_skips_other_units(complaint_world, login):
    w = complaint_world
    ours = forwarded(w)
    theirs = forwarded(w, unit=w.dukcapil)
    response = login(w.alice).post(
        reverse("complaints:inbox_assign"),
        {"complaint": [ours.pk, theirs.pk], "officer": w.complaint_officer.pk, "next": INBOX},
        follow=True,
    )
    assert Complaint.objects.get(pk=ours.pk).assigned_to_id == w.complaint_officer.pk
    assert Complaint.objects.get(pk=theirs.pk).assigned_to_id is None
    texts = [str(m) for m in response.context["messages"]]
    assert len(texts) == 2


def test_bulk_assignment_to_an_officer_of_another_unit_is_refused(complaint_world, login):
    w = complaint_world
    ours = forwarded(w)
    login(w.alice).post(reverse("complaints:inbox_assign"), {"complaint": [ours.pk], "officer": w.charlie.pk})
    assert Complaint.objects.get(pk=ours.pk).assigned_to_id is None


# --- the complaint's page ----------------------------------------------------------------------------


def test_the_officer_replies_notes_and_answers_from_the_page(complaint_world, login):
    w = complaint_world
    complaint = forwarded(w)
    client = login(w.complaint_officer)
    act = reverse("complaints:act", args=[complaint.pk])
    assert client.post(act, {"action": "reply", "reply-body": "Kami periksa."}).status_code == 302
    assert client.post(act, {"action": "note", "note-body": "Panggil petugas A"}).status_code == 302
    assert client.post(act, {"action": "answer", "outcome": ""}).status_code == 400
    assert client.post(act, {"action": "answer", "outcome": "Sudah diperbaiki."}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.ANSWERED and complaint.first_response_at == NOW
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert "handling-msg--note" in page and "Panggil petugas A" in page
    assert list(complaint.messages.values_list("kind", flat=True)) == [
        Message.Kind.PUBLIC_REPLY,
        Message.Kind.INTERNAL_NOTE,
    ]


def test_a_stale_action_is_refused_with_a_message(complaint_world, login):
    w = complaint_world
    complaint = forwarded(w)
    client = login(w.complaint_officer)
    act = reverse("complaints:act", args=[complaint.pk])
    assert client.post(act, {"action": "close"}).status_code == 400


def test_a_canned_reply_fills_the_reply_box_without_javascript(complaint_world, login):
    w = complaint_world
    complaint = forwarded(w)
    general = CannedReply.objects.create(unit=w.dpmptsp, title="Umum", body="Laporan Anda kami terima.")
    other = CannedReply.objects.create(unit=w.dukcapil, title="Lain", body="Teks unit lain")
    client = login(w.complaint_officer)
    detail = reverse("complaints:detail", args=[complaint.pk])
    response = client.get(detail, {"balasan": general.pk})
    assert response.context["reply_form"]["body"].value() == "Laporan Anda kami terima."
    response = client.get(detail, {"balasan": other.pk})
    assert not response.context["reply_form"]["body"].value()
    assert "Teks unit lain" not in response.content.decode()


def test_setting_the_category_from_the_page(complaint_world, login):
    w = complaint_world
    complaint = forwarded(w)
    act = reverse("complaints:act", args=[complaint.pk])
    assert login(w.complaint_officer).post(act, {"action": "category", "category": w.light.pk}).status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).category_id == w.light.pk
    response = login(w.complaint_officer).post(act, {"action": "category", "category": w.dukcapil_light.pk})
    assert response.status_code == 400


def test_user_text_is_escaped_on_the_pages(complaint_world, login):
    w = complaint_world
    complaint = forwarded(w, title="<script>alert(1)</script>")
    for path in (INBOX, reverse("complaints:detail", args=[complaint.pk])):
        body = login(w.complaint_officer).get(path).content.decode()
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;" in body


# --- categories page ---------------------------------------------------------------------------------


def test_the_unit_admin_manages_categories_and_others_get_404(complaint_world, login):
    w = complaint_world
    url = reverse("complaints:categories", args=[w.dpmptsp.slug])
    assert login(w.alice).get(url).status_code == 200
    assert login(w.charlie).get(url).status_code == 404
    assert login(w.complaint_officer).get(url).status_code == 404
    assert login(w.dave).get(url).status_code == 404
    response = login(w.alice).post(
        url,
        {
            "what": "category",
            "new-category-name": "Berat",
            "new-category-completion_days": "60",
            "new-category-day_kind": "working",
            "new-category-is_active": "on",
        },
    )
    assert response.status_code == 302
    assert Category.objects.filter(unit=w.dpmptsp, name="Berat", completion_days=60).exists()
    response = login(w.alice).post(
        url,
        {"what": "reply", "new-reply-title": "Salam", "new-reply-body": "Terima kasih", "new-reply-category": ""},
    )
    assert response.status_code == 302
    reply = CannedReply.objects.get(unit=w.dpmptsp, title="Salam")
    foreign = CannedReply.objects.create(unit=w.dukcapil, title="X", body="Y")
    assert login(w.alice).post(url, {"what": "delete-reply", "reply_id": foreign.pk}).status_code == 404
    assert login(w.alice).post(url, {"what": "delete-reply", "reply_id": reply.pk}).status_code == 302
    assert not CannedReply.objects.filter(pk=reply.pk).exists()


def test_a_duplicate_category_name_is_shown_next_to_the_field(complaint_world, login):
    w = complaint_world
    url = reverse("complaints:categories", args=[w.dpmptsp.slug])
    response = login(w.alice).post(
        url,
        {
            "what": "category",
            "new-category-name": "Ringan",
            "new-category-completion_days": "3",
            "new-category-day_kind": "working",
        },
    )
    assert response.status_code == 400
    assert response.context["category_form"].errors["name"]


def test_the_verifier_reads_a_waiting_complaint_without_handling_forms(complaint_world, login):
    w = complaint_world
    complaint = make_complaint(w, is_anonymous=True, reporter_name="Budi Rahasia")
    response = login(w.verifier).get(reverse("complaints:detail", args=[complaint.pk]))
    assert response.status_code == 200
    assert not response.context["can_act"] and not response.context["read_only_history"]
    body = response.content.decode()
    assert "Budi Rahasia" not in body and "Anonim" in body
    assert b'name="action"' not in response.content
    assert login(w.complaint_officer).get(reverse("complaints:detail", args=[complaint.pk])).status_code == 404
