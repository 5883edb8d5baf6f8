"""attachment_ids at any level: files attached to the records they sit on, once those exist."""

import base64

from hub import callstats
from tests.endpoints.generic.conftest import rpc_result


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def attachments(fake_odoo) -> list[tuple]:
    return sorted((a["res_model"], a["res_id"], a["name"], a["datas"]) for a in fake_odoo.records("ir.attachment"))


def test_files_on_header_and_lines_are_attached_to_their_records(rpc, shop, fake_odoo):
    before = attachments(fake_odoo)
    payload = {
        "name": "With files",
        "attachment_ids": [{"name": "contract.pdf", "datas": b64(b"%PDF-1.4 contract")}],
        "child_ids": [
            {"name": "Kid 1", "attachment_ids": [{"name": "kid1.txt", "datas": b64(b"one")}]},
            {"name": "Kid 2"},
            {
                "name": "Kid 3",
                "attachment_ids": [{"name": "kid3.txt", "datas": b64(b"three"), "mimetype": "text/plain"}],
            },
        ],
    }
    with callstats.tracking() as stats:
        result = rpc_result(rpc("create_data", "res.partner", {"payload": payload}))
    header = result["result"]["id"]
    kids = {r["name"]: r["id"] for r in fake_odoo.records("res.partner") if r.get("parent_id") == header}
    assert result == {"is_success": True, "result": {"id": header}, "messages": "Record created. 3 file(s) attached."}
    assert sorted(set(attachments(fake_odoo)) - set(before)) == sorted(
        [
            ("res.partner", header, "contract.pdf", b64(b"%PDF-1.4 contract")),
            ("res.partner", kids["Kid 1"], "kid1.txt", b64(b"one")),
            ("res.partner", kids["Kid 3"], "kid3.txt", b64(b"three")),
        ]
    )
    assert [(m, method) for m, method, _ in stats.calls] == [
        ("res.partner", "fields_get"),
        ("res.partner", "create"),
        ("res.partner", "read"),  # the line ids, to know which line is which
        ("ir.attachment", "create"),  # every file in one call
    ]


def test_header_files_only_need_no_read(rpc, shop, fake_odoo):
    with callstats.tracking() as stats:
        result = rpc_result(
            rpc(
                "create_data",
                "res.partner",
                {"payload": {"name": "F", "attachment_ids": [{"name": "a", "datas": b64(b"a")}]}},
            )
        )
    assert result["messages"] == "Record created. 1 file(s) attached."
    assert [(m, method) for m, method, _ in stats.calls] == [
        ("res.partner", "fields_get"),
        ("res.partner", "create"),
        ("ir.attachment", "create"),
    ]


def test_files_on_lines_of_lines(rpc, shop, fake_odoo):
    payload = {
        "name": "Top",
        "child_ids": [
            {
                "name": "Middle",
                "child_ids": [{"name": "Bottom", "attachment_ids": [{"name": "deep.txt", "datas": b64(b"deep")}]}],
            }
        ],
    }
    result = rpc_result(rpc("create_data", "res.partner", {"payload": payload}))
    assert result["is_success"] is True, result
    bottom = next(r["id"] for r in fake_odoo.records("res.partner") if r["name"] == "Bottom")
    assert ("res.partner", bottom, "deep.txt", b64(b"deep")) in attachments(fake_odoo)


def test_files_on_replaced_lines_of_an_update(rpc, shop, fake_odoo):
    vals = {
        "search_key": {"ref": "C-1"},
        "payload": {"child_ids": [{"name": "New kid", "attachment_ids": [{"name": "k.txt", "datas": b64(b"k")}]}]},
    }
    result = rpc_result(rpc("update_data", "res.partner", vals))
    assert result == {
        "is_success": True,
        "result": {"id": shop["Customer A"]},
        "messages": "Record updated. 1 file(s) attached.",
    }
    kid = next(r["id"] for r in fake_odoo.records("res.partner") if r["name"] == "New kid")
    assert ("res.partner", kid, "k.txt", b64(b"k")) in attachments(fake_odoo)


def test_invalid_base64_is_refused_before_anything_is_written(rpc, shop, fake_odoo):
    before = (len(fake_odoo.records("res.partner")), attachments(fake_odoo))
    payload = {
        "name": "F",
        "child_ids": [{"name": "K", "attachment_ids": [{"name": "bad.bin", "datas": "%%%not base64"}]}],
    }
    result = rpc_result(rpc("create_data", "res.partner", {"payload": payload}))
    assert result == {
        "is_success": False,
        "result": {},
        "messages": 'child_ids[0].attachment_ids[0]: "datas" is not valid base64.',
    }
    assert (len(fake_odoo.records("res.partner")), attachments(fake_odoo)) == before


def test_size_limit(rpc, shop, settings):
    settings.HUB_ATTACHMENT_MAX_BYTES = 10
    payload = {"name": "F", "attachment_ids": [{"name": "big.bin", "datas": b64(b"x" * 11)}]}
    result = rpc_result(rpc("create_data", "res.partner", {"payload": payload}))
    assert result["messages"] == "attachment_ids[0]: 'big.bin' is 11 bytes, larger than the limit of 10 bytes."
    payload["attachment_ids"][0]["datas"] = b64(b"x" * 10)
    assert rpc_result(rpc("create_data", "res.partner", {"payload": payload}))["is_success"] is True


def test_request_body_over_the_limit_is_413(rpc, shop, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    payload = {"name": "F", "attachment_ids": [{"name": "big.bin", "datas": b64(b"x" * 3000)}]}
    response = rpc("create_data", "res.partner", {"payload": payload})
    assert response.status_code == 413
    assert response.json()["error"] == {
        "code": 413,
        "message": "The request body is larger than 2048 bytes.",
        "data": {"request_id": response["X-Request-ID"]},
    }
