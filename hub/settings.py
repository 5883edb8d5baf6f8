"""Settings of the hub, read from the environment (twelve-factor).

Defaults give a working local set-up: SQLite in ``var/``, local-memory cache, DEBUG off.
Every variable is listed in README.md.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from hub.env import cache_from_url, database_from_url, env_bool, env_choice, env_int, env_list, env_secret, env_str
from hub.ratelimit import env_limits

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("HUB_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (make demo generates one)")
    SECRET_KEY = "insecure-development-key"  # noqa: S105 - only ever used with DEBUG on

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Key for secrets stored at rest (Odoo passwords and API keys): a Fernet key.
HUB_ENCRYPTION_KEY = env_secret("HUB_ENCRYPTION_KEY")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc assets served by the hub: docs work offline
    "hub",
    "endpoints",
    "endpoints.generic",
    "mappings",
    "logs",
    "idempotency",
    "outbound",
]

# hub.middleware's are Django's sessions, users and messages, passed by on the routes machines call
MIDDLEWARE = [
    "logs.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "hub.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "hub.middleware.AuthenticationMiddleware",
    "hub.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "hub.urls"
WSGI_APPLICATION = "hub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database_from_url("DATABASE_URL", VAR_DIR / "hub.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": cache_from_url("REDIS_URL")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

# Admin messages (a new key or token is shown once through one) stay on the server, not in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG

# Deny by default: every DRF view needs a staff session unless it opts out explicitly.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAdminUser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "hub.envelope.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Odoo integration hub",
    "DESCRIPTION": "REST endpoints configured in the hub's admin, served from Odoo.",
    "VERSION": "1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "TAGS": [
        {"name": "generic", "description": "Generic data routes (JSON-RPC, as the Odoo webhook module)"},
        {"name": "session", "description": "Odoo-style session: log in as an Odoo user"},
    ],
    # The configured endpoints (truly dynamic) join the generated document here, then rate limits
    # and idempotency keys are added to every API route.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "endpoints.schema.add_configured_endpoints",
        "endpoints.gateway_schema.add_gateway_to_schema",
    ],
}

# The Odoo connection may come from the environment; it is then the default connection.
ODOO_URL = env_str("ODOO_URL")
ODOO_DB = env_str("ODOO_DB")
ODOO_LOGIN = env_str("ODOO_LOGIN")
ODOO_PASSWORD = env_secret("ODOO_PASSWORD")
ODOO_API_KEY = env_secret("ODOO_API_KEY")
ODOO_PROTOCOL = env_str("ODOO_PROTOCOL", "auto")

# API documentation (schema, Swagger UI, ReDoc, Postman) needs a staff login unless public.
HUB_PUBLIC_DOCS = env_bool("HUB_PUBLIC_DOCS", False)

# Generic data routes: the largest file accepted inline in attachment_ids (decoded bytes), and
# the largest request body (files travel base64-encoded, a third larger than the files).
HUB_ATTACHMENT_MAX_BYTES = env_int("HUB_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
# One call's files together (generic routes): how many, and their decoded bytes.
HUB_ATTACHMENT_MAX_COUNT = env_int("HUB_ATTACHMENT_MAX_COUNT", 100, minimum=1)
HUB_ATTACHMENT_MAX_TOTAL_BYTES = env_int("HUB_ATTACHMENT_MAX_TOTAL_BYTES", 20 * 1024 * 1024, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("HUB_MAX_REQUEST_BYTES", 20 * 1024 * 1024, minimum=1024)

# Failed authentication (Basic, bearer tokens, API keys, session logins, log API keys): after
# this many failures from one client address on one endpoint or route within the window, further
# attempts answer 429 with Retry-After until the window ends (hub/auth/throttle.py).
HUB_AUTH_FAILURES_PER_WINDOW = env_int("HUB_AUTH_FAILURES_PER_WINDOW", 10, minimum=1)
HUB_AUTH_FAILURE_WINDOW_SECONDS = env_int("HUB_AUTH_FAILURE_WINDOW_SECONDS", 300, minimum=1)

# Rate limits (hub/ratelimit.py): requests per window per client address and per credential, as
# "100/min, 1000/h" ("0": none). Endpoints may set their own; the generic routes use the GENERIC ones.
HUB_RATE_LIMIT_PER_ADDRESS = env_limits("HUB_RATE_LIMIT_PER_ADDRESS", "100/min")
HUB_RATE_LIMIT_PER_CREDENTIAL = env_limits("HUB_RATE_LIMIT_PER_CREDENTIAL", "1000/h")
HUB_GENERIC_RATE_LIMIT_PER_ADDRESS = env_limits("HUB_GENERIC_RATE_LIMIT_PER_ADDRESS", HUB_RATE_LIMIT_PER_ADDRESS)
HUB_GENERIC_RATE_LIMIT_PER_CREDENTIAL = env_limits(
    "HUB_GENERIC_RATE_LIMIT_PER_CREDENTIAL", HUB_RATE_LIMIT_PER_CREDENTIAL
)
HUB_RATE_LIMIT_CACHE = "default"  # the CACHES alias holding the counters
# Idempotency keys (idempotency/): how long an answer is kept for replay, and how long a call
# that never finished (its process died) keeps its key locked before a retry may run it again.
HUB_IDEMPOTENCY_RETENTION_HOURS = env_int("HUB_IDEMPOTENCY_RETENTION_HOURS", 24, minimum=1)
HUB_IDEMPOTENCY_LOCK_SECONDS = env_int("HUB_IDEMPOTENCY_LOCK_SECONDS", 300, minimum=1)

# Request log.
LOG_RETENTION_DAYS = env_int("LOG_RETENTION_DAYS", 30, minimum=1)
LOG_BODY_MAX_BYTES = env_int("LOG_BODY_MAX_BYTES", 64 * 1024, minimum=0)
# Who writes a call's row once its answer has gone: one thread per process, a batch at a time
# ("thread"), or the request's own thread while the response closes ("inline"). See docs/logs.md.
HUB_LOG_WRITER = env_choice("HUB_LOG_WRITER", "thread", ("thread", "inline"))
# A word matches as a part of a key ("secret" is secret*, *secret* too); a word with * is a pattern of the whole key.
LOG_SECRET_KEYS = env_list(
    "LOG_SECRET_KEYS",
    ["password", "passwd", "token", "api_key", "apikey", "secret", "*_key", "authorization", "x-signature"],
)
# Addresses of reverse proxies whose X-Forwarded-For is believed.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_choice("LOG_LEVEL", "INFO", LOG_LEVELS, upper=True)},
    # httpx logs every request at INFO: the request log already records each call.
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
}

# Outbound deliveries (outbound/): Celery is the engine. The broker is CELERY_BROKER_URL, else
# REDIS_URL, else kombu's filesystem transport under var/ (one machine, no server: the demo; the host
# name means nothing there, but without one kombu warns at every connection).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or env_str("REDIS_URL") or "filesystem://localhost/"
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue = VAR_DIR / "celery-queue"
    _queue.mkdir(parents=True, exist_ok=True)  # the transport expects its folder
    # the folder is scanned for new messages every polling_interval seconds (kombu's default: 1);
    # the exchange tables go under var/ too, not into a "control" folder wherever the process started
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "control_folder": str(VAR_DIR / "celery-control"),
        "polling_interval": 0.1,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# A worker takes one message at a time and acknowledges it after the task: a killed worker's
# message is delivered again (and the sweep re-enqueues whatever the broker lost).
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With the broker down, sending gives up within a second: the outbox row waits for the sweep.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
# An attempt under way holds its row for its timeouts plus this margin; a worker that died in it
# leaves the row due again after that, and the sweep sends it once more.
OUTBOUND_LEASE_MARGIN_SECONDS = env_int("OUTBOUND_LEASE_MARGIN_SECONDS", 30, minimum=0)
OUTBOUND_SWEEP_SECONDS = env_int("OUTBOUND_SWEEP_SECONDS", 15, minimum=1)
OUTBOUND_POLL_TICK_SECONDS = env_int("OUTBOUND_POLL_TICK_SECONDS", 5, minimum=1)
CELERY_BEAT_SCHEDULE = {
    "outbound-sweep": {"task": "outbound.tasks.sweep", "schedule": float(OUTBOUND_SWEEP_SECONDS)},
    "outbound-poll": {"task": "outbound.tasks.poll_due", "schedule": float(OUTBOUND_POLL_TICK_SECONDS)},
}
# Networks a target URL may resolve into although private/loopback (e.g. 127.0.0.0/8 for a demo).
OUTBOUND_ALLOWED_NETWORKS = env_list("OUTBOUND_ALLOWED_NETWORKS")
OUTBOUND_RESPONSE_MAX_BYTES = env_int("OUTBOUND_RESPONSE_MAX_BYTES", 64 * 1024, minimum=0)
# Odoo posts its notification before its transaction commits: the record is read this much later,
# and once more after OUTBOUND_PUSH_RECHECK_SECONDS before it is called deleted.
OUTBOUND_PUSH_DELAY_SECONDS = env_int("OUTBOUND_PUSH_DELAY_SECONDS", 3, minimum=0)
OUTBOUND_PUSH_RECHECK_SECONDS = env_int("OUTBOUND_PUSH_RECHECK_SECONDS", 30, minimum=0)
