"""Replay of the recorded Odoo 18 calls (tests/fixtures/odoo18/) against the stand-in, and the comparison rules.

Kept apart from the test module so the benchmark and ad-hoc scripts can reuse the replay.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import xmlrpc.client
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "odoo18"
# The recorded order of the session matters inside a file (crud and methods build on earlier calls).
FILES = (
    "common",
    "fields_get",
    "search_read",
    "jsonrpc",
    "faults_xmlrpc",
    "crud",
    "methods",
    "web_search_read",
    "data",
    "faults_more",
)
# Recordings that another test replays, with where: they record behaviour over time, not one call's answer.
REPLAYED_ELSEWHERE = {
    "polling": "tests/outbound/test_cursor.py (write_date cut to the second, the cursor)",
    "webhook": "tests/outbound/test_push.py (what automation rules post: one create 13 times, a rolled-back create)",
}
RECORDED_ON = date(2026, 11, 20)
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CREATING = ("create", "copy", "name_create")

# Ids of records created during the recording depend on what the recording session created before
# (other files, earlier attempts): each model's id sequence is started where the file's first new id was.
# Lines created through x2many commands are not visible in create answers, so they are listed here.
LINE_SEEDS = {
    "crud": {"sale.order.line": 50, "res.partner.category": 16},
    "methods": {"sale.order.line": 52, "account.move.line": 60},
}
# Document numbers (ir.sequence) moved on with orders and invoices the session created before the file.
COUNTER_SEEDS = {
    "crud": {"sale.order:S": 26},
    "methods": {"sale.order:S": 27, "account.move:INV/2026/": 6},
}
# Records an earlier part of the recording session had created and a file works on: created first.
PRECONDITIONS = {
    "methods": [("res.partner", 52, {"name": "Partner archived by methods.json"})],
}
# Writes that bring the stand-in's dataset to the state of the database a file was recorded on:
# (model, ids, values). The snapshot data.json and faults_more.json were recorded on had fr_FR
# inactive (the stand-in serves it active, as the earlier recordings' server did).
SNAPSHOT_WRITES = {
    "data": [("res.lang", [30], {"active": False})],
    "faults_more": [("res.lang", [30], {"active": False})],
}


def load(name: str) -> list[dict]:
    """The recorded entries of one fixture file (fields_get.json is keyed by model: its entries in file order)."""
    data = json.loads((FIXTURES / f"{name}.json").read_text())
    return list(data.values()) if isinstance(data, dict) else data


def call_params(entry: dict) -> list:
    """The positional RPC arguments of a recorded call (XML-RPC params or JSON-RPC args)."""
    call = entry["call"]
    if "params" in call:
        return call["params"]
    return call.get("request", {}).get("params", {}).get("args", [])


def first_new_ids(name: str, entries: list[dict]) -> dict[str, int]:
    """Per model, the first id the recording handed out in this file."""
    seeds: dict[str, int] = {}
    for entry in entries:
        params = call_params(entry)
        if len(params) < 5 or params[4] not in CREATING or "response" not in entry:
            continue
        response = entry["response"]
        ids = [response] if isinstance(response, int) else response
        if params[4] == "name_create":
            ids = response[:1]
        if ids and isinstance(ids[0], int):
            seeds.setdefault(params[3], ids[0])
    seeds.update(LINE_SEEDS.get(name, {}))
    return seeds


def create(url: str, model: str, vals: dict) -> int:
    """Create one record as admin over XML-RPC (for preconditions)."""
    proxy = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
    return proxy.execute_kw("odoo18", 2, "admin", model, "create", [vals])


def prepare(server: Any, name: str, entries: list[dict]) -> None:
    """A fresh stand-in in the state the file was recorded in: snapshot, earlier records, id sequences."""
    server.reset()
    proxy = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/object")
    for model, ids, vals in SNAPSHOT_WRITES.get(name, []):
        proxy.execute_kw("odoo18", 2, "admin", model, "write", [ids, vals])
    for model, record_id, vals in PRECONDITIONS.get(name, []):
        server.store.sequences[model] = record_id - 1
        create(server.url, model, vals)
    for model, first_id in first_new_ids(name, entries).items():
        server.store.sequences[model] = first_id - 1
    server.store.counters.update(COUNTER_SEEDS.get(name, {}))


# --- replay -----------------------------------------------------------------------------------


def replay(url: str, entry: dict) -> dict:
    """Send one recorded call over its recorded protocol; the answer in the recording's own shape."""
    call = entry["call"]
    protocol = call["protocol"]
    if protocol == "xmlrpc":
        proxy = xmlrpc.client.ServerProxy(f"{url}{call['endpoint']}", allow_none=True)
        try:
            return {"response": getattr(proxy, call["method"])(*call["params"])}
        except xmlrpc.client.Fault as fault:
            return {"fault": {"faultCode": fault.faultCode, "faultString": fault.faultString}}
    if protocol == "jsonrpc":
        status, content_type, body = post(url, call["endpoint"], json.dumps(call["request"]), "application/json")
        reply = json.loads(body)
        if "error" in reply:
            return {"fault": reply["error"], "envelope": _envelope(reply)}
        return {"response": reply.get("result"), "envelope": _envelope(reply)}
    status, content_type, body = post(url, call["endpoint"], call["body"], call["content_type"])
    return {"http_status": status, "content_type": content_type, "body": body}


def _envelope(reply: dict) -> dict:
    return {key: reply[key] for key in ("jsonrpc", "id") if key in reply}


def post(url: str, path: str, body: str, content_type: str) -> tuple[int, str, str]:
    """A raw POST; (status, content type, body text) whatever the status."""
    request = urllib.request.Request(f"{url}{path}", data=body.encode(), headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get("Content-Type"), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type"), error.read().decode()


# --- comparison -------------------------------------------------------------------------------


def compare(entry: dict, actual: dict) -> list[str]:
    """Differences between the recorded answer and the stand-in's (empty: the call matches)."""
    call = entry["call"]
    if call["protocol"] == "raw-http":
        return _compare_raw(entry, actual)
    problems: list[str] = []
    if "fault" in entry:
        if "fault" not in actual:
            return [f"expected a fault, got response {_short(actual.get('response'))}"]
        if call["protocol"] == "xmlrpc":
            problems += _compare_xmlrpc_fault(entry["fault"], actual["fault"])
        else:
            problems += _compare_json_error(entry["fault"], actual["fault"])
    else:
        if "fault" in actual:
            return [f"unexpected fault {_short(actual['fault'])}"]
        problems += diff(entry.get("response"), actual.get("response"), "response")
    if "envelope" in entry and actual.get("envelope") != entry["envelope"]:
        problems.append(f"envelope {actual.get('envelope')} != {entry['envelope']}")
    return problems


def _last_line(text: str) -> str:
    lines = [line for line in text.rstrip("\n").split("\n") if line]
    return lines[-1] if lines else ""


def _compare_xmlrpc_fault(expected: dict, actual: dict) -> list[str]:
    problems = []
    if expected["faultCode"] != actual["faultCode"]:
        problems.append(f"faultCode {actual['faultCode']!r} != {expected['faultCode']!r}")
    if expected.get("faultString_is_traceback"):
        # Traceback text legitimately differs; its first line and the exception line must not.
        if not actual["faultString"].startswith(expected["faultString_first_line"]):
            problems.append("faultString is not a traceback")
        if _last_line(actual["faultString"]) != expected["faultString_last_5_lines"][-1]:
            problems.append(f"exception line {_last_line(actual['faultString'])!r}")
    elif expected["faultString"] != actual["faultString"]:
        problems.append(f"faultString {actual['faultString']!r} != {expected['faultString']!r}")
    return problems


def _compare_json_error(expected: dict, actual: dict) -> list[str]:
    problems = []
    for key in ("code", "message"):
        if expected[key] != actual.get(key):
            problems.append(f"error.{key} {actual.get(key)!r} != {expected[key]!r}")
    data, got = expected["data"], actual.get("data", {})
    for key in ("name", "message", "arguments", "context"):
        if data[key] != got.get(key):
            problems.append(f"error.data.{key} {got.get(key)!r} != {data[key]!r}")
    debug = got.get("debug", "")
    if not debug.startswith(data["debug_first_line"]) or _last_line(debug) != data["debug_last_5_lines"][-1]:
        problems.append(f"error.data.debug exception line {_last_line(debug)!r}")
    return problems


def _compare_raw(entry: dict, actual: dict) -> list[str]:
    problems = []
    if entry["http_status"] != actual["http_status"]:
        problems.append(f"HTTP {actual['http_status']} != {entry['http_status']}")
    if entry.get("content_type") and entry["content_type"] != actual["content_type"]:
        problems.append(f"Content-Type {actual['content_type']!r} != {entry['content_type']!r}")
    if "response_json" in entry:
        got = json.loads(actual["body"])
        expected = entry["response_json"]
        if "error" in expected:
            problems += _compare_json_error(expected["error"], got.get("error", {}))
            expected = {k: v for k, v in expected.items() if k != "error"}
            got = {k: v for k, v in got.items() if k != "error"}
        problems += diff(expected, got, "body")
    elif "response_text_head" in entry:
        expected = entry["response_text_head"]
        if entry.get("response_text_head_note"):
            # A traceback inside an XML-RPC fault: compare around it, and its exception line.
            head, _, rest = expected.partition("Traceback (most recent call last):\n")
            exception_line, _, tail = rest.partition("\n")
            body = actual["body"]
            if not body.startswith(head + "Traceback (most recent call last):\n"):
                problems.append("body does not start like the recording")
            if f"\n{exception_line}\n" not in body or not body.endswith(tail):
                problems.append(f"body exception line/tail differs: {body[-200:]!r}")
        elif not actual["body"].startswith(expected):
            problems.append(f"body {actual['body'][:200]!r} does not start with {expected[:200]!r}")
    return problems


def _shift(text: str, days: int) -> str:
    return (date.fromisoformat(text[:10]) + timedelta(days=days)).isoformat() + text[10:]


def same_value(expected: Any, actual: Any) -> bool:
    """Equal, or timestamps of "now" at recording time vs now here, or dates relative to today."""
    if expected == actual:
        return True
    if isinstance(expected, str) and isinstance(actual, str):
        delta = (datetime.now(UTC).date() - RECORDED_ON).days
        if DATETIME_RE.match(expected) and DATETIME_RE.match(actual):
            # Timestamps taken at the moment of the call (create/write dates, date_order = now): the
            # stand-in's are from today, or from the recording day when its dataset keeps them.
            return expected.startswith(RECORDED_ON.isoformat()) and actual[:10] in {
                expected[:10],
                _shift(expected, delta)[:10],
            }
        if DATE_RE.match(expected) and DATE_RE.match(actual):
            return actual == _shift(expected, delta)
    return False


def diff(expected: Any, actual: Any, path: str) -> list[str]:
    """Structural differences (first few), with timestamps compared by ``same_value``."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        problems = []
        if set(expected) != set(actual):
            missing = [k for k in expected if k not in actual][:5]
            extra = [k for k in actual if k not in expected][:5]
            problems.append(f"{path}: keys missing {missing} extra {extra}")
        for key in expected:
            if key in actual:
                problems += diff(expected[key], actual[key], f"{path}.{key}")
        return problems[:8]
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: {len(actual)} items != {len(expected)}: {_short(actual)} vs {_short(expected)}"]
        problems = []
        for index, (left, right) in enumerate(zip(expected, actual, strict=True)):
            problems += diff(left, right, f"{path}[{index}]")
        return problems[:8]
    if isinstance(expected, float) and isinstance(actual, int | float) and not isinstance(actual, bool):
        same = abs(expected - actual) < 1e-9 and type(expected) is type(actual)
        return [] if same else [f"{path}: {actual!r} != {expected!r}"]
    if type(expected) is not type(actual) or not same_value(expected, actual):
        return [f"{path}: {_short(actual)} != {_short(expected)}"]
    return []


def _short(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) < 160 else text[:157] + "..."


# --- the same calls over the other protocols --------------------------------------------------

MARSHAL_NONE = "TypeError: cannot marshal None unless allow_none is enabled"


def object_call(entry: dict) -> tuple | None:
    """(uid, password, model, method, args, kwargs) of a recorded XML-RPC execute_kw on /xmlrpc/2/object."""
    call = entry["call"]
    if call.get("protocol") != "xmlrpc" or call["endpoint"] != "/xmlrpc/2/object" or call["method"] != "execute_kw":
        return None
    params = call["params"]
    if params[0] != "odoo18":
        return None
    return params[1], params[2], params[3], params[4], params[5], params[6] if len(params) > 6 else {}


def replay_jsonrpc(url: str, call: tuple) -> dict:
    """An execute_kw sent over /jsonrpc instead."""
    uid, password, model, method, args, kwargs = call
    request = {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {
            "service": "object",
            "method": "execute_kw",
            "args": ["odoo18", uid, password, model, method, args, kwargs],
        },
        "id": 1,
    }
    reply = json.loads(post(url, "/jsonrpc", json.dumps(request), "application/json")[2])
    if "error" in reply:
        return {"error": reply["error"]["data"]}
    return {"response": reply["result"]}


def json2_params(call: tuple) -> dict | None:
    """Named JSON-2 arguments for an execute_kw (None when the positional call cannot bind: a TypeError case)."""
    import inspect

    from fake_odoo import rpc
    from fake_odoo.orm import MODEL_API, MODEL_CREATE_API

    _uid, _password, model, method, args, kwargs = call
    try:
        func = rpc.public_method(model, method)
    except AttributeError:
        return {"args_unbound": True, **kwargs}
    params: dict = {}
    args = list(args)
    if getattr(func, "_api", None) not in (MODEL_API, MODEL_CREATE_API):
        if not args:
            return None
        params["ids"] = args.pop(0)
    kwargs = dict(kwargs)
    if "context" in kwargs:
        params["context"] = kwargs.pop("context")
    try:
        bound = inspect.signature(func).bind(None, *args, **kwargs)
    except TypeError:
        return None
    for name, value in list(bound.arguments.items())[1:]:
        if inspect.signature(func).parameters[name].kind is inspect.Parameter.VAR_KEYWORD:
            params.update(value)
        else:
            params[name] = value
    return params


def replay_json2(url: str, call: tuple, api_key: str) -> dict | None:
    """An execute_kw sent as JSON-2 with the admin's API key (None: not expressible in JSON-2)."""
    _uid, _password, model, method, _args, _kwargs = call
    params = json2_params(call)
    if params is None or params.pop("args_unbound", False):
        return None
    request = urllib.request.Request(
        f"{url}/json/2/{model}/{method}",
        data=json.dumps(params).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"bearer {api_key}", "X-Odoo-Database": "odoo18"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return {"response": json.loads(response.read())}
    except urllib.error.HTTPError as error:
        return {"error": json.loads(error.read()), "status": error.code}


def compare_other_protocol(entry: dict, actual: dict, *, json2: bool = False) -> list[str]:
    """The recorded XML-RPC answer against a JSON-RPC / JSON-2 answer to the same call."""
    call = object_call(entry)
    if "fault" in entry:
        fault = entry["fault"]
        if fault.get("faultString_is_traceback") and fault["faultString_last_5_lines"][-1] == MARSHAL_NONE:
            # XML-RPC cannot carry None; JSON answers null.
            return [] if actual.get("response", "missing") is None else [f"expected null, got {_short(actual)}"]
        if "error" not in actual:
            return [f"expected an error, got {_short(actual.get('response'))}"]
        if fault.get("faultString_is_traceback"):
            expected = fault["faultString_last_5_lines"][-1].split(": ", 1)[-1]
            got = actual["error"]["message"]
            return [] if got == expected or repr(got) == expected else [f"message {got!r} != {expected!r}"]
        return [] if actual["error"]["message"] == fault["faultString"] else [f"message {actual['error']['message']!r}"]
    if "error" in actual:
        return [f"unexpected error {_short(actual['error'].get('message'))}"]
    expected = entry["response"]
    if json2 and call[3] == "create" and isinstance(expected, int):
        expected = [expected]  # JSON-2 returns the ids of the created recordset
    return diff(expected, actual["response"], "response")
