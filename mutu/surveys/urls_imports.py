"""URLs of the survey area 'imports' (joined into the one `surveys` namespace by urls.py)."""

urlpatterns: list = []
