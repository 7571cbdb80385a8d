from django.urls import path

from mutu.queues.views import stats

app_name = "queue_stats"
urlpatterns = [
    path("unit/<slug:slug>/", stats.unit_statistics, name="unit"),
]
