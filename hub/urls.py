"""Root URLs. Each app adds its routes through its own urls module."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from hub import admin_login, views

handler403 = "hub.forbidden.permission_denied"  # the admin-styled page saying what the user may open

urlpatterns = [
    path("admin/login/", admin_login.login, name="admin_login_throttled"),  # before admin's own login
    path("", RedirectView.as_view(url="/api/docs/"), name="home"),  # the hub has no page of its own
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("api/logs/", include("logs.api.urls")),
    path("", include("outbound.urls")),
    path("", include("endpoints.urls")),
    path("", include("endpoints.generic.urls")),
]
