"""The deadline rules page: instansi admins set the instansi's rules, unit admins their unit's;
defaults show where nothing is set; everyone else gets a 404."""

import pytest
from django.urls import reverse

from mutu.complaints.models import DayKind, DeadlinePolicy, Stage

pytestmark = pytest.mark.django_db
INDEX = reverse("complaints:deadline_rules")


def instansi_url(w):
    return reverse("complaints:deadline_rules_instansi", args=[w.bontang.slug])


def unit_url(unit):
    return reverse("complaints:deadline_rules_unit", args=[unit.slug])


def rule_post(stage=Stage.FIRST_RESPONSE, days="4", kind=DayKind.WORKING, remind="1", custom=True):
    data = {f"{stage}_days": days, f"{stage}_day_kind": kind, f"{stage}_remind": remind}
    if custom:
        data[f"{stage}_custom"] = "on"
    return data


def test_the_instansi_admin_sees_the_lapor_defaults_where_nothing_is_set(world, login):
    page = login(world.instansi_admin).get(INDEX)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Pemerintah Kota Bontang" in html and "DPMPTSP Kota Bontang" in html
    assert "Disdukcapil Kota Bontang" in html
    assert "SP4N-LAPOR!" in html


def test_the_instansi_admin_sets_the_instansi_rule_in_indonesian(world, login):
    client = login(world.instansi_admin)
    form = client.get(instansi_url(world))
    assert form.status_code == 200 and '<html lang="id">' in form.content.decode()
    response = client.post(instansi_url(world), rule_post())
    assert response.status_code == 302
    row = DeadlinePolicy.objects.get(instansi=world.bontang, unit__isnull=True, stage=Stage.FIRST_RESPONSE)
    assert (row.days, row.day_kind, row.remind_days_before) == (4, DayKind.WORKING, 1)
    assert DeadlinePolicy.objects.count() == 1


def test_a_unit_admin_overrides_for_the_unit_only(world, login):
    client = login(world.alice)
    index = client.get(INDEX)
    assert index.status_code == 200
    html = index.content.decode()
    assert "DPMPTSP Kota Bontang" in html and "Disdukcapil" not in html
    assert client.get(instansi_url(world)).status_code == 404
    response = client.post(unit_url(world.dpmptsp), rule_post(days="2", kind=DayKind.CALENDAR))
    assert response.status_code == 302
    row = DeadlinePolicy.objects.get(unit=world.dpmptsp)
    assert row.instansi_id == world.bontang.pk and row.day_kind == DayKind.CALENDAR


def test_unticking_removes_the_units_rule(world, login):
    DeadlinePolicy.objects.create(instansi=world.bontang, unit=world.dpmptsp, stage=Stage.FIRST_RESPONSE, days=2)
    login(world.alice).post(unit_url(world.dpmptsp), rule_post(custom=False))
    assert not DeadlinePolicy.objects.exists()


def test_a_bad_value_is_explained_next_to_its_field(world, login):
    response = login(world.alice).post(unit_url(world.dpmptsp), rule_post(days="", remind="1"))
    assert response.status_code == 200
    assert 'id="id_first_response_days_error"' in response.content.decode()
    assert not DeadlinePolicy.objects.exists()
    response = login(world.alice).post(unit_url(world.dpmptsp), rule_post(days="3", remind="5"))
    assert response.status_code == 200 and 'id="id_first_response_remind_error"' in response.content.decode()


@pytest.mark.parametrize("persona", ["charlie", "dave", "head", "complaint_officer", "bob"])
def test_other_people_cannot_open_the_dpmptsp_rules(world, login, persona):
    client = login(getattr(world, persona))
    assert client.get(unit_url(world.dpmptsp)).status_code == 404
    assert client.post(unit_url(world.dpmptsp), rule_post()).status_code == 404
    assert not DeadlinePolicy.objects.exists()


@pytest.mark.parametrize("persona", ["verifier", "complaint_officer", "bob", "nobody", "head"])
def test_people_who_set_no_rules_get_404_on_the_index(world, login, persona):
    assert login(getattr(world, persona)).get(INDEX).status_code == 404


def test_the_rules_page_needs_a_login(client):
    assert client.get(INDEX).status_code == 302
