"""URLs of the survey area 'results' (joined into the one `surveys` namespace by urls.py)."""

from django.urls import path

from mutu.surveys import views_results as views

urlpatterns = [
    path("kelola/survei/<int:survey_id>/hasil/", views.results, name="results"),
    path("kelola/survei/<int:survey_id>/hasil/publikasi/", views.publication, name="results_publication"),
    path("kelola/survei/<int:survey_id>/saran/", views.suggestion_list, name="suggestions"),
    path(
        "kelola/survei/<int:survey_id>/saran/<int:response_id>/unsur/",
        views.suggestion_tag,
        name="suggestion_tag",
    ),
    path("skm/<slug:unit_slug>/", views.public_unit, name="public_unit"),
    path("skm/<slug:unit_slug>/poster.pdf", views.poster, name="poster"),
]
