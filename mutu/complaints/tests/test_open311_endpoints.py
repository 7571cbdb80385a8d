"""Open311 GeoReport v2: every endpoint's fields and errors as the spec has them, XML and JSON."""

import datetime as dt
import json
from types import SimpleNamespace
from xml.etree import ElementTree as ET

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from mutu.complaints.models import Channel, Complaint, Status
from mutu.complaints.services import transition
from mutu.complaints.testing import make_complaint
from mutu.standards.models import Service, StandardVersion

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
BASE = "/open311/v2/"
KEY = "kunci-rahasia-uji-123"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def published(unit, slug, name, summary=""):
    service = Service.objects.create(unit=unit, slug=slug, name=name, summary=summary)
    version = StandardVersion.objects.create(service=service, number=1, created_at=timezone.now())
    StandardVersion.objects.filter(pk=version.pk).update(
        status=StandardVersion.Status.PUBLISHED, effective_date=dt.date(2026, 1, 1), published_at=timezone.now()
    )
    return service


def build_open311_world(w) -> SimpleNamespace:
    w.pbg = published(w.dpmptsp, "pbg", "Persetujuan Bangunan Gedung", "Izin membangun gedung")
    w.ktp = published(w.dukcapil, "ktp-el", "KTP elektronik")
    w.draft = Service.objects.create(unit=w.dpmptsp, slug="draft", name="Belum terbit")
    w.public = make_complaint(w, service=w.pbg, title="PBG lambat", description="Sudah 30 hari belum terbit.")
    w.secret = make_complaint(w, service=w.pbg, is_confidential=True, description="Rahasia: pungli di loket")
    w.closed = make_complaint(w, service=w.ktp, description="KTP sudah jadi, terima kasih")
    transition(
        complaint=w.closed,
        to=Status.CLOSED,
        allowed_from=[Status.SUBMITTED],
        actor=w.verifier,
        action="close",
        unit=w.dukcapil,
        closed_at=NOW,
    )
    w.old = make_complaint(w, description="Lama sekali", submitted_at=NOW - dt.timedelta(days=120))
    return w


@pytest.fixture
def o(complaint_world, settings):
    settings.OPEN311_API_KEYS = {KEY: "kota-bontang", "kunci-bpjs": "bpjs"}
    return build_open311_world(complaint_world)


def xml(response) -> ET.Element:
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)


def errors_of(response, fmt):
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "errors"
        return [(int(e.findtext("code")), e.findtext("description")) for e in root.findall("error")]
    data = response.json()
    assert isinstance(data, list) and all(set(e) == {"code", "description"} for e in data)
    return [(e["code"], e["description"]) for e in data]


REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


def test_the_paths_are_exact_and_the_extension_chooses_the_format(client, o):
    assert reverse("open311:services", kwargs={"fmt": "xml"}) == BASE + "services.xml"
    assert reverse("open311:request", kwargs={"request_id": "7", "fmt": "json"}) == BASE + "requests/7.json"
    assert client.get(BASE + "services.json")["Content-Type"].startswith("application/json")
    assert client.get(BASE + "services.xml")["Content-Type"].startswith("text/xml")
    assert client.get(BASE + "services.yaml").status_code == 404
    assert client.get(BASE + "services.json/").status_code == 404


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_discovery_names_the_spec_and_both_formats(client, o, fmt):
    response = client.get(f"{BASE}discovery.{fmt}")
    assert response.status_code == 200
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "discovery"
        endpoint = root.find("endpoints/endpoint")
        assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint.findtext("url").endswith("/open311/v2/")
        assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
        assert root.findtext("changeset")
    else:
        data = response.json()
        assert {"changeset", "contact", "key_service", "endpoints"} <= set(data)
        assert data["endpoints"][0]["type"] == "production"


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_services_lists_published_services_with_the_spec_fields(client, o, fmt):
    response = client.get(f"{BASE}services.{fmt}")
    assert response.status_code == 200
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "services"
        items = [{child.tag: child.text or "" for child in s} for s in root.findall("service")]
    else:
        items = response.json()
    codes = [s["service_code"] for s in items]
    assert codes == ["dpmptsp.pbg", "dukcapil.ktp-el"]  # the draft-only service is not published
    pbg = items[0]
    assert set(pbg) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
    assert pbg["service_name"] == "Persetujuan Bangunan Gedung" and pbg["description"] == "Izin membangun gedung"
    assert pbg["metadata"] in ("false", False) and pbg["type"] == "batch" and pbg["group"] == "DPMPTSP Kota Bontang"
    assert "DPMPTSP" in pbg["keywords"]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_service_definition_has_no_attributes_and_an_unknown_code_is_404(client, o, fmt):
    response = client.get(f"{BASE}services/dpmptsp.pbg.{fmt}")
    assert response.status_code == 200
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "service_definition" and root.findtext("service_code") == "dpmptsp.pbg"
        assert list(root.find("attributes")) == []
    else:
        assert response.json() == {"service_code": "dpmptsp.pbg", "attributes": []}
    for missing in ("dpmptsp.draft", "nope.pbg", "pbg"):
        response = client.get(f"{BASE}services/{missing}.{fmt}")
        assert response.status_code == 404
        assert errors_of(response, fmt)[0][0] == 404


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_requests_list_public_requests_without_rahasia_or_identity(client, o, fmt):
    response = client.get(f"{BASE}requests.{fmt}")
    assert response.status_code == 200
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "service_requests"
        items = [{child.tag: child.text or "" for child in r} for r in root.findall("request")]
    else:
        items = response.json()
    ids = {r["service_request_id"] for r in items}
    assert ids == {str(o.public.pk), str(o.closed.pk)}  # not rahasia; the old one is beyond 90 days
    for item in items:
        assert set(item) == REQUEST_FIELDS
    body = response.content.decode()
    assert "Rahasia" not in body and "pungli" not in body
    assert "Siti" not in body and "siti@example.org" not in body
    assert o.public.tracking_code not in body  # the tracking code opens the citizen's page
    public = next(r for r in items if r["service_request_id"] == str(o.public.pk))
    assert public["status"] == "open" and public["service_code"] == "dpmptsp.pbg"
    assert public["requested_datetime"] == "2026-11-26T10:00:00+08:00"
    assert public["expected_datetime"] == "2026-12-01T23:59:59+08:00"  # verify: 3 working days
    closed = next(r for r in items if r["service_request_id"] == str(o.closed.pk))
    assert closed["status"] == "closed" and closed["agency_responsible"] == "Disdukcapil Kota Bontang"


def ids_of(response):
    return {r["service_request_id"] for r in response.json()}


def test_requests_filter_by_id_code_status_and_dates(client, o):
    url = BASE + "requests.json"
    both = f"{o.public.pk},{o.secret.pk},{o.old.pk}"
    # service_request_id overrides the other filters (and the default 90 days) but never shows rahasia.
    assert ids_of(client.get(url, {"service_request_id": both, "status": "closed"})) == {
        str(o.public.pk),
        str(o.old.pk),
    }
    assert ids_of(client.get(url, {"service_code": "dukcapil.ktp-el"})) == {str(o.closed.pk)}
    assert ids_of(client.get(url, {"service_code": "dpmptsp.pbg,dukcapil.ktp-el"})) == {
        str(o.public.pk),
        str(o.closed.pk),
    }
    assert ids_of(client.get(url, {"status": "open"})) == {str(o.public.pk)}
    assert ids_of(client.get(url, {"status": "closed"})) == {str(o.closed.pk)}
    assert ids_of(client.get(url, {"status": "open,closed"})) == {str(o.public.pk), str(o.closed.pk)}
    window = {"start_date": "2026-07-01T00:00:00Z", "end_date": "2026-09-01T00:00:00+08:00"}
    assert ids_of(client.get(url, window)) == {str(o.old.pk)}
    assert ids_of(client.get(url, {"start_date": "2026-11-26T00:00:00Z"})) == {str(o.public.pk), str(o.closed.pk)}
    assert ids_of(client.get(url, {"jurisdiction_id": "bpjs"})) == set()


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_bad_filters_are_400_with_the_spec_error_list(client, o, fmt):
    url = f"{BASE}requests.{fmt}"
    cases = [
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},  # more than 90 days
        {"start_date": "kemarin"},
        {"status": "pending"},
        {"service_request_id": "abc"},
        {"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"},
    ]
    for params in cases:
        response = client.get(url, params)
        assert response.status_code == 400, params
        assert errors_of(response, fmt)[0][0] == 400
    response = client.get(url, {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"})
    assert "90" in errors_of(response, fmt)[0][1]
    assert client.get(url, {"jurisdiction_id": "atlantis"}).status_code == 404


def test_at_most_1000_requests_are_returned_newest_first(client, o, monkeypatch):
    from mutu.complaints import selectors_open311

    assert selectors_open311.MAX_RESULTS == 1000
    monkeypatch.setattr(selectors_open311, "MAX_RESULTS", 1)
    assert ids_of(client.get(BASE + "requests.json")) == {str(o.closed.pk)}


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_one_request_by_id_and_rahasia_or_unknown_is_404(client, o, fmt):
    response = client.get(f"{BASE}requests/{o.public.pk}.{fmt}")
    assert response.status_code == 200
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "service_requests"
        assert root.find("request").findtext("service_request_id") == str(o.public.pk)
        assert root.find("request").findtext("description") == "Sudah 30 hari belum terbit."
    else:
        assert response.json()[0]["service_request_id"] == str(o.public.pk)
    for missing in (o.secret.pk, 999999, o.public.tracking_code.replace("-", "")):
        response = client.get(f"{BASE}requests/{missing}.{fmt}")
        assert response.status_code == 404
        assert errors_of(response, fmt)[0][0] == 404


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_token_maps_to_its_request_id(client, o, fmt):
    response = client.get(f"{BASE}tokens/{o.public.tracking_code}.{fmt}")
    assert response.status_code == 200
    if fmt == "xml":
        request = xml(response).find("request")
        assert request.findtext("service_request_id") == str(o.public.pk)
        assert request.findtext("token") == o.public.tracking_code
    else:
        assert response.json() == [{"service_request_id": str(o.public.pk), "token": o.public.tracking_code}]
    assert client.get(f"{BASE}tokens/{o.secret.tracking_code}.{fmt}").status_code == 404
    assert client.get(f"{BASE}tokens/ZZZZ-ZZZZ.{fmt}").status_code == 404


def post(client, fmt="json", **data):
    payload = {
        "api_key": KEY,
        "service_code": "dpmptsp.pbg",
        "lat": "0.1333",
        "long": "117.5000",
        "description": "Papan informasi PBG rusak.\nMohon diperbaiki.",
        "email": "warga@example.org",
        "first_name": "Budi",
        "last_name": "Santoso",
        "phone": "08123456789",
        "media_url": "https://example.org/foto.jpg",
    }
    payload.update(data)
    payload = {k: v for k, v in payload.items() if v is not None}
    return client.post(f"{BASE}requests.{fmt}", payload)


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_posting_with_a_valid_key_creates_an_open311_complaint(client, o, fmt):
    response = post(client, fmt)
    assert response.status_code == 200, response.content
    if fmt == "xml":
        item = xml(response).find("request")
        new_id, notice = item.findtext("service_request_id"), item.findtext("service_notice")
        assert item.find("account_id") is not None
    else:
        (item,) = response.json()
        assert set(item) == {"service_request_id", "service_notice", "account_id"}
        new_id, notice = item["service_request_id"], item["service_notice"]
    complaint = Complaint.objects.get(pk=int(new_id))
    assert complaint.channel == Channel.OPEN311 and complaint.instansi == o.bontang
    assert complaint.service == o.pbg and complaint.suggested_unit == o.dpmptsp
    assert complaint.reporter_name == "Budi Santoso" and complaint.reporter_email == "warga@example.org"
    assert complaint.title.startswith("Persetujuan Bangunan Gedung: Papan informasi PBG rusak.")
    assert complaint.tracking_code in notice
    detail = client.get(f"{BASE}requests/{new_id}.json").json()[0]
    assert detail["lat"] == 0.1333 and detail["long"] == 117.5
    assert detail["media_url"] == "https://example.org/foto.jpg"
    assert "Budi" not in json.dumps(detail) and "warga@" not in json.dumps(detail)


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_missing_or_wrong_api_key_is_403(client, o, fmt):
    for key in (None, "", "salah"):
        response = post(client, fmt, api_key=key)
        assert response.status_code == 403
        assert errors_of(response, fmt)[0][0] == 403
    # A key of another instansi may not post to this one's services.
    response = post(client, fmt, api_key="kunci-bpjs")
    assert response.status_code == 404
    response = post(client, fmt, jurisdiction_id="bpjs")
    assert response.status_code == 403
    assert Complaint.objects.filter(channel=Channel.OPEN311).count() == 0


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_bad_posts_are_400_with_every_problem_listed(client, o, fmt):
    response = post(client, fmt, lat=None, long=None, description="", email="bukan-email", service_code="")
    assert response.status_code == 400
    descriptions = " ".join(d for _c, d in errors_of(response, fmt))
    for expected in ("service_code", "address_string", "description", "email"):
        assert expected in descriptions
    assert post(client, fmt, description="x" * 4001).status_code == 400
    assert post(client, fmt, lat="95", long="10").status_code == 400
    assert post(client, fmt, media_url="javascript:alert(1)").status_code == 400
    assert post(client, fmt, service_code="dpmptsp.draft").status_code == 404
    assert post(client, fmt, lat=None, long=None, address_string="Jl. Awang Long 1").status_code == 200
    assert Complaint.objects.filter(channel=Channel.OPEN311).count() == 1


def test_post_needs_no_csrf_token(o):
    from django.test import Client

    response = post(Client(enforce_csrf_checks=True))
    assert response.status_code == 200


def test_xml_stays_well_formed_with_markup_and_control_characters_in_a_citizens_text(client, o):
    make_complaint(o, description="<b>tebal</b> & \x0b\x01 kontrol ]]>", title="Markup")
    response = client.get(BASE + "requests.xml")
    root = xml(response)  # parses
    descriptions = [r.findtext("description") for r in root.findall("request")]
    assert "<b>tebal</b> &  kontrol ]]>" in descriptions


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_null_character_in_any_parameter_is_400_not_a_crash(client, o, fmt):
    response = client.get(f"{BASE}requests.{fmt}", {"jurisdiction_id": "kota\x00bontang"})
    assert response.status_code == 400 and errors_of(response, fmt)[0][0] == 400
    assert client.get(f"{BASE}services.{fmt}", {"service_code": "\x00"}).status_code == 400
    assert post(client, fmt, description="Rusak\x00parah").status_code == 400
    assert not Complaint.objects.filter(channel=Channel.OPEN311).exists()


def test_a_key_that_floods_the_post_endpoint_gets_429(o, client, settings, monkeypatch):
    from django.core.cache import cache

    from mutu.complaints import views_open311

    settings.RATELIMIT_ENABLED = True
    cache.clear()
    monkeypatch.setattr(views_open311, "POST_LIMIT_PER_MINUTE", 2)
    before = Complaint.objects.count()
    statuses = [post(client).status_code for _ in range(3)]
    assert statuses[:2] == [200, 200] or statuses[:2] == [201, 201]
    assert statuses[2] == 429
    assert Complaint.objects.count() == before + 2
