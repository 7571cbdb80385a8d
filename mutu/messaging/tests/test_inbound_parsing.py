"""Meta's webhook bodies read into InboundMessage / StatusUpdate values."""

import datetime
from decimal import Decimal

from mutu.messaging.parsing import parse_instagram, parse_whatsapp
from mutu.messaging.testing import (
    IG_ACCOUNT_ID,
    WA_PHONE_NUMBER_ID,
    instagram_message,
    whatsapp_message,
    whatsapp_status,
)

AT = 1_767_225_600  # 2026-01-01 00:00:00 UTC


def one_message(payload):
    messages, statuses = parse_whatsapp(payload)
    assert len(messages) == 1 and statuses == []
    return messages[0]


def test_a_text_message_carries_account_sender_name_and_time():
    event = one_message(whatsapp_message(message_id="wamid.T1", text="Jalan rusak di depan kantor", at=AT))

    assert event.platform == "whatsapp"
    assert event.account_id == WA_PHONE_NUMBER_ID
    assert event.sender_id == "6281234567890" and event.sender_phone == "6281234567890"
    assert event.profile_name == "Rahmat"
    assert event.message_id == "wamid.T1"
    assert event.kind == "text" and event.text == "Jalan rusak di depan kantor"
    assert event.sent_at == datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    assert not event.has_media and not event.is_echo
    assert event.raw["id"] == "wamid.T1"


def test_an_image_gives_its_media_id_type_and_caption():
    image = {"id": "MEDIA1", "mime_type": "image/jpeg", "sha256": "abc", "caption": "Lubang di jalan"}

    event = one_message(whatsapp_message(message_id="wamid.I1", kind="image", image=image))

    assert event.kind == "image" and event.has_media
    assert event.media_id == "MEDIA1" and event.mime_type == "image/jpeg"
    assert event.text == "Lubang di jalan"


def test_a_document_gives_its_file_name():
    document = {"id": "MEDIA2", "mime_type": "application/pdf", "sha256": "abc", "filename": "surat.pdf"}

    event = one_message(whatsapp_message(message_id="wamid.D1", kind="document", document=document))

    assert event.kind == "document" and event.media_id == "MEDIA2" and event.filename == "surat.pdf"


def test_a_location_gives_exact_coordinates():
    location = {"latitude": 0.1334, "longitude": 117.5005, "name": "Kantor DPMPTSP", "address": "Jl. Awang Long"}

    event = one_message(whatsapp_message(message_id="wamid.L1", kind="location", location=location))

    assert event.latitude == Decimal("0.1334") and event.longitude == Decimal("117.5005")
    assert event.text == "Kantor DPMPTSP, Jl. Awang Long"


def test_button_and_list_replies_give_the_chosen_id_and_title():
    button = {"type": "button_reply", "button_reply": {"id": "confirm-yes", "title": "Ya, kirim"}}
    listed = {"type": "list_reply", "list_reply": {"id": "service-12", "title": "Izin usaha", "description": "…"}}
    template_button = {"text": "Berhenti", "payload": "stop"}

    by_button = one_message(whatsapp_message(message_id="wamid.B1", kind="interactive", interactive=button))
    by_list = one_message(whatsapp_message(message_id="wamid.B2", kind="interactive", interactive=listed))
    by_template = one_message(whatsapp_message(message_id="wamid.B3", kind="button", button=template_button))

    assert (by_button.reply_id, by_button.text) == ("confirm-yes", "Ya, kirim")
    assert (by_list.reply_id, by_list.text) == ("service-12", "Izin usaha")
    assert (by_template.kind, by_template.reply_id, by_template.text) == ("button", "stop", "Berhenti")


def test_unknown_types_are_kept_with_their_name():
    sticker = {"id": "STICKER1", "mime_type": "image/webp", "animated": False}
    unsupported = {"errors": [{"code": 131051, "title": "Message type unknown"}]}

    events = [
        one_message(whatsapp_message(message_id="wamid.U1", kind="sticker", sticker=sticker)),
        one_message(whatsapp_message(message_id="wamid.U2", kind="unsupported", **unsupported)),
        one_message(whatsapp_message(message_id="wamid.U3", kind="reaction", reaction={"emoji": "👍"})),
        one_message(whatsapp_message(message_id="wamid.U4", kind="contacts", contacts=[{"name": {}}])),
    ]

    assert [event.kind for event in events] == ["sticker", "unsupported", "reaction", "contacts"]
    assert not events[0].has_media  # a sticker is not evidence
    assert events[2].text == "👍"


def test_audio_is_an_attachment_so_the_citizen_hears_what_we_accept():
    event = one_message(whatsapp_message(message_id="wamid.A1", kind="audio", audio={"id": "VOICE1"}))

    assert event.kind == "audio" and event.media_id == "VOICE1"


def test_a_payload_without_wa_id_is_keyed_on_the_business_scoped_user_id():
    payload = whatsapp_message(message_id="wamid.N1", text="Halo", include_wa_id=False, user_id="ID.1234567890")

    event = one_message(payload)

    assert event.sender_id == "ID.1234567890"
    assert event.sender_phone == ""
    assert event.profile_name == "Rahmat"


def test_wa_id_wins_over_the_user_id_when_both_are_present():
    payload = whatsapp_message(message_id="wamid.N2", text="Halo", user_id="ID.1234567890")

    event = one_message(payload)

    assert event.sender_id == "6281234567890" and event.sender_phone == "6281234567890"


def test_status_callbacks_are_read_with_their_errors():
    errors = [{"code": 131026, "title": "Message undeliverable"}]

    messages, statuses = parse_whatsapp(whatsapp_status(message_id="wamid.S1", status="failed", at=AT, errors=errors))

    assert messages == []
    (update,) = statuses
    assert (update.message_id, update.status, update.recipient_id) == ("wamid.S1", "failed", "6281234567890")
    assert update.at == datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    assert update.errors == errors


def test_malformed_items_are_skipped_and_the_good_ones_kept():
    payload = whatsapp_message(message_id="wamid.GOOD", text="Halo", at=AT)
    value = payload["entry"][0]["changes"][0]["value"]
    value["messages"] += [
        {"id": "wamid.NOTIME", "from": "62811", "type": "text", "text": {"body": "x"}},
        {"from": "62811", "timestamp": str(AT), "type": "text"},
        {"id": "wamid.BADTIME", "from": "62811", "timestamp": "yesterday", "type": "text"},
        "not an object",
        {"id": "wamid.WEIRD", "from": "62811", "timestamp": str(AT), "type": "text", "text": "not an object"},
    ]
    value["statuses"] = [{"id": "wamid.X"}, None, {"status": "read"}]
    payload["entry"].append({"changes": "nonsense"})
    payload["entry"].append("nonsense")

    messages, statuses = parse_whatsapp(payload)

    assert [m.message_id for m in messages] == ["wamid.GOOD", "wamid.WEIRD"]
    assert messages[1].text == ""
    assert statuses == []


def test_bodies_that_are_not_what_we_expect_give_nothing():
    assert parse_whatsapp({}) == ([], [])
    assert parse_whatsapp({"entry": None}) == ([], [])
    assert parse_whatsapp([]) == ([], [])
    assert parse_instagram({"entry": [{"messaging": [{"sender": {}}]}]}) == []
    assert parse_instagram({"object": "page", "entry": []}) == []


# --- Instagram ----------------------------------------------------------------------------------


def test_an_instagram_text_message():
    (event,) = parse_instagram(instagram_message(mid="mid.1", sender="531", text="Halo", at_ms=AT * 1000 + 250))

    assert event.platform == "instagram"
    assert (event.account_id, event.sender_id, event.message_id) == (IG_ACCOUNT_ID, "531", "mid.1")
    assert event.kind == "text" and event.text == "Halo" and not event.is_echo
    assert event.sent_at == datetime.datetime(2026, 1, 1, 0, 0, 0, 250000, tzinfo=datetime.UTC)


def test_an_instagram_echo_names_our_account_and_the_person():
    (event,) = parse_instagram(instagram_message(mid="mid.E1", sender="531", text="Terima kasih", is_echo=True))

    assert event.is_echo
    assert event.account_id == IG_ACCOUNT_ID and event.sender_id == "531"


def test_each_instagram_attachment_becomes_its_own_message():
    attachments = [
        {"type": "image", "payload": {"url": "https://scontent.cdninstagram.com/a.jpg"}},
        {"type": "file", "payload": {"url": "https://lookaside.fbsbx.com/b.pdf"}},
        {"type": "story_mention", "payload": {"url": "https://lookaside.fbsbx.com/story"}},
    ]

    events = parse_instagram(instagram_message(mid="mid.A1", text="Lihat", attachments=attachments))

    assert [e.message_id for e in events] == ["mid.A1", "mid.A1#1", "mid.A1#2"]
    assert [e.kind for e in events] == ["image", "document", "story_mention"]
    assert events[0].media_url == "https://scontent.cdninstagram.com/a.jpg" and events[0].text == "Lihat"
    assert events[1].media_url.endswith("b.pdf") and events[1].text == ""
    assert not events[2].has_media


def test_instagram_read_receipts_are_not_messages():
    payload = instagram_message(mid="mid.R1", text="x")
    payload["entry"][0]["messaging"] = [
        {"sender": {"id": "531"}, "recipient": {"id": IG_ACCOUNT_ID}, "timestamp": 1, "read": {"mid": "mid.0"}}
    ]

    assert parse_instagram(payload) == []
