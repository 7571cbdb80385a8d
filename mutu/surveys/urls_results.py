"""URLs of the survey area 'results' (joined into the one `surveys` namespace by urls.py)."""

urlpatterns: list = []
