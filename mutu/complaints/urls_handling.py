"""URLs of the complaints area 'handling' (joined into the one `complaints` namespace by urls.py)."""

from django.urls import path

from mutu.complaints import views_handling as views

urlpatterns = [
    path("kelola/pengaduan/", views.inbox_page, name="inbox"),
    path("kelola/pengaduan/tugaskan/", views.inbox_assign, name="inbox_assign"),
    path("kelola/pengaduan/statistik/", views.stats, name="stats"),
    path("kelola/pengaduan/kategori/unit/<slug:unit_slug>/", views.categories, name="categories"),
    path("kelola/pengaduan/<int:pk>/", views.detail, name="detail"),
    path("kelola/pengaduan/<int:pk>/tindakan/", views.act, name="act"),
]
