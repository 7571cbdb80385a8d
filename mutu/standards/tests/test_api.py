"""The public services API: list, filters, pagination, the standard in force, 404 and the schema."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")


def test_the_services_list_has_only_services_with_a_standard_in_force(client, catalogue):
    response = client.get("/api/v1/services")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [(s["unit"]["slug"], s["slug"]) for s in body["items"]] == [
        ("dpmptsp", "pbg"),
        ("dpmptsp", "nib"),
        ("dukcapil", "ktp-el"),
    ]
    pbg = body["items"][0]
    assert pbg["category"] == "Perizinan Bangunan"
    assert pbg["national_system"] == "SIMBG"
    assert pbg["url"] == settings.SITE_URL + "/unit/dpmptsp/layanan/pbg/"


def test_the_services_list_is_filtered_by_unit_and_query(client, catalogue):
    by_unit = client.get("/api/v1/services", {"unit": "dukcapil"}).json()
    assert [s["slug"] for s in by_unit["items"]] == ["ktp-el"]
    by_query = client.get("/api/v1/services", {"q": "bangunan"}).json()
    assert [s["slug"] for s in by_query["items"]] == ["pbg"]
    both = client.get("/api/v1/services", {"unit": "dukcapil", "q": "bangunan"}).json()
    assert both == {"items": [], "count": 0}


def test_an_unknown_unit_filter_gives_an_empty_list(client, catalogue):
    assert client.get("/api/v1/services", {"unit": "tidak-ada"}).json() == {"items": [], "count": 0}


def test_the_services_list_is_paginated_with_limit_and_offset(client, catalogue):
    body = client.get("/api/v1/services", {"limit": 1, "offset": 1}).json()
    assert body["count"] == 3
    assert [s["slug"] for s in body["items"]] == ["nib"]


def test_the_services_list_reads_in_a_fixed_number_of_queries(client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        client.get("/api/v1/services")
    with django_assert_max_num_queries(3):
        client.get("/api/v1/services", {"unit": "dpmptsp"})


def test_a_service_comes_with_all_fourteen_components_of_its_standard(client, catalogue):
    response = client.get("/api/v1/services/dpmptsp/pbg")
    assert response.status_code == 200
    standard = response.json()["standard"]
    assert standard["version"] == 1
    assert standard["effective_date"] == "2026-01-05"
    assert standard["requirements"] == [
        "Fotokopi KTP pemohon",
        "Bukti kepemilikan tanah",
        "Gambar rencana bangunan",
    ]
    assert standard["procedure"] == [
        "Daftar akun di SIMBG",
        "Unggah dokumen teknis",
        "Konsultasi dengan TPA",
        "Bayar retribusi",
    ]
    assert standard["counter_time_minutes"] == 20
    assert standard["completion_time"] == {"value": 28, "unit": "working_days"}
    assert standard["fee"] == {
        "kind": "fixed",
        "free": False,
        "amount": 150000,
        "legal_basis": "Peraturan Daerah Kota Bontang tentang Retribusi Daerah",
    }
    assert standard["decree"] == {"number": "188.45/12/DPMPTSP/2025", "date": "2025-12-20"}
    for component in [
        "product",
        "complaint_handling",
        "legal_basis",
        "facilities",
        "staff_competence",
        "internal_supervision",
        "staff_count",
        "service_guarantee",
        "safety_guarantee",
        "staff_evaluation",
    ]:
        assert standard[component], component


def test_a_free_service_has_no_amount(client, catalogue):
    fee = client.get("/api/v1/services/dukcapil/ktp-el").json()["standard"]["fee"]
    assert fee["free"] is True and fee["amount"] is None


def test_the_api_serves_the_newer_version_from_its_effective_date(client, catalogue):
    with time_machine.travel(datetime.datetime(2026, 7, 1, 0, 30, tzinfo=WITA), tick=False):
        standard = client.get("/api/v1/services/dpmptsp/pbg").json()["standard"]
    assert standard["version"] == 2
    assert standard["fee"]["amount"] == 175000


def test_an_unknown_or_unpublished_service_is_a_json_404(client, catalogue):
    for url in [
        "/api/v1/services/dpmptsp/tidak-ada",
        "/api/v1/services/tidak-ada/pbg",
        "/api/v1/services/dpmptsp/izin-reklame",
        "/api/v1/services/dpmptsp/sip-apoteker",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith("application/json")
        assert "detail" in response.json()


def test_the_openapi_schema_lists_every_public_path(client, catalogue):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert set(schema["paths"]) >= {
        "/api/v1/units",
        "/api/v1/units/{slug}",
        "/api/v1/locations",
        "/api/v1/locations/{slug}",
        "/api/v1/services",
        "/api/v1/services/{unit_slug}/{service_slug}",
    }
    operation_ids = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {
        "list_units",
        "get_unit",
        "list_locations",
        "get_location",
        "list_services",
        "get_service",
    } <= operation_ids


def test_the_api_documentation_page_answers(client, db):
    assert client.get("/api/v1/docs").status_code == 200


@pytest.mark.django_db
def test_bad_query_parameters_get_a_422_with_field_errors(client):
    response = client.get("/api/v1/services", {"limit": "banyak"})
    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    assert any(error["field"] and "limit" in error["field"] for error in body["errors"])
