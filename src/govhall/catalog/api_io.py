"""URL patterns: filled in by the module owner."""

urlpatterns: list = []
