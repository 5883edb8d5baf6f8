"""Routes of the configured REST endpoints and their documentation."""

urlpatterns = []
