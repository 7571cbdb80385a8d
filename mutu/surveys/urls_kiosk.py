"""URLs of the survey area 'kiosk' (joined into the one `surveys` namespace by urls.py)."""

from django.urls import path

from mutu.surveys import views_kiosk

urlpatterns = [
    path("kelola/survei/perangkat/unit/<slug:unit_slug>/", views_kiosk.devices, name="devices"),
    path(
        "kelola/survei/perangkat/unit/<slug:unit_slug>/<int:device_id>/cabut/",
        views_kiosk.device_revoke,
        name="device_revoke",
    ),
    path(
        "kelola/survei/perangkat/unit/<slug:unit_slug>/<int:device_id>/tautan-baru/",
        views_kiosk.device_renew_link,
        name="device_renew_link",
    ),
    path("kelola/survei/perangkat/https/", views_kiosk.kiosk_https, name="kiosk_https"),
    path("survei/kiosk/", views_kiosk.kiosk, name="kiosk"),
    path("survei/kiosk/sw.js", views_kiosk.kiosk_service_worker, name="kiosk_sw"),
    path("survei/kiosk/manifest.webmanifest", views_kiosk.kiosk_manifest, name="kiosk_manifest"),
    path("survei/kiosk/daftar/<str:code>/", views_kiosk.kiosk_register, name="kiosk_register"),
]
