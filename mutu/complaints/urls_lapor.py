"""URLs of the complaints area 'lapor' (joined into the one `complaints` namespace by urls.py)."""

from django.urls import path

from mutu.complaints import views_lapor as views

urlpatterns = [
    path("kelola/pengaduan/lapor/", views.lapor, name="lapor"),
    path("kelola/pengaduan/lapor/ekspor.csv", views.lapor_export, {"fmt": "csv"}, name="lapor_export_csv"),
    path("kelola/pengaduan/lapor/ekspor.json", views.lapor_export, {"fmt": "json"}, name="lapor_export_json"),
]
