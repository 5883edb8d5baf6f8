"""Authentication per endpoint: none, HTTP Basic and bearer tokens, on every route and method."""

import base64
from datetime import timedelta

import pytest
from django.utils import timezone

from endpoints.models import EndpointToken
from logs.models import RequestLog
from tests.endpoints.support import ALICE, basic, body, error

pytestmark = pytest.mark.django_db

URL = "/bj_api_sync/v1/customers"
MISSING = "Authentication credentials were not provided."
INVALID = "Invalid credentials."
MALFORMED = "Malformed Authorization header."

# (method, path, body, success status) for every route and method
CALLS = [
    ("get", URL, None, 200),
    ("post", URL, {"customer_id": "C010", "name": "Dave Lee"}, 201),
    ("get", f"{URL}/C001", None, 200),
    ("put", f"{URL}/C001", {"phone": "+32 9"}, 200),
    ("delete", f"{URL}/C002", None, 200),
]


def call(client, method, path, data=None, **headers):
    kwargs = {"headers": headers}
    if data is not None:
        kwargs.update(data=data, content_type="application/json")
    return getattr(client, method)(path, **kwargs)


@pytest.fixture
def basic_endpoint(make_endpoint, seeded):
    return make_endpoint(auth="basic", basic_username="shop", basic_password="correct horse")


@pytest.fixture
def bearer_endpoint(make_endpoint, seeded):
    return make_endpoint(auth="bearer")


@pytest.mark.parametrize(("method", "path", "data", "status"), CALLS)
def test_public_endpoint_needs_no_credentials(client, customers, method, path, data, status):
    response = call(client, method, path, data)
    assert response.status_code == status, response.content
    assert "WWW-Authenticate" not in response


@pytest.mark.parametrize(("method", "path", "data", "status"), CALLS)
def test_basic_endpoint_accepts_its_login_and_password(client, basic_endpoint, method, path, data, status):
    response = call(client, method, path, data, Authorization=basic("shop", "correct horse"))
    assert response.status_code == status, response.content
    assert RequestLog.objects.get(request_id=response["X-Request-ID"]).principal == "basic:shop"


@pytest.mark.parametrize(("method", "path", "data", "status"), CALLS)
def test_basic_endpoint_without_credentials_is_401_with_challenge(client, basic_endpoint, method, path, data, status):
    response = call(client, method, path, data)
    error(response, 401, MISSING)
    assert response["WWW-Authenticate"] == 'Basic realm="customers", charset="UTF-8"'


@pytest.mark.parametrize(("method", "path", "data", "status"), CALLS)
def test_bearer_endpoint_accepts_its_token(client, bearer_endpoint, issue_token, method, path, data, status):
    secret = issue_token(bearer_endpoint, name="webshop")
    response = call(client, method, path, data, Authorization=f"Bearer {secret}")
    assert response.status_code == status, response.content
    assert RequestLog.objects.get(request_id=response["X-Request-ID"]).principal == "token:webshop"


@pytest.mark.parametrize(("method", "path", "data", "status"), CALLS)
def test_bearer_endpoint_without_token_is_401_with_challenge(client, bearer_endpoint, method, path, data, status):
    response = call(client, method, path, data)
    error(response, 401, MISSING)
    assert response["WWW-Authenticate"] == 'Bearer realm="customers"'


def test_basic_credentials_in_the_url_query_are_not_read(client, basic_endpoint):
    error(client.get(URL, {"username": "shop", "password": "correct horse"}), 401, MISSING)


def test_bearer_scheme_name_is_case_insensitive(client, bearer_endpoint, issue_token):
    secret = issue_token(bearer_endpoint)
    assert client.get(URL, headers={"Authorization": f"bearer {secret}"}).status_code == 200


def test_bearer_token_in_the_query_string_is_not_read(client, bearer_endpoint, issue_token):
    secret = issue_token(bearer_endpoint)
    error(client.get(URL, {"access_token": secret}), 401, MISSING)


def test_several_named_tokens_each_work_and_record_last_use(client, bearer_endpoint, issue_token):
    first = issue_token(bearer_endpoint, name="webshop")
    second = issue_token(bearer_endpoint, name="warehouse")
    assert client.get(URL, headers={"Authorization": f"Bearer {first}"}).status_code == 200
    response = client.get(URL, headers={"Authorization": f"Bearer {second}"})
    assert RequestLog.objects.get(request_id=response["X-Request-ID"]).principal == "token:warehouse"
    used = {t.name: t.last_used_at for t in EndpointToken.objects.all()}
    assert used["webshop"] is not None
    assert used["warehouse"] is not None


def test_bearer_request_makes_one_query_and_a_second_once_a_minute(
    client, bearer_endpoint, issue_token, django_assert_num_queries, monkeypatch
):
    secret = issue_token(bearer_endpoint)
    headers = {"Authorization": f"Bearer {secret}"}
    client.get(URL, headers=headers)  # builds the configuration; records the first use
    with django_assert_num_queries(1):  # the log row: the token is checked against the cached configuration
        assert client.get(f"{URL}/C001", headers=headers).status_code == 200
    monkeypatch.setattr(EndpointToken, "LAST_USED_RESOLUTION", timedelta(0))  # as if a minute had passed
    with django_assert_num_queries(2):  # last-use update (after the answer), log row
        assert client.get(f"{URL}/C001", headers=headers).status_code == 200
    assert EndpointToken.objects.get().last_used_at > timezone.now() - timedelta(seconds=5)


def test_a_revoked_or_expired_token_is_refused_at_once_though_configurations_are_cached(
    client, bearer_endpoint, issue_token, monkeypatch
):
    revoked, expiring = issue_token(bearer_endpoint, name="revoked"), issue_token(bearer_endpoint, name="expiring")
    for secret in (revoked, expiring):
        assert client.get(f"{URL}/C001", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    EndpointToken.objects.filter(name="revoked").revoke()  # a bulk UPDATE, as the admin action does
    token = EndpointToken.objects.get(name="expiring")
    token.expires_at = timezone.now() + timedelta(minutes=1)
    token.save()
    assert client.get(f"{URL}/C001", headers={"Authorization": f"Bearer {expiring}"}).status_code == 200
    # The minute passes (the clock moves, not the test: a real wait failed on a loaded machine).
    later = timezone.now() + timedelta(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    for secret in (revoked, expiring):
        response = client.get(f"{URL}/C001", headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 401, secret


def test_basic_request_makes_one_query(client, basic_endpoint, django_assert_num_queries):
    headers = {"Authorization": basic("shop", "correct horse")}
    client.get(URL, headers=headers)
    with django_assert_num_queries(1):  # the log row only: the password is checked against the cached configuration
        assert body(client.get(f"{URL}/C001", headers=headers))["data"] == ALICE


def test_secrets_never_reach_the_log(client, bearer_endpoint, issue_token):
    secret = issue_token(bearer_endpoint)
    response = client.get(URL, headers={"Authorization": f"Bearer {secret}"})
    row = RequestLog.objects.get(request_id=response["X-Request-ID"])
    assert secret not in str(row.request_headers)


BASIC_CHALLENGE = 'Basic realm="customers", charset="UTF-8"'


@pytest.fixture
def partners_before(fake_odoo):
    """The stand-in's partners before the call: a refused call must leave them as they were."""
    return fake_odoo.records("res.partner")


@pytest.mark.parametrize(("method", "path", "data", "status"), CALLS)
@pytest.mark.parametrize(
    "header",
    [
        basic("shop", "wrong"),
        basic("other", "correct horse"),
        basic("SHOP", "correct horse"),
        basic("shop", ""),
        basic("", "correct horse"),
    ],
    ids=["wrong-password", "wrong-login", "login-case", "empty-password", "empty-login"],
)
def test_basic_wrong_credentials_are_401_on_every_call(
    client, basic_endpoint, fake_odoo, partners_before, rpc_calls, header, method, path, data, status
):
    response = call(client, method, path, data, Authorization=header)
    error(response, 401, INVALID)
    assert response["WWW-Authenticate"] == BASIC_CHALLENGE
    assert rpc_calls == []
    assert fake_odoo.records("res.partner") == partners_before


@pytest.mark.parametrize(("method", "path", "data", "status"), CALLS)
@pytest.mark.parametrize(
    "header",
    [
        "Basic !!!not-base64!!!",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic " + base64.b64encode(b"\xff\xfe:x").decode(),
        "Basic",
        "Basic    ",
        "Bearer something",
        "Digest username=shop",
    ],
    ids=["not-base64", "no-colon", "not-utf8", "no-credentials", "blank-credentials", "bearer-scheme", "other-scheme"],
)
def test_basic_malformed_header_is_401_on_every_call(
    client, basic_endpoint, fake_odoo, partners_before, rpc_calls, header, method, path, data, status
):
    response = call(client, method, path, data, Authorization=header)
    error(response, 401, MALFORMED)
    assert response["WWW-Authenticate"] == BASIC_CHALLENGE
    assert rpc_calls == []
    assert fake_odoo.records("res.partner") == partners_before


@pytest.mark.parametrize(("method", "path", "data", "status"), CALLS)
@pytest.mark.parametrize(
    "header",
    [basic("shop", "x"), "Bearer", "Bearer    ", "Token abc", "Bearertoken"],
    ids=["basic-scheme", "no-token", "blank-token", "other-scheme", "no-space"],
)
def test_bearer_malformed_header_is_401_invalid_request_on_every_call(
    client, bearer_endpoint, issue_token, fake_odoo, partners_before, rpc_calls, header, method, path, data, status
):
    issue_token(bearer_endpoint)
    response = call(client, method, path, data, Authorization=header)
    error(response, 401, MALFORMED)
    assert response["WWW-Authenticate"] == 'Bearer realm="customers", error="invalid_request"'
    assert rpc_calls == []
    assert fake_odoo.records("res.partner") == partners_before


def _wrong(endpoint, issue_token, make_endpoint):
    secret = issue_token(endpoint, name="spare")
    return secret[:-1] + ("A" if secret[-1] != "A" else "B")  # one character off


def _expired(endpoint, issue_token, make_endpoint):
    return issue_token(endpoint, name="old", expires_at=timezone.now() - timedelta(minutes=1))


def _revoked(endpoint, issue_token, make_endpoint):
    secret = issue_token(endpoint, name="gone")
    EndpointToken.objects.get(endpoint=endpoint, name="gone").revoke()
    return secret


def _other_endpoints(endpoint, issue_token, make_endpoint):
    return issue_token(make_endpoint(slug="others", auth="bearer"), name="theirs")


BAD_TOKENS = {"wrong": _wrong, "expired": _expired, "revoked": _revoked, "other-endpoint": _other_endpoints}


@pytest.mark.parametrize(("method", "path", "data", "status"), CALLS)
@pytest.mark.parametrize("case", list(BAD_TOKENS))
def test_bearer_unusable_token_is_401_invalid_token_on_every_call(
    client,
    bearer_endpoint,
    make_endpoint,
    issue_token,
    fake_odoo,
    partners_before,
    rpc_calls,
    case,
    method,
    path,
    data,
    status,
):
    issue_token(bearer_endpoint, name="webshop")  # a good token exists: the bad one must not pass for it
    secret = BAD_TOKENS[case](bearer_endpoint, issue_token, make_endpoint)
    response = call(client, method, path, data, Authorization=f"Bearer {secret}")
    error(response, 401, INVALID)
    assert response["WWW-Authenticate"] == 'Bearer realm="customers", error="invalid_token"'
    assert rpc_calls == []
    assert fake_odoo.records("res.partner") == partners_before


def test_a_future_expiry_works(client, bearer_endpoint, issue_token):
    current = issue_token(bearer_endpoint, name="new", expires_at=timezone.now() + timedelta(days=1))
    assert client.get(URL, headers={"Authorization": f"Bearer {current}"}).status_code == 200


def test_another_endpoints_token_works_on_its_own_endpoint(client, bearer_endpoint, make_endpoint, issue_token):
    secret = issue_token(make_endpoint(slug="others", auth="bearer"))
    assert client.get("/bj_api_sync/v1/others", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
