"""URLs of the complaints area 'verification' (joined into the one `complaints` namespace by urls.py)."""

from django.urls import path

from mutu.complaints import views_verification as views

urlpatterns = [
    path("kelola/pengaduan/verifikasi/", views.verify_queue, name="verify_queue"),
    path("kelola/pengaduan/verifikasi/<int:pk>/", views.verify, name="verify"),
    path("kelola/pengaduan/<int:pk>/alihkan/", views.redirect_to_unit, name="redirect"),
    path("kelola/pengaduan/<int:pk>/identitas/", views.identity, name="identity"),
]
