"""A test urlconf: the hub's routes plus small views that exercise the request log."""

from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.urls import path
from rest_framework.decorators import api_view, authentication_classes, permission_classes

from hub.envelope import ApiError, success_body
from hub.urls import urlpatterns as hub_urlpatterns
from logs.models import RequestLog
from logs.recording import annotate


class PipelineCrash(RuntimeError):
    """Raised by a test view to stand for a bug inside the pipeline."""


def ok(request):
    annotate(request, principal="token:webshop")
    return JsonResponse(success_body({"echo": request.body.decode() or None}))


def crash(request):
    annotate(request, principal="token:webshop")
    raise PipelineCrash("boom in the pipeline")


def generic_refused(request):
    # The generic routes answer 200 with a failure inside the envelope.
    annotate(request, route_kind="generic", outcome="failure", error="Odoo said no")
    return JsonResponse({"status": "error", "message": "Odoo said no"})


def write_then_fail(request):
    with transaction.atomic():
        RequestLog.objects.filter(pk=0).exists()
        annotate(request, principal="token:webshop")
        raise PipelineCrash("rolled back")


def with_mode(request, mode, status):
    annotate(request, log_mode=mode)
    return JsonResponse({"status": "x"}, status=status)


def binary(request):
    return HttpResponse(b"\x00\x01", content_type="application/octet-stream")


@api_view(["GET", "POST"])
@authentication_classes([])
@permission_classes([])
def drf_error(request):
    annotate(request, principal="basic:alice")
    raise ApiError(400, "Bad value for 'email'.", line_id=42)


@api_view(["GET"])
@authentication_classes([])
@permission_classes([])
def drf_crash(request):
    raise PipelineCrash("boom inside DRF")


urlpatterns = [
    path("api/_test/ok", ok),
    path("bj_api_sync/_test/ok", ok),
    path("web/session/_test/ok", ok),
    path("api/_test/crash", crash),
    path("api/_test/generic_refused", generic_refused),
    path("api/_test/write_then_fail", write_then_fail),
    path("api/_test/mode/<str:mode>/<int:status>", with_mode),
    path("api/_test/binary", binary),
    path("api/_test/drf_error", drf_error),
    path("api/_test/drf_crash", drf_crash),
    *hub_urlpatterns,
]
