"""URLs of the complaints area 'verification' (joined into the one `complaints` namespace by urls.py)."""

urlpatterns: list = []
