"""Anonim and rahasia for every role and every surface, in one matrix.

domain.md: **anonim** hides the complainant from the unit handling the report and from the public
(the instansi's verifier knows it); **rahasia** keeps the report itself out of public view; they
combine.  Each role below looks at one report of each flavour, forwarded to DPMPTSP, through the
inbox, the detail page, the staff API, the evidence download, the identity page, Open311 and /lacak.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mutu.complaints import services_intake
from mutu.complaints.models import Kind
from mutu.complaints.services_verification import forward_complaint
from mutu.complaints.tests.test_open311_endpoints import published

NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)

# Who sees the report at all: the instansi's desk and the unit that handles it.
SEES_REPORT = {"superuser", "instansi_admin", "verifier", "alice", "head", "complaint_officer"}
# Who may open an anonim report's identity (each look is logged): the verifier (and a superuser).
SEES_ANONIM_IDENTITY = {"superuser", "verifier"}
STAFF = [
    "superuser",
    "instansi_admin",
    "verifier",
    "evaluator",
    "mpp_manager",
    "alice",
    "head",
    "bob",
    "complaint_officer",
    "surveyor",
    "charlie",
    "dave",
    "nobody",
]
FLAVOURS = {
    "plain": {"is_anonymous": False, "is_confidential": False},
    "rahasia": {"is_anonymous": False, "is_confidential": True},
    "anonim": {"is_anonymous": True, "is_confidential": False},
    "anonim_rahasia": {"is_anonymous": True, "is_confidential": True},
}


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.RATELIMIT_ENABLED = False
    with time_machine.travel(NOW, tick=False):
        yield


def _png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 30, 30)).save(out, format="PNG")
    return SimpleUploadedFile("bukti.png", out.getvalue(), content_type="image/png")


@pytest.fixture
def reports(complaint_world):
    """One report per flavour, each with a photo, forwarded to DPMPTSP."""
    w = complaint_world
    service = published(w.dpmptsp, "pbg", "Persetujuan Bangunan Gedung")
    made = {}
    for flavour, flags in FLAVOURS.items():
        complaint = services_intake.submit_web_complaint(
            instansi=w.bontang,
            kind=Kind.COMPLAINT,
            title=f"Laporan {flavour}",
            description=f"Loket PBG tutup sebelum jam layanan berakhir ({flavour}).",
            reporter_name=f"Pelapor {flavour.title()}",
            reporter_email=f"{flavour}@warga.example",
            reporter_phone="081234567890",
            consent=True,
            service=service,
            uploads=[_png()],
            now=NOW,
            **flags,
        )
        made[flavour] = forward_complaint(complaint=complaint, unit=w.dpmptsp, by=w.verifier, now=NOW)
    return made


def _client_for(client, login, w, persona):
    return client if persona == "public" else login(getattr(w, persona))


@pytest.mark.parametrize("flavour", list(FLAVOURS))
@pytest.mark.parametrize("persona", STAFF)
def test_each_role_sees_what_its_place_allows(client, login, complaint_world, reports, persona, flavour):
    w = complaint_world
    complaint = reports[flavour]
    name = complaint.reporter_name
    http = _client_for(client, login, w, persona)
    sees = persona in SEES_REPORT
    inline_identity = sees and not complaint.is_anonymous
    # A signed-in account without any role is refused the staff area as a whole (403); staff of
    # another place get 404, as if the report did not exist.
    refused = 403 if persona == "nobody" else 404

    inbox = http.get("/kelola/pengaduan/")
    assert inbox.status_code == (403 if persona == "nobody" else 200)
    assert (complaint.tracking_code in inbox.text) is sees
    assert (name in inbox.text) is inline_identity

    detail = http.get(f"/kelola/pengaduan/{complaint.pk}/")
    assert detail.status_code == (200 if sees else refused)
    assert (name in detail.text) is inline_identity
    assert (complaint.reporter_email in detail.text) is inline_identity

    api = http.get(f"/api/v1/complaints/{complaint.pk}")
    assert api.status_code == (200 if sees else 404)
    if sees:
        identity = api.json()["identity"]
        assert (identity is not None and identity["name"] == name) is inline_identity
    listed = http.get("/api/v1/complaints")
    assert (complaint.tracking_code in listed.text) is sees
    assert name not in listed.text  # the list never carries the identity

    evidence = complaint.evidence.get()
    download = http.get(f"/kelola/pengaduan/bukti/{evidence.pk}/")
    assert download.status_code == (200 if sees else 404)  # a file link never tells it exists

    identity_url = f"/kelola/pengaduan/{complaint.pk}/identitas/"
    if complaint.is_anonymous:
        may_look = persona in SEES_ANONIM_IDENTITY
        asked = http.get(identity_url)
        assert asked.status_code == (200 if may_look else 404)
        assert name not in asked.text  # only after a reason is given, and the look is logged
        shown = http.post(identity_url, {"reason": "Memastikan pelapor bukan pegawai unit"})
        assert shown.status_code == (200 if may_look else 404)
        assert (name in shown.text) is may_look
        assert complaint.identity_views.count() == (1 if may_look else 0)
    else:
        assert http.get(identity_url).status_code == 404  # nothing to reveal


@pytest.mark.parametrize("flavour", list(FLAVOURS))
def test_the_public_never_sees_an_identity_and_never_a_rahasia_report(client, complaint_world, reports, flavour):
    complaint = reports[flavour]
    name = complaint.reporter_name

    # The citizen with the tracking code follows their own report, whatever its flavour.
    tracking = client.get(f"/lacak/{complaint.tracking_code}")
    assert tracking.status_code == 200
    assert complaint.title in tracking.text and name not in tracking.text
    assert complaint.reporter_email not in tracking.text

    api_tracking = client.get(f"/api/v1/complaints/track/{complaint.tracking_code}")
    assert api_tracking.status_code == 200 and name not in api_tracking.text

    for fmt in ("json", "xml"):
        one = client.get(f"/open311/v2/requests/{complaint.pk}.{fmt}")
        listed = client.get(f"/open311/v2/requests.{fmt}")
        token = client.get(f"/open311/v2/tokens/{complaint.tracking_code}.{fmt}")
        if complaint.is_confidential:
            assert one.status_code == 404 and token.status_code == 404
            assert complaint.description not in listed.text
        else:
            assert one.status_code == 200 and token.status_code == 200
            assert complaint.description in one.text
        assert name not in one.text and name not in listed.text
        assert complaint.reporter_email not in one.text and "081234567890" not in one.text


@pytest.mark.parametrize("flavour", list(FLAVOURS))
def test_a_visitor_without_an_account_is_asked_to_log_in_on_staff_surfaces(client, complaint_world, reports, flavour):
    complaint = reports[flavour]
    for path in (
        "/kelola/pengaduan/",
        f"/kelola/pengaduan/{complaint.pk}/",
        f"/kelola/pengaduan/bukti/{complaint.evidence.get().pk}/",
        f"/kelola/pengaduan/{complaint.pk}/identitas/",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/akun/masuk/" in response["Location"], path
    assert client.get(f"/api/v1/complaints/{complaint.pk}").status_code == 401
