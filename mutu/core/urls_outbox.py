"""Outbox and notification pages, included under ``akun/`` in the ``core`` namespace."""

from django.urls import path

from mutu.core import views_outbox as views

urlpatterns = [
    path("kotak-keluar/", views.outbox_list, name="outbox"),
    path("kotak-keluar/<int:message_id>/kirim-ulang/", views.outbox_retry, name="outbox_retry"),
    path("notifikasi/", views.notification_list, name="notifications"),
    path("notifikasi/dibaca-semua/", views.notification_read_all, name="notifications_read_all"),
    path("notifikasi/<int:notification_id>/dibaca/", views.notification_read, name="notification_read"),
]
