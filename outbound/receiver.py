"""The receiver URL of a configuration, for Odoo's automation rule "Send Webhook Notification".

``POST /api/outbound/<configuration>/receive?token=<receiver token>`` (or the token in the
``X-Hub-Receiver-Token`` header): Odoo's webhook action sends no header of its own, so the token
travels in the URL's query string, which the request log masks. The receiver answers at once
(Odoo waits at most one second, inside its transaction) and reads the record later (outbound.push).
"""

import hmac
import logging

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from hub import jsonbody
from hub.envelope import error_response, success_body
from outbound import push
from outbound.models import OutboundConfiguration

logger = logging.getLogger(__name__)

TOKEN_HEADER = "X-Hub-Receiver-Token"  # noqa: S105 - a header name


@csrf_exempt
@require_POST
def receive(request, name: str):
    """Note Odoo's notification for a read-back; 401 (nothing noted) on a wrong or missing token."""
    request.hub_log.route_kind = "outbound"
    configuration = OutboundConfiguration.objects.filter(name=name).first()
    token = request.GET.get("token") or request.headers.get(TOKEN_HEADER, "")
    if configuration is None or not token or not hmac.compare_digest(configuration.receiver_token, token):
        return error_response(request, 401, "Unknown outbound configuration or wrong receiver token.")
    request.hub_log.principal = f"outbound:{configuration.name}"
    if not configuration.active:
        return error_response(request, 409, f"Outbound configuration {configuration.name} is paused.")
    try:
        body = jsonbody.loads(request.body)
        record_id = push.record_id_of(configuration, body)
    except ValueError as exc:
        message = str(exc) if isinstance(exc, push.BadNotice) else "The body is not valid JSON."
        return error_response(request, 400, message)
    push.note(configuration, record_id)
    return JsonResponse(success_body({"queued": record_id}), status=202)
