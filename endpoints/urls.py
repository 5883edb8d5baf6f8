"""Routes of the configured REST endpoints and their documentation.

One static pattern per route shape; the configuration is loaded per request from the slug
(never urlpatterns built from the database).
"""

from django.urls import path, re_path

from endpoints import docs, views

urlpatterns = [
    path("bj_api_sync/v1/<slug:slug>", views.CollectionView.as_view(), name="endpoint-collection"),
    path("bj_api_sync/v1/<slug:slug>/<str:identifier>", views.RecordView.as_view(), name="endpoint-record"),
    re_path(r"^bj_api_sync/", views.no_route, name="endpoint-no-route"),
    path("api/schema/", docs.SchemaView.as_view(), name="schema"),
    path("api/docs/", docs.SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", docs.RedocView.as_view(url_name="schema"), name="redoc"),
]
