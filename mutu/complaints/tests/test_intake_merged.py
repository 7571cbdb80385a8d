"""A citizen whose report was merged follows the other report's progress without its code."""

import pytest

from mutu.complaints.models import Complaint, Status
from mutu.complaints.services_verification import merge_complaint
from mutu.complaints.testing import make_complaint

pytestmark = pytest.mark.django_db


def test_the_tracking_page_of_a_merged_report_shows_the_joined_status_and_answer(client, complaint_world):
    w = complaint_world
    into = make_complaint(w, reporter_email="first@example.org")
    duplicate = make_complaint(w, reporter_email="second@example.org")
    merge_complaint(duplicate=duplicate, into=into, by=w.verifier)
    Complaint.objects.filter(pk=into.pk).update(
        status=Status.ANSWERED, unit=w.dpmptsp, outcome="Petugas loket sudah diberi teguran."
    )
    page = client.get(f"/lacak/{duplicate.tracking_code}").content.decode()
    assert "Petugas loket sudah diberi teguran." in page
    assert "Sudah dijawab" in page
    assert into.tracking_code not in page
