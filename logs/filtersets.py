"""Filters of the log API (and the vocabulary the admin's filters share)."""

import datetime as dt

import django_filters
from django import forms

from logs.models import Outcome, RequestLog, RouteKind, StatusClass

# PostgreSQL refuses a time zone displacement of 16 hours or more ("time zone displacement out
# of range"), though ISO 8601 and Python allow up to 23:59.
MAX_UTC_OFFSET = dt.timedelta(hours=16)


class CheckedIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 date-time every database can compare: offset under 16 h, a year 1-9999 in UTC."""

    def clean(self, value):
        parsed = super().clean(value)
        if parsed is None:
            return None
        offset = parsed.utcoffset()
        if offset is not None and abs(offset) >= MAX_UTC_OFFSET:
            raise forms.ValidationError("Enter a time zone offset between -15:59 and +15:59.", code="offset")
        try:
            # Compared in UTC: the column holds UTC, and a year 1 or 9999 may leave the range on the way.
            return parsed.astimezone(dt.UTC)
        except OverflowError:
            raise forms.ValidationError("Enter a date/time between years 1 and 9999 in UTC.", code="year") from None


class CheckedIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """IsoDateTimeFilter whose values are checked before they reach a query (a 400, never a 500)."""

    field_class = CheckedIsoDateTimeField


class WholeNumberFilter(django_filters.NumberFilter):
    """An HTTP status is a whole number: 0.5 is a 400, not a filter matching nothing."""

    field_class = forms.IntegerField


class RequestLogFilterSet(django_filters.FilterSet):
    """status, status_class (2xx/4xx/5xx), outcome, endpoint (slug), method, request_id, since/until."""

    status = WholeNumberFilter(field_name="status")
    status_class = django_filters.ChoiceFilter(choices=StatusClass.choices, method="filter_status_class")
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices)
    route_kind = django_filters.ChoiceFilter(choices=RouteKind.choices)
    endpoint = django_filters.CharFilter(field_name="endpoint_slug", help_text="endpoint identifier (slug)")
    method = django_filters.CharFilter(method="filter_method")
    request_id = django_filters.CharFilter(field_name="request_id")
    principal = django_filters.CharFilter(field_name="principal")
    since = CheckedIsoDateTimeFilter(field_name="created_at", lookup_expr="gte", help_text="ISO 8601, included")
    until = CheckedIsoDateTimeFilter(field_name="created_at", lookup_expr="lt", help_text="ISO 8601, excluded")

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
