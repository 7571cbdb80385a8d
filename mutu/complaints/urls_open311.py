"""Open311 GeoReport v2 at /open311/v2/ (exact paths; the extension chooses XML or JSON)."""

app_name = "open311"

urlpatterns: list = []
