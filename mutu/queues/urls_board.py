from django.urls import path

from mutu.queues.views import board

app_name = "board"
urlpatterns = [
    path("<slug:slug>/", board.board, name="board"),
    path("<slug:slug>/data.json", board.board_data, name="data"),
]
