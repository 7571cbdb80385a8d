"""The SP4N-LAPOR! exchange page: only the instansi's verifier (and admin) may use it."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mutu.complaints.models import Complaint
from mutu.complaints.testing import make_complaint

pytestmark = pytest.mark.django_db
URL = "/kelola/pengaduan/lapor/"
FILE = (
    b"Nomor Tracking,Judul,Isi Laporan,Jenis,Tanggal Laporan,Anonim,Rahasia\n"
    b"LAP-9001,<script>alert(1)</script>,Isi,Pengaduan,2026-11-20 09:15,Tidak,Tidak\n"
)


def upload(client, content=FILE, name="lapor.csv"):
    return client.post(URL, {"file": SimpleUploadedFile(name, content, content_type="text/csv")})


def test_the_paths_are_exact():
    assert reverse("complaints:lapor") == URL
    assert reverse("complaints:lapor_export_csv") == URL + "ekspor.csv"
    assert reverse("complaints:lapor_export_json") == URL + "ekspor.json"


@pytest.mark.parametrize("persona", ["verifier", "instansi_admin"])
def test_the_verifier_and_the_instansi_admin_import_a_file(complaint_world, login, persona):
    client = login(getattr(complaint_world, persona))
    assert client.get(URL).status_code == 200
    response = upload(client)
    assert response.status_code == 200
    assert Complaint.objects.filter(external_id="LAP-9001", channel="lapor").count() == 1
    assert b"LAP-9001" in response.content
    # Text from the file is escaped on the page.
    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;" in response.content


@pytest.mark.parametrize("persona", ["charlie", "dave", "complaint_officer", "alice", "nobody"])
def test_unit_staff_and_others_get_404(complaint_world, login, persona):
    client = login(getattr(complaint_world, persona))
    assert client.get(URL).status_code == 404
    assert upload(client).status_code == 404
    assert client.get(URL + "ekspor.csv").status_code == 404
    assert not Complaint.objects.exists()


def test_anonymous_visitors_are_sent_to_login(client):
    assert client.get(URL).status_code == 302


def test_bad_rows_show_a_row_report_and_import_nothing(complaint_world, login):
    client = login(complaint_world.verifier)
    client.cookies["mutu_language"] = "en"  # the Indonesian catalogue is merged by the lead
    bad = b"Nomor Tracking,Judul,Isi Laporan,Jenis,Tanggal Laporan\nLAP-1,,Isi,Keluhan,besok\n"
    response = upload(client, bad)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Nothing has been imported" in page
    assert "Line" in page and "LAP-1" in page
    assert "“Judul” is empty." in page
    assert "must be Pengaduan, Aspirasi or Permintaan Informasi" in page
    assert not Complaint.objects.exists()


def test_the_export_downloads_csv_and_json_without_identity(complaint_world, login):
    w = complaint_world
    make_complaint(w, is_anonymous=True)
    client = login(w.verifier)
    csv_response = client.get(URL + "ekspor.csv")
    assert csv_response.status_code == 200
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "attachment" in csv_response["Content-Disposition"]
    body = csv_response.content.decode("utf-8-sig")
    assert body.startswith("Nomor Tracking,Judul,Isi Laporan")
    assert "Siti" not in body
    data = json.loads(client.get(URL + "ekspor.json").content)
    assert data[0]["Status"] == "Belum Terverifikasi" and "Siti" not in json.dumps(data)
    only = json.loads(client.get(URL + "ekspor.json?sumber=lapor").content)
    assert only == []


def test_a_verifier_cannot_open_another_instansis_desk(complaint_world, login):
    client = login(complaint_world.verifier)
    assert client.get(URL, {"instansi": "bpjs"}).status_code == 404
    assert client.get(URL + "ekspor.json", {"instansi": "bpjs"}).status_code == 404
    assert client.get(URL, {"instansi": "kota-bontang"}).status_code == 200
