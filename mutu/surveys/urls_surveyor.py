"""URLs of the survey area 'surveyor' (joined into the one `surveys` namespace by urls.py)."""

from django.urls import path

from mutu.surveys import views_surveyor

urlpatterns = [
    path("kelola/survei/<int:survey_id>/entri/", views_surveyor.entry, name="entry"),
]
