"""A search of a key limited to some models reaches no other: dotted paths, ``any`` sub-domains and
order terms of ``search_data`` are resolved model by model (through the cached ``fields_get``)."""

import pytest

from tests.endpoints.generic.conftest import rpc_result

pytestmark = pytest.mark.django_db

FIELDS_GET = ("res.partner", "fields_get")
SEARCH = ("res.partner", "search_read")


def search(rpc, key, **payload):
    return rpc("search_data", "res.partner", {"payload": {"search_field": ["name"], **payload}}, key=key)


def refused(response, model: str):
    assert response.status_code == 403, response.content
    assert response.json()["error"]["message"] == f"This API key may not use the model {model}."


@pytest.mark.parametrize(
    ("payload", "model"),
    [
        ({"search_domain": "[('user_ids.login', '=like', 'a%')]"}, "res.users"),
        ({"search_domain": "[('company_id.name', '=', 'YourCompany')]"}, "res.company"),
        ({"search_domain": "[('user_ids', 'any', [('login', '=like', 'a%')])]"}, "res.users"),
        ({"search_domain": "[('user_ids', 'not any', [('login', '=like', 'a%')])]"}, "res.users"),
        ({"search_domain": "['|', ('name', '=', 'x'), '!', ('user_ids.login', '=', 'admin')]"}, "res.users"),
        ({"search_domain": [["user_ids.login", "=", "admin"]]}, "res.users"),
        ({"search_domain": "[('company_id', 'child_of', 1)]"}, "res.company"),
        ({"order": "user_ids.login"}, "res.users"),
        ({"order": "name asc, company_id.name desc"}, "res.company"),
    ],
    ids=[
        "dotted",
        "many2one dotted",
        "any",
        "not any",
        "inside operators",
        "json list",
        "child_of",
        "order",
        "order 2",
    ],
)
def test_search_reaching_a_model_outside_the_allow_list_is_403_before_searching(
    rpc, make_key, shop, rpc_calls, payload, model
):
    key = make_key(models=["res.partner"])
    refused(search(rpc, key, **payload), model)
    assert rpc_calls == [FIELDS_GET]  # which model each step leads to; no search


def test_any_sub_domain_is_resolved_on_the_related_model(rpc, make_key, shop, rpc_calls):
    """Inside ``any`` on child_ids (res.partner again), a dotted path is resolved from res.partner."""
    key = make_key(models=["res.partner"])
    domain = "[('child_ids', 'any', [('user_ids.login', '=', 'admin')])]"
    refused(search(rpc, key, search_domain=domain), "res.users")
    assert rpc_calls == [FIELDS_GET]


def test_paths_within_the_allow_list_are_searched_with_fields_get_cached(rpc, make_key, shop, rpc_calls):
    key = make_key(models=["res.partner", "res.country"])
    payload = {"search_domain": "[('country_id.code', '=', 'BE'), ('ref', '=', 'C-1')]", "order": "country_id.code"}
    assert rpc_result(search(rpc, key, **payload))["is_success"] is True
    assert rpc_calls == [FIELDS_GET, SEARCH]
    rpc_calls.clear()
    assert rpc_result(search(rpc, key, **payload))["is_success"] is True
    assert rpc_calls == [SEARCH]  # the fields came from the cache


def test_plain_field_names_need_no_fields_get(rpc, make_key, shop, rpc_calls):
    """A relational field compared as a whole shows no more than reading it: allowed, and no walk."""
    key = make_key(models=["res.partner"])
    domain = "[('company_id', '!=', False), ('user_ids', '=', False)]"
    result = rpc_result(search(rpc, key, search_domain=domain, order="company_id, name desc"))
    assert result["is_success"] is True
    assert rpc_calls == [SEARCH]


def test_a_path_through_an_unknown_field_is_a_business_failure(rpc, make_key, shop, rpc_calls):
    key = make_key(models=["res.partner"])
    result = rpc_result(search(rpc, key, search_domain="[('no_such.login', '=', 'a')]"))
    assert result == {
        "is_success": False,
        "result": {},
        "messages": "res.partner has no field 'no_such' (in 'no_such.login').",
    }
    assert rpc_calls == [FIELDS_GET]


def test_any_on_a_field_that_is_not_relational_is_a_business_failure(rpc, make_key, shop):
    key = make_key(models=["res.partner"])
    result = rpc_result(search(rpc, key, search_domain="[('name', 'any', [('id', '=', 1)])]"))
    assert result["messages"] == "res.partner.name is not a relational field: 'any' needs one (in 'name')."
