"""The GET side of Open311 read by an independent client (the ``georeport`` package) over HTTP."""

import importlib

import pytest
from django.core.management import call_command
from django.db import connection
from georeport import GeoReport

from mutu.complaints.testing import build_complaint_world
from mutu.complaints.tests.test_open311_endpoints import build_open311_world
from mutu.core.testing import build_world


def _flush_despite_immutability_triggers() -> None:
    """SQLite's flush deletes row by row and the standards triggers refuse to delete published
    versions (see mutu/core/tests/test_accessibility.py); drop them around the flush."""
    if connection.vendor != "sqlite":
        return
    triggers = importlib.import_module("mutu.standards.migrations.0002_published_versions_are_immutable")
    with connection.schema_editor() as editor:
        triggers.drop_triggers(None, editor)
    try:
        call_command("flush", interactive=False, verbosity=0)
    finally:
        with connection.schema_editor() as editor:
            triggers.create_triggers(None, editor)


@pytest.fixture
def served(live_server, transactional_db):
    w = build_open311_world(build_complaint_world(build_world()))
    yield w, live_server.url + "/open311/v2"
    _flush_despite_immutability_triggers()


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_georeport_reads_services_definitions_and_requests(served, fmt):
    w, root = served
    client = GeoReport(root, output_format=fmt)
    services = client.get_service_list()
    services = services if isinstance(services, list) else [services]
    assert [s["service_code"] for s in services] == ["dpmptsp.pbg", "dukcapil.ktp-el"]
    assert services[0]["group"] == "DPMPTSP Kota Bontang"
    definition = client.get_service_definition("dpmptsp.pbg")
    assert definition["service_code"] == "dpmptsp.pbg"
    requests_ = client.get_service_requests(status="open")
    requests_ = requests_ if isinstance(requests_, list) else [requests_]
    assert [r["service_request_id"] for r in requests_] == [str(w.public.pk)]
    assert requests_[0]["status"] == "open"
    one = client.get_service_request(str(w.closed.pk))
    assert one["status"] == "closed" and one["service_code"] == "dukcapil.ktp-el"
    every = client.get_service_requests(service_request_id=f"{w.public.pk},{w.closed.pk}")
    assert {r["service_request_id"] for r in every} == {str(w.public.pk), str(w.closed.pk)}


def test_georeport_sees_404_for_a_rahasia_request(served):
    import requests

    w, root = served
    client = GeoReport(root, output_format="json")
    with pytest.raises(requests.HTTPError) as caught:
        client.get_service_request(str(w.secret.pk))
    assert caught.value.response.status_code == 404
