"""Routes of the read-only log API."""

urlpatterns = []
