"""Who may see and change what: every role, with the denied persona beside the allowed one."""

import pytest

from mutu.organisations import selectors


def get(client, url):
    return client.get(url).status_code


@pytest.mark.parametrize("persona", ["alice", "head", "bob", "complaint_officer", "surveyor"])
def test_unit_staff_see_their_own_unit(world, login, persona):
    client = login(getattr(world, persona))
    assert get(client, "/kelola/unit/dpmptsp/") == 200


@pytest.mark.parametrize("persona", ["alice", "head", "bob", "surveyor", "mpp_manager"])
def test_an_officer_of_another_unit_gets_404(world, login, persona):
    client = login(getattr(world, persona))
    assert get(client, "/kelola/unit/dukcapil/") == 404
    assert get(client, "/kelola/unit/dukcapil/kalender/") == 404
    assert get(client, "/kelola/standar/unit/dukcapil/") == 404
    assert get(client, f"/kelola/gerai/{world.gerai_dukcapil_office.pk}/ubah/") == 404
    assert get(client, f"/kelola/loket/{world.counter_b1.pk}/ubah/") == 404


@pytest.mark.parametrize("persona", ["instansi_admin", "verifier", "evaluator"])
def test_instansi_roles_see_every_unit_of_their_instansi(world, login, persona):
    client = login(getattr(world, persona))
    assert get(client, "/kelola/unit/dpmptsp/") == 200
    assert get(client, "/kelola/unit/dukcapil/") == 200
    # …but not a unit of another instansi, even one in their MPP.
    assert get(client, "/kelola/unit/bpjs-bontang/") == 404


def test_the_evaluator_reads_but_cannot_change(world, login):
    client = login(world.evaluator)
    assert get(client, "/kelola/unit/dpmptsp/staf/") == 404
    assert get(client, "/kelola/unit/dpmptsp/gerai/tambah/") == 404
    response = client.post(
        "/kelola/unit/dpmptsp/kalender/", {"exc-day": "2026-12-28", "exc-kind": "closed", "exc-reason": "x"}
    )
    assert response.status_code == 404
    assert not world.dpmptsp.calendar_exceptions.exists()


def test_a_counter_officer_cannot_manage_the_unit(world, login):
    client = login(world.bob)
    assert get(client, "/kelola/unit/dpmptsp/staf/") == 404
    assert get(client, f"/kelola/loket/{world.counter_a1.pk}/ubah/") == 404


def test_the_unit_admin_manages_counters_of_the_unit(world, login):
    client = login(world.alice)
    assert get(client, f"/kelola/loket/{world.counter_a1.pk}/ubah/") == 200
    assert get(client, "/kelola/unit/dpmptsp/staf/") == 200


def test_the_mpp_manager_sees_every_gerai_of_the_mpp(world, login):
    client = login(world.mpp_manager)
    response = client.get("/kelola/lokasi/mpp/")
    assert response.status_code == 200
    for name in ["Gerai DPMPTSP", "Gerai Disdukcapil", "Gerai BPJS Kesehatan"]:
        assert name in response.content.decode()
    assert get(client, "/kelola/lokasi/mpp/jam/0/") == 200
    assert get(client, f"/kelola/gerai/{world.gerai_bpjs.pk}/ubah/") == 200
    # Counters are staffed by the tenant unit: the MPP manager does not edit them.
    assert get(client, f"/kelola/loket/{world.counter_c1.pk}/ubah/") == 404


def test_a_tenant_sees_only_its_own_gerai_in_the_mpp(world, login):
    client = login(world.dave)
    response = client.get("/kelola/lokasi/mpp/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Gerai BPJS Kesehatan" in body
    assert "Gerai Disdukcapil" not in body and "Gerai DPMPTSP" not in body
    assert get(client, "/kelola/lokasi/mpp/jam/0/") == 404
    assert get(client, f"/kelola/loket/{world.counter_a1.pk}/ubah/") == 404
    assert get(client, f"/kelola/loket/{world.counter_c1.pk}/ubah/") == 200


def test_a_unit_without_a_gerai_there_does_not_see_the_location(world, login):
    other = world.dukcapil_office
    client = login(world.alice)
    assert get(client, f"/kelola/lokasi/{other.slug}/") == 404


def test_only_the_instansi_admin_edits_holidays(world, login):
    assert get(login(world.instansi_admin), "/kelola/instansi/kota-bontang/hari-libur/") == 200
    for persona in ["alice", "verifier", "evaluator", "mpp_manager", "dave"]:
        assert get(login(getattr(world, persona)), "/kelola/instansi/kota-bontang/hari-libur/") == 404


def test_an_account_without_a_role_is_refused(world, login):
    assert get(login(world.nobody), "/akun/beranda/") == 403
    assert get(login(world.nobody), "/kelola/unit/dpmptsp/") == 403


def test_anonymous_visitors_are_sent_to_login(world, client):
    response = client.get("/kelola/unit/dpmptsp/")
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/masuk/")


def test_django_admin_is_for_superusers_only(world, login, client):
    assert login(world.instansi_admin).get("/django-admin/").status_code == 302
    world.alice.is_staff = True
    world.alice.save()
    assert login(world.alice).get("/django-admin/").status_code == 302
    assert login(world.superuser).get("/django-admin/").status_code == 200


def test_visibility_selectors_agree_with_the_pages(world):
    assert set(selectors.units_visible_to(user=world.evaluator)) == {world.dpmptsp, world.dukcapil}
    assert set(selectors.units_managed_by(user=world.evaluator)) == set()
    assert set(selectors.gerai_visible_to(user=world.dave)) == {world.gerai_bpjs}
    assert set(selectors.gerai_visible_to(user=world.mpp_manager)) == {
        world.gerai_dpmptsp,
        world.gerai_dukcapil,
        world.gerai_bpjs,
    }
    assert set(selectors.locations_managed_by(user=world.charlie)) == {world.dukcapil_office}


def test_the_unit_page_reads_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    from mutu.organisations.models import Counter

    for n in range(10):
        Counter.objects.create(gerai=world.gerai_dpmptsp, code=f"X{n}", name=f"Loket {n}")
    client = login(world.alice)
    with django_assert_max_num_queries(12):
        assert client.get("/kelola/unit/dpmptsp/").status_code == 200
    manager = login(world.mpp_manager)
    with django_assert_max_num_queries(16):
        assert manager.get("/kelola/lokasi/mpp/").status_code == 200
