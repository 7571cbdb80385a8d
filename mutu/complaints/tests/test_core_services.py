"""Intake, the status machine and who sees what: the pieces every channel and stage share."""

import datetime as dt

import pytest
import time_machine

from mutu.complaints.models import Complaint, Deadline, Event, Handling, Stage, Status
from mutu.complaints.selectors import (
    can_see_identity,
    complaints_visible_to,
    normalise_tracking_code,
)
from mutu.complaints.services import transition
from mutu.complaints.testing import make_complaint
from mutu.core.errors import ApplicationError
from mutu.organisations.models import Holiday

pytestmark = pytest.mark.django_db
# Thursday 26 Nov 2026, 10:00 in Bontang (WITA).
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_web_complaint_waits_for_verification_with_a_readable_code(complaint_world):
    complaint = make_complaint(complaint_world)
    assert complaint.status == Status.SUBMITTED
    assert complaint.lapor_status == "Belum Terverifikasi"
    code = complaint.tracking_code
    assert len(code) == 9 and code[4] == "-"
    assert not set(code.replace("-", "")) & set("01ILOAEU")
    assert normalise_tracking_code(code.lower().replace("-", " ")) == code


def test_the_verification_deadline_is_three_working_days_across_a_holiday(complaint_world):
    w = complaint_world
    # Friday 27 Nov is made a holiday: Thu 26 → Mon 30, Tue 1, Wed 2 Dec.
    Holiday.objects.create(
        instansi=w.bontang,
        day=dt.date(2026, 11, 27),
        kind=Holiday.Kind.PUBLIC,
        name="Uji",
        source="test",
        updated_at=NOW,
    )
    complaint = make_complaint(w)
    deadline = Deadline.objects.get(complaint=complaint, stage=Stage.VERIFY)
    assert deadline.due_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date() == dt.date(2026, 12, 2)


def test_missing_fields_are_named(complaint_world):
    with pytest.raises(ApplicationError) as caught:
        make_complaint(complaint_world, title="", description="", consent=False, reporter_nik="123")
    assert set(caught.value.field_errors) == {"title", "description", "consent", "reporter_nik"}
    assert not Complaint.objects.exists()


def test_a_transition_from_a_stale_state_is_refused(complaint_world):
    w = complaint_world
    complaint = make_complaint(w)
    transition(
        complaint=complaint, to=Status.ARCHIVED, allowed_from=[Status.SUBMITTED], actor=w.verifier, action="archive"
    )
    stale = Complaint.objects.get(pk=complaint.pk)
    stale.status = Status.SUBMITTED
    with pytest.raises(ApplicationError):
        transition(
            complaint=stale, to=Status.ARCHIVED, allowed_from=[Status.SUBMITTED], actor=w.verifier, action="archive"
        )
    assert Event.objects.filter(complaint=complaint, action="archive").count() == 1


def test_the_verifier_sees_every_complaint_of_the_instansi_and_units_only_theirs(complaint_world):
    w = complaint_world
    complaint = make_complaint(w)
    assert complaints_visible_to(user=w.verifier).filter(pk=complaint.pk).exists()
    assert not complaints_visible_to(user=w.complaint_officer).filter(pk=complaint.pk).exists()
    Complaint.objects.filter(pk=complaint.pk).update(unit=w.dpmptsp, status=Status.FORWARDED)
    Handling.objects.create(complaint=complaint, unit=w.dpmptsp, since=NOW)
    assert complaints_visible_to(user=w.complaint_officer).filter(pk=complaint.pk).exists()
    assert not complaints_visible_to(user=w.charlie).filter(pk=complaint.pk).exists()
    assert not complaints_visible_to(user=w.dave).exists()
    assert not complaints_visible_to(user=w.bob).exists()


def test_only_the_verifier_sees_an_anonim_identity(complaint_world):
    w = complaint_world
    complaint = make_complaint(w, is_anonymous=True)
    Complaint.objects.filter(pk=complaint.pk).update(unit=w.dpmptsp, status=Status.FORWARDED)
    complaint.refresh_from_db()
    assert can_see_identity(user=w.verifier, complaint=complaint)
    assert not can_see_identity(user=w.complaint_officer, complaint=complaint)
    assert not can_see_identity(user=w.alice, complaint=complaint)
    assert not can_see_identity(user=w.instansi_admin, complaint=complaint)
