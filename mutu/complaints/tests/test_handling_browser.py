"""The officer's journey in headless Chromium: inbox → complaint → reply → answer, at 1366 and 390 px.

axe must report no serious or critical violation on any page of the way; screenshots go to
/tmp/shots/c_handling_*.png for a person to look at.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mutu.complaints.models import CannedReply, Complaint, Deadline, Kind, Stage, Status
from mutu.complaints.services_handling import add_internal_note
from mutu.complaints.testing import build_complaint_world, make_complaint
from mutu.complaints.tests.test_handling_services import forward
from mutu.core.testing import build_world
from mutu.core.tests import test_accessibility as a11y

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
SHOTS = Path("/tmp/shots")
AXE, AXE_RUN, BLOCKING_IMPACTS, VIEWPORTS = a11y.AXE, a11y.AXE_RUN, a11y.BLOCKING_IMPACTS, a11y.VIEWPORTS
browser = a11y.browser
_allow_async_unsafe = a11y._allow_async_unsafe


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
    CannedReply.objects.create(unit=w.dpmptsp, title="Sedang diproses", body="Laporan Anda sedang kami proses.")
    w.target = forward(
        w,
        make_complaint(w, title="Antrean perizinan tanpa informasi", submitted_at=now - dt.timedelta(days=2)),
        w.dpmptsp,
        now=now - dt.timedelta(days=1),
    )
    add_internal_note(complaint=w.target, body="Cek jadwal petugas loket 2.", by=w.alice)
    late = forward(w, make_complaint(w, title="Sertifikat belum terbit", is_anonymous=True), w.dpmptsp, now=now)
    Deadline.objects.filter(complaint=late, stage=Stage.FIRST_RESPONSE).update(due_at=now - dt.timedelta(hours=1))
    forward(w, make_complaint(w, title="Tarif retribusi", kind=Kind.INFORMATION), w.dpmptsp, now=now)
    make_complaint(w, title="Masih di verifikator")
    return live_server.url.replace("127.0.0.1", "localhost"), w


def _context(browser, viewport: str, user, **kwargs):
    context = browser.new_context(locale="id-ID", **VIEWPORTS[viewport], **kwargs)
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


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_officer_answers_a_complaint_from_the_inbox(browser, site, viewport):
    from playwright.sync_api import expect

    base, w = site
    SHOTS.mkdir(exist_ok=True)
    width = VIEWPORTS[viewport]["viewport"]["width"]
    problems: list[str] = []
    context = _context(browser, viewport, w.complaint_officer)
    page = context.new_page()
    page.goto(base + reverse("complaints:inbox"))
    assert page.locator("html").get_attribute("lang") == "id"
    problems += _axe_problems(page, f"[{viewport}] inbox")
    page.screenshot(path=str(SHOTS / f"c_handling_inbox_{width}.png"), full_page=True)

    page.fill("input[name=q]", "antrean")
    page.click("form.handling-filter .search-form button")
    page.wait_for_url("**q=antrean**")
    expect(page.locator("table.handling-inbox tbody tr")).to_have_count(1)
    page.click("text=Antrean perizinan tanpa informasi")
    page.wait_for_url(f"**/kelola/pengaduan/{w.target.pk}/")
    problems += _axe_problems(page, f"[{viewport}] detail")
    page.screenshot(path=str(SHOTS / f"c_handling_detail_{width}.png"), full_page=True)

    page.select_option("#canned-select", label="Sedang diproses")
    assert page.input_value("#id_reply-body") == "Laporan Anda sedang kami proses."
    with page.expect_navigation():
        page.click("button[value=reply]")
    assert page.locator(".message--success").count() == 1
    page.fill("#id_outcome", "Petugas loket diberi arahan; papan informasi antrean dipasang.")
    with page.expect_navigation():
        page.click("button[value=answer]")
    problems += _axe_problems(page, f"[{viewport}] answered")
    page.screenshot(path=str(SHOTS / f"c_handling_answered_{width}.png"), full_page=True)
    complaint = Complaint.objects.get(pk=w.target.pk)
    assert complaint.status == Status.ANSWERED and complaint.first_response_at is not None

    page.goto(base + reverse("complaints:stats"))
    problems += _axe_problems(page, f"[{viewport}] stats")
    page.screenshot(path=str(SHOTS / f"c_handling_stats_{width}.png"), full_page=True)
    context.close()

    admin = _context(browser, viewport, w.alice)
    page = admin.new_page()
    page.goto(base + reverse("complaints:categories", args=[w.dpmptsp.slug]))
    problems += _axe_problems(page, f"[{viewport}] categories")
    page.screenshot(path=str(SHOTS / f"c_handling_categories_{width}.png"), full_page=True)
    admin.close()
    assert not problems, "\n".join(problems)


def test_the_canned_reply_works_without_javascript(browser, site):
    base, w = site
    context = _context(browser, "desktop", w.complaint_officer, java_script_enabled=False)
    page = context.new_page()
    page.goto(base + reverse("complaints:detail", args=[w.target.pk]))
    page.select_option("#canned-select", label="Sedang diproses")
    with page.expect_navigation():
        page.click(".handling-canned__use")
    assert page.input_value("#id_reply-body") == "Laporan Anda sedang kami proses."
    context.close()
