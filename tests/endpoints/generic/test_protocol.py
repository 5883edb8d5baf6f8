"""Decoding JSON-RPC calls and shaping answers, without Odoo."""

import pytest

from endpoints.generic.protocol import Outcome, RpcCall, RpcError, decode_call, error_body, result_body


def test_full_jsonrpc_call():
    raw = b'{"jsonrpc": "2.0", "method": "call", "id": 7, "params": {"model": "res.partner", "vals": {"payload": {}}}}'
    assert decode_call(raw) == RpcCall(id=7, model="res.partner", vals={"payload": {}})


def test_body_with_only_params_is_accepted():
    assert decode_call(b'{"params": {"model": "sale.order"}}') == RpcCall(id=None, model="sale.order", vals={})


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "The request body is not valid JSON."),
        (b"", "The request body is not valid JSON."),
        (b"\xff\xfe", "The request body is not valid JSON."),
        (b"[1]", "The request body must be a JSON object."),
        (b'{"id": [1], "params": {}}', '"id" must be a string, a number or null.'),
        (b'{"jsonrpc": "1.0", "params": {}}', '"jsonrpc" must be "2.0".'),
        (b'{"model": "res.partner"}', 'The request body needs a "params" object.'),
        (b'{"params": {"vals": {}}}', '"params.model" must be an Odoo model name such as "res.partner".'),
        (b'{"params": {"model": "res partner"}}', '"params.model" must be an Odoo model name such as "res.partner".'),
        (b'{"params": {"model": "res.partner", "vals": []}}', '"params.vals" must be an object.'),
    ],
)
def test_malformed_calls_are_400(raw, message):
    with pytest.raises(RpcError) as caught:
        decode_call(raw)
    assert (caught.value.http_status, caught.value.message) == (400, message)


def test_answer_shapes():
    assert result_body("a", Outcome(True, {"id": 1}, "Record created.")) == {
        "jsonrpc": "2.0",
        "id": "a",
        "result": {"is_success": True, "result": {"id": 1}, "messages": "Record created."},
    }
    assert error_body(None, 401, "Who?", "rid") == {
        "jsonrpc": "2.0",
        "id": None,
        "error": {"code": 401, "message": "Who?", "data": {"request_id": "rid"}},
    }
