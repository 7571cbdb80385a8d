"""URLs of the complaints area 'lapor' (joined into the one `complaints` namespace by urls.py)."""

urlpatterns: list = []
