"""A test urlconf: the hub's routes plus small views that exercise the request log."""

import json

from django.core.exceptions import BadRequest, PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.decorators import api_view, authentication_classes, permission_classes

from hub import callstats
from hub.envelope import ApiError, success_body
from hub.urls import urlpatterns as hub_urlpatterns
from logs.models import RequestLog


class PipelineCrash(RuntimeError):
    """Raised by a test view to stand for a bug inside the pipeline."""


@csrf_exempt  # like every API view: callers are systems, not browsers
def echo(request):
    """Answers with the JSON it received (or null)."""
    request.hub_log.principal = "token:webshop"
    payload = request.body.decode()
    return JsonResponse(success_body(json.loads(payload) if payload else None))


@csrf_exempt  # like every API view: callers are systems, not browsers
def crash(request):
    request.hub_log.principal = "token:webshop"
    raise PipelineCrash("boom in the pipeline")


@csrf_exempt  # like every API view: callers are systems, not browsers
def generic_refused(request):
    # The generic routes answer 200 with a failure inside their own envelope.
    request.hub_log.route_kind = "generic"
    request.hub_log.failed("Odoo said no")
    return JsonResponse({"status": "error", "message": "Odoo said no"})


@csrf_exempt  # like every API view: callers are systems, not browsers
def write_then_fail(request):
    """Writes inside the request's transaction, then fails: the write is rolled back, the log row is not."""
    with transaction.atomic():
        RequestLog.objects.create(request_id="written-inside", method="GET", path="/x", status=200, outcome="success")
        request.hub_log.principal = "token:webshop"
        raise PipelineCrash("rolled back")


@csrf_exempt  # like every API view: callers are systems, not browsers
def with_mode(request, mode, status):
    request.hub_log.log_mode = mode
    return JsonResponse({"status": "x"}, status=status)


@csrf_exempt  # like every API view: callers are systems, not browsers
def with_endpoint(request, status):
    from endpoints.models import Endpoint

    request.hub_log.endpoint = Endpoint.objects.get(slug=request.GET["slug"])
    request.hub_log.route_kind = "rest"
    return JsonResponse({"status": "x"}, status=status)


@csrf_exempt  # like every API view: callers are systems, not browsers
def rpc_calls(request, count):
    """Stands for a view that made ``count`` Odoo calls (the client records them the same way)."""
    for _ in range(count):
        with callstats.timed_call("res.partner", "search_read"):
            pass
    return JsonResponse(success_body([]))


@csrf_exempt  # like every API view: callers are systems, not browsers
def django_refusal(request, kind):
    """Exceptions Django answers as client errors by itself."""
    errors = {"404": Http404("No partner 7."), "403": PermissionDenied("Not yours."), "400": BadRequest("Bad.")}
    raise errors[kind]


@csrf_exempt  # like every API view: callers are systems, not browsers
def binary(request):
    return HttpResponse(b"\x00\x01\x02", content_type="application/octet-stream")


@api_view(["GET", "POST"])
@authentication_classes([])
@permission_classes([])
def drf_error(request):
    request.hub_log.principal = "basic:alice"
    request.hub_log.outcome = "success"
    raise ApiError(400, "Bad value for 'email'.", line_id=42)


@api_view(["GET"])
@authentication_classes([])
@permission_classes([])
def drf_get_only(request):
    return JsonResponse(success_body("ok"))


@api_view(["GET"])
@authentication_classes([])
@permission_classes([])
def drf_unauthenticated(request):
    request.hub_log.route_kind = "rest"
    raise exceptions.AuthenticationFailed("Invalid token.")


@api_view(["GET"])
@authentication_classes([])
@permission_classes([])
def drf_crash(request):
    raise PipelineCrash("boom inside DRF")


urlpatterns = [
    path("api/_test/echo", echo),
    path("bj_api_sync/_test/echo", echo),
    path("web/session/_test/echo", echo),
    path("api/_test/crash", crash),
    path("api/_test/generic_refused", generic_refused),
    path("api/_test/write_then_fail", write_then_fail),
    path("api/_test/mode/<str:mode>/<int:status>", with_mode),
    path("bj_api_sync/_test/endpoint/<int:status>", with_endpoint),
    path("api/_test/rpc/<int:count>", rpc_calls),
    path("api/_test/binary", binary),
    path("api/_test/refusal/<str:kind>", django_refusal),
    path("api/_test/drf_error", drf_error),
    path("api/_test/drf_get_only", drf_get_only),
    path("api/_test/drf_unauthenticated", drf_unauthenticated),
    path("api/_test/drf_crash", drf_crash),
    *hub_urlpatterns,
]


class CrashingMiddleware:
    """A middleware that fails on one path: a crash outside any view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/api/_test/middleware_crash":
            raise PipelineCrash("boom in a middleware")
        return self.get_response(request)
