"""Filters of the log API (and the vocabulary the admin's filters share)."""

import django_filters

from logs.models import Outcome, RequestLog, RouteKind, StatusClass


class RequestLogFilterSet(django_filters.FilterSet):
    """status, status_class (2xx/4xx/5xx), outcome, endpoint (slug), method, request_id, since/until."""

    status = django_filters.NumberFilter(field_name="status")
    status_class = django_filters.ChoiceFilter(choices=StatusClass.choices, method="filter_status_class")
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices)
    route_kind = django_filters.ChoiceFilter(choices=RouteKind.choices)
    endpoint = django_filters.CharFilter(field_name="endpoint_slug", help_text="endpoint identifier (slug)")
    method = django_filters.CharFilter(method="filter_method")
    request_id = django_filters.CharFilter(field_name="request_id")
    principal = django_filters.CharFilter(field_name="principal")
    since = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte", help_text="ISO 8601, included")
    until = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt", help_text="ISO 8601, excluded")

    class Meta:
        model = RequestLog
        fields = [
            "status",
            "status_class",
            "outcome",
            "route_kind",
            "endpoint",
            "method",
            "request_id",
            "principal",
            "since",
            "until",
        ]

    def filter_status_class(self, queryset, name, value):
        return queryset.status_class(value)

    def filter_method(self, queryset, name, value):
        return queryset.filter(method=value.upper())
