"""A mail server that fails after the report is stored must not lose the report or show an error."""

import pytest
from django.utils import timezone

from mutu.complaints.models import Complaint, ContactCode
from mutu.complaints.services_intake import submit_web_complaint

pytestmark = pytest.mark.django_db


class BrokenSender:
    calls = 0

    def send(self, *, address, code, tracking_code, minutes):
        BrokenSender.calls += 1
        raise ConnectionRefusedError("SMTP server down")


def test_a_failing_code_sender_keeps_the_report_and_logs_the_failure(
    complaint_world, settings, django_capture_on_commit_callbacks, caplog
):
    settings.COMPLAINT_CODE_SENDER = f"{__name__}.BrokenSender"
    with django_capture_on_commit_callbacks(execute=True):
        complaint = submit_web_complaint(
            instansi=complaint_world.bontang,
            kind="pengaduan",
            title="Antrean lama",
            description="Dua jam menunggu tanpa informasi.",
            reporter_email="warga@example.org",
            consent=True,
            now=timezone.now(),
        )
    assert BrokenSender.calls == 1
    assert Complaint.objects.filter(pk=complaint.pk).exists()
    assert ContactCode.objects.filter(complaint=complaint).count() == 1
    assert "could not send the confirmation code" in caplog.text


def test_the_web_form_answers_normally_when_the_code_cannot_be_sent(
    client, complaint_world, settings, django_capture_on_commit_callbacks
):
    settings.COMPLAINT_CODE_SENDER = f"{__name__}.BrokenSender"
    settings.RATELIMIT_ENABLED = False
    before = BrokenSender.calls
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/pengaduan/baru",
            {
                "instansi": complaint_world.bontang.pk,
                "kind": "pengaduan",
                "title": "Antrean lama",
                "description": "Dua jam menunggu tanpa informasi.",
                "reporter_email": "warga@example.org",
                "consent": "on",
            },
        )
    assert BrokenSender.calls == before + 1
    assert response.status_code == 302
    assert Complaint.objects.count() == 1
