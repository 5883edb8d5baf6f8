"""Whether a call's objects are freed by reference counting, as hub.garbage makes them: the helpers shared by
test_cycles.py here and in generic/."""

import functools
import gc
import io
import json
import logging

from django.test.client import ClientHandler

# the packages whose objects make up a call (the stand-in's own, answering in its thread, are not counted)
CALL_PACKAGES = {"django", "rest_framework", "hub", "endpoints", "mappings", "logs", "idempotency"}


@functools.cache
def _handler() -> ClientHandler:
    """One handler, as a server has: a handler's middleware chain is made once, and lives as long."""
    return ClientHandler()


def serve(method: str, path: str, body=None, headers: dict | None = None) -> tuple[int, bytes]:
    """The call served as a WSGI server serves it, answered and closed; its status and body. Django's test
    client adds references of its own to the answer (a cycle among them), which a server does not: its handler
    alone is used, which keeps the test's database connection open when the answer closes."""
    content = b"" if body is None else json.dumps(body).encode()
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "testserver",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(content)),
        "wsgi.input": io.BytesIO(content),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        **{"HTTP_" + name.upper().replace("-", "_"): value for name, value in (headers or {}).items()},
    }
    response = _handler()(environ)
    return response.status_code, response.content


def left_for_the_collector(call) -> list[str]:
    """The classes of the call's objects that only the cyclic garbage collector could free after ``call()``.

    Django logs an error answer with its request attached, and pytest keeps the records of a test: the
    request would live on, and the count would find nothing whatever the call left. That log is off here.
    """
    call()  # what only a first call makes (a configuration read, a connection) lives on, and is not garbage
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    django_request = logging.getLogger("django.request")
    was_disabled, django_request.disabled = django_request.disabled, True
    try:
        call()
        gc.collect()
        return sorted(
            {
                f"{type(found).__module__}.{type(found).__qualname__}"
                for found in gc.garbage
                if type(found).__module__.split(".")[0] in CALL_PACKAGES
            }
        )
    finally:
        django_request.disabled = was_disabled
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
