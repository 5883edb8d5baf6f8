"""The read-only log API: list with filters and a cursor, one call by request id."""

from django.core.exceptions import ValidationError
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings

from hub.auth.authentication import ApiKeyAuthentication, StaffSessionAuthentication
from hub.envelope import ApiError, success_body
from hub.params import whole_number
from logs.api import schema as _schema_extensions  # noqa: F401 - registers the authentication schemes with drf-spectacular
from logs.api.authentication import CanReadLogs
from logs.api.serializers import ErrorEnvelopeSerializer, RequestLogDetailSerializer, RequestLogSerializer
from logs.filtersets import RequestLogFilterSet
from logs.models import RequestLog

PAGING_PARAMS = ("cursor", "limit")
REFUSALS = {
    401: OpenApiResponse(ErrorEnvelopeSerializer, "No credentials, or an unknown, revoked or expired key"),
    403: OpenApiResponse(ErrorEnvelopeSerializer, 'A key without the "logs" route, or a user without view permission'),
}


class LogCursorPagination(CursorPagination):
    """Newest first; a cursor never counts the table and stays stable while rows are added."""

    ordering = ("-created_at", "-id")
    page_size = 50
    cursor_query_param, page_size_query_param = PAGING_PARAMS
    max_page_size = 500

    invalid_cursor = "Invalid cursor: follow the pagination's next and previous links as they are given."

    def get_page_size(self, request):
        """``limit`` as the REST routes read it: a whole number (400 otherwise), kept between 1 and 500."""
        value = whole_number(request.query_params, self.page_size_query_param, self.page_size)
        return min(max(value, 1), self.max_page_size)

    def decode_cursor(self, request):
        """The cursor of the request; a 400 for one that is not a cursor this API made."""
        try:
            cursor = super().decode_cursor(request)
        except NotFound:  # DRF's answer to an undecodable cursor; it is a bad parameter, not a missing page
            raise ApiError(400, self.invalid_cursor) from None
        if cursor is not None and cursor.position is not None:
            # the position goes straight into a created_at filter: a made-up one must not reach the query
            try:
                RequestLog._meta.get_field(self.ordering[0].lstrip("-")).to_python(cursor.position)
            except ValidationError:
                raise ApiError(400, self.invalid_cursor) from None
        return cursor

    def get_paginated_response(self, data):
        return Response(
            success_body(
                data,
                {"limit": self.page_size, "next": self.get_next_link(), "previous": self.get_previous_link()},
            )
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "properties": {
                "status": {"type": "string", "enum": ["success"]},
                "data": schema,
                "pagination": {
                    "type": "object",
                    "properties": {
                        "limit": {"type": "integer"},
                        "next": {"type": "string", "nullable": True, "format": "uri"},
                        "previous": {"type": "string", "nullable": True, "format": "uri"},
                    },
                },
            },
        }


class EnvelopeFilterBackend(DjangoFilterBackend):
    """django-filter, with bad filter values answered as one readable 400 in the envelope."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        # a misspelt filter (stauts=500) must not answer the whole log as if it had matched
        allowed = [*filterset.filters, *PAGING_PARAMS, api_settings.URL_FORMAT_OVERRIDE]
        unknown = sorted(set(request.query_params) - set(allowed))
        if unknown:
            raise ApiError(400, f"Unknown query parameter(s): {', '.join(unknown)}. Allowed: {', '.join(allowed)}.")
        if not filterset.is_valid():
            problems = "; ".join(
                f"{name}: {' '.join(str(message) for message in messages)}"
                for name, messages in sorted(filterset.errors.items())
            )
            raise ApiError(400, f"Invalid filter: {problems}")
        return filterset.qs


# django-filter reads any ISO 8601 form (a date alone is its midnight), more than OpenAPI's date-time
MOMENTS = [
    OpenApiParameter(name, str, description=f"An ISO 8601 date-time or date, {what} (offset under 16 h)")
    for name, what in (("since", "included"), ("until", "excluded"))
]


@extend_schema_view(
    list=extend_schema(
        parameters=MOMENTS,
        responses={
            200: RequestLogSerializer(many=True),
            400: OpenApiResponse(
                ErrorEnvelopeSerializer,
                "An unknown query parameter, a bad filter value or a cursor this API did not make",
            ),
            **REFUSALS,
        },
    )
)
class RequestLogViewSet(viewsets.ReadOnlyModelViewSet):
    """The request log, newest first: GET /api/logs/ and GET /api/logs/<request id>/."""

    queryset = RequestLog.objects.all()
    authentication_classes = [ApiKeyAuthentication, StaffSessionAuthentication]
    permission_classes = [CanReadLogs]
    filter_backends = [EnvelopeFilterBackend]
    filterset_class = RequestLogFilterSet
    pagination_class = LogCursorPagination
    lookup_field = "request_id"
    lookup_value_regex = r"[A-Za-z0-9._:-]+"

    def initial(self, request, *args, **kwargs):
        request.hub_log.route_kind = "logs"
        super().initial(request, *args, **kwargs)

    def get_serializer_class(self):
        return RequestLogDetailSerializer if self.action == "retrieve" else RequestLogSerializer

    @extend_schema(
        responses={
            200: inline_serializer(
                "RequestLogEnvelope",
                {"status": serializers.CharField(default="success"), "data": RequestLogDetailSerializer()},
            ),
            404: OpenApiResponse(ErrorEnvelopeSerializer, "No call with this request id"),
            **REFUSALS,
        }
    )
    def retrieve(self, request, *args, **kwargs):
        return Response(success_body(self.get_serializer(self.get_object()).data))
