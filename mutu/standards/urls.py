from django.urls import path

from mutu.standards import views

app_name = "standards"
urlpatterns = [
    path("unit/<slug:slug>/", views.unit_standards, name="unit_standards"),
    path("unit/<slug:slug>/tambah/", views.service_add, name="service_add"),
    path("unit/<slug:slug>/maklumat/", views.maklumat, name="maklumat"),
    path("layanan/<int:pk>/", views.service_detail, name="service"),
    path("layanan/<int:pk>/draf-baru/", views.draft_start, name="draft_start"),
    path("layanan/<int:pk>/banding/", views.version_compare, name="compare"),
    path("versi/<int:pk>/", views.version_detail, name="version"),
    path("versi/<int:pk>/ubah/", views.draft_edit, name="draft_edit"),
    path("versi/<int:pk>/terbitkan/", views.version_publish, name="publish"),
    path("versi/<int:pk>/buang/", views.draft_discard, name="draft_discard"),
    path("versi/<int:pk>/tata-kelola/", views.version_governance, name="governance"),
    path("versi/<int:pk>/konsultasi/", views.consultation_add, name="consultation_add"),
]
