"""The citizen's journey on a phone (390 px) in headless Chromium: the report form (with a refused
file), the email code, the thank-you with the tracking code, and the tracking page; and the
officer's recording page. axe must find no serious or critical violation; screenshots go to
/tmp/shots/c_intake_*.png for a person to look at."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from PIL import Image

from mutu.complaints.models import Complaint, Status
from mutu.complaints.testing import build_complaint_world
from mutu.core.testing import PASSWORD, build_world
from mutu.core.tests.test_accessibility import AXE, AXE_RUN, BLOCKING_IMPACTS, VIEWPORTS, _allow_async_unsafe, browser  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
SHOTS = Path("/tmp/shots")


@pytest.fixture(scope="module")
def chromium(browser):  # noqa: F811 (the imported fixture)
    """The shared headless Chromium of the accessibility tests."""
    return browser


@pytest.fixture
def site(live_server, transactional_db, settings, tmp_path):
    settings.STORAGES = {
        **django_settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.AXES_ENABLED = False
    settings.RATELIMIT_ENABLED = False
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.COMPLAINT_CODE_SENDER = "mutu.complaints.senders.EmailCodeSender"
    w = build_complaint_world(build_world())
    w.base = live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    return w


def _context(browser, viewport: str, **kwargs):  # noqa: F811
    context = browser.new_context(locale="id-ID", **VIEWPORTS[viewport], **kwargs)
    context.set_default_timeout(15_000)
    context.add_init_script(path=str(AXE))
    return context


def _axe_problems(page, label: str) -> list[str]:
    return [
        f"{label}: axe {v['id']} ({v['impact']}): {v['help']} -> {'; '.join(v['targets'])} ({v['detail']})"
        for v in page.evaluate(AXE_RUN)
        if v["impact"] in BLOCKING_IMPACTS
    ]


def _files(tmp_path: Path) -> tuple[Path, Path]:
    photo = tmp_path / "loket.png"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (0, 90, 112)).save(buffer, format="PNG")
    photo.write_bytes(buffer.getvalue())
    fake = tmp_path / "foto.jpg"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 300)
    return photo, fake


def test_a_citizen_reports_confirms_and_tracks_on_a_phone(chromium, site, tmp_path):
    w = site
    problems: list[str] = []
    photo, fake = _files(tmp_path)
    context = _context(chromium, "phone")
    page = context.new_page()

    response = page.goto(w.base + "/pengaduan/baru")
    assert response is not None and response.status == 200
    assert page.evaluate("document.documentElement.lang") == "id"
    trap = page.locator("input[name=website]").bounding_box()
    assert trap is not None and trap["x"] + trap["width"] < 0  # off screen: people never meet it
    problems += _axe_problems(page, "form")
    page.screenshot(path=str(SHOTS / "c_intake_form_390.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width}px)"

    page.select_option("#id_instansi", str(w.bontang.pk))
    page.check("input[name=kind][value=pengaduan]")
    page.fill("#id_title", "Antrean <b>tidak</b> jelas")
    page.fill("#id_description", "Saya menunggu dua jam di loket perizinan tanpa informasi.")
    page.set_input_files("#id_evidence", [str(photo), str(fake)])
    page.fill("#id_reporter_name", "Siti Aminah")
    page.fill("#id_reporter_email", "siti@example.org")
    page.check("#id_is_anonymous")
    page.check("#id_consent")
    page.click("main button[type=submit]")
    page.wait_for_selector(".intake-error-summary")
    assert "Hanya berkas PDF, PNG, dan JPEG yang diterima." in page.inner_text(".intake-error-summary")
    assert page.input_value("#id_description").startswith("Saya menunggu dua jam")
    assert page.is_checked("#id_is_anonymous") and page.is_checked("#id_consent")
    assert Complaint.objects.count() == 0
    problems += _axe_problems(page, "form errors")
    page.screenshot(path=str(SHOTS / "c_intake_form_errors_390.png"), full_page=True)

    page.set_input_files("#id_evidence", [str(photo)])
    page.click("main button[type=submit]")
    page.wait_for_selector("#id_code")
    complaint = Complaint.objects.get()
    assert page.url.endswith(f"/pengaduan/{complaint.tracking_code}/konfirmasi")
    problems += _axe_problems(page, "code")
    page.screenshot(path=str(SHOTS / "c_intake_code_390.png"), full_page=True)

    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    page.fill("#id_code", "000000" if code != "000000" else "111111")
    page.click("main form:not(.inline-form) button[type=submit]")
    page.wait_for_selector(".intake-error-summary")
    problems += _axe_problems(page, "code error")
    page.screenshot(path=str(SHOTS / "c_intake_code_error_390.png"), full_page=True)
    page.fill("#id_code", code)
    page.click("main form:not(.inline-form) button[type=submit]")
    page.wait_for_selector(".intake-code")
    shown = page.inner_text(".intake-code .visually-hidden")
    assert shown == complaint.tracking_code
    problems += _axe_problems(page, "thanks")
    page.screenshot(path=str(SHOTS / "c_intake_thanks_390.png"), full_page=True)

    page.click(f"a[href='/lacak/{complaint.tracking_code}']")
    page.wait_for_selector(".track-status")
    text = page.inner_text("main")
    assert "Antrean <b>tidak</b> jelas" in text and "Siti Aminah" not in text and "loket.png" in text
    problems += _axe_problems(page, "tracking")
    page.screenshot(path=str(SHOTS / "c_intake_track_390.png"), full_page=True)

    page.fill("#id_body", "Nomor antrean saya A-017.")
    page.click("section.track-action button[type=submit]")
    page.wait_for_selector(".message--success")
    problems += _axe_problems(page, "tracking after reply")
    page.screenshot(path=str(SHOTS / "c_intake_track_reply_390.png"), full_page=True)
    complaint.refresh_from_db()
    assert complaint.email_confirmed_at is not None and complaint.status == Status.SUBMITTED
    assert complaint.messages.count() == 1

    # The lookup form accepts the code as someone would type it from a phone call.
    page.goto(w.base + "/lacak")
    problems += _axe_problems(page, "lookup")
    page.fill("#id_code", complaint.tracking_code.replace("-", " ").lower())
    page.click("main button[type=submit]")
    page.wait_for_selector(".track-status")
    page.goto(w.base + "/lacak?code=BBBBCCCC")
    problems += _axe_problems(page, "lookup not found")
    page.screenshot(path=str(SHOTS / "c_intake_lookup_404_390.png"), full_page=True)
    context.close()
    assert not problems, "\n".join(problems)


def test_the_form_works_without_javascript(chromium, site):
    w = site
    context = _context(chromium, "phone", java_script_enabled=False)
    page = context.new_page()
    page.goto(w.base + "/pengaduan/baru")
    page.select_option("#id_instansi", str(w.bontang.pk))
    page.fill("#id_title", "Tanpa JavaScript")
    page.fill("#id_description", "Formulir tetap bisa dikirim.")
    page.fill("#id_reporter_phone", "0812 3456 7890")
    page.check("#id_consent")
    page.click("main button[type=submit]")
    page.wait_for_selector(".intake-code")
    assert Complaint.objects.get().title == "Tanpa JavaScript"
    context.close()


def test_the_officers_recording_page_is_accessible(chromium, site):
    w = site
    problems: list[str] = []
    context = _context(chromium, "desktop")
    page = context.new_page()
    page.goto(w.base + "/akun/masuk/")
    page.fill("input[name=username]", w.complaint_officer.username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    for path, label in (("/kelola/pengaduan/catat/", "record"), ("/kelola/pengaduan/catat/media-sosial/", "social")):
        page.goto(w.base + path)
        problems += _axe_problems(page, label)
        page.screenshot(path=str(SHOTS / f"c_intake_{label}_1366.png"), full_page=True)
    context.close()
    assert not problems, "\n".join(problems)
