import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from mutu.organisations.demo import DEFAULT_DEMO_PASSWORD, DEMO_ACCOUNTS
from mutu.organisations.models import Counter, Gerai, Location, Membership
from mutu.standards.models import Service, StandardVersion

APPS = ("core", "organisations", "standards", "queues", "auth")


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in APPS
        for model in apps.get_app_config(label).get_models()
    }


def _seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_running_it_twice_changes_no_row_count():
    _seed()
    first = _row_counts()
    _seed()
    assert _row_counts() == first
    assert first["standards.Service"] >= 15
    assert first["organisations.Holiday"] > 0


@pytest.mark.django_db
def test_it_lists_every_roles_login_on_every_run():
    _seed()
    output = _seed()
    for account in DEMO_ACCOUNTS:
        assert account.username in output
    for role in Membership.Role.values:
        assert role in output
    assert DEFAULT_DEMO_PASSWORD in output


@pytest.mark.django_db
def test_a_rerun_does_not_reset_passwords(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    _seed("--password", "first-pass-123")
    output = _seed("--password", "second-pass-456")
    assert "second-pass-456" not in output
    user = get_user_model().objects.get(username="loket.dpmptsp")
    assert user.check_password("first-pass-123")
    assert get_user_model().objects.get(username="superadmin").is_superuser


@pytest.mark.django_db
def test_every_service_has_a_complete_published_version():
    _seed()
    for service in Service.objects.all():
        version = service.versions.filter(status=StandardVersion.Status.PUBLISHED).order_by("-effective_date").first()
        assert version is not None, service
        assert version.requirements.exists(), service
        assert version.procedure_steps.exists(), service
        assert version.complaint_handling and version.legal_basis and version.service_guarantee
        assert version.counter_time_minutes and version.completion_time_value


@pytest.mark.django_db
def test_the_mpp_hosts_gerai_of_several_units_and_a_disability_counter():
    _seed()
    mpp = Location.objects.get(slug="mpp-bontang", kind=Location.Kind.MPP)
    gerai = Gerai.objects.filter(location=mpp).select_related("unit")
    assert len({g.unit_id for g in gerai}) >= 3
    assert any(g.unit.instansi_id != mpp.manager_unit.instansi_id for g in gerai)
    assert Counter.objects.filter(gerai__location=mpp, is_disability=True).exists()


@pytest.mark.django_db
def test_the_password_can_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "from-env-789")
    output = _seed()
    assert "from-env-789" in output
    assert get_user_model().objects.get(username="admin.kantah").check_password("from-env-789")


@pytest.mark.django_db
def test_the_demo_has_a_busy_day_with_compensations_and_a_voucher():
    from mutu.queues.models import Berkas, CompensationCase, PriorityVoucher, Ticket

    call_command("seed_demo", stdout=io.StringIO())
    assert Ticket.objects.filter(status="done").count() > 100
    assert CompensationCase.objects.filter(status="given").exists()
    assert CompensationCase.objects.filter(status="due").exists()
    assert Berkas.objects.filter(cases__trigger="berkas_late").exists()
    assert PriorityVoucher.objects.exists()
