"""The public units and locations API: lists, filters, details with hours and gerai, 404."""

import datetime

import pytest

from mutu.organisations.models import Break, Counter, OpeningHours, SpecialPeriod

pytestmark = pytest.mark.django_db


@pytest.fixture
def mpp(world):
    friday = OpeningHours.objects.get(location=world.mpp, weekday=4, special_period=None)
    Break.objects.create(
        hours=friday,
        label="Istirahat dan salat Jumat",
        starts=datetime.time(11, 30),
        ends=datetime.time(13, 30),
    )
    Counter.objects.create(gerai=world.gerai_dpmptsp, code="A2", name="Loket 2", is_disability=True)
    SpecialPeriod.objects.create(
        location=world.mpp,
        name="Renovasi",
        kind="closed",
        starts_on=datetime.date(2000, 1, 3),
        ends_on=datetime.date(2000, 1, 7),
    )
    SpecialPeriod.objects.create(
        location=world.mpp,
        name="Pemungutan suara",
        kind="closed",
        starts_on=datetime.date(2099, 4, 15),
        ends_on=datetime.date(2099, 4, 15),
    )
    return world.mpp


def test_the_units_list_has_every_active_unit(client, world):
    world.bpjs.is_active = False
    world.bpjs.save()
    body = client.get("/api/v1/units").json()
    assert body["count"] == 2
    assert [u["slug"] for u in body["items"]] == ["dpmptsp", "dukcapil"]
    assert body["items"][0]["instansi"] == {
        "slug": "kota-bontang",
        "name": "Pemerintah Kota Bontang",
        "kind": "local",
    }


def test_the_units_list_is_filtered_by_instansi(client, world):
    body = client.get("/api/v1/units", {"instansi": "bpjs"}).json()
    assert [u["slug"] for u in body["items"]] == ["bpjs-bontang"]


def test_the_units_list_is_paginated(client, world):
    body = client.get("/api/v1/units", {"limit": 1, "offset": 2}).json()
    assert body["count"] == 3 and len(body["items"]) == 1


def test_a_unit_comes_with_its_contact_and_where_it_serves(client, world):
    world.dukcapil.phone = "0548 21000"
    world.dukcapil.save()
    body = client.get("/api/v1/units/dukcapil").json()
    assert body["phone"] == "0548 21000"
    assert {(loc["location_slug"], loc["gerai_name"]) for loc in body["locations"]} == {
        ("kantor-dukcapil", "Ruang Layanan"),
        ("mpp", "Gerai Disdukcapil"),
    }


def test_an_unknown_unit_is_a_json_404(client, world):
    response = client.get("/api/v1/units/tidak-ada")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_the_locations_list_puts_the_mpp_first(client, world):
    body = client.get("/api/v1/locations").json()
    assert [(loc["slug"], loc["kind"]) for loc in body["items"]] == [
        ("mpp", "mpp"),
        ("kantor-dukcapil", "office"),
    ]
    assert body["items"][0]["manager_unit_slug"] == "dpmptsp"


def test_a_location_comes_with_hours_breaks_periods_and_gerai(client, mpp):
    body = client.get("/api/v1/locations/mpp").json()
    assert [h["weekday"] for h in body["opening_hours"]] == [0, 1, 2, 3, 4]
    friday = body["opening_hours"][4]
    assert (friday["opens"], friday["closes"], friday["last_ticket"]) == (
        "08:00:00",
        "16:00:00",
        "15:00:00",
    )
    assert friday["breaks"] == [{"label": "Istirahat dan salat Jumat", "starts": "11:30:00", "ends": "13:30:00"}]
    assert [p["name"] for p in body["special_periods"]] == ["Pemungutan suara"]
    gerai = {g["unit_slug"]: g for g in body["gerai"]}
    assert set(gerai) == {"dpmptsp", "dukcapil", "bpjs-bontang"}
    assert gerai["dpmptsp"]["counters"] == [
        {"code": "A1", "name": "Loket 1", "is_disability": False, "is_priority": False},
        {"code": "A2", "name": "Loket 2", "is_disability": True, "is_priority": False},
    ]


def test_an_unknown_or_inactive_location_is_a_json_404(client, world):
    world.dukcapil_office.is_active = False
    world.dukcapil_office.save()
    for slug in ["tidak-ada", "kantor-dukcapil"]:
        response = client.get(f"/api/v1/locations/{slug}")
        assert response.status_code == 404
        assert "detail" in response.json()


def test_the_lists_read_in_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        client.get("/api/v1/units")
    with django_assert_max_num_queries(2):
        client.get("/api/v1/locations")


def test_a_location_reads_in_a_fixed_number_of_queries(client, mpp, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get("/api/v1/locations/mpp")
