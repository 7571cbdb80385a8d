"""One ``surveys`` namespace, assembled from the URL lists of each area of the app.

Staff pages live under ``/kelola/survei/``, the citizen's under ``/survei/`` and the
published results under ``/skm/``; every path is spelled out in the area modules.
"""

from mutu.surveys import (
    urls_imports,
    urls_kiosk,
    urls_planning,
    urls_public,
    urls_reports,
    urls_results,
    urls_surveyor,
)

app_name = "surveys"

urlpatterns = [
    *urls_planning.urlpatterns,
    *urls_kiosk.urlpatterns,
    *urls_public.urlpatterns,
    *urls_surveyor.urlpatterns,
    *urls_imports.urlpatterns,
    *urls_results.urlpatterns,
    *urls_reports.urlpatterns,
]
