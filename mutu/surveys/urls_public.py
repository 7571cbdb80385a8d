"""URLs of the survey area 'public' (joined into the one `surveys` namespace by urls.py).

``survei/tiket/…`` comes before ``survei/<token>/`` only for reading order: a token never
holds a slash, so the two cannot be confused.
"""

from django.urls import path

from mutu.surveys import views_public

urlpatterns = [
    path("survei/tiket/<str:ticket_token>/", views_public.ticket_survey, name="ticket_survey"),
    path("survei/<str:token>/", views_public.qr_survey, name="qr"),
    path("survei/<str:token>/poster/", views_public.qr_poster, name="qr_poster"),
]
