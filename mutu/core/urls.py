from django.urls import path

from mutu.core import urls_outbox, views

app_name = "core"
urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", views.logout, name="logout"),
    path("beranda/", views.dashboard, name="dashboard"),
    path("berkas/<uuid:file_id>/", views.stored_file, name="stored_file"),
    *urls_outbox.urlpatterns,
]
