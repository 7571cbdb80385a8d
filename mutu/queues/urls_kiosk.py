from django.urls import path

from mutu.queues.views import kiosk

app_name = "kiosk"
urlpatterns = [
    path("kiosk/daftar/<str:secret>/", kiosk.kiosk_register, name="register"),
    path("<slug:slug>/kiosk/", kiosk.kiosk, name="kiosk"),
    path("tiket/<str:token>/", kiosk.ticket, name="ticket"),
    path("status/<str:token>/", kiosk.status, name="status"),
    path("status/<str:token>/whatsapp/", kiosk.ticket_notice, name="notice"),
]
