"""URLs of the survey area 'surveyor' (joined into the one `surveys` namespace by urls.py)."""

urlpatterns: list = []
