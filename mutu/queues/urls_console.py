from django.urls import path

from mutu.queues.views import console

app_name = "console"
urlpatterns = [
    path("", console.index, name="index"),
    path("lokasi/<slug:slug>/", console.location_overview, name="location"),
    path("<int:counter_id>/", console.counter_console, name="counter"),
    path("<int:counter_id>/panggil/", console.call_next, name="call_next"),
    path("<int:counter_id>/panggil-ulang/", console.recall, name="recall"),
    path("<int:counter_id>/tidak-hadir/", console.no_show, name="no_show"),
    path("<int:counter_id>/mulai/", console.start, name="start"),
    path("<int:counter_id>/selesai/", console.finish, name="finish"),
    path("<int:counter_id>/alihkan/", console.transfer, name="transfer"),
    path("<int:counter_id>/informasi/", console.inform_ticket, name="inform"),
    path("<int:counter_id>/pengumuman/", console.announce, name="announce"),
    path("<int:counter_id>/kompensasi/<int:case_id>/", console.compensation_given, name="compensation_given"),
]
