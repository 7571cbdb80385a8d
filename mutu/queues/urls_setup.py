from django.urls import path

from mutu.queues.views import setup

app_name = "queue_setup"
urlpatterns = [
    path("", setup.index, name="index"),
    path("gerai/<int:gerai_pk>/layanan/tambah/", setup.line_add, name="line_add"),
    path("layanan/<int:pk>/ubah/", setup.line_edit, name="line_edit"),
    path("loket/<int:counter_pk>/petugas/", setup.counter_officers, name="counter_officers"),
    path("penugasan/<int:pk>/hapus/", setup.assignment_remove, name="assignment_remove"),
    path("lokasi/<slug:slug>/kios/", setup.kiosks, name="kiosks"),
    path("kios/<int:pk>/nonaktifkan/", setup.kiosk_deactivate, name="kiosk_deactivate"),
]
