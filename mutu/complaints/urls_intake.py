"""URLs of the complaints area 'intake' (joined into the one `complaints` namespace by urls.py)."""

urlpatterns: list = []
