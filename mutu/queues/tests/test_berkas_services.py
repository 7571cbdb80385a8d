"""Receiving files processed over working days: due dates, checklist, numbers and states.

The queue world (mutu/queues/testing.py): DPMPTSP (Asia/Makassar, WITA) offers "Izin Reklame",
5 working days, with three requirements; bob is its counter officer.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from mutu.core.errors import ApplicationError
from mutu.core.models import AuditEvent
from mutu.organisations.models import CalendarException
from mutu.organisations.services import sync_national_holidays
from mutu.queues.models import Berkas, BerkasRequirement, BerkasSequence
from mutu.queues.selectors.berkas import is_late
from mutu.queues.services import berkas as services
from mutu.queues.testing import published_service

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")
ALL = [1, 2, 3]


def at(y, m, d, hh=10, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=WITA)


def receive(w, *, now, present=ALL, service=None, **kwargs):
    return services.receive_berkas(
        unit=kwargs.pop("unit", w.dpmptsp),
        service=service or w.reklame,
        applicant_name=kwargs.pop("applicant_name", "Budi Santoso"),
        applicant_phone="0812-5555-0101",
        present_requirements=present,
        by=w.bob,
        now=now,
        **kwargs,
    )


# --- The promised date --------------------------------------------------------------------------


def test_the_due_date_skips_nyepi_idul_fitri_and_cuti_bersama_2026(queue_world):
    w = queue_world
    sync_national_holidays(instansi=w.bontang, years=[2026])
    # Tue 17 March; 18 (cuti Nyepi), 19 (Nyepi), 20 (cuti), 21–22 (Idul Fitri, weekend),
    # 23–24 (cuti) are closed: day 1 is Wed 25 March, day 5 Tue 31 March.
    berkas = receive(w, now=at(2026, 3, 17))
    assert berkas.due_date == dt.date(2026, 3, 31)


def test_a_unit_that_serves_through_cuti_bersama_promises_earlier(queue_world):
    w = queue_world
    sync_national_holidays(instansi=w.bontang, years=[2026])
    w.dpmptsp.cuti_bersama_closed = False
    w.dpmptsp.save()
    # Working: Wed 18, Fri 20, Mon 23, Tue 24, Wed 25.
    assert receive(w, now=at(2026, 3, 17)).due_date == dt.date(2026, 3, 25)


def test_a_unit_closure_moves_the_due_date(queue_world):
    w = queue_world
    sync_national_holidays(instansi=w.bontang, years=[2026])
    CalendarException.objects.create(
        unit=w.dpmptsp, day=dt.date(2026, 3, 26), kind=CalendarException.Kind.CLOSED, reason="Pindah kantor"
    )
    assert receive(w, now=at(2026, 3, 17)).due_date == dt.date(2026, 4, 1)
    # Another unit's closure changes nothing for DPMPTSP.
    CalendarException.objects.create(
        unit=w.dukcapil, day=dt.date(2026, 3, 27), kind=CalendarException.Kind.CLOSED, reason="Rapat"
    )
    assert receive(w, now=at(2026, 3, 17)).due_date == dt.date(2026, 4, 1)


@pytest.mark.parametrize(
    "received",
    [
        at(2026, 1, 9, 19, 30),  # Friday evening after closing
        at(2026, 1, 10, 9, 0),  # Saturday
        at(2026, 1, 11, 23, 59),  # Sunday, one minute before midnight WITA
        dt.datetime(2026, 1, 8, 16, 30, tzinfo=dt.UTC),  # Thursday in UTC, already Friday 00.30 in WITA
    ],
)
def test_day_one_is_the_first_working_day_after_receipt(queue_world, received):
    # Day 1 = Monday 12 January, day 5 = Friday 16 January.
    assert receive(queue_world, now=received).due_date == dt.date(2026, 1, 16)


def test_received_on_monday_morning_day_one_is_tuesday(queue_world):
    assert receive(queue_world, now=at(2026, 1, 12, 8, 0)).due_date == dt.date(2026, 1, 19)


# --- Refusals -----------------------------------------------------------------------------------


def test_missing_requirements_are_refused_by_name_and_nothing_is_saved(queue_world):
    w = queue_world
    with pytest.raises(ApplicationError) as exc:
        receive(w, now=at(2026, 1, 12), present=[1])
    assert "Surat permohonan" in exc.value.message
    assert "Gambar desain" in exc.value.message
    assert "Fotokopi KTP" not in exc.value.message
    assert "requirements" in exc.value.field_errors
    assert not Berkas.objects.exists()
    assert not BerkasRequirement.objects.exists()
    assert not BerkasSequence.objects.filter(last_number__gt=0).exists()
    assert not AuditEvent.objects.filter(action="berkas.receive").exists()


def test_positions_not_in_the_standard_are_refused(queue_world):
    with pytest.raises(ApplicationError):
        receive(queue_world, now=at(2026, 1, 12), present=[1, 2, 3, 9])
    assert not Berkas.objects.exists()


def test_a_counter_time_service_is_refused(queue_world):
    w = queue_world
    legalisir, _v = published_service(unit=w.dpmptsp, name="Legalisir", slug="legalisir", completion=(2, "hours"))
    with pytest.raises(ApplicationError, match="completed at the counter, not over days"):
        receive(w, now=at(2026, 1, 12), service=legalisir)
    assert not Berkas.objects.exists()


def test_a_service_of_another_unit_or_without_a_standard_in_force_is_refused(queue_world):
    w = queue_world
    with pytest.raises(ApplicationError):
        receive(w, now=at(2026, 1, 12), service=w.ktp)
    # The standard only takes effect on 1 January 2025.
    with pytest.raises(ApplicationError, match="no standard in force"):
        receive(w, now=at(2024, 12, 31))
    assert not Berkas.objects.exists()


def test_the_applicant_name_is_needed(queue_world):
    with pytest.raises(ApplicationError) as exc:
        receive(queue_world, now=at(2026, 1, 12), applicant_name="   ")
    assert "applicant_name" in exc.value.field_errors


# --- What is stored -----------------------------------------------------------------------------


def test_the_checklist_is_a_snapshot_of_the_standard_in_force(queue_world):
    w = queue_world
    berkas = receive(w, now=at(2026, 1, 12))
    assert berkas.standard_version == w.reklame_v1
    assert [(r.position, r.text, r.is_present) for r in berkas.requirements.all()] == [
        (1, "Fotokopi KTP", True),
        (2, "Surat permohonan", True),
        (3, "Gambar desain", True),
    ]
    assert berkas.status == Berkas.Status.RECEIVED
    assert berkas.received_by == w.bob
    audit = AuditEvent.objects.get(action="berkas.receive")
    assert audit.actor == w.bob and audit.unit == w.dpmptsp


def test_receipt_numbers_are_sequential_per_unit_and_year(queue_world):
    w = queue_world
    numbers = [receive(w, now=at(2026, 1, 12)).receipt_number for _ in range(3)]
    assert numbers == ["REKLAM/2026/00001", "REKLAM/2026/00002", "REKLAM/2026/00003"]
    # Another service of the same unit continues the unit's count with its own prefix.
    pbg, _v = published_service(unit=w.dpmptsp, name="PBG", slug="pbg", completion=(28, "working_days"))
    assert receive(w, now=at(2026, 1, 12), service=pbg).receipt_number == "PBG/2026/00004"
    # Another unit counts on its own.
    izin, _v = published_service(unit=w.dukcapil, name="Akta", slug="akta-kelahiran")
    assert receive(w, unit=w.dukcapil, service=izin, now=at(2026, 1, 12)).receipt_number == "AKTA-K/2026/00001"
    # The year is the unit's local year: 31 Dec 16.30 UTC is already 1 January in WITA.
    new_year = dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC)
    assert receive(w, now=new_year).receipt_number == "REKLAM/2027/00001"


# --- States -------------------------------------------------------------------------------------


def test_the_whole_life_of_a_file(queue_world):
    w = queue_world
    berkas = receive(w, now=at(2026, 1, 12))
    berkas = services.start_processing(berkas=berkas, by=w.bob, now=at(2026, 1, 13))
    assert berkas.status == Berkas.Status.PROCESSING
    berkas = services.mark_ready(berkas=berkas, by=w.bob, now=at(2026, 1, 19, 15, 0))
    assert berkas.status == Berkas.Status.READY
    assert berkas.finished_at == at(2026, 1, 19, 15, 0)
    assert berkas.finished_by == w.bob
    assert not is_late(berkas)
    berkas = services.mark_collected(berkas=berkas, by=w.bob, now=at(2026, 1, 20))
    assert berkas.status == Berkas.Status.COLLECTED
    assert berkas.collected_at == at(2026, 1, 20)
    actions = list(AuditEvent.objects.filter(object_type="queues.berkas").values_list("action", flat=True))
    assert sorted(actions) == sorted(["berkas.receive", "berkas.start_processing", "berkas.ready", "berkas.collected"])


def test_finished_after_the_due_date_in_the_units_time_zone_is_late(queue_world):
    w = queue_world
    berkas = receive(w, now=at(2026, 1, 12))  # due Monday 19 January
    # 19 January 23.30 WITA is 15.30 UTC: still on time.
    on_time = services.mark_ready(berkas=berkas, by=w.bob, now=dt.datetime(2026, 1, 19, 15, 30, tzinfo=dt.UTC))
    assert not is_late(on_time)
    other = receive(w, now=at(2026, 1, 12))
    late = services.mark_ready(berkas=other, by=w.bob, now=at(2026, 1, 20, 0, 30))
    assert is_late(late)
    assert not late.cases.exists()  # cases are the detection's job


def test_a_received_file_can_be_finished_without_a_processing_step(queue_world):
    w = queue_world
    berkas = services.mark_ready(berkas=receive(w, now=at(2026, 1, 12)), by=w.bob, now=at(2026, 1, 13))
    assert berkas.status == Berkas.Status.READY


@pytest.mark.parametrize(
    ("setup", "action", "message"),
    [
        ([], "collected", "Only a finished file"),
        (["ready"], "start", "just been received"),
        (["ready"], "ready", "received or being processed"),
        (["ready", "collected"], "collected", "Only a finished file"),
        (["ready", "collected"], "return", "received or being processed"),
        (["return"], "ready", "received or being processed"),
        (["return"], "start", "just been received"),
        (["start"], "start", "just been received"),
    ],
)
def test_a_wrong_state_is_a_clear_error_and_changes_nothing(queue_world, setup, action, message):
    w = queue_world
    berkas = receive(w, now=at(2026, 1, 12))
    do = {
        "start": lambda b: services.start_processing(berkas=b, by=w.bob, now=at(2026, 1, 13)),
        "ready": lambda b: services.mark_ready(berkas=b, by=w.bob, now=at(2026, 1, 14)),
        "collected": lambda b: services.mark_collected(berkas=b, by=w.bob, now=at(2026, 1, 15)),
        "return": lambda b: services.return_incomplete(berkas=b, reason="Gambar tidak sah", by=w.bob),
    }
    for step in setup:
        berkas = do[step](berkas)
    before = Berkas.objects.filter(pk=berkas.pk).values().get()
    audits = AuditEvent.objects.count()
    with pytest.raises(ApplicationError, match=message):
        do[action](berkas)
    assert Berkas.objects.filter(pk=berkas.pk).values().get() == before
    assert AuditEvent.objects.count() == audits


def test_a_stale_copy_cannot_move_a_file_twice(queue_world):
    w = queue_world
    berkas = receive(w, now=at(2026, 1, 12))
    stale = Berkas.objects.get(pk=berkas.pk)
    services.mark_ready(berkas=berkas, by=w.bob, now=at(2026, 1, 13))
    with pytest.raises(ApplicationError, match="This file is: Finished, ready to collect"):
        services.mark_ready(berkas=stale, by=w.bob, now=at(2026, 1, 14))
    assert Berkas.objects.get(pk=berkas.pk).finished_at == at(2026, 1, 13)


def test_returning_a_file_keeps_the_reason(queue_world):
    w = queue_world
    berkas = receive(w, now=at(2026, 1, 12), note="Dibawa oleh kuasa")
    with pytest.raises(ApplicationError):
        services.return_incomplete(berkas=berkas, reason=" ", by=w.bob)
    berkas = services.return_incomplete(
        berkas=berkas, reason="Gambar desain tidak ditandatangani", by=w.bob, now=at(2026, 1, 13, 9, 5)
    )
    assert berkas.status == Berkas.Status.REJECTED
    assert berkas.note.startswith("Dibawa oleh kuasa\n")
    assert "2026-01-13 09:05" in berkas.note
    assert "Gambar desain tidak ditandatangani" in berkas.note
    assert berkas.finished_at is None


def test_default_now_is_the_current_instant(queue_world):
    w = queue_world
    before = timezone.now()
    berkas = receive(w, now=None)
    assert before <= berkas.received_at <= timezone.now()
