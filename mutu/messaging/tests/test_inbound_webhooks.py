"""The webhook endpoints: handshake, signature, exact paths, storing and acknowledging."""

import hashlib

import pytest

from mutu.messaging.models import ChatMessage, WebhookDelivery
from mutu.messaging.testing import encode, instagram_message, signature_for, whatsapp_message

pytestmark = pytest.mark.django_db

WA_URL = "/webhooks/whatsapp"
IG_URL = "/webhooks/instagram"


def post(client, url, body: bytes, signature: str | None):
    extra = {} if signature is None else {"HTTP_X_HUB_SIGNATURE_256": signature}
    return client.post(url, data=body, content_type="application/json", **extra)


def handshake(client, url, **params):
    query = {"hub.mode": "subscribe", "hub.challenge": "1158201444", **params}
    return client.get(url, {key: value for key, value in query.items() if value is not None})


# --- handshake ----------------------------------------------------------------------------------


def test_the_handshake_echoes_the_challenge_as_plain_text(client, webhook_secrets):
    response = handshake(client, WA_URL, **{"hub.verify_token": "wa-verify-token"})

    assert response.status_code == 200
    assert response.content == b"1158201444"
    assert response["Content-Type"].startswith("text/plain")


def test_the_instagram_handshake_uses_its_own_token(client, webhook_secrets):
    assert handshake(client, IG_URL, **{"hub.verify_token": "ig-verify-token"}).status_code == 200
    assert handshake(client, IG_URL, **{"hub.verify_token": "wa-verify-token"}).status_code == 403


def test_a_wrong_verify_token_is_refused(client, webhook_secrets):
    response = handshake(client, WA_URL, **{"hub.verify_token": "guess"})

    assert response.status_code == 403
    assert b"1158201444" not in response.content


@pytest.mark.parametrize("missing", ["hub.mode", "hub.verify_token", "hub.challenge"])
def test_a_handshake_without_a_parameter_is_refused(client, webhook_secrets, missing):
    response = handshake(client, WA_URL, **{"hub.verify_token": "wa-verify-token", missing: None})

    assert response.status_code == 403


def test_a_handshake_for_another_mode_is_refused(client, webhook_secrets):
    response = handshake(client, WA_URL, **{"hub.verify_token": "wa-verify-token", "hub.mode": "unsubscribe"})

    assert response.status_code == 403


def test_an_empty_configured_token_matches_nothing(client, settings):
    settings.WHATSAPP_VERIFY_TOKEN = ""

    assert handshake(client, WA_URL, **{"hub.verify_token": ""}).status_code == 403


# --- paths and methods --------------------------------------------------------------------------


def test_the_exact_paths_answer_without_a_redirect(client, webhook_secrets):
    body = encode(whatsapp_message(message_id="wamid.PATH1", text="Halo"))

    response = post(client, WA_URL, body, signature_for(body, "wa-test-secret"))

    assert response.status_code == 200
    assert response.content == b"EVENT_RECEIVED"


def test_a_trailing_slash_is_not_the_webhook(client, webhook_secrets):
    body = encode(whatsapp_message(message_id="wamid.SLASH1", text="Halo"))

    response = post(client, WA_URL + "/", body, signature_for(body, "wa-test-secret"))

    assert response.status_code == 404
    assert WebhookDelivery.objects.count() == 0


def test_other_methods_are_not_allowed(client, webhook_secrets):
    assert client.put(WA_URL, data=b"{}", content_type="application/json").status_code == 405
    assert client.delete(IG_URL).status_code == 405


def test_no_csrf_token_and_no_session_cookie_are_involved(webhook_secrets):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    body = encode(whatsapp_message(message_id="wamid.CSRF1", text="Halo"))

    response = post(strict, WA_URL, body, signature_for(body, "wa-test-secret"))

    assert response.status_code == 200
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies


# --- signature ----------------------------------------------------------------------------------


def test_a_signed_delivery_is_stored_raw_and_its_processing_queued(
    client, webhook_secrets, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    body = encode(whatsapp_message(message_id="wamid.STORE1", text="Jalan rusak"))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(client, WA_URL, body, signature_for(body, "wa-test-secret"))

    assert response.status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert delivery.platform == "whatsapp"
    assert delivery.body.encode() == body
    assert delivery.body_sha256 == hashlib.sha256(body).hexdigest()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert len(callbacks) == 1
    task = DBTaskResult.objects.get(task_path="mutu.messaging.tasks.process_webhook_delivery")
    assert task.args_kwargs["args"] == [delivery.pk]
    # Nothing is parsed in the request: the message appears when the task runs.
    assert ChatMessage.objects.count() == 0


def test_an_instagram_delivery_is_checked_with_the_instagram_secret(client, webhook_secrets):
    body = encode(instagram_message(mid="mid.SIG1", text="Halo"))

    assert post(client, IG_URL, body, signature_for(body, "wa-test-secret")).status_code == 403
    assert post(client, IG_URL, body, signature_for(body, "ig-test-secret")).status_code == 200
    assert WebhookDelivery.objects.get().platform == "instagram"


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "sha256=",
        "sha256=" + "0" * 64,
        "sha1=abcdef",
        "not a signature at all ✓",
    ],
    ids=["missing", "empty", "no-digest", "wrong-digest", "other-algorithm", "garbage"],
)
def test_a_bad_or_missing_signature_is_refused_and_nothing_stored(client, webhook_secrets, signature):
    body = encode(whatsapp_message(message_id="wamid.BAD1", text="Halo"))

    response = post(client, WA_URL, body, signature)

    assert response.status_code == 403
    assert WebhookDelivery.objects.count() == 0


def test_a_signature_made_with_another_secret_is_refused(client, webhook_secrets):
    body = encode(whatsapp_message(message_id="wamid.OTHER1", text="Halo"))

    response = post(client, WA_URL, body, signature_for(body, "someone-elses-secret"))

    assert response.status_code == 403
    assert WebhookDelivery.objects.count() == 0


def test_a_signature_over_other_bytes_is_refused(client, webhook_secrets):
    signed = encode(whatsapp_message(message_id="wamid.TAMPER1", text="Halo"))
    sent = signed.replace(b"Halo", b"Hallo")

    assert post(client, WA_URL, sent, signature_for(signed, "wa-test-secret")).status_code == 403
    assert WebhookDelivery.objects.count() == 0


def test_an_empty_configured_secret_refuses_everything(client, settings):
    settings.WHATSAPP_APP_SECRET = ""
    body = encode(whatsapp_message(message_id="wamid.EMPTY1", text="Halo"))

    assert post(client, WA_URL, body, signature_for(body, "")).status_code == 403
    assert WebhookDelivery.objects.count() == 0


def test_a_body_over_the_limit_is_refused(client, webhook_secrets):
    body = b'{"object":"whatsapp_business_account","pad":"' + b"x" * (1024 * 1024) + b'"}'

    response = post(client, WA_URL, body, signature_for(body, "wa-test-secret"))

    assert response.status_code == 413
    assert WebhookDelivery.objects.count() == 0


# --- replays ------------------------------------------------------------------------------------


def test_a_replayed_delivery_is_stored_once_and_queued_once(
    client, webhook_secrets, django_capture_on_commit_callbacks
):
    body = encode(whatsapp_message(message_id="wamid.REPLAY1", text="Halo"))
    signature = signature_for(body, "wa-test-secret")

    with django_capture_on_commit_callbacks() as callbacks:
        first = post(client, WA_URL, body, signature)
        second = post(client, WA_URL, body, signature)

    assert first.status_code == second.status_code == 200
    assert WebhookDelivery.objects.count() == 1
    assert len(callbacks) == 1


def test_a_signed_body_that_is_not_json_is_stored_and_acknowledged(client, webhook_secrets):
    body = b"this is not json"

    response = post(client, WA_URL, body, signature_for(body, "wa-test-secret"))

    assert response.status_code == 200
    assert WebhookDelivery.objects.get().body == "this is not json"


def test_the_acknowledgement_writes_one_row_and_reads_nothing(client, webhook_secrets, django_assert_num_queries):
    body = encode(whatsapp_message(message_id="wamid.FAST1", text="Halo"))
    signature = signature_for(body, "wa-test-secret")

    # The INSERT inside its savepoint; the task row is written after commit.
    with django_assert_num_queries(3) as captured:
        post(client, WA_URL, body, signature)

    assert [q["sql"].split()[0] for q in captured.captured_queries] == ["SAVEPOINT", "INSERT", "RELEASE"]
