"""The polling cursor against Odoo's real write_date semantics (microseconds stored, seconds read).

The stand-in keeps write_date to the second; a real Odoo keeps microseconds, so ``=`` on a value
read never matches and ``>`` returns that same second again. ``MicrosecondOdoo`` models exactly
that, is first checked against the recorded answers (tests/fixtures/odoo18/polling.json), then
the cursor is run against it: nothing skipped, nothing sent twice.
"""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hub.models import OdooConnection
from outbound import polling
from outbound.models import Delivery

RECORDING = json.loads((Path(__file__).parents[1] / "fixtures" / "odoo18" / "polling.json").read_text())
T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _operand(text: str) -> datetime:
    """A domain's datetime string as Odoo's SQL compares it (a date only: see the recording)."""
    text = text.replace("T", " ")
    fmt = "%Y-%m-%d %H:%M:%S.%f" if "." in text else "%Y-%m-%d %H:%M:%S"
    return datetime.strptime(text, fmt)


READABLE = ("id", "name", "write_date")  # the fields the model holds, each read plainly (no sub-fields)


class MicrosecondOdoo:
    """``search`` and ``web_search_read`` over records whose write_date keeps microseconds, read cut
    to the second; it takes the client's place (the typed methods the poller calls)."""

    uid = 2  # what the connection fixture checks

    def __init__(self):
        self.records: dict[int, dict] = {}
        self.calls: list[tuple[str, list, dict, dict]] = []

    def add(self, record_id: int, name: str, stored: str):
        self.records[record_id] = {"id": record_id, "name": name, "write_date": datetime.fromisoformat(stored)}

    def _leaf(self, record, leaf):
        field, op, value = leaf
        left = record[field]
        if field == "write_date":
            value = _operand(value)
        if field == "name" and op == "=like":
            return left.startswith(value.rstrip("%"))
        if op == "in":
            return left in value
        return {"=": left.__eq__, ">": left.__gt__, ">=": left.__ge__, "<": left.__lt__, "<=": left.__le__}[op](value)

    def _match(self, record, domain):
        def walk(items):
            head = items.pop(0)
            if head == "|":
                first, second = walk(items), walk(items)
                return first or second
            if head == "&":
                first, second = walk(items), walk(items)
                return first and second
            return self._leaf(record, head)

        items = [tuple(item) if isinstance(item, list) else item for item in domain]
        if not items:
            return True
        result = walk(items)
        while items:  # implicit AND of the remaining operands
            result = walk(items) and result
        return result

    def _found(self, domain) -> list[dict]:
        return sorted(
            (r for r in self.records.values() if self._match(r, list(domain))), key=lambda r: (r["write_date"], r["id"])
        )

    def search(self, model, domain) -> list[int]:
        """Ids in id order, as the recorded ``search`` calls answered."""
        return sorted(r["id"] for r in self._found(domain))

    def web_search_read(self, model, domain, specification, *, offset=None, limit=None, order=None) -> dict:
        """What the poller asks, as Odoo 17+ answers it; anything else it was not built for fails loudly."""
        self.calls.append(("web_search_read", domain, specification, {"limit": limit, "order": order}))
        unmodelled = {name: sub for name, sub in specification.items() if name not in READABLE or sub}
        if model != "res.partner" or offset or order != "write_date asc, id asc" or unmodelled:
            raise NotImplementedError(f"MicrosecondOdoo does not model {model} {offset=} {order=} {unmodelled}")
        found = self._found(domain)
        shown = {"write_date": lambda r: r["write_date"].strftime("%Y-%m-%d %H:%M:%S"), "name": lambda r: r["name"]}
        records = [
            {"id": r["id"], **{name: shown[name](r) for name in specification if name != "id"}}  # id: always
            for r in (found[:limit] if limit else found)
        ]
        return {"length": len(found), "records": records}


def _recorded_searches():
    for entry in RECORDING:
        call = entry["call"]
        params = call.get("params") or call["request"]["params"]["args"]
        # a date-only operand (Odoo appends a time to it) is never sent by the poller
        if params[4] == "search" and "date only" not in entry["label"]:
            yield entry["label"], params[5][0], entry["response"]


@pytest.mark.parametrize(("label", "domain", "answer"), list(_recorded_searches()), ids=lambda v: str(v)[:40])
def test_the_model_answers_as_the_recorded_odoo(label, domain, answer):
    odoo = MicrosecondOdoo()
    for record_id, name in ((52, "A"), (53, "B"), (54, "C")):
        odoo.add(record_id, name, "2026-12-01 19:46:09.649349")  # the note of the recording (psql)
    assert odoo.search("res.partner", domain) == answer


@pytest.fixture
def odoo(monkeypatch):
    fake = MicrosecondOdoo()
    monkeypatch.setattr(OdooConnection, "client", lambda self: fake)
    return fake


@pytest.mark.django_db
def test_paging_through_one_busy_second_and_catching_up_neither_skips_nor_repeats(odoo, make_outbound):
    configuration = make_outbound(
        batch_size=2, deletion_check_size=0, lines=[{"odoo_field": "name", "external_key": "name"}]
    )
    for record_id in (52, 53, 54, 55, 56):
        odoo.add(record_id, f"Outbound {record_id}", "2026-12-01 19:46:09.649349")  # one transaction
    cycles = [polling.poll(configuration, now=T0 + timedelta(seconds=i)) for i in range(4)]
    assert [(c.read, c.created, c.unchanged, c.cursor) for c in cycles] == [
        (2, 2, 0, ("2026-12-01 19:46:09", 53)),
        (2, 2, 0, ("2026-12-01 19:46:09", 55)),
        (1, 1, 0, ("2026-12-01 19:46:09", 0)),  # caught up: the last second is read again next time
        (2, 0, 2, ("2026-12-01 19:46:09", 53)),  # ... and sends nothing already sent
    ]
    # one read per cycle, with the lines' specification and the cursor's write_date
    assert [(method, spec) for method, _domain, spec, _kw in odoo.calls] == [
        ("web_search_read", {"id": {}, "write_date": {}, "name": {}})
    ] * 4
    assert sorted(Delivery.objects.values_list("record_id", flat=True)) == [52, 53, 54, 55, 56]


@pytest.mark.django_db
def test_a_record_committed_late_in_the_cursor_second_with_a_lower_id_is_not_skipped(odoo, make_outbound):
    configuration = make_outbound(deletion_check_size=0, lines=[{"odoo_field": "name", "external_key": "name"}])
    odoo.add(60, "Outbound 60", "2026-12-01 19:46:09.900000")
    polling.poll(configuration, now=T0)
    # another transaction that started in the same second (so the same write_date) commits now
    odoo.add(59, "Outbound 59", "2026-12-01 19:46:09.100000")
    odoo.add(61, "Outbound 61", "2026-12-01 19:46:10.100000")
    cycle = polling.poll(configuration, now=T0 + timedelta(seconds=5))
    assert (cycle.created, cycle.unchanged) == (2, 1)
    assert sorted(Delivery.objects.values_list("record_id", flat=True)) == [59, 60, 61]


@pytest.mark.django_db
def test_a_write_moves_the_record_after_the_cursor(odoo, make_outbound):
    configuration = make_outbound(deletion_check_size=0, lines=[{"odoo_field": "name", "external_key": "name"}])
    odoo.add(52, "Outbound A", "2026-12-01 19:46:09.649349")
    odoo.add(53, "Outbound B", "2026-12-01 19:46:09.649349")
    polling.poll(configuration, now=T0)
    odoo.records[52].update(name="Outbound A2", write_date=datetime.fromisoformat("2026-12-01 19:46:13.000001"))
    cycle = polling.poll(configuration, now=T0 + timedelta(seconds=5))
    assert (cycle.updated, cycle.created, cycle.cursor) == (1, 0, ("2026-12-01 19:46:13", 0))
    latest = Delivery.objects.filter(record_id=52).order_by("-id").first()
    assert latest.payload["data"] == {"id": 52, "name": "Outbound A2"}
    assert latest.payload["type"] == "partners.updated"
