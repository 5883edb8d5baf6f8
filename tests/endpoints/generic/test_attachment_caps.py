"""The files of one call are capped (HUB_ATTACHMENT_MAX_COUNT, HUB_ATTACHMENT_MAX_TOTAL_BYTES): over a cap
the call is a JSON-RPC error 413 naming it, nothing reaches Odoo, and the call is logged."""

import base64
import json

import pytest

from logs.models import RequestLog
from mappings.attachments import TooMuchAttached, check_call_totals
from tests.endpoints.generic.conftest import rpc_result


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def files(n: int, size: int = 1) -> list[dict]:
    return [{"name": f"f{i}.txt", "datas": b64(b"x" * size)} for i in range(n)]


def error_of(response, status: int = 413) -> dict:
    assert response.status_code == status, response.content
    body = json.loads(response.content)
    assert body["error"]["data"] == {"request_id": response["X-Request-ID"]}
    return body["error"]


def test_three_thousand_files_are_refused_with_the_default_cap_before_any_odoo_call(rpc, shop, fake_odoo, rpc_calls):
    before = len(fake_odoo.records("ir.attachment"))
    response = rpc("create_data", "res.partner", {"payload": {"name": "Flood", "attachment_ids": files(3000)}})
    assert error_of(response) == {
        "code": 413,
        "message": "The call carries 3000 files in attachment_ids; at most 100 per call.",
        "data": {"request_id": response["X-Request-ID"]},
    }
    assert rpc_calls == []  # not even fields_get
    assert len(fake_odoo.records("ir.attachment")) == before
    assert not [r for r in fake_odoo.records("res.partner") if r["name"] == "Flood"]
    row = RequestLog.objects.get(request_id=response["X-Request-ID"])
    assert (row.status, row.outcome, row.rpc_count, row.route_kind) == (413, "failure", 0, "generic")
    assert row.error == "The call carries 3000 files in attachment_ids; at most 100 per call."


def test_the_count_spans_header_and_lines_and_the_cap_itself_is_accepted(rpc, shop, settings, rpc_calls):
    settings.HUB_ATTACHMENT_MAX_COUNT = 3
    at_cap = {"name": "Three", "attachment_ids": files(1), "child_ids": [{"name": "Kid", "attachment_ids": files(2)}]}
    result = rpc_result(rpc("create_data", "res.partner", {"payload": at_cap}))
    assert (result["is_success"], result["messages"]) == (True, "Record created. 3 file(s) attached.")
    calls = len(rpc_calls)
    over = {"name": "Four", "attachment_ids": files(2), "child_ids": [{"name": "Kid", "attachment_ids": files(2)}]}
    response = rpc("create_data", "res.partner", {"payload": over})
    assert error_of(response)["message"] == "The call carries 4 files in attachment_ids; at most 3 per call."
    assert len(rpc_calls) == calls


def test_the_total_decoded_size_is_capped(rpc, shop, settings, rpc_calls):
    settings.HUB_ATTACHMENT_MAX_TOTAL_BYTES = 10
    result = rpc_result(rpc("create_data", "res.partner", {"payload": {"name": "Ten", "attachment_ids": files(2, 5)}}))
    assert result["is_success"] is True, result
    calls = len(rpc_calls)
    payload = {
        "name": "Eleven",
        "attachment_ids": files(1, 5),
        "child_ids": [{"name": "K", "attachment_ids": files(1, 6)}],
    }
    response = rpc("create_data", "res.partner", {"payload": payload})
    assert (
        error_of(response)["message"] == "The files of the call decode to 11 bytes together; at most 10 bytes per call."
    )
    assert len(rpc_calls) == calls


@pytest.mark.parametrize("route", ["update_data", "create_update_data"])
def test_updates_are_refused_before_their_search(rpc, shop, settings, rpc_calls, route):
    settings.HUB_ATTACHMENT_MAX_COUNT = 1
    vals = {"search_key": {"ref": "C-1"}, "payload": {"attachment_ids": files(2)}}
    response = rpc(route, "res.partner", vals)
    assert error_of(response)["message"] == "The call carries 2 files in attachment_ids; at most 1 per call."
    assert rpc_calls == []
    assert RequestLog.objects.get(request_id=response["X-Request-ID"]).status == 413


def test_totals_are_read_from_base64_lengths_whitespace_and_padding_included():
    # 4 + 5 + 6 bytes: padding "==", "=" and none; line breaks as some encoders write them
    payload = {
        "attachment_ids": [{"name": "a", "datas": b64(b"abcd")}, {"name": "b", "datas": "YWJj\nZGU="}],
        "lines": [{"attachment_ids": [{"name": "c", "datas": b64(b"abcdef")}, "not a file", {"name": "d"}]}],
    }
    check_call_totals(payload, max_count=5, max_total_bytes=15)
    with pytest.raises(TooMuchAttached, match=r"^The files of the call decode to 15 bytes together; at most 14 "):
        check_call_totals(payload, max_count=5, max_total_bytes=14)
    with pytest.raises(TooMuchAttached, match=r"^The call carries 5 files in attachment_ids; at most 4 per call\.$"):
        check_call_totals(payload, max_count=4, max_total_bytes=15)
    check_call_totals(None, max_count=1, max_total_bytes=1)
    check_call_totals({"attachment_ids": False}, max_count=1, max_total_bytes=1)
