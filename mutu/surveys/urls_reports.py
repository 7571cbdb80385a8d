"""URLs of the survey area 'reports' (joined into the one `surveys` namespace by urls.py)."""

urlpatterns: list = []
