"""The admin login, throttled per client address and per user name (bounds online password guessing).

Counted by the hub's own failed-authentication throttle (``hub.throttle``), not django-axes: the
counters then live where every other credential's do (the cache, Redis shared by all processes,
no query per attempt and no tables to prune), with the same settings and the same 429 wording,
and the hub needs no second lockout mechanism to configure and document.

Two counters: one per address (a guesser trying many names) and one per user name whatever the
address (many addresses guessing one name). While either is full, a login attempt is refused with
a page that says when to try again, without the password being checked: the right password
does not get through either until the window ends.
"""

import hashlib
import logging
from types import SimpleNamespace

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from hub.auth import throttle

logger = logging.getLogger(__name__)

ADDRESS_TARGET = "admin-login"
# A request without an address: the throttle then keeps one counter for every caller.
_ANY_ADDRESS = SimpleNamespace(META={})


def user_target(username: str) -> str:
    """The throttle target of one user name (hashed: a cache key must not hold arbitrary text)."""
    digest = hashlib.sha256(username.strip().lower().encode("utf-8", errors="replace")).hexdigest()[:32]
    return f"admin-login-user:{digest}"


def retry_after(request: HttpRequest, username: str) -> int:
    """Seconds before this address may try this user name again; 0 when it may try now."""
    return max(
        throttle.retry_after(request, ADDRESS_TARGET),
        throttle.retry_after(_ANY_ADDRESS, user_target(username)),
    )


def login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """Django admin's login view, behind the failed-login throttle."""
    if request.method != "POST":
        return admin.site.login(request, extra_context)
    username = str(request.POST.get("username", ""))
    seconds = retry_after(request, username)
    if seconds:
        logger.info("Admin login refused for a throttled address or user name (%s s left)", seconds)
        context = {**admin.site.each_context(request), "title": "Too many failed logins", "seconds": seconds}
        response = TemplateResponse(request, "admin/login_throttled.html", context, status=429)
        response["Retry-After"] = str(seconds)
        return response
    response = admin.site.login(request, extra_context)
    if not (response.status_code == 302 and request.user.is_authenticated):
        throttle.record_failure(request, ADDRESS_TARGET)
        throttle.record_failure(_ANY_ADDRESS, user_target(username))
    return response
