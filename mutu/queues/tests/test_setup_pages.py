"""Queue setup: lines, counter officers and kiosk tablets, and who may change what."""

import pytest
from django.conf import settings
from django.utils import translation

from mutu.core.errors import ApplicationError
from mutu.core.models import AuditEvent
from mutu.core.testing import Role, give_role, make_user
from mutu.organisations.models import Counter
from mutu.queues.models import CounterAssignment, Kiosk, QueueLine
from mutu.queues.selectors.tickets import hash_kiosk_secret
from mutu.queues.services.tickets import counter_assignment_add, queue_line_create, queue_line_update
from mutu.queues.testing import published_service

INDEX = "/kelola/antrean/"


@pytest.fixture
def as_user(client, login):
    def _as(user):
        c = login(user)
        c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return c

    return _as


# --- Services -----------------------------------------------------------------------------


def errors_of(call) -> dict:
    with translation.override("en"), pytest.raises(ApplicationError) as info:
        call()
    return info.value.field_errors


def test_a_line_is_created_with_its_counters_and_audited(queue_world):
    w = queue_world
    service, _v = published_service(unit=w.dpmptsp, name="PBG", slug="pbg")
    line = queue_line_create(gerai=w.gerai_dpmptsp, service=service, prefix="pb", counters=[w.counter_a1], by=w.alice)
    assert line.prefix == "PB" and list(line.counters.all()) == [w.counter_a1]
    audit = AuditEvent.objects.get(action="queue_line.create")
    assert audit.unit == w.dpmptsp and audit.after["counters"] == [w.counter_a1.pk]


def test_line_rules_prefix_service_and_counters_of_the_gerai(queue_world):
    w = queue_world
    service, _v = published_service(unit=w.dpmptsp, name="PBG", slug="pbg")
    for prefix in ("", "A1", "ABCD", "Ä", "A-"):
        assert "prefix" in errors_of(
            lambda p=prefix: queue_line_create(gerai=w.gerai_dpmptsp, service=service, prefix=p, by=w.alice)
        )
    assert "service" in errors_of(
        lambda: queue_line_create(gerai=w.gerai_dpmptsp, service=w.ktp, prefix="K", by=w.alice)
    )
    assert "counters" in errors_of(
        lambda: queue_line_create(
            gerai=w.gerai_dpmptsp, service=service, prefix="P", counters=[w.counter_b1], by=w.alice
        )
    )
    assert "service" in errors_of(
        lambda: queue_line_create(gerai=w.gerai_dpmptsp, service=w.reklame, prefix="R", by=w.alice)
    )
    assert QueueLine.objects.count() == 2


def test_a_line_update_changes_prefix_counters_and_activity(queue_world):
    w = queue_world
    second = Counter.objects.create(gerai=w.gerai_dpmptsp, code="A2", name="Loket 2")
    line = queue_line_update(
        line=w.line_a, service=w.reklame, prefix="R", counters=[second], position=3, is_active=False, by=w.alice
    )
    line.refresh_from_db()
    assert (line.prefix, line.position, line.is_active) == ("R", 3, False)
    assert list(line.counters.all()) == [second]
    audit = AuditEvent.objects.get(action="queue_line.update")
    assert audit.before["prefix"] == "A" and audit.after["prefix"] == "R"


def test_only_people_of_the_counters_unit_can_be_assigned(queue_world):
    w = queue_world
    assert "officer" in errors_of(lambda: counter_assignment_add(counter=w.counter_a1, officer=w.charlie, by=w.alice))
    assert "officer" in errors_of(lambda: counter_assignment_add(counter=w.counter_a1, officer=w.bob, by=w.alice))
    assignment = counter_assignment_add(counter=w.counter_a1, officer=w.surveyor, by=w.alice)
    assert assignment.officer == w.surveyor
    assert AuditEvent.objects.filter(action="counter_assignment.add", unit=w.dpmptsp).count() == 1


# --- Pages and permissions -------------------------------------------------------------


def test_a_unit_admin_sees_and_edits_only_their_units_lines(queue_world, as_user):
    w = queue_world
    body = as_user(w.alice).get(INDEX).content.decode()
    assert "Izin Reklame" in body and "KTP-el" not in body
    assert f"/kelola/antrean/layanan/{w.line_a.pk}/ubah/" in body
    assert f"/kelola/antrean/gerai/{w.gerai_dpmptsp.pk}/layanan/tambah/" in body


def test_another_units_admin_gets_404_for_our_lines_counters_and_gerai(queue_world, as_user):
    w = queue_world
    charlie = as_user(w.charlie)
    for url in (
        f"/kelola/antrean/layanan/{w.line_a.pk}/ubah/",
        f"/kelola/antrean/gerai/{w.gerai_dpmptsp.pk}/layanan/tambah/",
        f"/kelola/antrean/loket/{w.counter_a1.pk}/petugas/",
        "/kelola/antrean/lokasi/mpp/kios/",
    ):
        assert charlie.get(url).status_code == 404, url
    assignment = CounterAssignment.objects.get(counter=w.counter_a1)
    assert charlie.post(f"/kelola/antrean/penugasan/{assignment.pk}/hapus/").status_code == 404
    assert charlie.post(f"/kelola/antrean/layanan/{w.line_a.pk}/ubah/", {"prefix": "X"}).status_code == 404
    assert CounterAssignment.objects.filter(pk=assignment.pk).exists()
    assert QueueLine.objects.get(pk=w.line_a.pk).prefix == "A"
    body = charlie.get(INDEX).content.decode()
    assert "KTP-el" in body and "Izin Reklame" not in body


def test_a_tenant_sees_only_its_own_gerai_at_the_mpp(queue_world, as_user):
    w = queue_world
    body = as_user(w.dave).get(INDEX).content.decode()
    assert "Gerai BPJS Kesehatan" in body
    assert "Izin Reklame" not in body and "KTP-el" not in body
    assert "/kelola/antrean/lokasi/mpp/kios/" not in body
    assert as_user(w.dave).get("/kelola/antrean/lokasi/mpp/kios/").status_code == 404


def test_the_mpp_manager_sees_every_line_but_edits_only_their_units(queue_world, as_user):
    w = queue_world
    manager = as_user(w.mpp_manager)
    body = manager.get(INDEX).content.decode()
    assert "Izin Reklame" in body and "KTP-el" in body and "Gerai BPJS Kesehatan" in body
    assert f"/kelola/antrean/layanan/{w.line_a.pk}/ubah/" in body
    assert f"/kelola/antrean/layanan/{w.line_b.pk}/ubah/" not in body
    assert manager.get(f"/kelola/antrean/layanan/{w.line_b.pk}/ubah/").status_code == 404
    assert manager.get(f"/kelola/antrean/layanan/{w.line_a.pk}/ubah/").status_code == 200


def test_people_without_a_role_are_refused(queue_world, as_user, client):
    assert as_user(queue_world.nobody).get(INDEX).status_code == 403
    client.logout()
    assert client.get(INDEX).status_code == 302


def test_adding_and_editing_a_line_through_the_pages(queue_world, as_user):
    w = queue_world
    service, _v = published_service(unit=w.dpmptsp, name="PBG", slug="pbg")
    alice = as_user(w.alice)
    url = f"/kelola/antrean/gerai/{w.gerai_dpmptsp.pk}/layanan/tambah/"
    form = alice.get(url).content.decode()
    assert "PBG" in form and "KTP-el" not in form
    response = alice.post(url, {"service": service.pk, "prefix": "p", "counters": [w.counter_a1.pk], "position": 2})
    assert response.status_code == 302
    line = QueueLine.objects.get(service=service)
    assert line.prefix == "P" and line.position == 2
    bad = alice.post(url, {"service": service.pk, "prefix": "Q"})
    assert "This gerai already has a queue for this service." in bad.content.decode()
    edit = alice.post(
        f"/kelola/antrean/layanan/{line.pk}/ubah/", {"service": service.pk, "prefix": "PB", "position": 0}
    )
    assert edit.status_code == 302
    line.refresh_from_db()
    assert line.prefix == "PB" and not line.is_active and not line.counters.exists()


def test_a_counter_from_another_gerai_cannot_be_posted(queue_world, as_user):
    w = queue_world
    response = as_user(w.alice).post(
        f"/kelola/antrean/layanan/{w.line_a.pk}/ubah/",
        {"service": w.reklame.pk, "prefix": "A", "counters": [w.counter_b1.pk], "is_active": "on"},
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert list(QueueLine.objects.get(pk=w.line_a.pk).counters.all()) == [w.counter_a1]


def test_counter_officers_are_assigned_and_removed(queue_world, as_user):
    w = queue_world
    alice = as_user(w.alice)
    url = f"/kelola/antrean/loket/{w.counter_a1.pk}/petugas/"
    page = alice.get(url).content.decode()
    assert "bob" in page and 'value="' + str(w.charlie.pk) + '"' not in page
    assert alice.post(url, {"officer": w.head.pk}).status_code == 302
    assert CounterAssignment.objects.filter(counter=w.counter_a1, officer=w.head).exists()
    outsider = alice.post(url, {"officer": w.charlie.pk})
    assert outsider.status_code == 200 and not CounterAssignment.objects.filter(officer=w.charlie).exists()
    bob = CounterAssignment.objects.get(counter=w.counter_a1, officer=w.bob)
    assert alice.post(f"/kelola/antrean/penugasan/{bob.pk}/hapus/").status_code == 302
    assert not CounterAssignment.objects.filter(pk=bob.pk).exists()
    assert AuditEvent.objects.filter(action="counter_assignment.remove").count() == 1


def test_the_mpp_manager_registers_a_kiosk_and_sees_the_link_once(queue_world, as_user):
    w = queue_world
    manager = as_user(w.mpp_manager)
    url = "/kelola/antrean/lokasi/mpp/kios/"
    response = manager.post(url, {"name": "Lobi utama"})
    assert response.status_code == 302
    kiosk = Kiosk.objects.get()
    page = manager.get(url).content.decode()
    link_start = page.index("/antrean/kiosk/daftar/")
    secret = page[link_start:].split("/")[4]
    assert hash_kiosk_secret(secret) == kiosk.secret_hash
    assert "<svg" in page
    again = manager.get(url).content.decode()
    assert secret not in again and "/antrean/kiosk/daftar/" not in again
    assert "Lobi utama" in again
    assert AuditEvent.objects.filter(action="kiosk.register", unit=w.dpmptsp).exists()
    assert manager.post(f"/kelola/antrean/kios/{kiosk.pk}/nonaktifkan/").status_code == 302
    assert not Kiosk.objects.get().is_active


def test_a_unit_admin_registers_kiosks_for_their_own_office_only(queue_world, as_user):
    w = queue_world
    charlie = as_user(w.charlie)
    assert charlie.post("/kelola/antrean/lokasi/kantor-dukcapil/kios/", {"name": "Pintu depan"}).status_code == 302
    assert Kiosk.objects.get().location == w.dukcapil_office
    # Disdukcapil is a tenant at the MPP: the MPP's kiosks are not theirs.
    assert charlie.post("/kelola/antrean/lokasi/mpp/kios/", {"name": "X"}).status_code == 404
    kiosk = Kiosk.objects.get()
    assert as_user(w.alice).post(f"/kelola/antrean/kios/{kiosk.pk}/nonaktifkan/").status_code == 404
    assert Kiosk.objects.get().is_active


def test_a_kiosk_needs_a_name(queue_world, as_user):
    response = as_user(queue_world.mpp_manager).post("/kelola/antrean/lokasi/mpp/kios/", {"name": "   "})
    assert response.status_code == 200 and not Kiosk.objects.exists()


def test_a_new_counter_officer_of_the_unit_appears_in_the_choices(queue_world, as_user):
    w = queue_world
    newcomer = make_user("erin")
    give_role(newcomer, Role.COUNTER_OFFICER, instansi=w.bontang, unit=w.dpmptsp)
    page = as_user(w.alice).get(f"/kelola/antrean/loket/{w.counter_a1.pk}/petugas/").content.decode()
    assert "erin" in page
