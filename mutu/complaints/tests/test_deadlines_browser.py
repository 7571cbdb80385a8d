"""The outbox, notifications and deadline rules pages in headless Chromium, with axe.

Screenshots go to /tmp/shots/c_deadlines_*.png (1366 and 390 px wide) for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from mutu.complaints.models import Stage
from mutu.complaints.services_deadlines import RuleInput, save_deadline_rules
from mutu.complaints.testing import build_complaint_world, make_complaint
from mutu.core.models import OutboxMessage
from mutu.core.outbox import deliver_due
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
    for n in range(3):
        make_complaint(w, title=f"Antrean loket perizinan tidak jelas {n}")
    deliver_due(now=timezone.now())  # the verifier's notifications
    OutboxMessage.objects.create(
        channel=OutboxMessage.Channel.EMAIL,
        dedupe_key="demo:failed",
        address="siti@example.org",
        subject="Laporan 7XKD-M3PQ telah ditanggapi",
        body="…",
        unit=w.dpmptsp,
        status=OutboxMessage.Status.FAILED,
        attempts=6,
        last_error="SMTPRecipientsRefused: {'siti@example.org': (550, b'mailbox unavailable')}",
        next_attempt_at=now,
        created_at=now,
    )
    OutboxMessage.objects.create(
        channel=OutboxMessage.Channel.WHATSAPP,
        dedupe_key="demo:wa",
        address="+6281234567890",
        body="Laporan Anda sedang ditangani.",
        unit=w.dpmptsp,
        last_error="channel not configured",
        next_attempt_at=now,
        created_at=now,
    )
    save_deadline_rules(
        instansi=w.bontang,
        unit=None,
        rules={Stage.COMPLETION: RuleInput(10, "working", 2)},
        by=w.instansi_admin,
        now=now,
    )
    save_deadline_rules(
        instansi=w.bontang,
        unit=w.dpmptsp,
        rules={Stage.FIRST_RESPONSE: RuleInput(3, "working", 1)},
        by=w.alice,
        now=now,
    )
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


def _check(page, label: str, url: str, shot: Path) -> list[str]:
    response = page.goto(url)
    assert response.status == 200, (label, response.status)
    assert page.locator("html").get_attribute("lang") == "id"
    page.screenshot(path=str(shot), full_page=True)
    return [
        f"{label}: axe {v['id']} ({v['impact']}, {v['count']}): {v['help']} -> {'; '.join(v['targets'])}"
        for v in page.evaluate(AXE_RUN)
        if v["impact"] in BLOCKING_IMPACTS
    ]


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_outbox_rules_and_notification_pages_pass_axe(browser, site, viewport):
    base, w = site
    SHOTS.mkdir(exist_ok=True)
    width = VIEWPORTS[viewport]["viewport"]["width"]
    problems: list[str] = []
    pages = [
        (w.alice, "outbox", "/akun/kotak-keluar/"),
        (w.instansi_admin, "rules", "/kelola/pengaduan/tenggat/"),
        (w.alice, "rules_unit", f"/kelola/pengaduan/tenggat/unit/{w.dpmptsp.slug}/"),
        (w.verifier, "notifications", "/akun/notifikasi/"),
    ]
    for user, label, path in pages:
        context = _context(browser, viewport, user)
        page = context.new_page()
        problems += _check(page, label, base + path, SHOTS / f"c_deadlines_{label}_{width}.png")
        if label == "outbox":
            assert page.get_by_text("SMTPRecipientsRefused").count() == 1
            # (English until the lead merges the catalogue.)
            assert page.get_by_role("button", name=re.compile("Kirim ulang sekarang|Retry now")).count() == 2
        if label == "notifications":
            assert page.locator(".site-nav .badge").count() == 1
        context.close()
    assert not problems, "\n".join(problems)
