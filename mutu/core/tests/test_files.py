"""The private file store: checked by content, size-limited, metadata stripped, served with a permission check."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mutu.core.errors import ApplicationError
from mutu.core.files import open_stored, private_root, store_upload
from mutu.core.testing import tiny_pdf

PDF = tiny_pdf()


def jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "KameraMerek"  # Make
    gps = {1: "S", 2: (0.0, 7.0, 30.0), 3: "E", 4: (117.0, 29.0, 0.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()


def test_images_are_re_encoded_without_gps(world):
    data = jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif().get(0x8825)
    stored = store_upload(
        upload=SimpleUploadedFile("foto.jpg", data, "image/jpeg"), purpose="test", unit=world.dpmptsp, by=world.alice
    )
    with open_stored(stored) as fh:
        clean = Image.open(io.BytesIO(fh.read()))
        assert not clean.getexif()
    assert stored.kind == "jpeg"
    assert private_root() in (private_root() / stored.relative_path).parents


def test_the_type_comes_from_the_content_not_the_name(world):
    with pytest.raises(ApplicationError):
        store_upload(
            upload=SimpleUploadedFile("surat.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
            purpose="test",
            unit=world.dpmptsp,
        )
    stored = store_upload(upload=SimpleUploadedFile("scan.jpg", PDF, "image/jpeg"), purpose="test", unit=world.dpmptsp)
    assert stored.kind == "pdf" and stored.content_type == "application/pdf"


def test_files_over_the_limit_and_empty_files_are_refused(world, settings):
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(ApplicationError):
        store_upload(upload=SimpleUploadedFile("big.pdf", PDF, "application/pdf"), purpose="test")
    settings.UPLOAD_MAX_BYTES = 10_000
    with pytest.raises(ApplicationError):
        store_upload(upload=SimpleUploadedFile("empty.pdf", b"", "application/pdf"), purpose="test")


def test_a_pdfs_author_and_software_are_removed(world):
    import io

    from pypdf import PdfReader

    original = tiny_pdf(author="Siti Aminah")
    assert b"Siti Aminah" in original
    stored = store_upload(upload=SimpleUploadedFile("scan.pdf", original, "application/pdf"), purpose="test")
    kept = open_stored(stored).read()
    assert b"Siti Aminah" not in kept and b"Scanner 3000" not in kept
    assert len(PdfReader(io.BytesIO(kept)).pages) == 1


def test_a_damaged_pdf_is_refused_with_a_message(world):
    with pytest.raises(ApplicationError):
        store_upload(
            upload=SimpleUploadedFile(
                "rusak.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"
            ),
            purpose="test",
        )


def test_a_private_file_is_served_only_to_staff_of_its_unit(world, login, client):
    stored = store_upload(
        upload=SimpleUploadedFile("a.pdf", PDF, "application/pdf"), purpose="test", unit=world.dpmptsp
    )
    url = f"/akun/berkas/{stored.id}/"
    assert client.get(url).status_code == 404
    assert login(world.charlie).get(url).status_code == 404
    response = login(world.alice).get(url)
    assert response.status_code == 200
    served = b"".join(response.streaming_content)
    assert served.startswith(b"%PDF-") and served == open_stored(stored).read()


def test_a_public_document_is_served_to_everyone(world, client):
    stored = store_upload(
        upload=SimpleUploadedFile("maklumat.pdf", PDF, "application/pdf"),
        purpose="maklumat",
        unit=world.dpmptsp,
        is_public=True,
    )
    assert client.get(f"/akun/berkas/{stored.id}/").status_code == 200


def test_files_are_not_under_the_static_root(settings):
    assert settings.STATIC_ROOT not in private_root().parents
