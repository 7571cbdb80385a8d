"""The working calendar as stored per instansi and unit, and its corrections."""

import datetime

import pytest

from mutu.core.models import AuditEvent
from mutu.organisations import services
from mutu.organisations.calculations import add_working_days
from mutu.organisations.models import CalendarException, Holiday
from mutu.organisations.selectors import working_calendar_for_unit

D = datetime.date


@pytest.fixture
def calendar_2026(world):
    services.sync_national_holidays(instansi=world.bontang, years=[2026, 2027])
    return world


def test_syncing_holidays_twice_adds_them_once(calendar_2026):
    count = Holiday.objects.filter(instansi=calendar_2026.bontang).count()
    assert count > 20
    assert services.sync_national_holidays(instansi=calendar_2026.bontang, years=[2026, 2027]) == 0
    assert Holiday.objects.filter(instansi=calendar_2026.bontang).count() == count


def test_idul_fitri_2026_with_cuti_bersama_closed(calendar_2026):
    cal = working_calendar_for_unit(unit=calendar_2026.dpmptsp)
    # 18 cuti bersama, 19 Nyepi, 20 cuti bersama, 21-22 Idul Fitri (weekend), 23-24 cuti bersama.
    assert add_working_days(cal, D(2026, 3, 17), 3) == D(2026, 3, 27)


def test_a_unit_that_serves_on_cuti_bersama_counts_them(calendar_2026):
    services.unit_set_cuti_bersama_closed(unit=calendar_2026.dpmptsp, closed=False, by=calendar_2026.alice)
    cal = working_calendar_for_unit(unit=calendar_2026.dpmptsp)
    assert add_working_days(cal, D(2026, 3, 17), 3) == D(2026, 3, 23)


def test_an_instansi_corrects_a_holiday_after_a_new_decree(calendar_2026, login):
    w = calendar_2026
    row = Holiday.objects.get(instansi=w.bontang, day=D(2026, 3, 24), kind=Holiday.Kind.CUTI_BERSAMA)
    client = login(w.instansi_admin)
    response = client.post(
        f"/kelola/instansi/kota-bontang/hari-libur/{row.pk}/",
        {
            "kind": "cuti_bersama",
            "name": row.name,
            "source": "SKB 3 Menteri Nomor 2 Tahun 2026 (perubahan)",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    row.refresh_from_db()
    assert row.is_active is False
    assert row.source.startswith("SKB 3 Menteri")
    assert row.day == D(2026, 3, 24)
    assert AuditEvent.objects.filter(action="holiday.update", object_id=str(row.pk)).exists()
    cal = working_calendar_for_unit(unit=w.dpmptsp)
    # 24 March is a working day again, so day 1 after the 17th is now the 24th.
    assert add_working_days(cal, D(2026, 3, 17), 1) == D(2026, 3, 24)
    # Another instansi's calendar is untouched.
    services.sync_national_holidays(instansi=w.bpjs_instansi, years=[2026])
    assert add_working_days(working_calendar_for_unit(unit=w.bpjs), D(2026, 3, 17), 1) == D(2026, 3, 25)


def test_an_instansi_adds_a_holiday_by_decree(calendar_2026, login):
    client = login(calendar_2026.instansi_admin)
    response = client.post(
        "/kelola/instansi/kota-bontang/hari-libur/",
        {
            "day": "2026-11-27",
            "kind": "public",
            "name": "Pilkada serentak",
            "source": "Keppres 1/2026",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    cal = working_calendar_for_unit(unit=calendar_2026.dpmptsp)
    assert add_working_days(cal, D(2026, 11, 26), 1) == D(2026, 11, 30)


def test_a_duplicate_holiday_gets_a_clear_message_and_keeps_the_input(calendar_2026, login):
    client = login(calendar_2026.instansi_admin)
    response = client.post(
        "/kelola/instansi/kota-bontang/hari-libur/",
        {
            "day": "2026-08-17",
            "kind": "public",
            "name": "Hari Kemerdekaan (duplikat)",
            "source": "x",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "errorlist" in body
    assert "Hari Kemerdekaan (duplikat)" in body


def test_year_end_across_christmas_and_new_year(calendar_2026):
    cal = working_calendar_for_unit(unit=calendar_2026.dpmptsp)
    # 24 cuti bersama, 25 Christmas, 26-27 weekend; 28, 29, 30, 31 Dec; 1 Jan holiday; 4 Jan.
    assert add_working_days(cal, D(2026, 12, 23), 5) == D(2027, 1, 4)


def test_unit_closures_and_extra_working_days_win(calendar_2026, login):
    w = calendar_2026
    client = login(w.alice)
    response = client.post(
        "/kelola/unit/dpmptsp/kalender/", {"exc-day": "2026-11-30", "exc-kind": "closed", "exc-reason": "Rapat kerja"}
    )
    assert response.status_code == 302
    services.calendar_exception_add(
        unit=w.dpmptsp, day=D(2026, 11, 28), kind=CalendarException.Kind.WORKING, reason="Pelayanan Sabtu", by=w.alice
    )
    cal = working_calendar_for_unit(unit=w.dpmptsp)
    assert add_working_days(cal, D(2026, 11, 27), 2) == D(2026, 12, 1)
    # Disdukcapil is not affected by DPMPTSP's exceptions.
    assert add_working_days(working_calendar_for_unit(unit=w.dukcapil), D(2026, 11, 27), 2) == D(2026, 12, 1)
    assert add_working_days(working_calendar_for_unit(unit=w.dukcapil), D(2026, 11, 27), 1) == D(2026, 11, 30)


def test_a_second_exception_on_the_same_day_is_refused_with_a_message(world, login):
    client = login(world.alice)
    data = {"exc-day": "2026-12-01", "exc-kind": "closed", "exc-reason": "Rapat"}
    assert client.post("/kelola/unit/dpmptsp/kalender/", data).status_code == 302
    response = client.post("/kelola/unit/dpmptsp/kalender/", {**data, "exc-reason": "Rapat kedua"})
    assert response.status_code == 200
    assert "Rapat kedua" in response.content.decode()
    assert world.dpmptsp.calendar_exceptions.count() == 1
