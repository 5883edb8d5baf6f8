"""Preview and dry run on the endpoint page, and the record rule in the endpoint form."""

import json

import pytest
from django.contrib.auth.models import Permission

from endpoints import admin_preview
from endpoints.models import Endpoint
from tests.endpoints.test_admin import form_data

pytestmark = pytest.mark.django_db

NINE = {"customer_id": "C009", "name": "Nine", "email": "nine@example.com", "country": "BE"}


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-for-tests")
    client.force_login(user)
    return client


def preview_url(endpoint: Endpoint) -> str:
    return f"/admin/endpoints/endpoint/{endpoint.pk}/preview/"


def dry_run_url(endpoint: Endpoint) -> str:
    return f"/admin/endpoints/endpoint/{endpoint.pk}/dry-run/"


def dry_run(admin_client, endpoint, payload, method="POST"):
    response = admin_client.post(dry_run_url(endpoint), {"method": method, "body": json.dumps(payload)})
    assert response.status_code == 200
    return response.context


def created_or_written(rpc_calls) -> list:
    return [call for call in rpc_calls if call[1] in ("create", "write", "unlink")]


def test_the_change_page_links_to_preview_and_dry_run(admin_client, customers):
    page = admin_client.get(f"/admin/endpoints/endpoint/{customers.pk}/change/").content.decode()
    assert f'href="{preview_url(customers)}">Preview</a>' in page
    assert f'href="{dry_run_url(customers)}">Dry run</a>' in page


def test_preview_shows_the_records_get_answers_with_its_rpc_count(admin_client, client, customers, rpc_calls):
    response = admin_client.get(preview_url(customers))
    assert response.status_code == 200
    context = response.context
    assert (context["rpc_count"], context["problem"]) == (1, None)
    assert rpc_calls == [("res.partner", "web_search_read")]
    assert context["keys"] == ["customer_id", "name", "email", "phone", "country"]
    assert [row[:2] for row in context["rows"]] == [
        ["C001", "Alice Martin"],
        ["C002", "Bob Stone"],
        ["C003", "Carol Diaz"],
    ]
    assert context["total"] == 3
    answer = client.get("/bj_api_sync/v1/customers?limit=10").json()
    assert json.loads(context["records_json"]) == answer["data"]
    page = response.content.decode()
    assert "1 RPC call to Odoo in" in page
    assert "<code>res.partner.web_search_read</code>" in page


def test_preview_shows_odoos_error_as_a_caller_would_get_it(admin_client, make_endpoint, seeded):
    endpoint = make_endpoint(domain="[('no_such_field', '=', 1)]")
    context = admin_client.get(preview_url(endpoint)).context
    assert context["problem"].status == 400
    assert "no_such_field" in context["problem"].message
    assert context["rows"] == []


def test_dry_run_shows_the_values_and_the_lookup_and_writes_nothing(admin_client, customers, fake_odoo, rpc_calls):
    before = fake_odoo.records("res.partner")
    belgium = next(c["id"] for c in fake_odoo.records("res.country") if c["code"] == "BE")
    context = dry_run(admin_client, customers, NINE)
    assert context["problem"] is None
    [result] = context["results"]
    expected = {"ref": "C009", "name": "Nine", "email": "nine@example.com", "country_id": belgium}
    assert json.loads(result.vals) == expected
    [(lookup, domain, rows)] = context["lookups"]
    assert (lookup.model, json.loads(domain), lookup.fields) == ("res.country", [["code", "in", ["BE"]]], ["code"])
    assert json.loads(rows) == [{"id": belgium, "code": "BE"}]
    assert rpc_calls == [("res.country", "search_read")]
    assert context["rpc_count"] == 1
    assert fake_odoo.records("res.partner") == before


def test_dry_run_shows_an_error_with_its_line(admin_client, client, customers, fake_odoo, rpc_calls):
    country = customers.lines.get(external_key="country")
    context = dry_run(admin_client, customers, {**NINE, "country": "XX"})
    problem = context["problem"]
    assert (problem.status, problem.line) == (400, country)
    assert context["results"][0].vals is None
    # the very message a caller gets for this body
    answer = client.post("/bj_api_sync/v1/customers", json.dumps({**NINE, "country": "XX"}), "application/json")
    assert (answer.json()["message"], answer.json()["line_id"]) == (problem.message, country.pk)
    page = dry_run_page(admin_client, customers, {**NINE, "country": "XX"})
    assert f"Mapping line {country.pk}: <code>country</code> &rarr; Odoo field <code>country_id</code>" in page
    assert not created_or_written(rpc_calls)


def dry_run_page(admin_client, endpoint, payload) -> str:
    return admin_client.post(dry_run_url(endpoint), {"method": "POST", "body": json.dumps(payload)}).content.decode()


def test_dry_run_of_a_put_takes_a_partial_body_and_writes_nothing(admin_client, customers, fake_odoo, rpc_calls):
    before = fake_odoo.records("res.partner")
    context = dry_run(admin_client, customers, {"phone": "+32 9"}, method="PUT")
    assert json.loads(context["results"][0].vals) == {"phone": "+32 9"}
    assert (context["rpc_count"], context["lookups"]) == (0, [])
    assert fake_odoo.records("res.partner") == before
    assert rpc_calls == []


def test_dry_run_shows_the_rules_verdict_per_record(admin_client, make_endpoint, seeded, rpc_calls):
    endpoint = make_endpoint(
        record_rule="payload.get('email', '@example.com').endswith('@example.com')",
        record_rule_message="Only example.com addresses are accepted.",
    )
    context = dry_run(admin_client, endpoint, [NINE, {**NINE, "customer_id": "C010", "email": "ten@elsewhere.org"}])
    verdicts = [(result.verdict.holds, result.verdict.message) for result in context["results"]]
    assert verdicts == [(True, ""), (False, "Only example.com addresses are accepted.")]
    assert not created_or_written(rpc_calls)
    page = dry_run_page(admin_client, endpoint, {**NINE, "email": "ten@elsewhere.org"})
    assert "<strong>refuses</strong> the record: Only example.com addresses are accepted." in page


def test_dry_run_refuses_a_body_that_is_not_json(admin_client, customers, rpc_calls):
    response = admin_client.post(dry_run_url(customers), {"method": "POST", "body": "{'name': 1}"})
    assert response.context["ran"] is False
    assert "Not JSON: Expecting property name enclosed in double quotes" in response.content.decode()
    assert rpc_calls == []


def test_dry_run_starts_with_an_example_body(admin_client, customers):
    form = admin_client.get(dry_run_url(customers)).context["form"]
    assert set(json.loads(form.initial["body"])) == {"customer_id", "name", "email", "phone", "country"}


@pytest.mark.parametrize("codename", [None, "view_endpoint"])
def test_preview_and_dry_run_need_the_change_permission(client, django_user_model, customers, rpc_calls, codename):
    user = django_user_model.objects.create_user("ida", password="pw-for-tests", is_staff=True)
    if codename:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(user)
    assert client.get(preview_url(customers)).status_code == 403
    assert client.get(dry_run_url(customers)).status_code == 403
    assert client.post(dry_run_url(customers), {"method": "POST", "body": json.dumps(NINE)}).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="change_endpoint"))
    client.force_login(django_user_model.objects.get(pk=user.pk))
    assert client.get(preview_url(customers)).status_code == 200
    assert rpc_calls == [("res.partner", "web_search_read")]


def test_preview_is_for_staff_only(client, django_user_model, customers):
    user = django_user_model.objects.create_user("eve", password="pw-for-tests")
    user.user_permissions.add(Permission.objects.get(codename="change_endpoint"))
    client.force_login(user)
    response = client.get(preview_url(customers))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_form_saves_a_rule_with_its_message(admin_client, odoo_connection, fake_odoo):
    rule = "len(payload.get('name', 'x')) <= 40"
    lines = [
        {"odoo_field": "ref", "external_key": "customer_id", "is_identifier": True, "required": True},
        {"odoo_field": "name", "external_key": "name"},
    ]
    data = form_data(odoo_connection, lines, record_rule=rule, record_rule_message="Names have at most 40 letters.")
    response = admin_client.post("/admin/endpoints/endpoint/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    endpoint = Endpoint.objects.get(slug="customers")
    assert (endpoint.record_rule, endpoint.record_rule_message) == (rule, "Names have at most 40 letters.")


@pytest.mark.parametrize(
    ("rule", "message", "field", "expected"),
    [
        ("payload.get('name'", "Bad name.", "record_rule", "Invalid expression: '(' was never closed (column 12)."),
        ("open('/etc/passwd')", "Bad name.", "record_rule", "Unknown name 'open': expressions know only"),
        ("len(payload) > 1", "", "record_rule_message", "A record rule needs the message refused callers read."),
    ],
)
def test_the_form_refuses_a_broken_rule_and_saves_nothing(
    admin_client, odoo_connection, rule, message, field, expected
):
    lines = [{"odoo_field": "ref", "external_key": "customer_id", "is_identifier": True, "required": True}]
    data = form_data(odoo_connection, lines, record_rule=rule, record_rule_message=message)
    response = admin_client.post("/admin/endpoints/endpoint/add/", data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert expected in " ".join(errors[field])
    assert not Endpoint.objects.exists()


@pytest.mark.parametrize(("paginated", "query"), [(True, "?limit=2"), (False, "")])
def test_preview_shows_the_first_records_of_a_paginated_or_unpaginated_endpoint(
    admin_client, make_endpoint, seeded, monkeypatch, rpc_calls, paginated, query
):
    monkeypatch.setattr(admin_preview, "PREVIEW_SIZE", 2)
    endpoint = make_endpoint(is_paginated=paginated)
    context = admin_client.get(preview_url(endpoint)).context
    assert context["query"] == f"GET /bj_api_sync/v1/customers{query}"
    assert [row[0] for row in context["rows"]] == ["C001", "C002"]
    assert (context["total"], context["rpc_count"]) == (3, 1)  # unpaginated: GET reads all, the page shows two


def test_preview_and_dry_run_say_when_odoo_does_not_answer(admin_client, customers, fake_odoo):
    fake_odoo.faults.garbage("html")
    problem = admin_client.get(preview_url(customers)).context["problem"]
    assert problem.status == 502
    # callers read only the first sentence; staff also read what went wrong, address included
    assert problem.message.startswith("Odoo is unreachable. ")
    assert fake_odoo.url in problem.message
    context = dry_run(admin_client, customers, NINE)
    assert (context["problem"].status, context["results"][0].vals) == (502, None)
    assert "Error 502:" in dry_run_page(admin_client, customers, NINE)


@pytest.mark.parametrize(
    ("method", "payload", "message"),
    [
        ("POST", [NINE, 42], "Each record must be a JSON object in record 1."),
        ("PUT", [NINE], "Each record must be a JSON object."),
    ],
)
def test_dry_run_refuses_what_is_not_a_record_as_a_call_would(
    admin_client, customers, rpc_calls, method, payload, message
):
    context = dry_run(admin_client, customers, payload, method=method)
    assert (context["problem"].status, context["problem"].message) == (400, message)
    assert rpc_calls == []
