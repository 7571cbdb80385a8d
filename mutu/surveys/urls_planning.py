"""URLs of the survey area 'planning' (joined into the one `surveys` namespace by urls.py)."""

urlpatterns: list = []
