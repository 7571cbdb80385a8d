"""URLs of the complaints area 'handling' (joined into the one `complaints` namespace by urls.py)."""

urlpatterns: list = []
