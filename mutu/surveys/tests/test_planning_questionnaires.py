"""Questionnaire versions: copy, reword, relabel, add and remove own questions; locked versions stay."""

import datetime as dt

import pytest
from django.urls import reverse

from mutu.core.errors import ApplicationError
from mutu.surveys.models import Question, Questionnaire, ScaleOption
from mutu.surveys.services import template_questionnaire
from mutu.surveys.services_planning import (
    copy_questionnaire,
    open_survey,
    question_add,
    question_move,
    question_remove,
    question_update,
    survey_plan_create,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def draft(world):
    return copy_questionnaire(unit=world.dpmptsp, by=world.alice, now=NOW)


def _labels(question):
    return list(ScaleOption.objects.filter(scale_id=question.scale_id).values_list("label", flat=True))


def test_a_new_version_copies_the_template_with_its_own_scales(world, draft):
    template = template_questionnaire()
    assert (draft.unit, draft.number, draft.based_on, draft.is_locked) == (world.dpmptsp, 1, template, False)
    copied = list(draft.questions.order_by("position"))
    original = list(template.questions.order_by("position"))
    assert [(q.code, q.unsur, q.text) for q in copied] == [(q.code, q.unsur, q.text) for q in original]
    assert not {q.scale_id for q in copied} & {q.scale_id for q in original}
    assert _labels(copied[0]) == _labels(original[0])


def test_the_next_version_copies_the_units_newest(world, draft):
    question_add(questionnaire=draft, by=world.alice, kind="text", code="P1", text="Apa yang paling membantu?")
    second = copy_questionnaire(unit=world.dpmptsp, by=world.alice, now=NOW)
    assert second.number == 2 and second.based_on == draft
    assert second.questions.filter(code="P1", kind="text").exists()


def test_rewording_and_relabelling_an_unsur_question_leaves_the_template_alone(world, draft):
    u3 = draft.questions.get(code="U3")
    question_update(
        question=u3,
        by=world.alice,
        text="Bagaimana kecepatan pelayanan izin?",
        labels=["Lambat sekali", "Lambat", "Cepat", "Cepat sekali"],
    )
    u3.refresh_from_db()
    assert u3.text == "Bagaimana kecepatan pelayanan izin?"
    assert _labels(u3) == ["Lambat sekali", "Lambat", "Cepat", "Cepat sekali"]
    assert u3.unsur == "waktu"
    template_u3 = template_questionnaire().questions.get(code="U3")
    assert _labels(template_u3) == ["Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"]


def test_an_own_question_is_added_at_the_end_and_can_be_removed(world, draft):
    question = question_add(
        questionnaire=draft,
        by=world.alice,
        kind="scale",
        code="p1",
        text="Bagaimana kenyamanan ruang tunggu?",
        labels=["Tidak nyaman", "Kurang nyaman", "Nyaman", "Sangat nyaman"],
    )
    assert (question.code, question.position, question.unsur) == ("P1", 10, "")
    assert _labels(question) == ["Tidak nyaman", "Kurang nyaman", "Nyaman", "Sangat nyaman"]
    question_remove(question=question, by=world.alice)
    assert not draft.questions.filter(code="P1").exists()


def test_removing_an_unsur_question_is_refused(world, draft):
    with pytest.raises(ApplicationError) as caught:
        question_remove(question=draft.questions.get(code="U8"), by=world.alice)
    assert "U8" in caught.value.message
    assert draft.questions.filter(unsur__gt="").count() == 9


def test_bad_new_questions_are_refused_with_field_messages(world, draft):
    with pytest.raises(ApplicationError) as caught:
        question_add(questionnaire=draft, by=world.alice, kind="scale", code="U1", text="", labels=["a", "", "c", "d"])
    assert set(caught.value.field_errors) == {"code", "text", "labels"}


def test_questions_move_up_and_down(world, draft):
    u2 = draft.questions.get(code="U2")
    assert question_move(question=u2, by=world.alice, up=True)
    assert list(draft.questions.order_by("position").values_list("code", flat=True))[:3] == ["U2", "U1", "U3"]
    first = draft.questions.get(code="U2")
    assert not question_move(question=first, by=world.alice, up=True)


def test_a_version_used_by_an_open_survey_is_locked(world, draft):
    survey = survey_plan_create(
        unit=world.dpmptsp,
        by=world.alice,
        name="SKM",
        slug="skm",
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2026, 12, 31),
        questionnaire=draft,
        population=100,
        now=NOW,
    )
    open_survey(survey=survey, by=world.alice, now=NOW)
    question = Question.objects.get(questionnaire=draft, code="U1")
    with pytest.raises(ApplicationError):
        question_update(question=question, by=world.alice, text="Baru", labels=["a", "b", "c", "d"])
    with pytest.raises(ApplicationError):
        question_add(questionnaire=draft, by=world.alice, kind="text", code="P9", text="Saran?")
    assert Question.objects.get(pk=question.pk).text != "Baru"


# --- pages ------------------------------------------------------------------------------------


def test_the_unit_admin_makes_and_edits_a_version_through_the_pages(world, login):
    client = login(world.alice)
    page = client.get(reverse("surveys:questionnaires", args=["dpmptsp"]))
    assert page.status_code == 200
    response = client.post(reverse("surveys:questionnaire_new", args=["dpmptsp"]))
    draft = Questionnaire.objects.get(unit=world.dpmptsp)
    assert response["Location"] == reverse("surveys:questionnaire", args=[draft.pk])
    u1 = draft.questions.get(code="U1")
    response = client.post(
        reverse("surveys:question_edit", args=[u1.pk]),
        {
            "text": "Apakah persyaratan jelas?",
            "is_required": "on",
            "label_1": "Tidak",
            "label_2": "Kurang",
            "label_3": "Jelas",
            "label_4": "Sangat jelas",
        },
    )
    assert response.status_code == 302
    assert Question.objects.get(pk=u1.pk).text == "Apakah persyaratan jelas?"
    response = client.post(
        reverse("surveys:question_add", args=[draft.pk]),
        {
            "kind": "text",
            "code": "P1",
            "text": "Saran lain?",
            "label_1": "",
            "label_2": "",
            "label_3": "",
            "label_4": "",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("surveys:questionnaire", args=[draft.pk])).content.decode()
    assert "Apakah persyaratan jelas?" in page and "Saran lain?" in page


def test_the_remove_button_refuses_an_unsur_question_kindly(world, login, draft):
    client = login(world.alice)
    u9 = draft.questions.get(code="U9")
    response = client.post(reverse("surveys:question_remove", args=[u9.pk]), follow=True)
    assert Question.objects.filter(pk=u9.pk).exists()
    assert "U9" in response.content.decode()


def test_an_empty_label_keeps_what_was_typed(world, login, draft):
    u1 = draft.questions.get(code="U1")
    response = login(world.alice).post(
        reverse("surveys:question_edit", args=[u1.pk]),
        {"text": "Teks baru yang diketik", "label_1": "", "label_2": "b", "label_3": "c", "label_4": "d"},
    )
    assert response.status_code == 200
    assert "label_1" in response.context["form"].errors
    assert "Teks baru yang diketik" in response.content.decode()


def test_the_template_and_locked_versions_are_read_only_on_the_page(world, login):
    client = login(world.alice)
    template = template_questionnaire()
    page = client.get(reverse("surveys:questionnaire", args=[template.pk])).content.decode()
    assert reverse("surveys:question_edit", args=[template.questions.first().pk]) not in page
    assert client.get(reverse("surveys:question_edit", args=[template.questions.first().pk])).status_code == 403


def test_another_units_admin_gets_404_and_a_surveyor_403(world, login, draft):
    u1 = draft.questions.get(code="U1")
    charlie = login(world.charlie)
    assert charlie.get(reverse("surveys:questionnaires", args=["dpmptsp"])).status_code == 404
    assert charlie.get(reverse("surveys:questionnaire", args=[draft.pk])).status_code == 404
    assert charlie.get(reverse("surveys:question_edit", args=[u1.pk])).status_code == 404
    assert charlie.post(reverse("surveys:questionnaire_new", args=["dpmptsp"])).status_code == 404
    surveyor = login(world.surveyor)
    assert surveyor.get(reverse("surveys:questionnaire", args=[draft.pk])).status_code == 200
    assert surveyor.get(reverse("surveys:question_edit", args=[u1.pk])).status_code == 403
    assert surveyor.post(reverse("surveys:questionnaire_new", args=["dpmptsp"])).status_code == 403
    assert Questionnaire.objects.filter(unit=world.dpmptsp).count() == 1
