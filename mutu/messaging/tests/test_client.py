"""The Graph client against the local fake server (the same one the other tests use)."""

import pytest

from mutu.messaging.client import GraphClient, GraphError, MediaTooLarge, instagram_media_url_allowed


@pytest.fixture
def client(fake_graph):
    return GraphClient(base_url=fake_graph.base_url, token="test-graph-token", timeout=5)


def test_text_and_template_are_posted_in_the_cloud_api_shape(client, fake_graph):
    first = client.send_whatsapp_text(phone_number_id="PN1", to="6281234567890", text="Halo")
    second = client.send_whatsapp_template(
        phone_number_id="PN1",
        to="6281234567890",
        name="mutu_confirmation_code",
        language="id",
        body_parameters=["123456"],
        button_parameters=["123456"],
    )

    assert first.startswith("wamid.") and second.startswith("wamid.") and first != second
    assert fake_graph.sent_paths == ["/PN1/messages", "/PN1/messages"]
    assert fake_graph.sent[0]["text"] == {"preview_url": False, "body": "Halo"}
    template = fake_graph.sent[1]["template"]
    assert template["name"] == "mutu_confirmation_code"
    assert template["language"] == {"code": "id"}
    assert template["components"][0] == {"type": "body", "parameters": [{"type": "text", "text": "123456"}]}
    assert template["components"][1]["sub_type"] == "url"


def test_media_is_looked_up_then_downloaded_with_the_token(client, fake_graph):
    fake_graph.add_media("MEDIA1", b"%PDF-1.4 tiny", "application/pdf")

    info = client.media_info("MEDIA1")
    data = client.download(info["url"], max_bytes=1000)

    assert info["mime_type"] == "application/pdf" and info["file_size"] == len(data)
    assert data == b"%PDF-1.4 tiny"


def test_download_refuses_more_than_the_limit(client, fake_graph):
    fake_graph.add_media("BIG", b"x" * 5000, "image/jpeg")

    with pytest.raises(MediaTooLarge):
        client.download(client.media_info("BIG")["url"], max_bytes=100)


def test_refusals_are_graph_errors_marked_permanent_or_not(client, fake_graph):
    fake_graph.fail_next(status=400)
    with pytest.raises(GraphError) as refused:
        client.send_whatsapp_text(phone_number_id="PN1", to="62", text="x")
    assert refused.value.permanent

    fake_graph.fail_next(status=503)
    with pytest.raises(GraphError) as unavailable:
        client.send_whatsapp_text(phone_number_id="PN1", to="62", text="x")
    assert not unavailable.value.permanent

    bad_token = GraphClient(base_url=fake_graph.base_url, token="wrong", timeout=5)
    with pytest.raises(GraphError) as unauthorised:
        bad_token.media_info("MEDIA1")
    assert unauthorised.value.status == 401


def test_instagram_reply_and_human_agent_tag(client, fake_graph):
    mid = client.send_instagram_text(account_id="IG1", recipient_id="IGSID", text="Terima kasih", human_agent=True)

    assert mid.startswith("mid.")
    assert fake_graph.sent[0]["recipient"] == {"id": "IGSID"}
    assert fake_graph.sent[0]["tag"] == "HUMAN_AGENT"


def test_instagram_attachment_urls_only_from_allowed_hosts(settings):
    settings.INSTAGRAM_MEDIA_HOSTS = ["fbcdn.net", "cdninstagram.com"]
    settings.INSTAGRAM_MEDIA_ALLOW_HTTP = False

    assert instagram_media_url_allowed("https://scontent-sin6-1.cdninstagram.com/v/t51/photo.jpg")
    assert instagram_media_url_allowed("https://lookaside.fbcdn.net/ig_messaging_cdn/?asset_id=1")
    assert not instagram_media_url_allowed("http://lookaside.fbcdn.net/x")  # not HTTPS
    assert not instagram_media_url_allowed("https://fbcdn.net.evil.example/x")
    assert not instagram_media_url_allowed("https://169.254.169.254/latest/meta-data")
    assert not instagram_media_url_allowed("file:///etc/passwd")
