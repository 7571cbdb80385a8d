"""URLs of the complaints area 'deadlines' (joined into the one `complaints` namespace by urls.py)."""

urlpatterns: list = []
