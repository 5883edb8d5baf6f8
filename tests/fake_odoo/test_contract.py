"""Contract: every recorded Odoo 18 call, replayed against the stand-in, gets the recorded answer.

Values that legitimately differ are compared loosely (see contract.py): ids of records created during
the recording (sequences are started where the recording's were), timestamps of "now", traceback text.
A call that cannot match is listed in OUT_OF_SCOPE with the reason; nothing else may differ.
"""

import pytest

from fake_odoo import FakeOdoo
from tests.fake_odoo import contract

# (file, index in the file): why the stand-in does not reproduce the recorded answer.
HISTORY = "counts records that earlier, unrecorded parts of the recording session had created"
OUT_OF_SCOPE: dict[tuple[str, int], str] = {
    (
        "search_read",
        74,
    ): "PostgreSQL returned rows with equal date_order in arbitrary order; the stand-in orders ties by id",
    ("jsonrpc", 2): HISTORY,
    ("web_search_read", 0): HISTORY,
    ("web_search_read", 3): HISTORY + " (and lists them first)",
    ("web_search_read", 4): HISTORY,
    ("web_search_read", 9): HISTORY + " (partners without a country)",
    ("web_search_read", 10): HISTORY,
    ("web_search_read", 11): HISTORY,
}


@pytest.fixture(scope="module")
def results():
    """Replay every file against a fresh stand-in; per call: (file, index, label, problems)."""
    outcome = []
    with FakeOdoo(version="18.0") as server:
        for name in contract.FILES:
            server.reset()
            entries = contract.load(name)
            for model, record_id, vals in contract.PRECONDITIONS.get(name, []):
                server.store.sequences[model] = record_id - 1
                contract.create(server.url, model, vals)
            for model, first_id in contract.first_new_ids(name, entries).items():
                server.store.sequences[model] = first_id - 1
            server.store.counters.update(contract.COUNTER_SEEDS.get(name, {}))
            for index, entry in enumerate(entries):
                problems = contract.compare(entry, contract.replay(server.url, entry))
                outcome.append((name, index, entry["label"], problems))
    return outcome


def test_every_recorded_call_matches_or_is_listed(results, capsys):
    matching = sum(1 for *_, problems in results if not problems)
    listed = sum(1 for name, index, _, problems in results if problems and (name, index) in OUT_OF_SCOPE)
    unexpected = [
        f"{name}[{index}] {label}: {'; '.join(problems)}"
        for name, index, label, problems in results
        if problems and (name, index) not in OUT_OF_SCOPE
    ]
    with capsys.disabled():
        print(f"\ncontract: {matching}/{len(results)} match, {listed} listed exceptions")
    assert unexpected == [], "\n".join(unexpected)


def test_listed_exceptions_still_differ(results):
    """An exception that now matches must leave the list (keep it short and honest)."""
    stale = [(name, index) for name, index, _, problems in results if not problems and (name, index) in OUT_OF_SCOPE]
    assert stale == []


def test_every_fixture_call_was_replayed(results):
    assert len(results) == sum(len(contract.load(name)) for name in contract.FILES)


# Calls whose JSON-2 form legitimately answers otherwise: the JSON-2 answer, and why.
JSON2_ANSWERS = {
    ("crud", 4): ([75], "JSON-2 passes vals_list by name: execute_kw's positional IndexError cannot happen"),
}

# The recorded XML-RPC calls of these files again, over JSON-RPC and over JSON-2 (Odoo 19 stand-in).
OTHER_PROTOCOL_FILES = ("search_read", "crud", "methods", "web_search_read")


def replay_other(server, protocol: str) -> list:
    outcome = []
    for name in OTHER_PROTOCOL_FILES:
        server.reset()
        entries = contract.load(name)
        for model, record_id, vals in contract.PRECONDITIONS.get(name, []):
            server.store.sequences[model] = record_id - 1
            contract.create(server.url, model, vals)
        for model, first_id in contract.first_new_ids(name, entries).items():
            server.store.sequences[model] = first_id - 1
        server.store.counters.update(contract.COUNTER_SEEDS.get(name, {}))
        for index, entry in enumerate(entries):
            call = contract.object_call(entry)
            if call is None:
                continue
            if protocol == "jsonrpc":
                actual = contract.replay_jsonrpc(server.url, call)
            else:
                if call[0] != 2:  # JSON-2 authenticates with the admin's API key only
                    continue
                actual = contract.replay_json2(server.url, call, server.ADMIN_API_KEY)
                if actual is None:
                    continue
            if protocol == "json2" and (name, index) in JSON2_ANSWERS:
                entry = {"call": entry["call"], "label": entry["label"], "response": JSON2_ANSWERS[name, index][0]}
            problems = contract.compare_other_protocol(entry, actual, json2=protocol == "json2")
            outcome.append((name, index, entry["label"], problems))
    return outcome


@pytest.mark.parametrize(("protocol", "version"), [("jsonrpc", "18.0"), ("json2", "19.0")])
def test_recorded_calls_answer_the_same_over_other_protocols(protocol, version, capsys):
    with FakeOdoo(version=version) as server:
        outcome = replay_other(server, protocol)
    unexpected = [
        f"{name}[{index}] {label}: {'; '.join(problems)}"
        for name, index, label, problems in outcome
        if problems and (name, index) not in OUT_OF_SCOPE
    ]
    matching = sum(1 for *_, problems in outcome if not problems)
    with capsys.disabled():
        print(f"\ncontract over {protocol}: {matching}/{len(outcome)} recorded object calls match")
    assert len(outcome) > 150
    assert unexpected == [], "\n".join(unexpected)
