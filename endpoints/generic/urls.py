"""Routes of the generic data API and of the Odoo-style session."""

from django.urls import path

from endpoints.generic import views

app_name = "generic"

urlpatterns = [
    path("api/create_data", views.create_data, name="create_data"),
    path("api/create_update_data", views.create_update_data, name="create_update_data"),
    path("api/update_data", views.update_data, name="update_data"),
    path("api/search_data", views.search_data, name="search_data"),
    path("api/call_function", views.call_function, name="call_function"),
    path("web/session/authenticate", views.session_authenticate, name="session_authenticate"),
    path("web/session/destroy", views.session_destroy, name="session_destroy"),
]
