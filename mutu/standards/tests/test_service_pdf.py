"""The printable A4 service standard with a QR code of its web page."""

import io
from unittest import mock

import pypdf
import pytest
import segno
import weasyprint
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

A4_POINTS = (595, 842)


def pdf_url(service):
    return reverse("public:service_pdf", args=[service.unit.slug, service.slug])


def page_url(service):
    return settings.SITE_URL + reverse("public:service", args=[service.unit.slug, service.slug])


def pdf_text(response) -> str:
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_it_prints_the_standard_as_an_inline_a4_pdf(english_client, catalogue):
    response = english_client.get(pdf_url(catalogue.pbg))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="standar-pelayanan-dpmptsp-pbg.pdf"'
    assert response.content.startswith(b"%PDF-")
    first_page = pypdf.PdfReader(io.BytesIO(response.content)).pages[0]
    assert (round(first_page.mediabox.width), round(first_page.mediabox.height)) == A4_POINTS


def test_the_pdf_contains_the_service_its_requirements_and_fee(english_client, catalogue):
    text = pdf_text(english_client.get(pdf_url(catalogue.pbg)))
    assert "Persetujuan Bangunan Gedung (PBG)" in text
    assert "Bukti kepemilikan tanah" in text
    assert "Konsultasi dengan TPA" in text
    assert "150.000" in text
    assert "Staff performance evaluation" in text
    assert "Dra. Siti Rahmawati" in text


def test_the_pdf_prints_the_address_of_the_web_page(english_client, catalogue):
    text = pdf_text(english_client.get(pdf_url(catalogue.pbg)))
    assert page_url(catalogue.pbg) in text.replace("\n", "")


def test_the_qr_code_encodes_the_address_of_the_web_page(english_client, catalogue):
    expected = segno.make(page_url(catalogue.pbg), error="m")
    with mock.patch("weasyprint.HTML", wraps=weasyprint.HTML) as html:
        english_client.get(pdf_url(catalogue.pbg))
    printed = html.call_args.kwargs["string"]
    # The same QR matrix gives the same path data, whatever the SVG attributes around it.
    path = expected.svg_inline(scale=3, omitsize=True).split(' d="', 1)[1].split('"', 1)[0]
    assert path in printed


def test_the_pdf_is_printed_in_indonesian_by_default(client, catalogue):
    response = client.get(pdf_url(catalogue.ktp))
    assert response.status_code == 200
    assert "Kartu Tanda Penduduk elektronik" in pdf_text(response)


def test_there_is_no_pdf_without_a_standard_in_force(client, catalogue):
    assert client.get(pdf_url(catalogue.billboard)).status_code == 404
    assert client.get(pdf_url(catalogue.pharmacist)).status_code == 404
