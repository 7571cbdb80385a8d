"""Berkas (files processed over days): staff pages under /berkas/kelola/, the public status page at
/berkas/lacak/<token>/ (the address on the receipt's QR code)."""

from django.urls import path

from mutu.queues.views import berkas as views

app_name = "berkas"
urlpatterns = [
    path("lacak/<str:token>/", views.track, name="track"),
    path("kelola/unit/<slug:slug>/", views.unit_list, name="unit"),
    path("kelola/unit/<slug:slug>/terima/", views.receive, name="receive"),
    path("kelola/<int:pk>/", views.detail, name="detail"),
    path("kelola/<int:pk>/tanda-terima.pdf", views.receipt_pdf, name="receipt"),
    path("kelola/<int:pk>/proses/", views.start_processing, name="start"),
    path("kelola/<int:pk>/selesai/", views.mark_ready, name="ready"),
    path("kelola/<int:pk>/diambil/", views.mark_collected, name="collected"),
    path("kelola/<int:pk>/kembalikan/", views.return_incomplete, name="return"),
]
