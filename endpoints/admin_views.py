"""Pages of the endpoint admin beyond Django's change form: adding and revoking tokens on the endpoint page.

Registered by ``EndpointAdmin.get_urls`` under ``/admin/endpoints/endpoint/<id>/…``, so they carry
the admin's login and permission checks.
"""

import logging

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from endpoints.models import Endpoint, EndpointToken

logger = logging.getLogger(__name__)

# The session holds a new token's secret until the endpoint page shows it, once.
NEW_TOKEN_SESSION_KEY = "endpoint-admin-new-token"  # noqa: S105 - a session key, not a secret


class NewTokenForm(forms.Form):
    """What a new token needs: who uses it, and until when (empty: no expiry)."""

    prefix = "token"  # the endpoint form on the same page has a "name" field too

    name = forms.CharField(max_length=100, help_text="Who uses this token, e.g. webshop")
    expires_at = forms.DateTimeField(
        label="Expires",
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Empty: never expires",
    )

    def clean_expires_at(self):
        value = self.cleaned_data.get("expires_at")
        if value is not None and value <= timezone.now():
            raise ValidationError("The expiry must be in the future.")
        return value


def change_url(endpoint_id: int, anchor: str = "") -> str:
    """The endpoint's admin page, at ``anchor`` when given."""
    url = reverse("admin:endpoints_endpoint_change", args=[endpoint_id])
    return f"{url}#{anchor}" if anchor else url


def pop_new_token(request, endpoint_id: int) -> dict | None:
    """The token just issued for this endpoint (name, secret), taken out of the session: shown once."""
    pending = request.session.get(NEW_TOKEN_SESSION_KEY)
    if not pending or pending.get("endpoint") != endpoint_id:
        return None
    del request.session[NEW_TOKEN_SESSION_KEY]
    return pending


def _endpoint(request, object_id, permission: str) -> Endpoint:
    if not request.user.has_perm(permission):
        raise PermissionDenied
    return get_object_or_404(Endpoint, pk=object_id)


@require_POST
def add_token(request, object_id):
    """Issue a named token for the endpoint; its secret waits in the session for the page to show it."""
    endpoint = _endpoint(request, object_id, "endpoints.add_endpointtoken")
    form = NewTokenForm(request.POST)
    if form.is_valid():
        token = EndpointToken(endpoint=endpoint, **form.cleaned_data)
        try:
            token.full_clean(exclude=["prefix", "digest"])
        except ValidationError as exc:
            form.add_error(None, exc)
    if not form.is_valid():
        problems = "; ".join(f"{error}" for errors in form.errors.values() for error in errors)
        messages.error(request, f"No token added: {problems}")
        return HttpResponseRedirect(change_url(endpoint.pk, "tokens"))
    secret = token.issue()
    token.save()
    logger.info("Token %r (%s) issued for endpoint %s by %s", token.name, token.prefix, endpoint.slug, request.user)
    request.session[NEW_TOKEN_SESSION_KEY] = {"endpoint": endpoint.pk, "name": token.name, "secret": secret}
    return HttpResponseRedirect(change_url(endpoint.pk, "tokens"))


@require_POST
def revoke_token(request, object_id, token_id):
    """Revoke one token of the endpoint (the row stays, for the record)."""
    endpoint = _endpoint(request, object_id, "endpoints.change_endpointtoken")
    token = get_object_or_404(EndpointToken, pk=token_id, endpoint=endpoint)
    token.revoke()
    logger.info("Token %r (%s) of endpoint %s revoked by %s", token.name, token.prefix, endpoint.slug, request.user)
    messages.success(request, f"Token {token.name!r} revoked: it no longer opens {endpoint.path}.")
    return HttpResponseRedirect(change_url(endpoint.pk, "tokens"))
