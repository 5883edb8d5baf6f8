"""/api/create_data over HTTP through the hub to the Odoo stand-in: relational formats, result_field, RPC budget."""

import threading
import time

import pytest

from hub import callstats
from tests.endpoints.generic.conftest import rpc_result


def stored(fake_odoo, model, record_id) -> dict:
    (record,) = [r for r in fake_odoo.records(model) if r["id"] == record_id]
    return record


def partners_named(fake_odoo, name) -> list[dict]:
    return [r for r in fake_odoo.records("res.partner") if r["name"] == name]


def test_create_with_many2one_and_many2many_lookups(rpc, shop, fake_odoo):
    response = rpc(
        "create_data",
        "res.partner",
        {
            "payload": {
                "name": "Contact of A",
                "parent_id": {"ref": "C-1"},
                "category_id": {"mode": "replace", "records": [{"name": "VIP"}, {"name": "Wholesale"}]},
            }
        },
    )
    new_id = partners_named(fake_odoo, "Contact of A")[0]["id"]
    assert response.json() == {
        "jsonrpc": "2.0",
        "id": 1,
        "result": {"is_success": True, "result": {"id": new_id}, "messages": "Record created."},
    }
    record = stored(fake_odoo, "res.partner", new_id)
    assert record["parent_id"] == shop["Customer A"]
    assert sorted(record["category_id"]) == sorted([shop["VIP"], shop["Wholesale"]])


def test_many2one_by_id_lookup_bare_id_and_null(rpc, shop, fake_odoo):
    result = rpc_result(
        rpc(
            "create_data",
            "res.partner",
            {"payload": {"name": "By id", "parent_id": {"id": shop["Customer B"]}, "country_id": None}},
        )
    )
    assert result["is_success"] is True
    assert stored(fake_odoo, "res.partner", result["result"]["id"])["parent_id"] == shop["Customer B"]
    result = rpc_result(
        rpc("create_data", "res.partner", {"payload": {"name": "Bare", "parent_id": shop["Customer A"]}})
    )
    assert stored(fake_odoo, "res.partner", result["result"]["id"])["parent_id"] == shop["Customer A"]


def test_many2many_add_mode_and_ids(rpc, shop, fake_odoo):
    result = rpc_result(
        rpc(
            "create_data",
            "res.partner",
            {
                "payload": {
                    "name": "Tagged",
                    "category_id": {"mode": "add", "records": [shop["VIP"], {"name": "Wholesale"}]},
                }
            },
        )
    )
    assert sorted(stored(fake_odoo, "res.partner", result["result"]["id"])["category_id"]) == sorted(
        [shop["VIP"], shop["Wholesale"]]
    )


def test_one2many_lines_with_nested_formats_in_one_create(rpc, shop, fake_odoo):
    payload = {
        "name": "Company with contacts",
        "is_company": True,
        "category_id": {"records": [{"name": "VIP"}]},
        "child_ids": [
            {
                "name": "Kid 1",
                "country_id": {"code": "BE"},
                "category_id": {"mode": "add", "records": [{"name": "Wholesale"}]},
            },
            {"name": "Kid 2", "category_id": {"records": [{"name": "VIP"}]}},
        ],
    }
    with callstats.tracking() as stats:
        result = rpc_result(rpc("create_data", "res.partner", {"payload": payload}))
    assert result["is_success"] is True, result
    company = stored(fake_odoo, "res.partner", result["result"]["id"])
    kids = [stored(fake_odoo, "res.partner", kid) for kid in sorted(company["child_ids"])]
    belgium = next(c["id"] for c in fake_odoo.records("res.country") if c["code"] == "BE")
    assert [(k["name"], k["parent_id"], k["country_id"], k["category_id"]) for k in kids] == [
        ("Kid 1", company["id"], belgium, [shop["Wholesale"]]),
        ("Kid 2", company["id"], False, [shop["VIP"]]),
    ]
    # one fields_get (lines are res.partner too), one search per (model, lookup field) across header
    # and lines -- the VIP/Wholesale names of header and lines share one --, one create
    assert [(model, method) for model, method, _ in stats.calls] == [
        ("res.partner", "fields_get"),
        ("res.partner.category", "search_read"),
        ("res.country", "search_read"),
        ("res.partner", "create"),
    ]


@pytest.mark.parametrize("result_field", [None, ["email", "ref"]])
def test_rpc_budget_is_k_plus_one_plus_one_with_result_field(rpc, make_key, shop, result_field):
    """k distinct (model, lookup field) pairs and no auto-create: k + 1 calls (+ 1 read with result_field)."""
    key = make_key(models=["res.partner", "res.partner.category", "res.country"])
    vals = {
        "payload": {
            "name": "Budget",
            "parent_id": {"ref": "C-1"},  # (res.partner, ref)
            "category_id": {"records": [{"name": "VIP"}]},  # (res.partner.category, name)
            "child_ids": [
                {"name": "Line 1", "category_id": {"records": [{"name": "Wholesale"}]}},  # the header's pair again
                {"name": "Line 2", "country_id": {"code": "US"}},  # (res.country, code)
                {"name": "Line 3", "parent_id": {"email": "b@example.com"}},  # (res.partner, email)
            ],
        }
    }
    if result_field:
        vals["result_field"] = result_field
    rpc_result(rpc("create_data", "res.partner", vals, key=key))  # warms the cached field types
    with callstats.tracking() as stats:
        result = rpc_result(rpc("create_data", "res.partner", vals, key=key))
    assert result["is_success"] is True, result
    k = 4
    assert stats.count == k + 1 + (1 if result_field else 0)
    expected = [
        ("res.partner", "search_read"),
        ("res.partner.category", "search_read"),
        ("res.country", "search_read"),
        ("res.partner", "search_read"),
        ("res.partner", "create"),
    ]
    if result_field:
        expected.append(("res.partner", "read"))
        assert result["result"] == {"id": result["result"]["id"], "email": False, "ref": False}
    assert [(model, method) for model, method, _ in stats.calls] == expected


def test_result_field_with_nested_sub_fields(rpc, shop):
    result = rpc_result(
        rpc(
            "create_data",
            "res.partner",
            {
                "payload": {"name": "Nested result", "parent_id": {"ref": "C-1"}, "email": "n@example.com"},
                "result_field": ["email", "parent_id{name, ref}"],
            },
        )
    )
    assert result == {
        "is_success": True,
        "result": {
            "id": result["result"]["id"],
            "email": "n@example.com",
            "parent_id": {"id": shop["Customer A"], "name": "Customer A", "ref": "C-1"},
        },
        "messages": "Record created.",
    }


def test_lookup_without_match_is_a_business_failure_and_creates_nothing(rpc, shop, fake_odoo):
    before = len(fake_odoo.records("res.partner"))
    response = rpc(
        "create_data", "res.partner", {"payload": {"name": "Orphan", "parent_id": {"ref": "C-404"}}}, call_id="x"
    )
    assert response.status_code == 200
    assert response.json() == {
        "jsonrpc": "2.0",
        "id": "x",
        "result": {
            "is_success": False,
            "result": {},
            "messages": 'parent_id: no res.partner record has ref = "C-404".',
        },
    }
    assert len(fake_odoo.records("res.partner")) == before


def test_lookup_with_several_matches_is_a_distinct_failure(rpc, shop):
    result = rpc_result(rpc("create_data", "res.partner", {"payload": {"name": "X", "parent_id": {"name": "Twin"}}}))
    assert result == {
        "is_success": False,
        "result": {},
        "messages": 'parent_id: 2 res.partner records have name = "Twin"; a lookup must match exactly one.',
    }


def test_lookup_failure_in_a_line_names_the_line(rpc, shop):
    result = rpc_result(
        rpc(
            "create_data",
            "res.partner",
            {"payload": {"name": "X", "child_ids": [{"name": "ok"}, {"name": "bad", "country_id": {"code": "ZZ"}}]}},
        )
    )
    assert result["messages"] == 'child_ids[1].country_id: no res.country record has code = "ZZ".'
    assert result["is_success"] is False


def test_model_outside_the_keys_allow_list_is_refused_before_any_write(rpc, shop, fake_odoo):
    before = len(fake_odoo.records("res.partner"))
    response = rpc("create_data", "res.partner", {"payload": {"name": "X", "user_id": {"login": "admin"}}})
    assert response.status_code == 403
    assert response.json() == {
        "jsonrpc": "2.0",
        "id": 1,
        "error": {
            "code": 403,
            "message": "This API key may not use the model res.users.",
            "data": {"request_id": response["X-Request-ID"]},
        },
    }
    assert len(fake_odoo.records("res.partner")) == before


def test_malformed_relational_value_is_a_business_failure(rpc, shop):
    result = rpc_result(rpc("create_data", "res.partner", {"payload": {"name": "X", "parent_id": "Customer A"}}))
    assert result == {
        "is_success": False,
        "result": {},
        "messages": 'parent_id: a lookup is an object with one field, e.g. {"name": "…"} or {"id": 5}.',
    }


def test_missing_payload(rpc, shop):
    assert rpc_result(rpc("create_data", "res.partner", {})) == {
        "is_success": False,
        "result": {},
        "messages": '"vals.payload" is required: the values of the record.',
    }


def test_odoo_refusing_the_values_gives_odoos_message(rpc, shop, fake_odoo):
    result = rpc_result(rpc("create_data", "res.partner", {"payload": {"email": "no-name@example.com"}}))
    assert result["is_success"] is False
    assert result["result"] == {}
    assert "Traceback" not in result["messages"]
    assert result["messages"] == "The operation cannot be completed: Contacts require a name"


def test_unknown_result_field_is_refused_before_the_write(rpc, shop, fake_odoo):
    before = len(fake_odoo.records("res.partner"))
    result = rpc_result(rpc("create_data", "res.partner", {"payload": {"name": "X"}, "result_field": ["name", "nope"]}))
    assert result == {"is_success": False, "result": {}, "messages": "result_field: res.partner has no field 'nope'."}
    assert len(fake_odoo.records("res.partner")) == before


def test_record_written_but_not_readable_back_says_so_with_its_id(rpc, shop, fake_odoo):
    """The write is done (Odoo committed it): the answer must give its id even though the read-back failed."""

    def refuse_the_read_once_written():
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not partners_named(fake_odoo, "Written"):
            time.sleep(0.002)
        fake_odoo.faults.fail_next(1, "access")

    vals = {"payload": {"name": "Written"}, "result_field": ["name"]}
    fake_odoo.faults.latency(0.25)  # the read waits here while the watcher flips the switch
    watcher = threading.Thread(target=refuse_the_read_once_written, daemon=True)
    watcher.start()
    result = rpc_result(rpc("create_data", "res.partner", vals))
    watcher.join()
    (written,) = partners_named(fake_odoo, "Written")
    assert result == {
        "is_success": False,
        "result": {"id": written["id"]},
        "messages": f"Record created (id {written['id']}), but it could not be read back: " + ACCESS_MESSAGE,
    }


ACCESS_MESSAGE = (
    "You are not allowed to access 'Contact' (res.partner) records. This operation is allowed for the following "
    "groups: - Administration/Settings Contact your administrator to request access if necessary."
)
