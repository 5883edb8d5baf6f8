"""Routes of the generic data API."""

urlpatterns = []
