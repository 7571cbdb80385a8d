def test_the_site_is_indonesian_even_for_an_english_browser(world, client):
    response = client.get("/akun/masuk/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert response["Content-Language"] == "id"
    assert '<html lang="id">' in response.content.decode()


def test_the_language_switch_turns_the_site_english(world, client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/akun/masuk/"})
    assert response.status_code == 302
    page = client.get("/akun/masuk/")
    assert page["Content-Language"] == "en"
    assert "Staff login" in page.content.decode()


def test_an_unknown_language_cookie_falls_back_to_indonesian(world, client):
    client.cookies["mutu_language"] = "fr"
    assert client.get("/akun/masuk/")["Content-Language"] == "id"
