"""Bad input on every organisations form: a message next to the field, nothing lost, nothing saved."""

import pytest

from mutu.organisations.models import Break, Counter, Gerai, Membership, OpeningHours, SpecialPeriod


def assert_kept(response, *values):
    assert response.status_code == 200
    body = response.content.decode()
    assert "errorlist" in body
    for value in values:
        assert value in body


def test_a_duplicate_counter_code_in_a_gerai(world, login):
    response = login(world.alice).post(
        f"/kelola/gerai/{world.gerai_dpmptsp.pk}/loket/tambah/", {"code": "A1", "name": "Loket kembar"}
    )
    assert_kept(response, "Loket kembar")
    assert Counter.objects.filter(gerai=world.gerai_dpmptsp).count() == 1


def test_a_counter_without_a_code(world, login):
    response = login(world.alice).post(
        f"/kelola/gerai/{world.gerai_dpmptsp.pk}/loket/tambah/", {"code": "", "name": "Loket tanpa kode"}
    )
    assert_kept(response, "Loket tanpa kode")


def test_a_gerai_with_a_name_taken_at_the_location(world, login):
    response = login(world.mpp_manager).post(
        "/kelola/lokasi/mpp/gerai/tambah/",
        {"unit": world.bpjs.pk, "location": world.mpp.pk, "name": "Gerai DPMPTSP", "floor": "Lantai 2"},
    )
    assert_kept(response, "Lantai 2")
    assert Gerai.objects.filter(location=world.mpp).count() == 3


def test_the_mpp_manager_adds_a_gerai_for_a_tenant(world, login):
    response = login(world.mpp_manager).post(
        "/kelola/lokasi/mpp/gerai/tambah/",
        {"unit": world.bpjs.pk, "location": world.mpp.pk, "name": "Gerai BPJS 2", "floor": "Lantai 2"},
    )
    assert response.status_code == 302
    assert Gerai.objects.filter(location=world.mpp, unit=world.bpjs).count() == 2


@pytest.mark.parametrize(
    ("data", "kept"),
    [
        ({"opens": "16:00", "closes": "08:00", "last_ticket": "15:00"}, "16:00"),
        ({"opens": "08:00", "closes": "16:00", "last_ticket": "17:00"}, "17:00"),
        ({"opens": "08:00", "closes": "", "last_ticket": "15:00"}, "08:00"),
        ({"opens": "jam delapan", "closes": "16:00", "last_ticket": "15:00"}, "jam delapan"),
    ],
)
def test_bad_opening_hours(world, login, data, kept):
    response = login(world.mpp_manager).post("/kelola/lokasi/mpp/jam/5/", data)
    assert_kept(response, kept)
    assert not OpeningHours.objects.filter(location=world.mpp, weekday=5).exists()


def test_opening_hours_are_saved_and_a_day_can_be_closed(world, login):
    client = login(world.mpp_manager)
    assert (
        client.post(
            "/kelola/lokasi/mpp/jam/5/", {"opens": "08:00", "closes": "12:00", "last_ticket": "11:30"}
        ).status_code
        == 302
    )
    assert OpeningHours.objects.get(location=world.mpp, weekday=5).last_ticket.hour == 11
    assert client.post("/kelola/lokasi/mpp/jam/5/", {"closed": "on"}).status_code == 302
    assert not OpeningHours.objects.filter(location=world.mpp, weekday=5).exists()


def test_breaks_must_fit_the_hours_and_not_overlap(world, login):
    client = login(world.mpp_manager)
    hours = OpeningHours.objects.get(location=world.mpp, weekday=4)
    url = f"/kelola/lokasi/mpp/jam-buka/{hours.pk}/istirahat/"
    assert client.post(url, {"label": "Sholat Jumat", "starts": "11:30", "ends": "13:30"}).status_code == 302
    assert_kept(client.post(url, {"label": "Tumpang tindih", "starts": "13:00", "ends": "14:00"}), "Tumpang tindih")
    assert_kept(client.post(url, {"label": "Di luar jam", "starts": "17:00", "ends": "18:00"}), "Di luar jam")
    assert_kept(client.post(url, {"label": "Terbalik", "starts": "15:00", "ends": "14:00"}), "Terbalik")
    assert Break.objects.filter(hours=hours).count() == 1


def test_special_periods_must_not_overlap_or_run_backwards(world, login):
    client = login(world.mpp_manager)
    ok = {
        "period-name": "Ramadan 1448 H",
        "period-kind": "hours",
        "period-starts_on": "2027-02-08",
        "period-ends_on": "2027-03-09",
    }
    assert client.post("/kelola/lokasi/mpp/periode/tambah/", ok).status_code == 302
    overlap = {**ok, "period-name": "Renovasi", "period-kind": "closed", "period-starts_on": "2027-03-01"}
    assert_kept(client.post("/kelola/lokasi/mpp/periode/tambah/", overlap), "Renovasi")
    backwards = {**ok, "period-name": "Terbalik", "period-starts_on": "2027-05-10", "period-ends_on": "2027-05-01"}
    assert_kept(client.post("/kelola/lokasi/mpp/periode/tambah/", backwards), "Terbalik")
    assert SpecialPeriod.objects.filter(location=world.mpp).count() == 1


def test_hours_within_a_special_period(world, login):
    client = login(world.mpp_manager)
    period = SpecialPeriod.objects.create(
        location=world.mpp, name="Ramadan", starts_on="2027-02-08", ends_on="2027-03-09"
    )
    url = f"/kelola/lokasi/mpp/periode/{period.pk}/jam/0/"
    assert client.post(url, {"opens": "08:00", "closes": "14:00", "last_ticket": "13:30"}).status_code == 302
    assert OpeningHours.objects.get(special_period=period, weekday=0).closes.hour == 14
    # The regular Monday is unchanged.
    assert OpeningHours.objects.get(location=world.mpp, special_period=None, weekday=0).closes.hour == 16


def test_giving_a_role_creates_the_account_once(world, login):
    client = login(world.alice)
    data = {
        "username": "siti.loket",
        "full_name": "Siti Aminah",
        "email": "siti@example.org",
        "role": "counter_officer",
    }
    response = client.post("/kelola/unit/dpmptsp/staf/", data)
    assert response.status_code == 302
    assert Membership.objects.filter(user__username="siti.loket", unit=world.dpmptsp).count() == 1
    again = client.post("/kelola/unit/dpmptsp/staf/", data)
    assert_kept(again, "siti.loket")
    bad = client.post("/kelola/unit/dpmptsp/staf/", {**data, "username": "siti aminah!", "role": "counter_officer"})
    assert_kept(bad, "siti aminah!")
    instansi_role = client.post("/kelola/unit/dpmptsp/staf/", {**data, "role": "instansi_admin"})
    assert instansi_role.status_code == 200
    assert not Membership.objects.filter(role="instansi_admin", user__username="siti.loket").exists()


def test_an_admin_cannot_remove_their_own_admin_role(world, login):
    own = Membership.objects.get(user=world.alice, role="unit_admin")
    login(world.alice).post(f"/kelola/peran/{own.pk}/hapus/")
    assert Membership.objects.filter(pk=own.pk).exists()


def test_removing_another_units_role_is_a_404(world, login):
    other = Membership.objects.get(user=world.charlie)
    assert login(world.alice).post(f"/kelola/peran/{other.pk}/hapus/").status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


def test_the_database_refuses_a_unit_role_without_a_unit(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=world.nobody,
            instansi=world.bontang,
            unit=None,
            role="counter_officer",
            created_at="2026-01-01T00:00:00Z",
        )
