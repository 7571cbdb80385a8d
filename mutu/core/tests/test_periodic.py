"""The periodic loop (manage.py run_periodic) and its first job, ensure_holiday_years."""

import datetime
import threading

import pytest
from django.core.management import CommandError, call_command

from mutu.core import periodic
from mutu.core.management.commands import run_periodic
from mutu.organisations.jobs import ensure_holiday_years
from mutu.organisations.models import Holiday, Instansi

CALLS: list[str] = []


def good_job():
    CALLS.append("good")
    return 1


def bad_job():
    CALLS.append("bad")
    raise RuntimeError("boom")


@pytest.fixture(autouse=True)
def _reset_calls():
    CALLS.clear()


@pytest.mark.django_db
def test_ensure_holiday_years_twice_adds_rows_once():
    bontang = Instansi.objects.create(name="Pemerintah Kota Bontang", slug="bontang", timezone="Asia/Makassar")
    other = Instansi.objects.create(name="Pemerintah Kota Balikpapan", slug="balikpapan")
    today = datetime.date(2026, 3, 1)

    added = ensure_holiday_years(today=today)

    assert added > 0
    assert added == Holiday.objects.count()
    for instansi in (bontang, other):
        years = {d.year for d in Holiday.objects.filter(instansi=instansi).values_list("day", flat=True)}
        assert years == {2026, 2027}
    # Independence Day is a national holiday every year.
    assert Holiday.objects.filter(instansi=bontang, day=datetime.date(2026, 8, 17)).exists()

    assert ensure_holiday_years(today=today) == 0
    assert Holiday.objects.count() == added


@pytest.mark.django_db
def test_run_periodic_command_twice_adds_rows_once():
    Instansi.objects.create(name="Pemerintah Kota Bontang", slug="bontang", timezone="Asia/Makassar")

    call_command("run_periodic", verbosity=0)
    first = Holiday.objects.count()
    call_command("run_periodic", verbosity=0)

    assert first > 0
    assert Holiday.objects.count() == first


@pytest.mark.django_db
def test_ensure_holiday_years_keeps_corrected_rows():
    instansi = Instansi.objects.create(name="Pemerintah Kota Bontang", slug="bontang")
    ensure_holiday_years(today=datetime.date(2026, 1, 5))
    row = Holiday.objects.filter(instansi=instansi).order_by("day").first()
    Holiday.objects.filter(pk=row.pk).update(is_active=False, name="Dibatalkan", source="Keppres 1/2026")

    assert ensure_holiday_years(today=datetime.date(2026, 1, 5)) == 0
    row.refresh_from_db()
    assert (row.is_active, row.name, row.source) == (False, "Dibatalkan", "Keppres 1/2026")


def test_first_registered_job_is_ensure_holiday_years():
    assert periodic.PERIODIC_JOBS[0] == "mutu.organisations.jobs.ensure_holiday_years"


@pytest.mark.django_db
def test_failing_job_does_not_stop_the_others(monkeypatch, caplog):
    monkeypatch.setattr(periodic, "PERIODIC_JOBS", [f"{__name__}.bad_job", f"{__name__}.good_job", "no.such.job"])

    with pytest.raises(CommandError, match="bad_job.*no.such.job"):
        call_command("run_periodic", verbosity=0)

    assert CALLS == ["bad", "good"]
    assert "boom" in caplog.text


@pytest.mark.django_db
def test_loop_goes_on_after_a_failure_and_stops_on_signal(monkeypatch):
    monkeypatch.setattr(periodic, "PERIODIC_JOBS", [f"{__name__}.bad_job", f"{__name__}.good_job"])
    waits: list[float] = []

    class StopOnThirdWait(threading.Event):
        def wait(self, timeout=None):
            waits.append(timeout)
            return len(waits) >= 3  # as if SIGTERM arrived during the third pause

    monkeypatch.setattr(run_periodic.threading, "Event", StopOnThirdWait)
    monkeypatch.setattr(run_periodic.Command, "_stop_on_signals", staticmethod(lambda stop: None))

    call_command("run_periodic", "--loop", "--interval", "5", verbosity=0)

    assert CALLS == ["bad", "good"] * 3
    assert waits == [5.0, 5.0, 5.0]


def test_interval_must_be_positive():
    with pytest.raises(CommandError, match="interval"):
        call_command("run_periodic", "--loop", "--interval", "0", verbosity=0)
