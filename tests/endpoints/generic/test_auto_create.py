"""auto_create: records made when a lookup finds nothing, removed again when the main write fails."""

import threading
import time

from hub import callstats
from logs.models import RequestLog
from tests.endpoints.generic.conftest import rpc_result


def partner(fake_odoo, **match) -> list[dict]:
    return [r for r in fake_odoo.records("res.partner") if all(r.get(k) == v for k, v in match.items())]


def test_missing_many2one_is_created_with_the_lookup_value(rpc, shop, fake_odoo):
    vals = {
        "payload": {"name": "Contact", "parent_id": {"ref": "C-9"}},
        "auto_create": {"parent_id": {"name": "New Company", "is_company": True}},
    }
    with callstats.tracking() as stats:
        result = rpc_result(rpc("create_data", "res.partner", vals))
    (made,) = partner(fake_odoo, ref="C-9")
    (contact,) = partner(fake_odoo, name="Contact")
    assert (made["name"], made["is_company"], contact["parent_id"]) == ("New Company", True, made["id"])
    assert result == {
        "is_success": True,
        "result": {
            "id": contact["id"],
            "auto_created": [
                {"field": "parent_id", "model": "res.partner", "id": made["id"], "lookup": {"ref": "C-9"}}
            ],
        },
        "messages": "Record created. auto_create made 1 record(s).",
    }
    assert [(m, method) for m, method, _ in stats.calls] == [
        ("res.partner", "fields_get"),
        ("res.partner", "search_read"),
        ("res.partner", "create"),  # the auto-created parent
        ("res.partner", "create"),  # the contact
    ]


def test_list_form_picks_the_entry_of_each_missing_value_and_creates_them_in_one_call(rpc, shop, fake_odoo):
    vals = {
        "payload": {
            "name": "Tagged",
            "category_id": {"records": [{"name": "VIP"}, {"name": "New 1"}]},
            "child_ids": [{"name": "Kid", "category_id": {"records": [{"name": "New 2"}]}}],
        },
        "auto_create": {"category_id": [{"name": "New 2", "color": 2}, {"name": "New 1", "color": 1}]},
    }
    with callstats.tracking() as stats:
        result = rpc_result(rpc("create_data", "res.partner", vals))
    tags = {t["name"]: t for t in fake_odoo.records("res.partner.category")}
    assert (tags["New 1"]["color"], tags["New 2"]["color"]) == (1, 2)
    assert result["is_success"] is True
    assert result["result"]["auto_created"] == [
        {
            "field": "category_id",
            "model": "res.partner.category",
            "id": tags["New 1"]["id"],
            "lookup": {"name": "New 1"},
        },
        {
            "field": "category_id",
            "model": "res.partner.category",
            "id": tags["New 2"]["id"],
            "lookup": {"name": "New 2"},
        },
    ]
    (parent,) = partner(fake_odoo, name="Tagged")
    (kid,) = partner(fake_odoo, name="Kid")
    assert sorted(parent["category_id"]) == sorted([shop["VIP"], tags["New 1"]["id"]])
    assert kid["category_id"] == [tags["New 2"]["id"]]
    assert [(m, method) for m, method, _ in stats.calls].count(("res.partner.category", "create")) == 1


def test_auto_create_values_may_use_lookups_themselves(rpc, shop, fake_odoo):
    vals = {
        "payload": {"name": "Contact", "parent_id": {"name": "Belgian Co"}},
        "auto_create": {"parent_id": {"is_company": True, "country_id": {"code": "BE"}}},
    }
    result = rpc_result(rpc("create_data", "res.partner", vals))
    assert result["is_success"] is True, result
    (made,) = partner(fake_odoo, name="Belgian Co")
    belgium = next(c["id"] for c in fake_odoo.records("res.country") if c["code"] == "BE")
    assert made["country_id"] == belgium


def test_failed_main_write_removes_what_auto_create_made_and_says_so(rpc, shop, fake_odoo):
    vals = {
        "payload": {"email": "nameless@example.com", "parent_id": {"ref": "C-9"}},  # no name: Odoo refuses
        "auto_create": {"parent_id": {"name": "Temporary Co"}},
    }
    with callstats.tracking() as stats:
        result = rpc_result(rpc("create_data", "res.partner", vals))
    assert partner(fake_odoo, name="Temporary Co") == []
    made_id = result["result"]["auto_created_removed"][0]["id"]
    assert result == {
        "is_success": False,
        "result": {
            "auto_created_removed": [
                {"field": "parent_id", "model": "res.partner", "id": made_id, "lookup": {"ref": "C-9"}}
            ]
        },
        "messages": "The operation cannot be completed: Contacts require a name. "
        f"The record(s) made by auto_create were removed again (res.partner {made_id}).",
    }
    assert [(m, method) for m, method, _ in stats.calls][-2:] == [("res.partner", "create"), ("res.partner", "unlink")]


def test_missing_value_of_a_field_auto_create_does_not_cover_is_an_error(rpc, shop, fake_odoo):
    before = len(fake_odoo.records("res.partner"))
    vals = {
        "payload": {"name": "X", "parent_id": {"ref": "C-9"}, "country_id": {"code": "ZZ"}},
        "auto_create": {"parent_id": {"name": "Would be made"}},
    }
    result = rpc_result(rpc("create_data", "res.partner", vals))
    assert result == {
        "is_success": False,
        "result": {},
        "messages": 'country_id: no res.country record has code = "ZZ".',
    }
    assert len(fake_odoo.records("res.partner")) == before


def test_auto_create_does_not_apply_to_several_matches(rpc, shop):
    vals = {"payload": {"name": "X", "parent_id": {"name": "Twin"}}, "auto_create": {"parent_id": {"name": "Twin"}}}
    result = rpc_result(rpc("create_data", "res.partner", vals))
    assert result["messages"] == 'parent_id: 2 res.partner records have name = "Twin"; a lookup must match exactly one.'


def test_auto_create_refusals(rpc, shop):
    def messages(vals):
        return rpc_result(rpc("create_data", "res.partner", vals))["messages"]

    assert messages(
        {"payload": {"name": "X", "parent_id": {"id": 99999}}, "auto_create": {"parent_id": {"name": "Y"}}}
    ) == ('parent_id: auto_create cannot make a record for a lookup by "id".')
    assert (
        messages(
            {
                "payload": {"name": "X", "parent_id": {"name": "Nobody"}},
                "auto_create": {"parent_id": [{"name": "Other"}]},
            }
        )
        == 'auto_create.parent_id: no entry has name = "Nobody" (needed for parent_id).'
    )
    assert messages({"payload": {"name": "X"}, "auto_create": ["parent_id"]}) == (
        '"auto_create" must be an object: {"<relational field>": {<values>}}.'
    )
    assert messages({"payload": {"name": "X"}, "auto_create": {"parent_id": "Y"}}) == (
        "auto_create.parent_id: must be an object or a list of objects."
    )
    assert (
        messages(
            {
                "payload": {"name": "X", "parent_id": {"name": "Nobody"}},
                "auto_create": {"parent_id": {"country_id": {"code": "ZZ"}}},
            }
        )
        == 'auto_create.parent_id.country_id: no res.country record has code = "ZZ".'
    )


def arm_when_made(fake_odoo, ref, arm):
    """Flip a fault switch as soon as auto_create's record exists, while the main write waits in the latency."""

    def watch():
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if partner(fake_odoo, ref=ref):
                arm()
                return
            time.sleep(0.002)

    fake_odoo.faults.latency(0.25)
    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_records_that_cannot_be_removed_are_reported_as_left(rpc, shop, fake_odoo):
    vals = {
        "payload": {"name": "Contact", "parent_id": {"ref": "C-9"}},
        "auto_create": {"parent_id": {"name": "Stuck Co"}},
    }
    rpc_result(rpc("search_data", "res.partner", {"payload": {"search_field": "parent_id{name}", "limit": 1}}))  # warm
    watcher = arm_when_made(fake_odoo, "C-9", lambda: fake_odoo.faults.fail_next(2, "validation"))
    result = rpc_result(rpc("create_data", "res.partner", vals))
    watcher.join()
    (made,) = partner(fake_odoo, ref="C-9")
    assert result == {
        "is_success": False,
        "result": {
            "auto_created_left": [
                {"field": "parent_id", "model": "res.partner", "id": made["id"], "lookup": {"ref": "C-9"}}
            ]
        },
        "messages": "The operation cannot be completed: Contacts require a name. "
        f"The record(s) made by auto_create could NOT be removed (res.partner {made['id']}): "
        "The operation cannot be completed: Contacts require a name.",
    }


def test_odoo_timing_out_during_the_write_keeps_the_records_and_says_so(
    rpc, make_key, make_connection, shop, fake_odoo
):
    key = make_key(connection=make_connection(name="impatient", read_timeout=1.0))
    vals = {
        "payload": {"name": "Contact", "parent_id": {"ref": "C-9"}},
        "auto_create": {"parent_id": {"name": "Kept Co"}},
    }
    watcher = arm_when_made(fake_odoo, "C-9", fake_odoo.faults.hang)
    response = rpc("create_data", "res.partner", vals, key=key)
    watcher.join()
    fake_odoo.faults.clear()
    (made,) = partner(fake_odoo, ref="C-9")
    assert response.status_code == 504
    kept = f"The record(s) made by auto_create were kept (res.partner {made['id']})."
    assert response.json()["error"]["message"] == f"Odoo did not answer in time. {kept}"
    row = RequestLog.objects.get(request_id=response["X-Request-ID"])
    assert row.error == f"Odoo at {fake_odoo.url} did not answer in time. {kept}"
