import pytest

from mutu.core.testing import PASSWORD


@pytest.fixture(autouse=True)
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def test_staff_log_in_and_reach_the_dashboard(world, client):
    response = client.post("/akun/masuk/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/akun/beranda/"
    assert client.get("/akun/beranda/").status_code == 200


def test_a_wrong_password_gets_a_message_and_keeps_the_username(world, client):
    response = client.post("/akun/masuk/", {"username": "alice", "password": "salah"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "errorlist" in body and 'value="alice"' in body


def test_repeated_failures_lock_the_account_out(world, client):
    for _ in range(3):
        client.post("/akun/masuk/", {"username": "alice", "password": "salah"}, REMOTE_ADDR="10.0.0.9")
    response = client.post("/akun/masuk/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert client.get("/akun/beranda/").status_code == 302


def test_pages_carry_a_content_security_policy_without_unsafe_inline(world, client):
    response = client.get("/akun/masuk/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
