"""One ``complaints`` namespace, assembled from the URL lists of each area of the app.

Citizen pages have exact paths without a trailing slash (``/pengaduan/baru``, ``/lacak/<code>``);
staff pages live under ``/kelola/pengaduan/``. Open311 has its own module and namespace.
"""

from mutu.complaints import urls_deadlines, urls_handling, urls_intake, urls_lapor, urls_verification

app_name = "complaints"

urlpatterns = [
    *urls_intake.urlpatterns,
    *urls_verification.urlpatterns,
    *urls_handling.urlpatterns,
    *urls_deadlines.urlpatterns,
    *urls_lapor.urlpatterns,
]
