"""Staff pages of the chat channels, under ``/kelola/percakapan/``."""

from django.urls import path

from mutu.messaging import views_staff as views

app_name = "messaging"

urlpatterns = [
    path("", views.conversations, name="conversations"),
    path("akun/", views.accounts, name="accounts"),
    path("<int:account_id>/<int:contact_id>/", views.conversation, name="conversation"),
]
