"""Routes of the generic data API and of the Odoo-style session."""

from django.urls import path

from endpoints.generic import views

app_name = "generic"

urlpatterns = [
    path("api/create_data", views.CreateDataView.as_view(), name="create_data"),
    path("api/create_update_data", views.CreateUpdateDataView.as_view(), name="create_update_data"),
    path("api/update_data", views.UpdateDataView.as_view(), name="update_data"),
    path("api/search_data", views.SearchDataView.as_view(), name="search_data"),
    path("api/call_function", views.CallFunctionView.as_view(), name="call_function"),
    path("web/session/authenticate", views.SessionAuthenticateView.as_view(), name="session_authenticate"),
    path("web/session/destroy", views.SessionDestroyView.as_view(), name="session_destroy"),
]
