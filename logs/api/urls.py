"""Routes of the read-only log API (included at api/logs/)."""

from django.urls import path

from logs.api.views import RequestLogViewSet

urlpatterns = [
    path("", RequestLogViewSet.as_view({"get": "list"}), name="requestlog-list"),
    path("<str:request_id>/", RequestLogViewSet.as_view({"get": "retrieve"}), name="requestlog-detail"),
]
