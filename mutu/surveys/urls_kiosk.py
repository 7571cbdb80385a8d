"""URLs of the survey area 'kiosk' (joined into the one `surveys` namespace by urls.py)."""

urlpatterns: list = []
