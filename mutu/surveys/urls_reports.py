"""URLs of the survey area 'reports' (joined into the one `surveys` namespace by urls.py)."""

from django.urls import path

from mutu.surveys import views_reports as views

urlpatterns = [
    path("kelola/survei/<int:survey_id>/laporan.pdf", views.report_pdf, name="report_pdf"),
    path("kelola/survei/<int:survey_id>/laporan.xlsx", views.report_xlsx, name="report_xlsx"),
    path("kelola/survei/<int:survey_id>/analisis/", views.analysis, name="analysis"),
    path("kelola/survei/<int:survey_id>/tindak-lanjut/", views.follow_ups, name="follow_ups"),
    path("kelola/survei/<int:survey_id>/tindak-lanjut/<int:action_id>/", views.follow_up_edit, name="follow_up_edit"),
    path(
        "kelola/survei/<int:survey_id>/tindak-lanjut/<int:action_id>/bukti/",
        views.follow_up_evidence,
        name="follow_up_evidence",
    ),
]
