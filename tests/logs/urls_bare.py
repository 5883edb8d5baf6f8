"""A urlconf with no catch-all route: Django's own 404 page reaches the log middleware."""

from django.urls import path

from tests.logs.urls import echo

urlpatterns = [path("api/_test/echo", echo)]
