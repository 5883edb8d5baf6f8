"""The record rule over HTTP: a record that breaks it is a 400 with the rule's message, and nothing is written."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from endpoints.models import Endpoint
from endpoints.transfer import TransferError, export_configurations, import_configurations
from logs.models import RequestLog
from tests.endpoints.support import body, error

pytestmark = pytest.mark.django_db

RULE = "payload.get('email', '@example.com').endswith('@example.com')"
MESSAGE = "Only example.com addresses are accepted."
NINE = {"customer_id": "C009", "name": "Nine", "email": "nine@example.com"}


@pytest.fixture
def ruled(make_endpoint, seeded):
    """The customers endpoint with a rule on the e-mail address."""
    return make_endpoint(record_rule=RULE, record_rule_message=MESSAGE)


def post(client, payload, slug="customers"):
    return client.post(f"/bj_api_sync/v1/{slug}", json.dumps(payload), content_type="application/json")


def partners(fake_odoo) -> list[str]:
    return sorted(record["ref"] for record in fake_odoo.records("res.partner") if record.get("ref"))


def test_a_record_that_breaks_the_rule_is_a_400_with_the_rules_message_and_nothing_is_created(
    client, ruled, fake_odoo, rpc_calls
):
    before = partners(fake_odoo)
    response = post(client, {**NINE, "email": "nine@elsewhere.org"})
    error(response, 400, MESSAGE)
    assert rpc_calls == []  # no lookup line in the body: the rule refuses before any Odoo call
    assert partners(fake_odoo) == before
    row = RequestLog.objects.get(request_id=response["X-Request-ID"])
    assert (row.status, row.error) == (400, MESSAGE)


def test_a_record_that_keeps_the_rule_is_created(client, ruled, fake_odoo, rpc_calls):
    response = post(client, NINE)
    assert response.status_code == 201, response.content
    assert body(response)["data"]["email"] == "nine@example.com"
    assert "C009" in partners(fake_odoo)
    assert [method for _, method in rpc_calls] == ["search_read", "create", "web_search_read"]


def test_in_a_list_the_refused_record_is_named_and_none_is_created(client, ruled, fake_odoo, rpc_calls):
    before = partners(fake_odoo)
    second = {"customer_id": "C010", "name": "Ten", "email": "ten@elsewhere.org"}
    response = post(client, [NINE, second])
    error(response, 400, f"{MESSAGE} (record 1)")
    assert partners(fake_odoo) == before
    assert rpc_calls == []


def test_values_are_checked_before_the_rule_so_a_bad_value_names_its_line(client, ruled, fake_odoo):
    country_line = ruled.lines.get(external_key="country")
    response = post(client, {**NINE, "email": "nine@elsewhere.org", "country": "XX"})
    payload = body(response)
    assert (response.status_code, payload["line_id"]) == (400, country_line.pk)


def test_a_rule_that_cannot_be_evaluated_refuses_the_record_and_says_why(client, make_endpoint, seeded, fake_odoo):
    make_endpoint(record_rule="payload['email'].endswith('@example.com')", record_rule_message=MESSAGE)
    response = post(client, {"customer_id": "C009", "name": "Nine"})
    error(response, 400, f"{MESSAGE} (the rule could not be evaluated: Expression failed: KeyError: 'email')")
    assert "C009" not in partners(fake_odoo)


def test_put_checks_the_keys_sent_and_writes_nothing_when_refused(client, ruled, fake_odoo, rpc_calls):
    url = "/bj_api_sync/v1/customers/C001"
    refused = client.put(url, json.dumps({"email": "alice@elsewhere.org"}), content_type="application/json")
    error(refused, 400, MESSAGE)
    assert rpc_calls == []
    alice = next(r for r in fake_odoo.records("res.partner") if r.get("ref") == "C001")
    assert alice["email"] == "alice@example.com"
    # a partial body without the key: the rule reads it with its default and passes
    renamed = client.put(url, json.dumps({"name": "Alice M."}), content_type="application/json")
    assert renamed.status_code == 200, renamed.content
    assert body(renamed)["data"]["name"] == "Alice M."


def test_an_upsert_is_refused_too_and_the_existing_record_is_not_written(client, make_endpoint, seeded, fake_odoo):
    make_endpoint(record_rule=RULE, record_rule_message=MESSAGE, upsert_on_post=True)
    response = post(client, {"customer_id": "C001", "name": "Alice", "email": "alice@elsewhere.org"})
    error(response, 400, MESSAGE)
    alice = next(r for r in fake_odoo.records("res.partner") if r.get("ref") == "C001")
    assert (alice["name"], alice["email"]) == ("Alice Martin", "alice@example.com")


def test_an_endpoint_without_a_rule_accepts_any_address(client, customers):
    response = post(client, {**NINE, "email": "nine@elsewhere.org"})
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("rule", "message", "field", "expected"),
    [
        ("payload.get('email'", MESSAGE, "record_rule", "Invalid expression: '(' was never closed (column 12)."),
        ("__import__('os')", MESSAGE, "record_rule", "Unknown name '__import__'"),
        ("payload.__class__", MESSAGE, "record_rule", "Attribute '__class__' is not allowed"),
        (RULE, "  ", "record_rule_message", "A record rule needs the message refused callers read."),
    ],
)
def test_the_model_refuses_a_broken_rule_or_one_without_a_message(odoo_connection, rule, message, field, expected):
    endpoint = Endpoint(
        name="Customers",
        connection=odoo_connection,
        odoo_model="res.partner",
        slug="customers",
        allowed_methods=["POST"],
        auth=Endpoint.Auth.NONE,
        record_rule=rule,
        record_rule_message=message,
    )
    with pytest.raises(ValidationError) as raised:
        endpoint.full_clean()
    assert expected in " ".join(raised.value.message_dict[field])


def test_export_and_import_carry_the_rule(ruled, tmp_path):
    exported = export_configurations()
    item = next(e for e in exported["endpoints"] if e["slug"] == "customers")
    assert (item["record_rule"], item["record_rule_message"]) == (RULE, MESSAGE)

    Endpoint.objects.filter(pk=ruled.pk).update(record_rule="", record_rule_message="")
    target = tmp_path / "endpoints.json"
    target.write_text(json.dumps(exported))
    call_command("import_endpoints", str(target), stdout=io.StringIO(), stderr=io.StringIO())
    ruled.refresh_from_db()
    assert (ruled.record_rule, ruled.record_rule_message) == (RULE, MESSAGE)

    item["record_rule"] = "payload.get("
    with pytest.raises(TransferError, match="record_rule: Invalid expression"):
        import_configurations(exported)


def test_a_large_record_is_judged_by_the_rule_not_refused_for_its_size(client, ruled, fake_odoo):
    notes = "x" * 150_000  # over the sandbox's limit on a line's value: the rule reads payload, which has none
    response = post(client, {**NINE, "name": notes})
    assert response.status_code == 201, response.content[:300]
    refused = post(client, {"customer_id": "C010", "name": notes, "email": "ten@elsewhere.org"})
    error(refused, 400, MESSAGE)


def test_the_rule_sees_the_record_as_payload_and_value_as_null(client, make_endpoint, seeded):
    make_endpoint(record_rule="value is None and payload['name'] != 'Nobody'", record_rule_message="Not Nobody.")
    assert post(client, NINE).status_code == 201
    error(post(client, {**NINE, "customer_id": "C010", "name": "Nobody"}), 400, "Not Nobody.")
