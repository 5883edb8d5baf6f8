"""Parts of the log change list that keep it fast on millions of rows."""

from datetime import datetime

from django.contrib.admin.views.main import ChangeList
from django.db.models import Max, Min
from django.utils import timezone

from logs.models import RequestLogQuerySet

MAX_PERIODS = 400


class DateProbingQuerySet(RequestLogQuerySet):
    """``datetimes()`` answered by one indexed EXISTS per candidate period between the first and
    last row, instead of ``SELECT DISTINCT date_trunc(…)`` over every matching row (the admin's
    date hierarchy asks for it on each page view)."""

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None):
        if kind not in ("year", "month", "day") or field_name != "created_at":
            return super().datetimes(field_name, kind, order, tzinfo)
        zone = tzinfo or timezone.get_current_timezone()
        bounds = self.order_by().aggregate(first=Min("created_at"), last=Max("created_at"))
        if bounds["first"] is None:
            return []
        periods = []
        start = _truncate(bounds["first"].astimezone(zone), kind)
        last = bounds["last"].astimezone(zone)
        while start <= last and len(periods) < MAX_PERIODS:
            end = _next(start, kind)
            if self.filter(created_at__gte=start, created_at__lt=end).exists():
                periods.append(start)
            start = end
        return periods if order == "ASC" else periods[::-1]


def _truncate(moment: datetime, kind: str) -> datetime:
    moment = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if kind in ("month", "year"):
        moment = moment.replace(day=1)
    if kind == "year":
        moment = moment.replace(month=1)
    return moment


def _next(start: datetime, kind: str) -> datetime:
    if kind == "year":
        return start.replace(year=start.year + 1)
    if kind == "month":
        return start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
    naive = start.replace(tzinfo=None)
    return timezone.make_aware(datetime.fromordinal(naive.toordinal() + 1), start.tzinfo)


class LogChangeList(ChangeList):
    """The change list whose queryset answers the date hierarchy cheaply."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        queryset.__class__ = DateProbingQuerySet
        return queryset
