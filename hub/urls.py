"""Root URLs. Each app adds its routes through its own urls module."""

from django.contrib import admin
from django.urls import include, path

from hub import admin_login, views

urlpatterns = [
    path("admin/login/", admin_login.login, name="admin_login_throttled"),  # before admin's own login
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("api/logs/", include("logs.api.urls")),
    path("", include("outbound.urls")),
    path("", include("endpoints.urls")),
    path("", include("endpoints.generic.urls")),
]
