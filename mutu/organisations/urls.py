from django.urls import path

from mutu.organisations import views

app_name = "organisations"
urlpatterns = [
    path("unit/<slug:slug>/", views.unit_detail, name="unit"),
    path("unit/<slug:slug>/gerai/tambah/", views.gerai_add, name="gerai_add"),
    path("unit/<slug:slug>/staf/", views.staff, name="staff"),
    path("unit/<slug:slug>/kalender/", views.calendar, name="calendar"),
    path("unit/<slug:slug>/kalender/cuti-bersama/", views.calendar_cuti_bersama, name="calendar_cuti_bersama"),
    path("kalender/pengecualian/<int:pk>/hapus/", views.calendar_exception_remove, name="calendar_exception_remove"),
    path("peran/<int:pk>/hapus/", views.membership_remove, name="membership_remove"),
    path("gerai/<int:pk>/ubah/", views.gerai_edit, name="gerai_edit"),
    path("gerai/<int:gerai_pk>/loket/tambah/", views.counter_add, name="counter_add"),
    path("loket/<int:pk>/ubah/", views.counter_edit, name="counter_edit"),
    path("instansi/<slug:slug>/hari-libur/", views.holidays, name="holidays"),
    path("instansi/<slug:slug>/hari-libur/<int:pk>/", views.holiday_edit, name="holiday_edit"),
    path("lokasi/<slug:slug>/", views.location_detail, name="location"),
    path("lokasi/<slug:slug>/gerai/tambah/", views.location_gerai_add, name="location_gerai_add"),
    path("lokasi/<slug:slug>/jam/<int:weekday>/", views.hours_edit, name="hours_edit"),
    path("lokasi/<slug:slug>/periode/<int:period_pk>/jam/<int:weekday>/", views.hours_edit, name="period_hours_edit"),
    path("lokasi/<slug:slug>/jam-buka/<int:hours_pk>/istirahat/", views.break_add, name="break_add"),
    path("lokasi/<slug:slug>/istirahat/<int:pk>/hapus/", views.break_remove, name="break_remove"),
    path("lokasi/<slug:slug>/periode/tambah/", views.period_add, name="period_add"),
    path("lokasi/<slug:slug>/periode/<int:pk>/hapus/", views.period_delete, name="period_delete"),
]
