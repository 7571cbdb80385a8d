"""The unit's kiosk list, one-time registration links, revoking, and the kiosk's own pages."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.urls import reverse

from mutu.core.models import AuditEvent
from mutu.surveys.models import SurveyDevice
from mutu.surveys.selectors_kiosk import hash_secret
from mutu.surveys.services_kiosk import create_survey_device, register_survey_device, revoke_survey_device
from mutu.surveys.views_kiosk import NEW_LINK_SESSION_KEY

NOW = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)
CONFIG = "/api/v1/surveys/kiosk/config"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def devices_url(unit):
    return reverse("surveys:devices", args=[unit.slug])


def new_device(w, **kwargs):
    kwargs.setdefault("counter", w.counter_a1)
    return create_survey_device(unit=w.dpmptsp, location=w.mpp, name="Tablet A1", by=w.alice, now=NOW, **kwargs)


# --- The devices page ----------------------------------------------------------------------------


def test_the_unit_admin_sees_the_units_kiosks(client, login, survey_world):
    new_device(survey_world)
    login(survey_world.alice)
    response = client.get(devices_url(survey_world.dpmptsp))
    assert response.status_code == 200
    assert "Tablet A1" in response.text
    assert reverse("surveys:kiosk_https") in response.text


@pytest.mark.parametrize("persona", ["charlie", "dave", "bob", "surveyor"])
def test_other_units_and_non_admins_get_404_on_the_devices_page(client, login, survey_world, persona):
    login(getattr(survey_world, persona))
    assert client.get(devices_url(survey_world.dpmptsp)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, survey_world):
    response = client.get(devices_url(survey_world.dpmptsp))
    assert response.status_code == 302
    assert "/akun/" in response["Location"]


@pytest.mark.parametrize("action", ["surveys:device_revoke", "surveys:device_renew_link"])
def test_another_unit_cannot_revoke_a_kiosk_or_renew_its_link(client, login, survey_world, action):
    device, _code = new_device(survey_world)
    hash_before = device.registration_code_hash
    login(survey_world.charlie)
    assert client.post(reverse(action, args=[survey_world.dukcapil.slug, device.pk])).status_code == 404
    assert client.post(reverse(action, args=[survey_world.dpmptsp.slug, device.pk])).status_code == 404
    device.refresh_from_db()
    assert device.revoked_at is None
    assert device.registration_code_hash == hash_before


def test_adding_a_kiosk_shows_its_registration_link_once(client, login, survey_world, frozen):
    w = survey_world
    login(w.alice)
    response = client.post(
        devices_url(w.dpmptsp),
        {"name": "Tablet disabilitas", "location": w.mpp.pk, "counter": w.counter_a1.pk},
        follow=True,
    )
    assert response.status_code == 200
    device = SurveyDevice.objects.get(name="Tablet disabilitas")
    assert device.token_hash is None
    assert device.registration_expires_at == NOW + dt.timedelta(hours=24)
    link = response.context["new_link"]["url"]
    code = link.rstrip("/").rsplit("/", 1)[1]
    assert device.registration_code_hash == hash_secret(code)
    assert code not in str(AuditEvent.objects.filter(action="survey_device.create").values())
    assert link in response.text and "<svg" in response.text
    assert NEW_LINK_SESSION_KEY not in client.session
    assert code not in client.get(devices_url(w.dpmptsp)).text


def test_a_kiosk_needs_a_place_of_the_unit(client, login, survey_world):
    w = survey_world
    login(w.alice)
    response = client.post(
        devices_url(w.dpmptsp), {"name": "X", "location": w.dukcapil_office.pk, "counter": w.counter_b1.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not SurveyDevice.objects.exists()


def test_a_counter_at_another_location_is_refused(survey_world):
    from mutu.core.errors import ApplicationError
    from mutu.organisations.models import Counter, Gerai, Location

    w = survey_world
    office = Location.objects.create(name="Kantor DPMPTSP", slug="kantor-dpmptsp", manager_unit=w.dpmptsp)
    gerai = Gerai.objects.create(location=office, unit=w.dpmptsp, name="Loket kantor")
    counter = Counter.objects.create(gerai=gerai, code="K1", name="Loket disabilitas", is_disability=True)
    with pytest.raises(ApplicationError) as error:
        new_device(w, counter=counter)
    assert "counter" in error.value.field_errors
    device, _code = create_survey_device(
        unit=w.dpmptsp, location=office, counter=counter, name="Disabilitas", by=w.alice, now=NOW
    )
    assert device.counter_id == counter.pk


def test_revoking_a_kiosk_from_the_page(client, login, survey_world, frozen):
    w = survey_world
    device, code = new_device(w)
    _device, token = register_survey_device(code=code, now=NOW)
    login(w.alice)
    response = client.post(reverse("surveys:device_revoke", args=[w.dpmptsp.slug, device.pk]))
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.revoked_at == NOW
    assert AuditEvent.objects.filter(action="survey_device.revoke", object_id=str(device.pk)).exists()
    assert client.get(CONFIG, HTTP_AUTHORIZATION=f"Device {token}").status_code == 403


def test_a_new_link_replaces_an_unused_one(client, login, survey_world, frozen):
    w = survey_world
    device, old_code = new_device(w)
    login(w.alice)
    response = client.post(reverse("surveys:device_renew_link", args=[w.dpmptsp.slug, device.pk]), follow=True)
    new_code = response.context["new_link"]["url"].rstrip("/").rsplit("/", 1)[1]
    assert new_code != old_code
    client.logout()
    assert client.get(reverse("surveys:kiosk_register", args=[old_code])).status_code == 404
    assert client.get(reverse("surveys:kiosk_register", args=[new_code])).status_code == 200


# --- Registration --------------------------------------------------------------------------------


def test_registering_sets_the_token_in_the_page_and_an_http_only_cookie(client, survey_world, frozen):
    w = survey_world
    device, code = new_device(w)
    url = reverse("surveys:kiosk_register", args=[code])
    page = client.get(url)
    assert page.status_code == 200
    assert "Tablet A1" in page.text
    assert page["Cache-Control"] == "no-store"
    device.refresh_from_db()
    assert device.registered_at is None  # opening the link (or a link preview) registers nothing

    response = client.post(url)
    assert response.status_code == 200
    cookie = response.cookies["mutu_survey_kiosk"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    token = cookie.value
    assert f'data-token="{token}"' in response.text
    assert response["Cache-Control"] == "no-store"
    device.refresh_from_db()
    assert device.token_hash == hash_secret(token)
    assert device.registration_code_hash is None
    assert device.registered_at == NOW
    assert AuditEvent.objects.filter(action="survey_device.register", object_id=str(device.pk)).exists()
    assert client.get(CONFIG, HTTP_AUTHORIZATION=f"Device {token}").status_code == 200


def test_a_registration_link_works_only_once(client, survey_world, frozen):
    _device, code = new_device(survey_world)
    url = reverse("surveys:kiosk_register", args=[code])
    assert client.post(url).status_code == 200
    second = client.post(url)
    assert second.status_code == 404
    assert "mutu_survey_kiosk" not in second.cookies
    assert client.get(url).status_code == 404
    assert SurveyDevice.objects.filter(token_hash__isnull=False).count() == 1


def test_a_registration_link_expires_after_24_hours(client, survey_world, frozen):
    _device, code = new_device(survey_world)
    frozen.shift(dt.timedelta(hours=24, seconds=1))
    url = reverse("surveys:kiosk_register", args=[code])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not SurveyDevice.objects.filter(registered_at__isnull=False).exists()


def test_a_revoked_kiosks_link_cannot_register(client, survey_world, frozen):
    device, code = new_device(survey_world)
    revoke_survey_device(device=device, by=survey_world.alice, now=NOW)
    assert client.post(reverse("surveys:kiosk_register", args=[code])).status_code == 404


def test_an_unknown_code_cannot_register(client, survey_world):
    assert client.post(reverse("surveys:kiosk_register", args=["nope"])).status_code == 404


# --- The kiosk's pages ---------------------------------------------------------------------------


def test_the_kiosk_page_is_a_static_shell_in_indonesian(client, db):
    response = client.get(reverse("surveys:kiosk"), HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 200
    assert '<html lang="id">' in response.text
    assert 'rel="manifest"' in response.text
    strings = json.loads(response.text.split('id="kiosk-strings" type="application/json">')[1].split("</script>")[0])
    assert set(strings) >= {"voice_on", "pending_one", "pending_other", "thanks_title", "idle_text"}
    assert "style=" not in response.text
    assert "unsafe-inline" not in response.get("Content-Security-Policy", "")


def test_the_service_worker_is_javascript_scoped_to_the_kiosk(client, db):
    response = client.get(reverse("surveys:kiosk_sw"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == reverse("surveys:kiosk")
    text = response.content.decode()
    assert '"/survei/kiosk/"' in text and "/static/surveys/kiosk.js" in text
    assert '"/api/v1/surveys/kiosk/config"' in text


def test_the_manifest_makes_the_kiosk_installable(client, db):
    response = client.get(reverse("surveys:kiosk_manifest"))
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["start_url"] == manifest["scope"] == "/survei/kiosk/"
    assert manifest["display"] == "fullscreen"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200 or icon["src"].startswith("/static/")


def test_the_icons_are_real_pngs_of_their_size():
    from pathlib import Path

    from PIL import Image

    folder = Path(__file__).resolve().parents[1] / "static" / "surveys"
    for name, size in [("kiosk-icon-192.png", 192), ("kiosk-icon-512.png", 512), ("kiosk-icon-maskable-512.png", 512)]:
        with Image.open(folder / name) as image:
            assert image.format == "PNG" and image.size == (size, size)


def test_the_https_notes_are_for_staff(client, login, survey_world):
    assert client.get(reverse("surveys:kiosk_https")).status_code == 302
    login(survey_world.alice)
    response = client.get(reverse("surveys:kiosk_https"))
    assert response.status_code == 200
    assert "tls internal" in response.text
