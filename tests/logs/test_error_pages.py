"""Django's own error pages (no route, a crash outside any view) answer in the envelope of the path's
family: JSON-RPC on the generic and session routes, the REST envelope elsewhere; one row each."""

import pytest

from logs.models import RequestLog

pytestmark = pytest.mark.django_db


class CrashOnGenericRoutes:
    """A middleware that fails on the JSON-RPC routes: a crash before any view answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path in ("/api/create_data", "/web/session/destroy"):
            raise RuntimeError("boom in a middleware")
        return self.get_response(request)


def jsonrpc_error(code: int, message: str, request_id: str = "req-1") -> dict:
    return {
        "jsonrpc": "2.0",
        "id": None,
        "error": {"code": code, "message": message, "data": {"request_id": request_id}},
    }


@pytest.mark.parametrize("path", ["/web/session/no-such-route", "/api/create_data/", "/api/search_data/x"])
def test_an_unknown_path_of_a_jsonrpc_family_answers_a_jsonrpc_404(client, path):
    response = client.post(path, data="{}", content_type="application/json", headers={"X-Request-ID": "req-1"})
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert response.json() == jsonrpc_error(404, "Not Found.")
    row = RequestLog.objects.get()
    assert (row.path, row.status, row.outcome, row.response_body) == (
        path,
        404,
        "failure",
        response.content.decode(),
    )


@pytest.mark.parametrize("path", ["/api/create_data", "/web/session/destroy"])
def test_a_crash_outside_the_view_on_a_jsonrpc_route_answers_a_jsonrpc_500(client, settings, path):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.logs.test_error_pages.CrashOnGenericRoutes"]
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    client.raise_request_exception = False
    response = client.post(path, data="{}", content_type="application/json", headers={"X-Request-ID": "req-1"})
    assert response.status_code == 500
    assert response.json() == jsonrpc_error(500, "Internal error.")
    row = RequestLog.objects.get()
    assert (row.status, row.error_class) == (500, "builtins.RuntimeError")


@pytest.mark.parametrize("path", ["/api/logs/x/y/z", "/api/logsx", "/api/create_datax"])
def test_other_api_paths_keep_the_rest_envelope(client, path):
    response = client.get(path, headers={"X-Request-ID": "req-1"})
    assert response.status_code == 404
    assert response.json() == {
        "status": "error",
        "code": 404,
        "message": "Not Found.",
        "line_id": None,
        "request_id": "req-1",
    }
