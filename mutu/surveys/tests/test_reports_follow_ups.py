"""Rencana tindak lanjut and the analysis text: services, pages and who may use them.

alice administers DPMPTSP (owner of both the unit survey and the MPP survey); the unit head
may plan too; bob (counter officer) and charlie (Disdukcapil) get 404 on DPMPTSP's plan;
charlie and dave (BPJS) are tenants of the MPP and plan their own unit's actions there.
"""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from mutu.core.errors import ApplicationError
from mutu.core.models import AuditEvent
from mutu.core.testing import tiny_pdf
from mutu.surveys.models import FollowUpAction, Survey
from mutu.surveys.selectors_reports import follow_up_access
from mutu.surveys.services_reports import add_follow_up, update_follow_up, update_survey_analysis
from mutu.surveys.testing import SKM_CODES, add_response

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)
PDF = tiny_pdf()


@pytest.fixture(autouse=True)
def _english_messages_and_private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    with translation.override("en"):
        yield


@pytest.fixture
def fw(survey_world):
    w = survey_world
    with time_machine.travel(NOW, tick=False):
        # U3 is the weakest, then U8.
        add_response(w.survey, answers=dict(zip(SKM_CODES, (4, 4, 1, 4, 4, 4, 4, 2, 3), strict=True)), now=NOW)
        add_response(w.survey, answers=dict(zip(SKM_CODES, (4, 3, 2, 4, 4, 4, 4, 2, 4), strict=True)), now=NOW)
    return w


def client_for(user) -> Client:
    client = Client()
    client.cookies["mutu_language"] = "en"
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def plan(w, survey=None, **overrides):
    data = {
        "survey": survey or w.survey,
        "unsur": "waktu",
        "action": "Membuka loket tambahan",
        "responsible": "Sekretaris",
        "due_date": dt.date(2026, 9, 30),
        "by": w.alice,
        "now": NOW,
    }
    return add_follow_up(**{**data, **overrides})


def errors_of(call) -> dict:
    with pytest.raises(ApplicationError) as info:
        call()
    return info.value.field_errors


# --- services -------------------------------------------------------------------------------------


def test_adding_an_action_plans_it_and_writes_an_audit_row(fw):
    action = plan(fw)
    assert (action.unit, action.status, action.created_by) == (fw.dpmptsp, FollowUpAction.Status.PLANNED, fw.alice)
    audit = AuditEvent.objects.get(action="survey.follow_up.add")
    assert audit.object_id == str(action.pk)
    assert audit.after["action"] == "Membuka loket tambahan"


def test_an_action_needs_its_fields_and_a_due_date_after_the_survey_started(fw):
    errors = errors_of(lambda: plan(fw, unsur="maklumat", action="  ", responsible="", due_date=dt.date(2026, 1, 1)))
    assert errors["unsur"] == ["Choose one of the nine unsur."]
    assert errors["action"] == ["Please fill in this field."]
    assert errors["responsible"] == ["Please fill in this field."]
    assert errors["due_date"] == ["The date must be after the survey started (1 January 2026)."]
    assert not FollowUpAction.objects.exists()


def test_a_due_date_is_required_and_not_decades_away(fw):
    assert errors_of(lambda: plan(fw, due_date=None))["due_date"] == ["Please enter the date by which it will be done."]
    assert errors_of(lambda: plan(fw, due_date=dt.date(2040, 1, 1)))["due_date"] == [
        "The date is too far away: plan within three years of the survey."
    ]


def test_an_action_belongs_to_a_unit_of_the_survey(fw):
    assert errors_of(lambda: plan(fw, unit=fw.dukcapil))["unit"] == ["This unit is not part of the survey."]
    action = plan(fw, survey=fw.mpp_survey, unit=fw.bpjs)
    assert action.unit == fw.bpjs


def test_progress_is_recorded_with_a_before_and_after_audit(fw):
    action = plan(fw)
    update_follow_up(follow_up=action, status="in_progress", progress_note="Loket disiapkan", by=fw.alice, now=NOW)
    action.refresh_from_db()
    assert (action.status, action.progress_note) == ("in_progress", "Loket disiapkan")
    audit = AuditEvent.objects.get(action="survey.follow_up.update")
    assert audit.before["status"] == "planned"
    assert audit.after["status"] == "in_progress"


def test_done_needs_a_note_or_evidence_and_dropped_needs_a_reason(fw):
    action = plan(fw)
    errors = errors_of(lambda: update_follow_up(follow_up=action, status="done", progress_note="", by=fw.alice))
    assert errors["progress_note"] == [
        "Describe what was done, or attach a file as evidence, before marking the action done."
    ]
    errors = errors_of(lambda: update_follow_up(follow_up=action, status="dropped", progress_note=" ", by=fw.alice))
    assert errors["progress_note"] == ["Explain why the action was dropped."]
    evidence = SimpleUploadedFile("bukti.pdf", PDF, "application/pdf")
    update_follow_up(follow_up=action, status="done", progress_note="", evidence=evidence, by=fw.alice)
    action.refresh_from_db()
    assert action.status == "done"
    assert action.evidence.unit == fw.dpmptsp
    assert action.evidence.purpose == "survey.follow_up_evidence"


def test_a_file_that_is_not_a_pdf_or_image_is_refused_next_to_the_evidence_field(fw):
    action = plan(fw)
    bad = SimpleUploadedFile("bukti.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    errors = errors_of(
        lambda: update_follow_up(follow_up=action, status="done", progress_note="x", evidence=bad, by=fw.alice)
    )
    assert errors["evidence"] == ["Only PDF, PNG and JPEG files are accepted."]
    action.refresh_from_db()
    assert action.status == "planned"


def test_an_unknown_status_is_refused(fw):
    action = plan(fw)
    errors = errors_of(lambda: update_follow_up(follow_up=action, status="finished", progress_note="", by=fw.alice))
    assert errors["status"] == ["Choose one of the listed statuses."]


def test_the_analysis_is_saved_trimmed_with_an_audit_row(fw):
    update_survey_analysis(survey=fw.survey, analysis="  Waktu masih lama.  ", by=fw.alice, now=NOW)
    assert Survey.objects.get(pk=fw.survey.pk).analysis == "Waktu masih lama."
    assert AuditEvent.objects.get(action="survey.analysis").after == {"analysis": "Waktu masih lama."}
    errors = errors_of(lambda: update_survey_analysis(survey=fw.survey, analysis="x" * 20_001, by=fw.alice))
    assert errors["analysis"] == ["Please keep the analysis under 20,000 characters."]


# --- who may plan ---------------------------------------------------------------------------------------


def test_the_surveys_administrators_and_head_plan_every_units_actions(fw):
    assert follow_up_access(user=fw.alice, survey=fw.mpp_survey).unit_ids is None
    assert follow_up_access(user=fw.head, survey=fw.survey).unit_ids is None


def test_tenants_plan_only_their_own_units_actions_in_an_mpp_survey(fw):
    assert follow_up_access(user=fw.dave, survey=fw.mpp_survey).unit_ids == {fw.bpjs.pk}
    assert follow_up_access(user=fw.charlie, survey=fw.mpp_survey).unit_ids == {fw.dukcapil.pk}


def test_other_units_and_other_roles_have_no_access(fw):
    assert follow_up_access(user=fw.charlie, survey=fw.survey) is None
    assert follow_up_access(user=fw.dave, survey=fw.survey) is None
    assert follow_up_access(user=fw.bob, survey=fw.survey) is None
    assert follow_up_access(user=fw.surveyor, survey=fw.mpp_survey) is None


# --- pages ------------------------------------------------------------------------------------------


def url(name, *args):
    return reverse(f"surveys:{name}", args=args)


def test_the_plan_page_suggests_the_weakest_unsur_first(fw):
    response = client_for(fw.alice).get(url("follow_ups", fw.survey.pk))
    assert response.status_code == 200
    choices = [key for key, _label in response.context["form"].fields["unsur"].choices]
    assert choices[:2] == ["waktu", "pengaduan"]
    assert response.context["form"].fields["unsur"].initial == "waktu"
    assert "U3 Waktu Penyelesaian" in response.content.decode()


def test_adding_an_action_through_the_page(fw):
    response = client_for(fw.alice).post(
        url("follow_ups", fw.survey.pk),
        {
            "unit": fw.dpmptsp.pk,
            "unsur": "waktu",
            "action": "Loket tambahan",
            "responsible": "Kabid Pelayanan",
            "due_date": "2026-06-30",
        },
    )
    assert response.status_code == 302
    assert FollowUpAction.objects.get().action == "Loket tambahan"


def test_a_bad_date_comes_back_next_to_its_field_with_what_was_typed(fw):
    response = client_for(fw.alice).post(
        url("follow_ups", fw.survey.pk),
        {"unit": fw.dpmptsp.pk, "unsur": "waktu", "action": "Loket", "responsible": "Kabid", "due_date": "2025-12-01"},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["due_date"] == [
        "The date must be after the survey started (1 January 2026)."
    ]
    assert 'value="Kabid"' in response.content.decode()
    assert not FollowUpAction.objects.exists()


def test_charlie_and_bob_get_404_on_dpmptsps_plan(fw):
    action = plan(fw)
    for user in (fw.charlie, fw.bob):
        client = client_for(user)
        assert client.get(url("follow_ups", fw.survey.pk)).status_code == 404
        assert client.post(url("follow_ups", fw.survey.pk), {"unsur": "waktu"}).status_code == 404
        assert client.get(url("follow_up_edit", fw.survey.pk, action.pk)).status_code == 404


def test_a_tenant_sees_and_updates_only_its_own_actions_in_the_mpp_plan(fw):
    own = plan(fw, survey=fw.mpp_survey, unit=fw.bpjs, action="Perbaikan ruang tunggu BPJS")
    other = plan(fw, survey=fw.mpp_survey, unit=fw.dukcapil, action="Pelatihan petugas Disdukcapil")
    dave = client_for(fw.dave)
    page = dave.get(url("follow_ups", fw.mpp_survey.pk))
    assert page.status_code == 200
    assert "Perbaikan ruang tunggu BPJS" in page.content.decode()
    assert "Pelatihan petugas Disdukcapil" not in page.content.decode()
    assert [c for c, _l in page.context["form"].fields["unit"].choices] == [fw.bpjs.pk]
    assert dave.get(url("follow_up_edit", fw.mpp_survey.pk, other.pk)).status_code == 404
    response = dave.post(
        url("follow_up_edit", fw.mpp_survey.pk, own.pk),
        {"status": "in_progress", "progress_note": "Kursi baru dipesan", "due_date": "2026-09-30"},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == "in_progress"
    # Planning for another tenant is refused (the unit is not among the choices).
    response = dave.post(
        url("follow_ups", fw.mpp_survey.pk),
        {"unit": fw.dukcapil.pk, "unsur": "waktu", "action": "x", "responsible": "y", "due_date": "2026-06-30"},
    )
    assert response.status_code == 422
    assert FollowUpAction.objects.filter(unit=fw.dukcapil).count() == 1


def test_evidence_is_uploaded_and_downloaded_only_by_those_who_see_the_action(fw):
    action = plan(fw)
    alice = client_for(fw.alice)
    response = alice.post(
        url("follow_up_edit", fw.survey.pk, action.pk),
        {
            "status": "done",
            "progress_note": "",
            "due_date": "2026-09-30",
            "evidence": SimpleUploadedFile("bukti.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302
    download = alice.get(url("follow_up_evidence", fw.survey.pk, action.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert download["Content-Disposition"].startswith("attachment;")
    assert client_for(fw.charlie).get(url("follow_up_evidence", fw.survey.pk, action.pk)).status_code == 404
    page = alice.get(url("follow_ups", fw.survey.pk)).content.decode()
    assert url("follow_up_evidence", fw.survey.pk, action.pk) in page


def test_marking_done_without_a_note_or_evidence_shows_the_message(fw):
    action = plan(fw)
    response = client_for(fw.alice).post(
        url("follow_up_edit", fw.survey.pk, action.pk),
        {"status": "done", "progress_note": "", "due_date": "2026-09-30"},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["progress_note"] == [
        "Describe what was done, or attach a file as evidence, before marking the action done."
    ]


def test_the_plan_page_lists_the_previous_periods_actions(fw):
    previous = Survey.objects.create(
        unit=fw.dpmptsp,
        name="SKM Semester II 2025",
        slug="skm-2025-2",
        starts_on=dt.date(2025, 7, 1),
        ends_on=dt.date(2025, 12, 31),
        questionnaire=fw.survey.questionnaire,
        created_at=NOW,
    )
    plan(fw, survey=previous, action="Aksi periode lalu", due_date=dt.date(2025, 12, 1))
    page = client_for(fw.alice).get(url("follow_ups", fw.survey.pk)).content.decode()
    assert "SKM Semester II 2025" in page
    assert "Aksi periode lalu" in page


def test_the_analysis_page_saves_the_text_for_administrators_only(fw):
    response = client_for(fw.alice).post(url("analysis", fw.survey.pk), {"analysis": "Waktu penyelesaian lambat."})
    assert response.status_code == 302
    assert Survey.objects.get(pk=fw.survey.pk).analysis == "Waktu penyelesaian lambat."
    page = client_for(fw.alice).get(url("analysis", fw.survey.pk))
    assert page.status_code == 200
    assert "Waktu penyelesaian lambat." in page.content.decode()
    for user in (fw.charlie, fw.bob, fw.dave):
        assert client_for(user).get(url("analysis", fw.survey.pk)).status_code == 404
        assert client_for(user).post(url("analysis", fw.survey.pk), {"analysis": "x"}).status_code == 404


def test_a_too_long_analysis_is_refused_with_the_field_message(fw):
    response = client_for(fw.alice).post(url("analysis", fw.survey.pk), {"analysis": "x" * 20_001})
    assert response.status_code == 422
    assert response.context["form"].errors["analysis"]


def test_pages_without_a_login_redirect_and_without_a_role_are_403(fw):
    assert Client().get(url("follow_ups", fw.survey.pk)).status_code == 302
    assert client_for(fw.nobody).get(url("follow_ups", fw.survey.pk)).status_code == 403
