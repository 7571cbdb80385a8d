"""The verifier's journey in headless Chromium: queue → open a report → forward it; axe on every page.

Screenshots go to /tmp/shots/c_verify_*.png for a person to look at (1366 and 390 px wide).
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mutu.complaints import services_verification as svc
from mutu.complaints.models import Complaint, Evidence, Status
from mutu.complaints.testing import build_complaint_world, make_complaint
from mutu.core.models import StoredFile
from mutu.core.testing import build_world
from mutu.core.tests import test_accessibility as a11y

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
SHOTS = Path("/tmp/shots")
AXE, AXE_RUN, BLOCKING_IMPACTS, VIEWPORTS = a11y.AXE, a11y.AXE_RUN, a11y.BLOCKING_IMPACTS, a11y.VIEWPORTS
browser = a11y.browser
_allow_async_unsafe = a11y._allow_async_unsafe


def _evidence(complaint, name: str):
    stored = StoredFile.objects.create(
        created_at=timezone.now(),
        purpose="complaint",
        original_name=name,
        kind=StoredFile.Kind.JPEG,
        content_type="image/jpeg",
        size=48_213,
        sha256="ab" * 32,
        relative_path=f"test/{uuid.uuid4()}.jpg",
    )
    Evidence.objects.create(complaint=complaint, file=stored, created_at=timezone.now())


@pytest.fixture
def site(live_server, transactional_db, settings):
    settings.STORAGES = {
        **django_settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.AXES_ENABLED = False
    settings.RATELIMIT_ENABLED = False
    w = build_complaint_world(build_world())
    now = timezone.now()
    w.overdue = make_complaint(
        w,
        title="Antrean loket perizinan tidak jelas",
        description="Saya antre dua jam di loket perizinan MPP tanpa kejelasan dari petugas.",
        suggested_unit=w.dpmptsp,
        submitted_at=now - dt.timedelta(days=9),
    )
    _evidence(w.overdue, "foto-antrean.jpg")
    w.duplicate = make_complaint(
        w,
        title="Antrean lama di loket perizinan",
        description="Dua jam mengantre di loket perizinan MPP, petugas tidak memberi kejelasan.",
        reporter_email="budi@example.org",
        is_anonymous=True,
    )
    _evidence(w.duplicate, "antrean.jpg")
    make_complaint(
        w,
        kind="informasi",
        title="Syarat KTP elektronik untuk pindah domisili",
        description="Apa saja syaratnya?",
        reporter_email="rina@example.org",
        is_confidential=True,
    )
    svc.request_more_information(
        complaint=make_complaint(w, title="Pelayanan kurang ramah", reporter_email="andi@example.org"),
        question="Mohon sebutkan tanggal dan loket yang Anda datangi.",
        by=w.verifier,
    )
    w.forwarded = svc.forward_complaint(
        complaint=make_complaint(w, title="Berkas PBG hilang", reporter_email="dodi@example.org"),
        unit=w.dpmptsp,
        category=w.normative,
        by=w.verifier,
    )
    return live_server.url.replace("127.0.0.1", "localhost"), w


def _context(browser, viewport: str, user=None):
    context = browser.new_context(locale="id-ID", **VIEWPORTS[viewport])
    context.set_default_timeout(15_000)
    context.add_init_script(path=str(AXE))
    if user is not None:
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


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_verifier_opens_the_queue_and_forwards_the_overdue_report(browser, site, viewport):
    base, w = site
    SHOTS.mkdir(exist_ok=True)
    width = VIEWPORTS[viewport]["viewport"]["width"]
    problems: list[str] = []
    context = _context(browser, viewport, w.verifier)
    page = context.new_page()
    response = page.goto(base + reverse("complaints:verify_queue"))
    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == "id"
    problems += _axe_problems(page, f"[{viewport}] queue")
    page.screenshot(path=str(SHOTS / f"c_verify_queue_{width}.png"), full_page=True)

    # The overdue report is on top of the waiting list.
    first = page.locator("table.verify-queue").first.locator("tbody tr").first
    assert w.overdue.tracking_code in first.inner_text()
    first.locator("a").first.click()
    page.wait_for_url(f"**{reverse('complaints:verify', args=[w.overdue.pk])}")
    assert "foto-antrean.jpg" in page.content()
    assert w.duplicate.tracking_code in page.locator(".verify-duplicates").inner_text()
    problems += _axe_problems(page, f"[{viewport}] verify")
    page.screenshot(path=str(SHOTS / f"c_verify_report_{width}.png"), full_page=True)

    # Forward without a unit: the error is next to the field, nothing changes.
    page.select_option("#id_forward-unit", "")
    page.click("button:has-text('Forward'), button:has-text('Teruskan')")
    assert page.locator("#id_forward-unit_error").is_visible()
    problems += _axe_problems(page, f"[{viewport}] verify with an error")

    page.select_option("#id_forward-unit", str(w.dpmptsp.pk))
    page.select_option("#id_forward-category", str(w.light.pk))
    page.fill("#id_forward-note", "Mohon segera ditindaklanjuti.")
    with page.expect_navigation():
        page.locator(".verify-action--primary button[type=submit]").click()
    assert page.url.endswith(reverse("complaints:verify_queue"))
    assert page.locator(".message--success").is_visible()
    page.screenshot(path=str(SHOTS / f"c_verify_forwarded_{width}.png"), full_page=True)
    assert Complaint.objects.get(pk=w.overdue.pk).status == Status.FORWARDED
    assert w.overdue.tracking_code not in page.locator("table.verify-queue").first.inner_text()
    context.close()
    assert not problems, "\n".join(problems)


def test_the_identity_and_redirect_pages_are_accessible(browser, site):
    base, w = site
    SHOTS.mkdir(exist_ok=True)
    problems: list[str] = []
    for viewport in VIEWPORTS:
        width = VIEWPORTS[viewport]["viewport"]["width"]
        context = _context(browser, viewport, w.verifier)
        page = context.new_page()
        page.goto(base + reverse("complaints:identity", args=[w.duplicate.pk]))
        problems += _axe_problems(page, f"[{viewport}] identity")
        page.fill("#id_reason", "Memeriksa kemungkinan laporan ganda")
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        assert "budi@example.org" in page.content()
        problems += _axe_problems(page, f"[{viewport}] identity shown")
        page.screenshot(path=str(SHOTS / f"c_verify_identity_{width}.png"), full_page=True)
        context.close()

        context = _context(browser, viewport, w.complaint_officer)
        page = context.new_page()
        response = page.goto(base + reverse("complaints:redirect", args=[w.forwarded.pk]))
        assert response is not None and response.status == 200
        problems += _axe_problems(page, f"[{viewport}] redirect")
        page.screenshot(path=str(SHOTS / f"c_verify_redirect_{width}.png"), full_page=True)
        context.close()
    assert not problems, "\n".join(problems)
