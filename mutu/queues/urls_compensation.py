from django.urls import path

from mutu.queues.views import compensation

app_name = "compensation"
urlpatterns = [
    path("unit/<slug:slug>/", compensation.rules, name="rules"),
    path("unit/<slug:slug>/aturan-baru/", compensation.ruleset_new, name="ruleset_new"),
    path("unit/<slug:slug>/poster.pdf", compensation.poster_pdf, name="poster_pdf"),
    path("unit/<slug:slug>/register/", compensation.register, name="register"),
    path("unit/<slug:slug>/register.xlsx", compensation.register_xlsx, name="register_xlsx"),
    path("unit/<slug:slug>/register/<int:pk>/koreksi/", compensation.case_correct, name="case_correct"),
    path("unit/<slug:slug>/ringkasan/", compensation.summary, name="summary"),
]
