"""/api/search_data: domain, limit/offset/order, nested sub-fields read with one call per level and field set."""

import pytest

from hub import callstats
from tests.endpoints.generic.conftest import rpc_result


@pytest.fixture
def family(shop, odoo_client, fake_odoo):
    """Customer A (in Belgium, tagged VIP) with two kids; Customer B with one kid."""
    belgium = next(c["id"] for c in fake_odoo.records("res.country") if c["code"] == "BE")
    odoo_client.execute_kw(
        "res.partner", "write", [[shop["Customer A"]], {"country_id": belgium, "category_id": [[6, 0, [shop["VIP"]]]]}]
    )
    kids = {}
    for name, parent in (("Kid A1", "Customer A"), ("Kid A2", "Customer A"), ("Kid B1", "Customer B")):
        kids[name] = odoo_client.execute_kw(
            "res.partner", "create", [{"name": name, "ref": f"K-{name[-2:]}", "parent_id": shop[parent]}]
        )
    odoo_client.execute_kw(
        "res.partner", "write", [[kids["Kid A2"]], {"category_id": [[6, 0, [shop["VIP"], shop["Wholesale"]]]]}]
    )
    return {**shop, **kids, "Belgium": belgium}


def search(rpc, payload, **kwargs):
    return rpc_result(rpc("search_data", "res.partner", {"payload": payload}, **kwargs))


def test_flat_search_with_domain_order_limit_offset(rpc, shop):
    payload = {
        "search_field": ["name", "ref"],
        "search_domain": "[('ref', 'in', ['C-1', 'C-2', 'T-1', 'T-2'])]",
        "order": "ref desc",
        "limit": 2,
        "offset": 1,
    }
    with callstats.tracking() as stats:
        result = search(rpc, payload)
    assert result == {
        "is_success": True,
        "result": [
            {"id": shop["Twin 1"], "name": "Twin", "ref": "T-1"},
            {"id": shop["Customer B"], "name": "Customer B", "ref": "C-2"},
        ],
        "messages": "2 record(s) found (the limit: ask again with offset for more).",
    }
    assert [(m, method) for m, method, _ in stats.calls] == [("res.partner", "search_read")]


def test_nested_sub_fields_one_read_per_model_and_field_set_per_level(rpc, family):
    payload = {
        "search_field": ["name", "parent_id{name, email, country_id{code}}", "category_id{name}"],
        "search_domain": "[('ref', 'like', 'K-')]",
        "order": "name",
    }
    with callstats.tracking() as stats:
        result = search(rpc, payload)
    customer_a = {
        "id": family["Customer A"],
        "name": "Customer A",
        "email": "a@example.com",
        "country_id": {"id": family["Belgium"], "code": "BE"},
    }
    customer_b = {"id": family["Customer B"], "name": "Customer B", "email": "b@example.com", "country_id": False}
    vip = {"id": family["VIP"], "name": "VIP"}
    wholesale = {"id": family["Wholesale"], "name": "Wholesale"}
    assert result == {
        "is_success": True,
        "result": [
            {"id": family["Kid A1"], "name": "Kid A1", "parent_id": customer_a, "category_id": []},
            {"id": family["Kid A2"], "name": "Kid A2", "parent_id": customer_a, "category_id": [vip, wholesale]},
            {"id": family["Kid B1"], "name": "Kid B1", "parent_id": customer_b, "category_id": []},
        ],
        "messages": "3 record(s) found.",
    }
    assert [(m, method) for m, method, _ in stats.calls] == [
        ("res.partner", "fields_get"),  # which fields are relational, and to what (cached afterwards)
        ("res.partner", "search_read"),
        ("res.partner", "read"),  # both parents at once
        ("res.partner.category", "read"),  # every tag of every record at once
        ("res.country", "read"),  # level 3
    ]


def test_two_fields_to_the_same_model_and_field_set_share_one_read(rpc, family):
    payload = {
        "search_field": "name, parent_id{name}, child_ids{name}",
        "search_domain": [["ref", "in", ["C-1", "K-A1"]]],
        "order": "name",
    }
    with callstats.tracking() as stats:
        result = search(rpc, payload)
    assert result["result"] == [
        {
            "id": family["Customer A"],
            "name": "Customer A",
            "parent_id": False,
            "child_ids": [{"id": family["Kid A1"], "name": "Kid A1"}, {"id": family["Kid A2"], "name": "Kid A2"}],
        },
        {
            "id": family["Kid A1"],
            "name": "Kid A1",
            "parent_id": {"id": family["Customer A"], "name": "Customer A"},
            "child_ids": [],
        },
    ]
    assert [(m, method) for m, method, _ in stats.calls] == [
        ("res.partner", "fields_get"),
        ("res.partner", "search_read"),
        ("res.partner", "read"),
    ]


def test_default_fields_and_limit(rpc, shop):
    result = search(rpc, {"search_domain": "[('ref', '=', 'C-1')]"})
    assert result == {
        "is_success": True,
        "result": [{"id": shop["Customer A"], "display_name": "Customer A"}],
        "messages": "1 record(s) found.",
    }


def test_empty_payload_searches_everything_up_to_the_default_limit(rpc, shop, fake_odoo):
    result = rpc_result(rpc("search_data", "res.partner", {}))
    active = [r for r in fake_odoo.records("res.partner") if r.get("active", True)]
    assert result["is_success"] is True
    assert len(result["result"]) == min(len(active), 100)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (
            {"search_domain": "[('name', 'like')]"},
            "search_domain: Term at position 0 must be a (field, operator, value) triple or '&', '|', '!', "
            "got ('name', 'like').",
        ),
        (
            {"search_domain": "__import__('os').system('id')"},
            "search_domain: Domain may only contain literals (strings, numbers, True, False, None, lists and tuples): "
            "names, calls and operations are not allowed.",
        ),
        (
            {"search_field": "name{code}"},
            "search_field: res.partner.name is not a relational field: it has no sub-fields.",
        ),
        ({"search_field": "nope{code}"}, "search_field: res.partner has no field 'nope'."),
        ({"search_field": "parent_id{name"}, "search_field: Missing '}' after the sub-fields of 'parent_id'."),
        ({"order": "name; drop table"}, '"order" must look like "name asc, id desc".'),
        ({"order": 5}, '"order" must look like "name asc, id desc".'),
        ({"limit": 0}, '"limit" must be a whole number from 1 to 1000.'),
        ({"limit": 1001}, '"limit" must be a whole number from 1 to 1000.'),
        ({"limit": "10"}, '"limit" must be a whole number from 1 to 1000.'),
        ({"offset": -1}, '"offset" must be a whole number at least 0.'),
    ],
)
def test_bad_search_parameters_are_business_failures(rpc, shop, payload, message):
    result = search(rpc, payload)
    assert result["is_success"] is False
    assert result["result"] == {}
    assert result["messages"] == message


def test_payload_must_be_an_object(rpc, shop):
    assert rpc_result(rpc("search_data", "res.partner", {"payload": []}))["messages"] == (
        '"vals.payload" must be an object with search_field, search_domain, limit, offset, order.'
    )


def test_nested_model_outside_the_keys_allow_list_is_refused(rpc, make_key, shop):
    key = make_key(models=["res.partner"])
    response = rpc("search_data", "res.partner", {"payload": {"search_field": "name, country_id{code}"}}, key=key)
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "This API key may not use the model res.country."
    assert rpc_result(rpc("search_data", "res.partner", {"payload": {"search_field": "name, country_id"}}, key=key))[
        "is_success"
    ]


def test_unknown_model_is_odoos_message(rpc, make_key):
    key = make_key(models=["no.such.model"])
    result = rpc_result(rpc("search_data", "no.such.model", {"payload": {"search_field": ["name"]}}, key=key))
    assert result["is_success"] is False
    assert result["messages"] == "Object no.such.model doesn't exist"
