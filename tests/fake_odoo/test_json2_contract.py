"""Contract: every JSON-2 call recorded on a real Odoo 19 (tests/fixtures/odoo19/json2.json) against the 19 stand-in.

Errors must match exactly: HTTP status, Content-Type, ``WWW-Authenticate``, the body's name, message,
arguments and context, and the traceback's last line (or the HTML page). Successful answers carry
Odoo 19's demo data, which is not the stand-in's (it serves Odoo 18's: partner 9 is Wood Corner
there, Acme Corporation on 19), so they must match in shape: status, Content-Type, and the same
JSON structure (types, keys, list lengths of ids); ``create`` must answer a list of ids.

The recorded API keys and database name are those of the recording server: they are replaced by the
stand-in's own before sending; ids the recorded creates returned are replaced by the stand-in's.
"""

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from fake_odoo import FakeOdoo

RECORDING = Path(__file__).resolve().parent.parent / "fixtures" / "odoo19" / "json2.json"
RECORDED_ADMIN_KEY = "4a69dd9083391597f0fc80fc8ae6c1935c4a88a5"
RECORDED_DEMO_KEY = "bd3bd122adfa837da4a8b9f5a6baf88c72b88450"
RECORDED_DATABASE = "odoo19"


def entries() -> list[dict]:
    return json.loads(RECORDING.read_text())


def send(server: FakeOdoo, call: dict, ids: dict[int, int]) -> tuple[int, dict, bytes]:
    """One recorded call, with the recording's keys, database and created ids replaced by the stand-in's."""
    headers = {}
    for key, value in (call.get("headers") or {}).items():
        value = value.replace(RECORDED_ADMIN_KEY, server.ADMIN_API_KEY).replace(RECORDED_DEMO_KEY, server.DEMO_API_KEY)
        headers[key] = server.database if key == "X-Odoo-Database" and value == RECORDED_DATABASE else value
    if "raw_request_body" in call:
        data = call["raw_request_body"].encode()
    elif call.get("body") is None:
        data = None
    else:
        data = json.dumps(_map_ids(call["body"], ids)).encode()
    request = urllib.request.Request(
        f"{server.url}{call['endpoint']}", data=data, headers=headers, method=call["http_method"]
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _map_ids(body: Any, ids: dict[int, int]) -> Any:
    if isinstance(body, dict):
        return {key: [ids.get(i, i) for i in value] if key == "ids" else value for key, value in body.items()}
    return body


def shape(value: Any) -> Any:
    """A JSON value's structure: types and dict keys; a list is the set of its items' shapes (any length)."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return ["list", sorted({json.dumps(shape(item), sort_keys=True) for item in value})]
    return type(value).__name__


def compare(entry: dict, status: int, headers: dict, body: bytes) -> list[str]:
    """Differences between the recorded answer and the stand-in's (empty: the call matches)."""
    problems = []
    if status != entry["http_status"]:
        problems.append(f"HTTP {status} != {entry['http_status']}")
    recorded_headers = entry.get("response_headers") or {}
    for name in ("Content-Type", "WWW-Authenticate"):
        if name in recorded_headers and headers.get(name) != recorded_headers[name]:
            problems.append(f"{name} {headers.get(name)!r} != {recorded_headers[name]!r}")
    if "raw_response_body" in entry:
        if body.decode() != entry["raw_response_body"]:
            problems.append(f"body {body[:160]!r}")
        return problems
    answer = json.loads(body)
    if "fault" in entry:
        fault = entry["fault"]
        if not isinstance(answer, dict):
            return [*problems, f"error body {body[:160]!r}"]
        for key in ("name", "message", "arguments", "context"):
            if answer.get(key) != fault[key]:
                problems.append(f"{key} {answer.get(key)!r} != {fault[key]!r}")
        debug = answer.get("debug", "").rstrip("\n").split("\n")
        if debug[0] != fault["debug_first_line"] or debug[-1] != fault["debug_last_5_lines"][-1]:
            problems.append(f"debug last line {debug[-1]!r} != {fault['debug_last_5_lines'][-1]!r}")
        return problems
    expected = entry["response"]
    if shape(answer) != shape(expected):
        problems.append(f"answer {json.dumps(answer)[:160]} not shaped like {json.dumps(expected)[:160]}")
    return problems


@pytest.fixture(scope="module")
def results():
    """Replay the recording in order on a fresh 19 stand-in (fr_FR inactive, as on that server)."""
    outcome = []
    with FakeOdoo(version="19.0") as server:
        server.store.data["res.lang"][30]["active"] = False  # the recorded database had only en_US
        ids: dict[int, int] = {}
        for index, entry in enumerate(entries()):
            status, headers, body = send(server, entry["call"], ids)
            if entry["call"]["endpoint"].endswith("/create") and status == 200 and entry["http_status"] == 200:
                ids.update(zip(entry["response"], json.loads(body), strict=False))
            outcome.append((index, entry["label"], compare(entry, status, headers, body)))
        assert server.not_modelled == []
    return outcome


def test_every_recorded_json2_call_answers_as_odoo_19(results, capsys):
    matching = sum(1 for *_, problems in results if not problems)
    with capsys.disabled():
        print(f"\njson2 contract: {matching}/{len(results)} recorded calls match")
    unexpected = [f"[{index}] {label}: {'; '.join(problems)}" for index, label, problems in results if problems]
    assert unexpected == [], "\n".join(unexpected)


def test_every_recorded_json2_call_was_replayed(results):
    assert [index for index, *_ in results] == list(range(len(entries())))
