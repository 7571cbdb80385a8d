"""URLs of the survey area 'planning' (joined into the one `surveys` namespace by urls.py)."""

from django.urls import path

from mutu.surveys import views_planning as views

urlpatterns = [
    path("kelola/survei/", views.survey_list, name="list"),
    path("kelola/survei/baru/", views.survey_create, name="create"),
    path("kelola/survei/<int:survey_id>/", views.survey_detail, name="detail"),
    path("kelola/survei/<int:survey_id>/ubah/", views.survey_edit, name="edit"),
    path("kelola/survei/<int:survey_id>/buka/", views.survey_open, name="survey_open"),
    path("kelola/survei/<int:survey_id>/tutup/", views.survey_close, name="survey_close"),
    path("kelola/survei/kuesioner/unit/<slug:unit_slug>/", views.questionnaire_list, name="questionnaires"),
    path("kelola/survei/kuesioner/unit/<slug:unit_slug>/baru/", views.questionnaire_new, name="questionnaire_new"),
    path("kelola/survei/kuesioner/<int:questionnaire_id>/", views.questionnaire_detail, name="questionnaire"),
    path(
        "kelola/survei/kuesioner/<int:questionnaire_id>/pertanyaan/baru/",
        views.question_add,
        name="question_add",
    ),
    path("kelola/survei/kuesioner/pertanyaan/<int:question_id>/ubah/", views.question_edit, name="question_edit"),
    path("kelola/survei/kuesioner/pertanyaan/<int:question_id>/hapus/", views.question_remove, name="question_remove"),
    path("kelola/survei/kuesioner/pertanyaan/<int:question_id>/pindah/", views.question_move, name="question_move"),
]
