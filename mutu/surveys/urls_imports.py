"""URLs of the survey area 'imports' (joined into the one `surveys` namespace by urls.py)."""

from django.urls import path

from mutu.surveys import views_imports as views

urlpatterns = [
    path("kelola/survei/<int:survey_id>/impor/", views.imports, name="imports"),
    path("kelola/survei/<int:survey_id>/impor/<int:batch_id>/", views.import_batch, name="import_batch"),
    path("kelola/survei/<int:survey_id>/impor/<int:batch_id>/mulai/", views.import_start, name="import_start"),
    path("kelola/survei/<int:survey_id>/impor/<int:batch_id>/progres/", views.import_progress, name="import_progress"),
]
