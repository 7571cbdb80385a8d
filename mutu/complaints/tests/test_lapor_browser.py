"""The verifier's LAPOR! journey in headless Chromium: a bad file, then a good one; axe on each page.

Screenshots go to /tmp/shots/c_lapor_*.png for a person to look at (1366 and 390 px wide).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from mutu.complaints.models import Channel, Complaint
from mutu.complaints.testing import build_complaint_world, make_complaint
from mutu.core.testing import build_world
from mutu.core.tests import test_accessibility as a11y

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
SHOTS = Path("/tmp/shots")
AXE, AXE_RUN, BLOCKING_IMPACTS, VIEWPORTS = a11y.AXE, a11y.AXE_RUN, a11y.BLOCKING_IMPACTS, a11y.VIEWPORTS
browser = a11y.browser
_allow_async_unsafe = a11y._allow_async_unsafe

HEADER = "Nomor Tracking,Judul,Isi Laporan,Jenis,Kategori,Tanggal Laporan,Status,Anonim,Rahasia\n"
BAD = HEADER + "LAP-1,,Isi,Keluhan,,besok,Hilang,Mungkin,Tidak\nLAP-2,Baik,Isi,Aspirasi,,2026-11-20 09:00,,,\n"
GOOD = (
    HEADER
    + "LAP-7001,Jalan rusak di Loktuan,Lubang besar di depan pasar,Pengaduan,Infrastruktur,2026-11-20 09:15,"
    + "Belum Ditindaklanjuti,Tidak,Tidak\n"
    + "LAP-7002,Usul kursi roda,Mohon tambah kursi roda di MPP,Aspirasi,,2026-11-21 10:00,Proses,Ya,Tidak\n"
)


@pytest.fixture
def site(live_server, transactional_db, settings):
    settings.STORAGES = {
        **django_settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.AXES_ENABLED = False
    settings.RATELIMIT_ENABLED = False
    w = build_complaint_world(build_world())
    make_complaint(w, title="Antrean tanpa informasi")
    return live_server.url.replace("127.0.0.1", "localhost"), w


def _context(browser, viewport: str, user):
    context = browser.new_context(locale="id-ID", **VIEWPORTS[viewport])
    context.set_default_timeout(15_000)
    context.add_init_script(path=str(AXE))
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "domain": "localhost", "path": "/"}])
    return context


def _axe_problems(page, label: str) -> list[str]:
    return [
        f"{label}: axe {v['id']} ({v['impact']}, {v['count']}): {v['help']} -> {'; '.join(v['targets'])}"
        for v in page.evaluate(AXE_RUN)
        if v["impact"] in BLOCKING_IMPACTS
    ]


def _upload(page, tmp_path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation():
        page.locator("main form.form button[type=submit]").click()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_verifier_fixes_a_bad_lapor_file_and_imports_it(browser, site, viewport, tmp_path):
    base, w = site
    SHOTS.mkdir(exist_ok=True)
    width = VIEWPORTS[viewport]["viewport"]["width"]
    problems: list[str] = []
    context = _context(browser, viewport, w.verifier)
    page = context.new_page()
    response = page.goto(base + reverse("complaints:lapor"))
    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == "id"
    problems += _axe_problems(page, f"[{viewport}] lapor")

    _upload(page, tmp_path, "lapor-salah.csv", BAD)
    assert page.locator("#row-errors-title").is_visible()
    assert "LAP-1" in page.locator("table.data").first.inner_text()
    assert not Complaint.objects.filter(channel=Channel.LAPOR).exists()
    problems += _axe_problems(page, f"[{viewport}] lapor with row errors")
    page.screenshot(path=str(SHOTS / f"c_lapor_errors_{width}.png"), full_page=True)

    _upload(page, tmp_path, "lapor.csv", GOOD)
    assert page.locator(".message--success").is_visible()
    assert "LAP-7001" in page.content()
    problems += _axe_problems(page, f"[{viewport}] lapor imported")
    page.screenshot(path=str(SHOTS / f"c_lapor_imported_{width}.png"), full_page=True)

    # Importing the same file again changes nothing.
    _upload(page, tmp_path, "lapor.csv", GOOD)
    assert Complaint.objects.filter(channel=Channel.LAPOR).count() == 2
    with page.expect_download() as download:
        page.locator("a[href*='ekspor.csv']").first.click()
    assert download.value.suggested_filename.startswith("lapor-kota-bontang-")
    context.close()
    assert not problems, "\n".join(problems)
