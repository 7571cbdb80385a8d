"""URLs of the survey area 'public' (joined into the one `surveys` namespace by urls.py)."""

urlpatterns: list = []
