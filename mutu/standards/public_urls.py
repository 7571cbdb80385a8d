from django.urls import path

from mutu.standards import public_views as views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("unit/<slug:slug>/", views.unit, name="unit"),
    path("unit/<slug:unit_slug>/layanan/<slug:service_slug>/", views.service, name="service"),
    path(
        "unit/<slug:unit_slug>/layanan/<slug:service_slug>/cetak.pdf",
        views.service_pdf,
        name="service_pdf",
    ),
    path("lokasi/", views.locations, name="locations"),
    path("lokasi/<slug:slug>/", views.location, name="location"),
]
