"""Settings from the environment: the typed readers of hub/env.py, and Django refusing to start on bad values."""

import json
import logging
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from hub.env import (
    cache_from_url,
    database_from_url,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_secret,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("YES", True),
        (" On ", True),
        ("0", False),
        ("False", False),
        ("no", False),
        ("off", False),
        ("", False),
    ],
)
def test_env_bool_reads_yes_and_no(monkeypatch, raw, expected):
    monkeypatch.setenv("HUB_T_FLAG", raw)
    assert env_bool("HUB_T_FLAG", not expected) is expected


def test_env_bool_default_when_unset(monkeypatch):
    monkeypatch.delenv("HUB_T_FLAG", raising=False)
    assert env_bool("HUB_T_FLAG", True) is True
    assert env_bool("HUB_T_FLAG") is False


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("HUB_T_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured) as error:
        env_bool("HUB_T_FLAG")
    assert str(error.value) == "HUB_T_FLAG must be a boolean (true/false), not 'maybe'"


def test_env_int_reads_default_and_bounds(monkeypatch):
    monkeypatch.delenv("HUB_T_INT", raising=False)
    assert env_int("HUB_T_INT", 7) == 7
    monkeypatch.setenv("HUB_T_INT", "  ")
    assert env_int("HUB_T_INT", 7) == 7
    monkeypatch.setenv("HUB_T_INT", "42")
    assert env_int("HUB_T_INT", 7, minimum=42) == 42
    monkeypatch.setenv("HUB_T_INT", "0")
    with pytest.raises(ImproperlyConfigured) as error:
        env_int("HUB_T_INT", 7, minimum=1)
    assert str(error.value) == "HUB_T_INT must be at least 1, not 0"
    monkeypatch.setenv("HUB_T_INT", "abc")
    with pytest.raises(ImproperlyConfigured) as error:
        env_int("HUB_T_INT", 7)
    assert str(error.value) == "HUB_T_INT must be an integer, not 'abc'"


def test_env_list_splits_and_strips(monkeypatch):
    monkeypatch.delenv("HUB_T_LIST", raising=False)
    assert env_list("HUB_T_LIST", ["a"]) == ["a"]
    assert env_list("HUB_T_LIST") == []
    monkeypatch.setenv("HUB_T_LIST", " a.example , ,b.example,")
    assert env_list("HUB_T_LIST", ["x"]) == ["a.example", "b.example"]
    monkeypatch.setenv("HUB_T_LIST", "")
    assert env_list("HUB_T_LIST", ["x"]) == []


def test_env_choice(monkeypatch):
    monkeypatch.delenv("HUB_T_LEVEL", raising=False)
    assert env_choice("HUB_T_LEVEL", "INFO", ("INFO", "DEBUG")) == "INFO"
    monkeypatch.setenv("HUB_T_LEVEL", " debug ")
    assert env_choice("HUB_T_LEVEL", "INFO", ("INFO", "DEBUG"), upper=True) == "DEBUG"
    with pytest.raises(ImproperlyConfigured) as error:
        env_choice("HUB_T_LEVEL", "INFO", ("INFO", "DEBUG"))
    assert str(error.value) == "HUB_T_LEVEL must be one of INFO, DEBUG, not ' debug '"


def test_env_secret_from_variable_or_file(monkeypatch, tmp_path):
    monkeypatch.delenv("HUB_T_SECRET", raising=False)
    monkeypatch.delenv("HUB_T_SECRET_FILE", raising=False)
    assert env_secret("HUB_T_SECRET", "dflt") == "dflt"
    monkeypatch.setenv("HUB_T_SECRET", "from-variable")
    assert env_secret("HUB_T_SECRET") == "from-variable"
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-file\n")
    monkeypatch.setenv("HUB_T_SECRET_FILE", str(secret_file))
    assert env_secret("HUB_T_SECRET") == "from-file"  # the file wins, its trailing newline dropped
    missing = tmp_path / "absent"
    monkeypatch.setenv("HUB_T_SECRET_FILE", str(missing))
    with pytest.raises(ImproperlyConfigured, match=r"^HUB_T_SECRET_FILE: cannot read '.*absent': "):
        env_secret("HUB_T_SECRET")


def test_database_unset_is_a_sqlite_file_whose_folder_is_created(monkeypatch, tmp_path):
    monkeypatch.delenv("HUB_T_DB", raising=False)
    target = tmp_path / "var" / "hub.sqlite3"
    assert database_from_url("HUB_T_DB", target) == {"ENGINE": "django.db.backends.sqlite3", "NAME": str(target)}
    assert target.parent.is_dir()


def test_database_sqlite_url(monkeypatch, tmp_path):
    monkeypatch.setenv("HUB_T_DB", "sqlite:////srv/hub/db.sqlite3")
    assert database_from_url("HUB_T_DB", tmp_path / "x") == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": "/srv/hub/db.sqlite3",
    }
    monkeypatch.setenv("HUB_T_DB", "sqlite:///var/db.sqlite3")
    assert database_from_url("HUB_T_DB", tmp_path / "x")["NAME"] == "var/db.sqlite3"


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_database_postgres_url(monkeypatch, tmp_path, scheme):
    monkeypatch.setenv("HUB_T_DB", f"{scheme}://hub%40x:p%2Fw@db.example:6432/hub%20prod?sslmode=require")
    assert database_from_url("HUB_T_DB", tmp_path / "x") == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "hub prod",
        "USER": "hub@x",
        "PASSWORD": "p/w",
        "HOST": "db.example",
        "PORT": "6432",
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"sslmode": "require"},
    }


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://x/y", "HUB_T_DB must start with postgres:// or sqlite://, not mysql://"),
        ("db.example:5432/hub", "HUB_T_DB must start with postgres:// or sqlite://, not db.example://"),
        ("//db.example/hub", "HUB_T_DB must start with postgres:// or sqlite://, not a URL without a scheme"),
        ("postgres://user@db.example:5432", "HUB_T_DB must name a database: postgres://user@host:5432/<database>"),
        ("postgres://user@db.example:5432/", "HUB_T_DB must name a database: postgres://user@host:5432/<database>"),
        ("postgres://user@db.example:54x2/hub", "HUB_T_DB has a malformed port"),
        ("postgres://user@db.example:99999/hub", "HUB_T_DB has a malformed port"),
    ],
)
def test_database_malformed_urls_name_the_variable(monkeypatch, tmp_path, url, message):
    monkeypatch.setenv("HUB_T_DB", url)
    with pytest.raises(ImproperlyConfigured) as error:
        database_from_url("HUB_T_DB", tmp_path / "x")
    assert str(error.value) == message


@pytest.mark.parametrize("url", ["redis://127.0.0.1:6379/0", "rediss://cache.example:6380/1", "unix:///run/redis.sock"])
def test_cache_redis_urls(monkeypatch, url):
    monkeypatch.setenv("HUB_T_REDIS", url)
    assert cache_from_url("HUB_T_REDIS") == {"BACKEND": "hub.rediscache.RedisCache", "LOCATION": url}


def test_cache_unset_is_local_memory(monkeypatch):
    monkeypatch.delenv("HUB_T_REDIS", raising=False)
    assert cache_from_url("HUB_T_REDIS") == {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    monkeypatch.setenv("HUB_T_REDIS", " ")
    assert cache_from_url("HUB_T_REDIS") == {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


def test_cache_other_scheme_names_the_variable(monkeypatch):
    monkeypatch.setenv("HUB_T_REDIS", "127.0.0.1:6379")
    with pytest.raises(ImproperlyConfigured) as error:
        cache_from_url("HUB_T_REDIS")
    assert str(error.value) == "HUB_T_REDIS must start with redis://, rediss:// or unix://"


# --- Django starting with these settings, in a fresh process -------------------------------------

HUB_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "LOG_LEVEL",
    "LOG_RETENTION_DAYS",
)
SHOW_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'debug': s.DEBUG, 'secret': s.SECRET_KEY, 'cache': s.CACHES['default'], "
    "'engine': s.DATABASES['default']['ENGINE'], 'level': s.LOGGING['root']['level']}))"
)


def start_django(tmp_path, **variables) -> subprocess.CompletedProcess:
    """``django.setup()`` with hub.settings in a child process whose environment holds only ``variables``."""
    env = {key: value for key, value in os.environ.items() if key not in HUB_VARIABLES}
    env |= {"DJANGO_SETTINGS_MODULE": "hub.settings", "HUB_VAR_DIR": str(tmp_path)} | variables
    return subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def read_settings(monkeypatch, tmp_path, **variables) -> dict:
    """hub/settings.py run afresh in this process with an environment holding only ``variables`` of the hub's:
    what a starting Django would read (the refusals come from the module's own code, as when Django starts)."""
    for name in HUB_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HUB_VAR_DIR", str(tmp_path))
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "hub" / "settings.py"))


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG must be a boolean (true/false), not 'maybe'"),
        ({"DEBUG": "1", "LOG_RETENTION_DAYS": "abc"}, "LOG_RETENTION_DAYS must be an integer, not 'abc'"),
        (
            {"DEBUG": "1", "DATABASE_URL": "mysql://x/y"},
            "DATABASE_URL must start with postgres:// or sqlite://, not mysql://",
        ),
        (
            {"DEBUG": "1", "LOG_LEVEL": "LOUD"},
            "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, not 'LOUD'",
        ),
        (
            {"DEBUG": "1", "REDIS_URL": "localhost:6379"},
            "REDIS_URL must start with redis://, rediss:// or unix://",
        ),
        ({}, "SECRET_KEY must be set when DEBUG is off (make demo generates one)"),
        ({"DEBUG": "off", "SECRET_KEY": ""}, "SECRET_KEY must be set when DEBUG is off (make demo generates one)"),
    ],
)
def test_the_settings_refuse_a_malformed_variable(monkeypatch, tmp_path, variables, message):
    with pytest.raises(ImproperlyConfigured) as refused:
        read_settings(monkeypatch, tmp_path, **variables)
    assert str(refused.value) == message


def test_django_refuses_to_start_on_a_malformed_variable(tmp_path):
    # one refusal through a real start: the error is what ends the process, and nothing is printed
    result = start_django(tmp_path, DEBUG="maybe")
    assert result.returncode != 0
    assert result.stdout == ""
    last = result.stderr.strip().splitlines()[-1]
    assert last == "django.core.exceptions.ImproperlyConfigured: DEBUG must be a boolean (true/false), not 'maybe'"


def test_django_starts_with_debug_off_and_a_secret_key(tmp_path):
    result = start_django(tmp_path, SECRET_KEY="s3cret", LOG_LEVEL="warning")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "debug": False,
        "secret": "s3cret",
        "cache": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "engine": "django.db.backends.sqlite3",
        "level": "WARNING",
    }


def test_django_reads_the_secret_key_from_a_file_and_uses_redis_when_set(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text("from-a-file\n")
    result = start_django(tmp_path, SECRET_KEY_FILE=str(key_file), REDIS_URL="redis://127.0.0.1:6379/3")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "debug": False,
        "secret": "from-a-file",
        "cache": {"BACKEND": "hub.rediscache.RedisCache", "LOCATION": "redis://127.0.0.1:6379/3"},
        "engine": "django.db.backends.sqlite3",
        "level": "INFO",
    }


def test_debug_on_without_secret_key_uses_the_development_key(monkeypatch, tmp_path):
    assert read_settings(monkeypatch, tmp_path, DEBUG="1")["SECRET_KEY"] == "insecure-development-key"


def test_the_default_broker_is_a_folder_that_celery_sends_to_without_a_warning(monkeypatch, tmp_path, caplog):
    from celery import Celery

    settings = read_settings(monkeypatch, tmp_path, DEBUG="1")
    options = settings["CELERY_BROKER_TRANSPORT_OPTIONS"]
    assert options["data_folder_in"] == options["data_folder_out"] == str(tmp_path / "celery-queue")
    assert options["control_folder"] == str(tmp_path / "celery-control")
    monkeypatch.chdir(tmp_path / "celery-queue")  # where the process starts holds nothing of the broker's
    caplog.set_level(logging.WARNING)
    app = Celery("hub-test", broker=settings["CELERY_BROKER_URL"], set_as_current=False)
    app.conf.broker_transport_options = options
    with app:
        app.send_task("outbound.tasks.deliver", (1,), queue="hub-test")
    [message] = (tmp_path / "celery-queue").iterdir()
    assert json.loads(message.read_text())["headers"]["task"] == "outbound.tasks.deliver"
    assert sorted(path.name for path in (tmp_path / "celery-control").iterdir()) == ["hub-test.exchange"]
    # without a host name kombu warned at every connection ("No hostname was supplied"), in the demo's log
    assert [record.getMessage() for record in caplog.records] == []
