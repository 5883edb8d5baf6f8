"""The generic routes' rate limits set in the admin (GenericRouteSettings) over HTTP through the hub to the
stand-in: exact counts at the boundary, a change in the admin taking effect, the settings' defaults for
what is left blank, no query per call, and the admin form."""

import json

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from endpoints import config
from endpoints.generic import gateway
from endpoints.generic.models import GenericRouteSettings
from logs.groups import INTEGRATION_ADMINS
from logs.models import RequestLog

pytestmark = pytest.mark.django_db

ADMIN_URL = "/admin/generic/genericroutesettings/"
HINT = "write requests/window like 100/min, 1000/h, 10/5s or 0 for none"
SEARCH = {"payload": {"search_field": ["name"], "limit": 1}}


@pytest.fixture
def integration_admin():
    """An Integration admin (not a superuser) logged in to the admin, in a client of its own."""
    user = User.objects.create_user("ida", "ida@example.com", "pw-ida-123")
    user.groups.add(Group.objects.get(name=INTEGRATION_ADMINS))
    admin = Client()
    admin.force_login(user)
    return admin


def save_limits(admin, address="", credential="") -> None:
    """Set the generic routes' limits through the admin form (adding the row the first time)."""
    row = GenericRouteSettings.objects.first()
    url = f"{ADMIN_URL}{row.pk}/change/" if row else f"{ADMIN_URL}add/"
    response = admin.post(url, {"rate_limit_per_address": address, "rate_limit_per_credential": credential})
    assert response.status_code == 302, response.content.decode()


def search(rpc, **kwargs):
    return rpc("search_data", "res.partner", SEARCH, **kwargs)


def test_admin_set_credential_limit_refuses_exactly_the_call_past_the_quota(
    counters, limits, integration_admin, rpc, rpc_calls
):
    limits(generic_address="0", generic_credential="100/min")  # the settings' defaults, overridden below
    save_limits(integration_admin, credential="2/min, 50/h")
    answers = [search(rpc) for _ in range(3)]
    assert [r.status_code for r in answers] == [200, 200, 429]
    assert answers[0]["RateLimit-Policy"] == '"credential-1min";q=2;w=60, "credential-1h";q=50;w=3600'
    assert [r["RateLimit"].split(";t=")[0] for r in answers[:1]] == ['"credential-1min";r=1']
    assert answers[1]["RateLimit"].startswith('"credential-1min";r=0;t=')
    wait = int(answers[2]["Retry-After"])
    assert 58 <= wait <= 60
    assert json.loads(answers[2].content) == {
        "jsonrpc": "2.0",
        "id": 1,
        "error": {
            "code": 429,
            "message": f"Rate limit exceeded (2 requests per minute per credential); try again in {wait} seconds.",
            "data": {"request_id": answers[2]["X-Request-ID"]},
        },
    }
    assert len(rpc_calls) == 2  # the refused call never reached Odoo
    row = RequestLog.objects.get(request_id=answers[2]["X-Request-ID"])
    assert (row.status, row.outcome, row.rpc_count, row.route_kind) == (429, "failure", 0, "generic")
    assert RequestLog.objects.filter(route_kind="generic").count() == 3


def test_admin_set_address_limit_counts_every_key_from_that_address(counters, limits, integration_admin, rpc, make_key):
    limits(generic_address="100/min", generic_credential="0")
    save_limits(integration_admin, address="3/min")
    other = make_key(name="crm")
    statuses = [search(rpc).status_code, search(rpc, key=other).status_code, search(rpc).status_code]
    assert statuses == [200, 200, 200]
    refused = search(rpc, key=other)
    assert refused.status_code == 429
    assert refused["RateLimit-Policy"] == '"address-1min";q=3;w=60'
    assert "3 requests per minute per client address" in refused.json()["error"]["message"]


def test_a_change_in_the_admin_takes_effect_on_the_next_call(counters, limits, integration_admin, rpc):
    limits(generic_address="0", generic_credential="0")
    save_limits(integration_admin, credential="5/min")
    assert search(rpc)["RateLimit-Policy"] == '"credential-1min";q=5;w=60'
    save_limits(integration_admin, credential="1/min")
    # the one-minute window keeps its count: the call already made uses up the new quota of 1
    refused = search(rpc)
    assert refused.status_code == 429
    assert refused["RateLimit-Policy"] == '"credential-1min";q=1;w=60'
    save_limits(integration_admin, credential="0")  # 0: off, whatever the settings say
    answer = search(rpc)
    assert answer.status_code == 200
    assert "RateLimit-Policy" not in answer


def test_deleting_the_settings_row_brings_back_the_defaults(counters, limits, integration_admin, rpc):
    limits(generic_address="0", generic_credential="7/h")
    save_limits(integration_admin, credential="2/min")
    assert search(rpc)["RateLimit-Policy"] == '"credential-1min";q=2;w=60'
    row = GenericRouteSettings.objects.get()
    response = integration_admin.post(f"{ADMIN_URL}{row.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert search(rpc)["RateLimit-Policy"] == '"credential-1h";q=7;w=3600'


def test_without_a_row_or_with_blank_fields_the_settings_are_the_defaults(counters, limits, integration_admin, rpc):
    limits(generic_address="40/min", generic_credential="7/h")
    assert search(rpc)["RateLimit-Policy"] == '"address-1min";q=40;w=60, "credential-1h";q=7;w=3600'
    save_limits(integration_admin, address="", credential="3/min")  # address left blank: the default
    assert search(rpc)["RateLimit-Policy"] == '"address-1min";q=40;w=60, "credential-1min";q=3;w=60'
    save_limits(integration_admin, address="0", credential="")
    assert search(rpc)["RateLimit-Policy"] == '"credential-1h";q=7;w=3600'


def test_a_call_costs_no_query_for_the_settings(counters, limits, integration_admin, rpc, django_assert_num_queries):
    limits(generic_address="0", generic_credential="0")
    search(rpc)  # no row: that is cached too (and the key's last use is noted)
    # the request-log row only (the key is checked among the cached keys): as without admin-set limits
    with django_assert_num_queries(1):
        assert "RateLimit-Policy" not in search(rpc)
    save_limits(integration_admin, address="100/min", credential="1000/h")
    with django_assert_num_queries(2):  # the first call after the change reads the row once
        assert search(rpc)["RateLimit-Policy"] == '"address-1min";q=100;w=60, "credential-1h";q=1000;w=3600'
    with django_assert_num_queries(1):
        assert search(rpc)["RateLimit"].startswith('"address-1min";r=98;')


def test_another_process_change_is_seen_through_the_shared_version(counters, limits, rpc):
    limits(generic_address="0", generic_credential="0")
    GenericRouteSettings.objects.create(rate_limit_per_credential="5/min")
    assert search(rpc)["RateLimit-Policy"] == '"credential-1min";q=5;w=60'
    # A change this process's signals did not see (another process saved it, or SQL by hand):
    GenericRouteSettings.objects.update(rate_limit_per_credential="9/min")
    assert search(rpc)["RateLimit-Policy"] == '"credential-1min";q=5;w=60'  # cached here
    config.bump_version()  # what the other process's save announces in the shared cache
    assert search(rpc)["RateLimit-Policy"] == '"credential-1min";q=9;w=60'


def test_a_cached_row_is_read_again_after_max_age(counters, limits, rpc, monkeypatch):
    limits(generic_address="0", generic_credential="0")
    GenericRouteSettings.objects.create(rate_limit_per_credential="5/min")
    assert search(rpc)["RateLimit-Policy"] == '"credential-1min";q=5;w=60'
    GenericRouteSettings.objects.update(rate_limit_per_credential="9/min")
    monkeypatch.setattr(gateway._SETTINGS, "loaded_at", gateway._SETTINGS.loaded_at - config.MAX_AGE)
    assert search(rpc)["RateLimit-Policy"] == '"credential-1min";q=9;w=60'


# -- the admin form -------------------------------------------------------------------------------


def test_the_list_opens_the_form_and_the_form_shows_the_limits_in_force(integration_admin, limits):
    limits(generic_address="100/min", generic_credential="1000/h")
    assert integration_admin.get(ADMIN_URL)["Location"] == f"{ADMIN_URL}add/"
    page = integration_admin.get(f"{ADMIN_URL}add/").content.decode()
    assert "100 requests per minute per client address; 1000 requests per hour per credential" in page
    save_limits(integration_admin, address="0", credential="10/5s, 20000/d")
    row = GenericRouteSettings.objects.get()
    assert (row.pk, row.rate_limit_per_address, row.rate_limit_per_credential) == (1, "0", "10/5s, 20000/d")
    assert integration_admin.get(ADMIN_URL)["Location"] == f"{ADMIN_URL}1/change/"
    page = integration_admin.get(f"{ADMIN_URL}1/change/").content.decode()
    assert "10 requests per 5 seconds per credential; 20000 requests per day per credential" in page
    assert integration_admin.get(f"{ADMIN_URL}add/").status_code == 403  # one row only


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("100", f"&#x27;100&#x27; is not a limit; {HINT}"),
        ("10/8d", "&#x27;10/8d&#x27;: a window lasts from 1 second to 7 days"),
        ("10/min, 20/60s", "Two limits with the same window: keep one"),
    ],
)
def test_malformed_limits_are_refused_by_the_form_as_on_an_endpoint(integration_admin, text, message):
    response = integration_admin.post(
        f"{ADMIN_URL}add/", {"rate_limit_per_address": "", "rate_limit_per_credential": text}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not GenericRouteSettings.objects.exists()


def test_support_staff_cannot_change_the_limits(db):
    user = User.objects.create_user("sam", "sam@example.com", "pw-sam-123")
    user.groups.add(Group.objects.get(name="Support"))
    support = Client()
    support.force_login(user)
    assert support.get(f"{ADMIN_URL}add/").status_code == 403
    assert support.post(f"{ADMIN_URL}add/", {"rate_limit_per_credential": "0"}).status_code == 403
    assert not GenericRouteSettings.objects.exists()
