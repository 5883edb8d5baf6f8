"""Django's session, user and message middlewares, passed by on the routes machines call.

The admin, the API docs and the log API (with a staff session) need them. A call to an endpoint, a
generic data route, the Odoo-style session or the outbound receiver authenticates itself and never
reads Django's session, user or messages. For such a call they cost ~30 µs of CPU. They also tie
the request into reference cycles (``request.auser``, the message storage), so it lives on until
the garbage collector finds it. CSRF stays Django's own middleware: its deploy check looks it up by
name, and the API views are exempt from it anyway.
"""

from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware as DjangoMessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware

from logs.models import RouteKind

MACHINE_ROUTES = frozenset({RouteKind.REST, RouteKind.GENERIC, RouteKind.SESSION})


def is_machine_route(path: str) -> bool:
    return RouteKind.for_path(path) in MACHINE_ROUTES


class BrowserOnly:
    """Mixed in before a Django middleware: a machine route's request goes straight through it."""

    def __call__(self, request):
        if is_machine_route(request.path):
            return self.get_response(request)
        return super().__call__(request)


class SessionMiddleware(BrowserOnly, DjangoSessionMiddleware):
    pass


class AuthenticationMiddleware(BrowserOnly, DjangoAuthenticationMiddleware):
    pass


class MessageMiddleware(BrowserOnly, DjangoMessageMiddleware):
    pass
