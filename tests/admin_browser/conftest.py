"""Browser tests of the admin: Playwright drives Debian's Chromium against the live test server.

Playwright's own browser download is not reachable from every machine, so the tests launch
/usr/bin/chromium (``tools/ensure_chromium.sh`` installs it; ``make test`` runs that first).
Chromium gets a fresh profile per launch and the flags that stop its background connections,
which a closed network refuses. A failing test leaves a screenshot in var/browser-failures/;
``HUB_DOC_SCREENSHOTS=1`` makes ``doc_screenshot`` refresh the guide's pictures in docs/img/.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect, sync_playwright

from endpoints.models import Endpoint
from tests.endpoints.support import CUSTOMER_LINES, DOMAIN, add_lines

CHROMIUM = os.environ.get("HUB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
FAILURES_DIR = ROOT / "var" / "browser-failures"
DOCS_IMG = ROOT / "docs" / "img"
# Generous: the suite runs on small shared machines; expectations return as soon as they hold.
TIMEOUT_MS = 20_000
PASSWORD = "pw-for-browser-tests"

expect.set_options(timeout=TIMEOUT_MS)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so the page fixture knows whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests (Playwright launches it with a fresh temporary profile).

    Playwright's sync API keeps an event loop in this thread, which makes Django refuse ORM calls
    ("you cannot call this from an async context") while it runs: allowed for these tests only.
    """
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run tools/ensure_chromium.sh (apt-get install chromium)")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _safe_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid)[-150:]


@pytest.fixture
def page(browser, live_server, request) -> Page:
    """A fresh browser context at 1366 x 900 on the live server; a screenshot is kept if the test fails."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is None or report.failed:
        FAILURES_DIR.mkdir(parents=True, exist_ok=True)
        path = FAILURES_DIR / f"{_safe_name(request.node.nodeid)}.png"
        page.screenshot(path=str(path), full_page=True)
        print(f"screenshot of the failure: {path}")
    context.close()


@pytest.fixture
def doc_screenshot():
    """``doc_screenshot(page_or_locator, name)``: a picture for docs/admin-guide.md, when asked for.

    Only with ``HUB_DOC_SCREENSHOTS=1``, so ordinary runs leave the committed pictures alone.
    """

    def take(target, name: str) -> Path | None:
        if os.environ.get("HUB_DOC_SCREENSHOTS") != "1":
            return None
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        path = DOCS_IMG / f"{name}.png"
        target.screenshot(path=str(path))
        return path

    return take


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Log in through the admin's login form, as a person would."""
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Log out").or_(page.get_by_role("button", name="Log out"))).to_be_visible()


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.com", PASSWORD)


@pytest.fixture
def admin_page(page, superuser, live_server) -> Page:
    """A page logged in to the admin as a superuser, through a session cookie.

    Logging in through the form took two page loads of each test's set-up; the support test logs in
    through the form as a person would.
    """
    client = Client()
    client.force_login(superuser)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    return page


def horizontal_overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.fixture
def connection(make_connection):
    """The default connection to the Odoo stand-in, as admin over JSON-RPC."""
    return make_connection(protocol="jsonrpc", name="Odoo (stand-in)", is_default=True)


@pytest.fixture
def customers(connection):
    """A bearer endpoint ``customers`` over res.partner, with the REST tests' customer lines, and Alice in Odoo."""
    endpoint = Endpoint(
        name="Customers",
        connection=connection,
        odoo_model="res.partner",
        domain=DOMAIN,
        slug="customers",
        allowed_methods=["GET", "POST", "PUT", "DELETE"],
        auth=Endpoint.Auth.BEARER,
    )
    # clean() runs; the database enforces the constraints on save (see tests/endpoints/support.py).
    endpoint.full_clean(validate_constraints=False)
    endpoint.save()
    add_lines(endpoint, CUSTOMER_LINES)
    connection.client().execute_kw("res.partner", "create", [{"ref": "C001", "name": "Alice Martin"}])
    return endpoint
