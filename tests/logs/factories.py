"""Log rows for tests that read the log (admin, API, purge, replay)."""

from datetime import timedelta

from django.utils import timezone

from logs.models import RequestLog

_counter = iter(range(1, 10**9))


def make_log(**fields) -> RequestLog:
    """A plausible logged call; any field can be overridden."""
    n = next(_counter)
    values = {
        "request_id": f"log-{n}",
        "route_kind": "rest",
        "method": "GET",
        "path": "/bj_api_sync/v1/partners",
        "status": 200,
        "outcome": "success",
        "client_ip": "203.0.113.9",
        "principal": "token:webshop",
        "request_headers": {"Accept": "application/json", "Authorization": "Bearer ***"},
        "response_body": '{"status": "success", "data": []}',
        "response_body_size": 34,
    }
    values.update(fields)
    if "age" in values:
        values["created_at"] = timezone.now() - values.pop("age")
    return RequestLog.objects.create(**values)


def days(n: float) -> timedelta:
    return timedelta(days=n)
