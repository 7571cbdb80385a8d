"""URLs of the complaints area 'deadlines' (joined into the one `complaints` namespace by urls.py)."""

from django.urls import path

from mutu.complaints import views_deadlines as views

urlpatterns = [
    path("kelola/pengaduan/tenggat/", views.deadline_rules, name="deadline_rules"),
    path(
        "kelola/pengaduan/tenggat/instansi/<slug:instansi_slug>/",
        views.deadline_rules_instansi,
        name="deadline_rules_instansi",
    ),
    path("kelola/pengaduan/tenggat/unit/<slug:unit_slug>/", views.deadline_rules_unit, name="deadline_rules_unit"),
]
