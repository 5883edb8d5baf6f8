"""/api/update_data and /api/create_update_data: search_key must match exactly one record."""

from hub import callstats
from tests.endpoints.generic.conftest import rpc_result


def record(fake_odoo, record_id) -> dict:
    return next(r for r in fake_odoo.records("res.partner") if r["id"] == record_id)


def test_update_applies_the_payload_to_the_one_match(rpc, shop, fake_odoo):
    vals = {
        "search_key": {"ref": "C-1"},
        "payload": {
            "email": "new@example.com",
            "parent_id": {"ref": "C-2"},
            "category_id": {"mode": "add", "records": [{"name": "VIP"}]},
        },
        "result_field": ["email"],
    }
    rpc_result(rpc("update_data", "res.partner", vals))  # warms the cached field types
    with callstats.tracking() as stats:
        result = rpc_result(rpc("update_data", "res.partner", vals))
    assert result == {
        "is_success": True,
        "result": {"id": shop["Customer A"], "email": "new@example.com"},
        "messages": "Record updated.",
    }
    stored = record(fake_odoo, shop["Customer A"])
    assert (stored["email"], stored["parent_id"], stored["category_id"]) == (
        "new@example.com",
        shop["Customer B"],
        [shop["VIP"]],
    )
    assert [(m, method) for m, method, _ in stats.calls] == [
        ("res.partner", "search"),  # search_key
        ("res.partner", "search_read"),  # (res.partner, ref) lookup
        ("res.partner.category", "search_read"),  # (res.partner.category, name) lookup
        ("res.partner", "write"),
        ("res.partner", "read"),  # result_field
    ]


def test_update_without_match_and_with_several_matches_are_distinct_failures(rpc, shop):
    no_match = rpc_result(
        rpc("update_data", "res.partner", {"search_key": {"ref": "C-404"}, "payload": {"email": "x@y.z"}})
    )
    assert no_match == {
        "is_success": False,
        "result": {},
        "messages": 'No res.partner record matches search_key {"ref": "C-404"}.',
    }
    several = rpc_result(
        rpc("update_data", "res.partner", {"search_key": {"name": "Twin"}, "payload": {"email": "x@y.z"}})
    )
    assert several == {
        "is_success": False,
        "result": {},
        "messages": 'Several res.partner records match search_key {"name": "Twin"}: update_data needs exactly one.',
    }


def test_update_replaces_one2many_lines(rpc, shop, fake_odoo, odoo_client):
    old_kid = odoo_client.execute_kw("res.partner", "create", [{"name": "Old kid", "parent_id": shop["Customer A"]}])
    vals = {"search_key": {"ref": "C-1"}, "payload": {"child_ids": [{"name": "New kid 1"}, {"name": "New kid 2"}]}}
    result = rpc_result(rpc("update_data", "res.partner", vals))
    assert result["is_success"] is True, result
    children = sorted(r["name"] for r in fake_odoo.records("res.partner") if r.get("parent_id") == shop["Customer A"])
    assert children == ["New kid 1", "New kid 2"]
    # res.partner's child_ids do not cascade: Odoo's clear command detaches the old line
    assert record(fake_odoo, old_kid)["parent_id"] is False


def test_search_key_with_several_fields(rpc, shop):
    result = rpc_result(
        rpc(
            "update_data",
            "res.partner",
            {"search_key": {"name": "Twin", "ref": "T-2"}, "payload": {"email": "t2@example.com"}},
        )
    )
    assert result == {"is_success": True, "result": {"id": shop["Twin 2"]}, "messages": "Record updated."}


def test_malformed_search_key(rpc, shop):
    def messages(search_key):
        return rpc_result(rpc("update_data", "res.partner", {"search_key": search_key, "payload": {}}))["messages"]

    assert messages(None) == '"vals.search_key" must be an object such as {"ref": "C-1"}.'
    assert messages({}) == '"vals.search_key" must be an object such as {"ref": "C-1"}.'
    assert messages({"ref": ["C-1"]}) == "search_key.ref: must be a string, a number or a boolean."
    assert messages({"bad name": 1}) == "search_key: 'bad name' is not a field name."


def test_create_update_updates_the_match(rpc, shop, fake_odoo):
    result = rpc_result(
        rpc("create_update_data", "res.partner", {"search_key": {"ref": "C-2"}, "payload": {"phone": "+32 2 000"}})
    )
    assert result == {"is_success": True, "result": {"id": shop["Customer B"]}, "messages": "Record updated."}
    assert record(fake_odoo, shop["Customer B"])["phone"] == "+32 2 000"


def test_create_update_creates_with_the_search_key_values_when_nothing_matches(rpc, shop, fake_odoo):
    vals = {"search_key": {"ref": "C-3"}, "payload": {"name": "Customer C", "parent_id": {"ref": "C-1"}}}
    with callstats.tracking() as stats:
        result = rpc_result(rpc("create_update_data", "res.partner", vals))
    (created,) = [r for r in fake_odoo.records("res.partner") if r["name"] == "Customer C"]
    assert result == {"is_success": True, "result": {"id": created["id"]}, "messages": "Record created."}
    assert (created["ref"], created["parent_id"]) == ("C-3", shop["Customer A"])
    assert [(m, method) for m, method, _ in stats.calls] == [
        ("res.partner", "fields_get"),
        ("res.partner", "search"),
        ("res.partner", "search_read"),
        ("res.partner", "create"),
    ]
    # the same call again finds it and updates it
    again = rpc_result(rpc("create_update_data", "res.partner", vals))
    assert again == {"is_success": True, "result": {"id": created["id"]}, "messages": "Record updated."}


def test_create_update_refuses_several_matches(rpc, shop):
    result = rpc_result(
        rpc("create_update_data", "res.partner", {"search_key": {"name": "Twin"}, "payload": {"email": "x@y.z"}})
    )
    assert (
        result["messages"]
        == 'Several res.partner records match search_key {"name": "Twin"}: create_update_data needs exactly one.'
    )
