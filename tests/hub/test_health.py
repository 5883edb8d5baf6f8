"""The health endpoints answer as JSON."""

import pytest
from django.db import OperationalError
from django.db.utils import ConnectionHandler

from hub import views


def test_healthz_reports_database_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_every_response_carries_a_request_id(client, db):
    response = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert response["X-Request-ID"] == "abc-123"
    generated = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert generated["X-Request-ID"] != "bad id with spaces"
    assert len(generated["X-Request-ID"]) == 32


class RefusedConnection:
    """A database connection whose cursor fails the way a refused PostgreSQL connection does."""

    def cursor(self):
        raise OperationalError('connection to server at "db" (10.0.0.5), port 5432 failed: Connection refused')


@pytest.fixture
def database_down(db, monkeypatch):
    """The health views see a database that refuses connections (the test's own connection stays usable)."""
    monkeypatch.setattr(views, "connection", RefusedConnection())


def test_healthz_answers_503_when_the_database_is_down(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "error",
        "database": 'connection to server at "db" (10.0.0.5), port 5432 failed: Connection refused',
    }


def test_readyz_answers_503_without_asking_odoo_when_the_database_is_down(client, database_down):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": 'connection to server at "db" (10.0.0.5), port 5432 failed: Connection refused',
        "odoo": "not checked",
    }


def test_healthz_answers_503_on_an_unreachable_database_file(client, db, tmp_path):
    """A real failing connection, not a patched one: an SQLite file in a folder that does not exist."""
    broken = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "no" / "db.sqlite3")}
    handler = ConnectionHandler({"default": broken})
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(views, "connection", handler["default"])
            response = client.get("/healthz")
    finally:
        handler.close_all()
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unable to open database file"}
