"""The public catalogue: home and search, unit, locations and the service standard page."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")


def service_url(service):
    return reverse("public:service", args=[service.unit.slug, service.slug])


# --- Home and search ----------------------------------------------------------------


def test_the_home_page_answers_in_indonesian_without_a_redirect(client, catalogue):
    response = client.get("/")
    assert response.status_code == 200
    assert not response.has_header("Location")
    assert '<html lang="id">' in response.text
    assert response["Content-Language"] == "id"


def test_the_language_cookie_switches_the_pages_to_english(english_client, catalogue):
    response = english_client.get("/")
    assert '<html lang="en">' in response.text
    assert "Search services" in response.text


def test_the_catalogue_lists_units_with_their_number_of_services(english_client, catalogue):
    response = english_client.get("/")
    assert response.context["units"]
    counts = {unit.slug: unit.service_count for unit in response.context["units"]}
    # PBG and NIB are in force; the draft-only and the future-only service are not counted.
    assert counts == {"bpjs-bontang": 0, "dpmptsp": 2, "dukcapil": 1}
    assert "2 services" in response.text
    assert reverse("public:unit", args=["dpmptsp"]) in response.text
    assert "Pemerintah Kota Bontang" in response.text


def test_the_catalogue_groups_services_by_unit(english_client, catalogue):
    response = english_client.get("/")
    groups = [(unit.slug, [s.slug for s in services]) for unit, services in response.context["groups"]]
    assert groups == [("dpmptsp", ["pbg", "nib"]), ("dukcapil", ["ktp-el"])]
    assert service_url(catalogue.pbg) in response.text
    assert "Izin Reklame" not in response.text
    assert "Surat Izin Praktik Apoteker" not in response.text


def test_search_finds_a_service_by_part_of_its_name(english_client, catalogue):
    response = english_client.get("/", {"q": "bangunan"})
    assert response.status_code == 200
    assert "Persetujuan Bangunan Gedung (PBG)" in response.text
    assert "Kartu Tanda Penduduk" not in response.text
    assert "1 service found for “bangunan”." in response.text
    assert 'value="bangunan"' in response.text


def test_search_with_no_match_says_so_and_offers_the_full_list(english_client, catalogue):
    response = english_client.get("/", {"q": "paspor"})
    assert "No service matches “paspor”." in response.text
    assert "Show all services and units" in response.text


def test_the_search_form_works_without_javascript(client, catalogue):
    response = client.get("/")
    assert 'method="get" action="/"' in response.text
    assert 'name="q"' in response.text
    assert 'type="submit"' in response.text
    assert 'hx-get="/"' in response.text


def test_an_htmx_search_returns_only_the_results_partial(english_client, catalogue):
    response = english_client.get("/", {"q": "ktp"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "<h1" not in response.text
    assert "Kartu Tanda Penduduk elektronik" in response.text
    assert "Persetujuan Bangunan Gedung" not in response.text
    # The announcement for screen readers is swapped out of band into the page's live region.
    assert 'id="results-status"' in response.text
    assert 'hx-swap-oob="true"' in response.text


def test_an_htmx_history_restore_gets_the_whole_page(client, catalogue):
    response = client.get("/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in response.text


def test_the_home_page_reads_in_a_fixed_number_of_queries(client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get("/")


# --- Unit page -----------------------------------------------------------------------


def test_the_unit_page_shows_contact_locations_services_and_maklumat(english_client, catalogue):
    response = english_client.get(reverse("public:unit", args=["dpmptsp"]))
    assert response.status_code == 200
    text = response.text
    for expected in [
        "Jl. Awang Long No. 1, Bontang",
        "0548 123456",
        "0811-5400-1234",
        "mailto:dpmptsp@bontangkota.go.id",
        "https://dpmptsp.bontangkota.go.id/",
    ]:
        assert expected in text
    assert reverse("public:location", args=["mpp"]) in text
    # Services grouped by category, with the time and fee of the version in force.
    assert "<h3>Perizinan Bangunan</h3>" in text and "<h3>Perizinan Usaha</h3>" in text
    assert "20 minutes" in text
    assert "28 working days" in text
    assert "Rp\u00a0150.000" in text
    assert "Free of charge" in text
    assert "Izin Reklame" not in text
    # The maklumat pelayanan in force, with its signatory and scan.
    assert "sanggup menyelenggarakan pelayanan" in text
    assert "Dra. Siti Rahmawati" in text
    assert "1 December 2025" in text
    assert reverse("core:stored_file", args=[catalogue.maklumat_scan.id]) in text


def test_an_unknown_or_inactive_unit_is_not_found(client, catalogue):
    assert client.get(reverse("public:unit", args=["tidak-ada"])).status_code == 404
    catalogue.world.dpmptsp.is_active = False
    catalogue.world.dpmptsp.save()
    assert client.get(reverse("public:unit", args=["dpmptsp"])).status_code == 404


def test_the_unit_page_reads_in_a_fixed_number_of_queries(client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        client.get(reverse("public:unit", args=["dpmptsp"]))


# --- Locations ------------------------------------------------------------------------


def test_the_locations_list_puts_the_mpp_first(english_client, catalogue):
    response = english_client.get(reverse("public:locations"))
    assert [loc.slug for loc in response.context["locations"]] == ["mpp", "kantor-dukcapil"]
    assert reverse("public:location", args=["kantor-dukcapil"]) in response.text
    assert "Jl. MT Haryono, Bontang" in response.text


def test_the_location_page_shows_hours_breaks_and_closed_days(english_client, catalogue):
    response = english_client.get(reverse("public:location", args=["mpp"]))
    assert response.status_code == 200
    week = dict(response.context["week"])
    assert week["Sunday"] is None
    assert week["Saturday"].closes == datetime.time(12)
    text = response.text
    assert "<caption" in text and 'scope="row"' in text
    assert "Istirahat dan salat Jumat 11.30–13.30" in text
    assert "08.00–16.00" in text and "15.00" in text
    assert "Closed" in text
    assert "WITA" in text


def test_the_location_page_shows_the_indonesian_closed_label_by_default(client, catalogue):
    response = client.get(reverse("public:location", args=["mpp"]))
    assert "Minggu" in response.text  # Sunday, from Django's own catalogue


def test_the_location_page_lists_only_current_and_upcoming_special_periods(english_client, catalogue):
    response = english_client.get(reverse("public:location", args=["mpp"]))
    assert "Ramadan 1447 H" in response.text
    assert "Pemungutan suara" in response.text
    assert "Renovasi atap" not in response.text


def test_the_location_page_lists_gerai_with_their_unit_and_a_disability_counter_badge(english_client, catalogue):
    response = english_client.get(reverse("public:location", args=["mpp"]))
    text = response.text
    assert "Gerai DPMPTSP" in text and "Gerai BPJS Kesehatan" in text
    assert reverse("public:unit", args=["dpmptsp"]) in text
    assert '<span class="badge badge--ok">Disability counter</span>' in text


def test_the_location_page_reads_in_a_fixed_number_of_queries(client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get(reverse("public:location", args=["mpp"]))


def test_an_unknown_location_is_not_found(client, catalogue):
    assert client.get(reverse("public:location", args=["tidak-ada"])).status_code == 404


# --- Service standard page --------------------------------------------------------------


def test_the_service_page_shows_each_public_component(english_client, catalogue):
    response = english_client.get(service_url(catalogue.pbg))
    assert response.status_code == 200
    text = response.text
    assert text.count('<h1 class="page-title">') == 1
    assert "Persetujuan Bangunan Gedung (PBG)" in text
    for requirement in [
        "Fotokopi KTP pemohon",
        "Bukti kepemilikan tanah",
        "Gambar rencana bangunan",
    ]:
        assert requirement in text
    assert '<ol class="steps">' in text and "Konsultasi dengan TPA" in text
    assert "20 minutes" in text
    assert "28 working days" in text
    assert "Rp\u00a0150.000" in text
    assert "Peraturan Daerah Kota Bontang tentang Retribusi Daerah" in text
    assert "Dokumen Persetujuan Bangunan Gedung" in text
    assert "SP4N-LAPOR!" in text


def test_the_internal_components_are_in_a_collapsed_section(english_client, catalogue):
    text = english_client.get(service_url(catalogue.pbg)).text
    details = text[text.index("<details>") : text.index("</details>")]
    assert "<details open" not in text
    for component in [
        "Undang-Undang Nomor 25 Tahun 2009",
        "Ruang tunggu ber-AC",
        "Inspektorat",
        "4 orang",
        "layanan prioritas",
        "disimpan dengan aman",
        "setiap semester",
        "Memahami peraturan bangunan gedung",
    ]:
        assert component in details


def test_the_service_page_shows_the_version_decree_maklumat_and_pdf_link(english_client, catalogue):
    text = english_client.get(service_url(catalogue.pbg)).text
    assert "version 1, in force since 5 January 2026" in text
    assert "188.45/12/DPMPTSP/2025, 20 December 2025" in text
    assert "Dra. Siti Rahmawati" in text
    assert reverse("public:service_pdf", args=["dpmptsp", "pbg"]) in text
    assert "SIMBG" in text


def test_a_free_service_says_free_of_charge(english_client, catalogue):
    text = english_client.get(service_url(catalogue.ktp)).text
    assert "<strong>Free of charge</strong>" in text
    assert "Rp" not in text.split("<main", 1)[1]


def test_a_completion_time_in_hours_is_labelled_in_hours(english_client, catalogue):
    assert "1 hour" in english_client.get(service_url(catalogue.nib)).text


def test_a_service_with_only_a_draft_is_not_found(client, catalogue):
    assert client.get(service_url(catalogue.billboard)).status_code == 404


def test_a_service_whose_only_version_is_not_yet_in_force_is_not_found(client, catalogue):
    assert client.get(service_url(catalogue.pharmacist)).status_code == 404


def test_an_unknown_service_is_not_found(client, catalogue):
    assert client.get(reverse("public:service", args=["dpmptsp", "tidak-ada"])).status_code == 404
    assert client.get(reverse("public:service", args=["dukcapil", "pbg"])).status_code == 404


def test_a_newer_version_is_shown_only_from_its_effective_date(english_client, catalogue):
    url = service_url(catalogue.pbg)
    with time_machine.travel(datetime.datetime(2026, 6, 30, 23, 30, tzinfo=WITA), tick=False):
        text = english_client.get(url).text
        assert "Rp\u00a0150.000" in text and "Gambar rencana bangunan" in text
    with time_machine.travel(datetime.datetime(2026, 7, 1, 0, 30, tzinfo=WITA), tick=False):
        text = english_client.get(url).text
        assert "Rp\u00a0175.000" in text and "Surat pernyataan tetangga" in text
        assert "Gambar rencana bangunan" not in text
        assert "version 2, in force since 1 July 2026" in text


def test_the_effective_date_is_the_date_in_the_units_time_zone(english_client, catalogue):
    # 16.30 UTC on 30 June is already 1 July, 00.30, in Bontang (WITA, UTC+8).
    with time_machine.travel(datetime.datetime(2026, 6, 30, 16, 30, tzinfo=datetime.UTC), tick=False):
        assert "Rp\u00a0175.000" in english_client.get(service_url(catalogue.pbg)).text


def test_the_service_page_reads_in_a_fixed_number_of_queries(client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        client.get(service_url(catalogue.pbg))
