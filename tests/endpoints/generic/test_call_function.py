"""/api/call_function: only allow-listed (model, method) pairs, never private names; parameter and context."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from endpoints.generic.models import CallableMethod
from hub import callstats
from tests.endpoints.generic.conftest import rpc_result


def test_method_runs_on_the_records_of_search_key_with_context(rpc, shop, fake_odoo, allow_method):
    allow_method("res.partner", "action_archive")
    vals = {"search_key": {"ref": "C-1"}, "payload": {"method": "action_archive", "context": {"lang": "fr_FR"}}}
    with callstats.tracking() as stats:
        result = rpc_result(rpc("call_function", "res.partner", vals))
    assert result == {
        "is_success": True,
        "result": None,
        "messages": "res.partner.action_archive called on 1 record(s).",
    }
    assert next(r for r in fake_odoo.records("res.partner") if r["id"] == shop["Customer A"])["active"] is False
    assert [(m, method) for m, method, _ in stats.calls] == [
        ("res.partner", "search"),
        ("res.partner", "action_archive"),
    ]


def test_parameter_and_context_reach_the_method(rpc, shop, allow_method):
    allow_method("res.partner", "default_get")
    vals = {
        "payload": {
            "method": "default_get",
            "parameter": {"fields_list": ["name"]},
            "context": {"default_name": "From context"},
        }
    }
    result = rpc_result(rpc("call_function", "res.partner", vals))
    assert result == {
        "is_success": True,
        "result": {"name": "From context"},
        "messages": "res.partner.default_get called on the model.",
    }


def test_keyword_parameters_on_records(rpc, shop, fake_odoo, allow_method):
    allow_method("res.partner", "copy")
    vals = {
        "search_key": {"ref": "C-2"},
        "payload": {"method": "copy", "parameter": {"default": {"name": "Copy of B"}}},
    }
    result = rpc_result(rpc("call_function", "res.partner", vals))
    (copy,) = [r for r in fake_odoo.records("res.partner") if r["name"] == "Copy of B"]
    assert result == {"is_success": True, "result": [copy["id"]], "messages": "res.partner.copy called on 1 record(s)."}


def test_method_not_on_the_allow_list_is_refused(rpc, shop, fake_odoo, allow_method):
    allow_method("res.partner", "copy")
    CallableMethod.objects.create(model="res.partner", method="unlink", active=False)
    for method in ("unlink", "action_archive"):
        response = rpc("call_function", "res.partner", {"search_key": {"ref": "C-1"}, "payload": {"method": method}})
        assert response.status_code == 403
        assert response.json()["error"]["message"] == f"res.partner.{method} is not on the list of callable methods."
    response = rpc("call_function", "res.partner.category", {"payload": {"method": "copy"}})
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "res.partner.category.copy is not on the list of callable methods."
    assert any(r["id"] == shop["Customer A"] for r in fake_odoo.records("res.partner"))


def test_private_methods_are_always_refused(rpc, shop):
    with callstats.tracking() as stats:
        response = rpc("call_function", "res.partner", {"payload": {"method": "_compute_display_name"}})
    assert response.status_code == 403
    assert response.json() == {
        "jsonrpc": "2.0",
        "id": 1,
        "error": {
            "code": 403,
            "message": "Private methods such as _compute_display_name cannot be called.",
            "data": {"request_id": response["X-Request-ID"]},
        },
    }
    assert stats.count == 0


def test_private_names_cannot_enter_the_allow_list(db):
    entry = CallableMethod(model="res.partner", method="_private")
    with pytest.raises(ValidationError) as caught:
        entry.full_clean()
    assert caught.value.message_dict == {
        "method": ["A public method name: letters, digits and _, not starting with _."]
    }
    with pytest.raises(IntegrityError):
        entry.save()


def test_allow_list_pairs_are_unique(db):
    CallableMethod.objects.create(model="sale.order", method="action_confirm")
    with pytest.raises(ValidationError):
        CallableMethod(model="sale.order", method="action_confirm").full_clean()


def test_no_record_matches_the_search_key(rpc, shop, allow_method):
    allow_method("res.partner", "action_archive")
    result = rpc_result(
        rpc("call_function", "res.partner", {"search_key": {"ref": "none"}, "payload": {"method": "action_archive"}})
    )
    assert result == {
        "is_success": False,
        "result": {},
        "messages": 'No res.partner record matches search_key {"ref": "none"}.',
    }


def test_odoo_refusing_the_call_is_a_business_failure(rpc, shop, fake_odoo, allow_method):
    allow_method("res.partner", "default_get")
    fake_odoo.faults.fail_next(1, "user")
    result = rpc_result(
        rpc(
            "call_function",
            "res.partner",
            {"payload": {"method": "default_get", "parameter": {"fields_list": ["name"]}}},
        )
    )
    assert result == {
        "is_success": False,
        "result": {},
        "messages": "Some orders are not in a state requiring confirmation.",
    }


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (None, '"vals.payload" must be an object with "method" (and "parameter", "context").'),
        ({}, '"payload.method" must be a method name.'),
        ({"method": "copy()"}, '"payload.method" must be a method name.'),
        (
            {"method": "copy", "parameter": [1]},
            '"payload.parameter" must be an object of keyword arguments (context goes in "context").',
        ),
        (
            {"method": "copy", "parameter": {"context": {}}},
            '"payload.parameter" must be an object of keyword arguments (context goes in "context").',
        ),
        ({"method": "copy", "context": "fr_FR"}, '"payload.context" must be an object, e.g. {"lang": "fr_FR"}.'),
    ],
)
def test_malformed_payloads(rpc, shop, allow_method, payload, message):
    allow_method("res.partner", "copy")
    assert rpc_result(rpc("call_function", "res.partner", {"payload": payload})) == {
        "is_success": False,
        "result": {},
        "messages": message,
    }
