"""Derive the stand-in's demo data from the recorded Odoo 18 answers (run by hand, output committed).

Usage: python -m fake_odoo.data.extract /path/to/odoo18-recordings

Writes next to this file:
- fields_get.json: each model's recorded fields_get answer;
- demo.json: every record value the recordings show, per model and id: {"records": {model: {id:
  {field: value}}}, "translations": {model: {field: {id: {lang: text}}}}, "names": {model: {id:
  display name}}} (the display names many2one values and name_search showed).

search_read.json was recorded on the untouched demo database and wins; the other files were
recorded after creates, so they only add fields not seen yet, of records that existed before
(ids below the first id those files create), and never the write dates (writes move them).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from fake_odoo.domain import TRANSLATED

HERE = Path(__file__).resolve().parent
SOURCES = (
    "search_read.json",
    "data.json",
    "common.json",
    "web_search_read.json",
    "jsonrpc.json",
    "crud.json",
    "methods.json",
    "faults_xmlrpc.json",
)
READ_METHODS = ("read", "search_read")
# Values that change with every write: only the untouched database tells them.
VOLATILE = ("write_date", "__last_update")
# First ids the later files create through x2many commands (no create call tells them):
# crud.json's (0, 0, vals) tag is 16, its new order's lines are 50 and 51, methods.json's new
# invoice has lines 60 and 61.
CREATED_BY_COMMANDS = {"res.partner.category": 16, "sale.order.line": 50, "account.move.line": 60}


class Extractor:
    """Collects field values per record from recorded calls, first observation wins."""

    def __init__(self, fields: dict[str, dict]) -> None:
        self.fields = fields
        self.records: dict[str, dict[int, dict]] = {}
        self.translations: dict[str, dict[str, dict[int, dict]]] = {}
        self.names: dict[str, dict[int, str]] = {}
        self.base_limit: dict[str, int] = dict(CREATED_BY_COMMANDS)
        self.untouched = True
        self.base_partners: set[int] = set()

    # -- which records are part of the untouched database --

    def is_base(self, model: str, record_id: int) -> bool:
        if self.untouched:
            return True
        if model == "res.partner":
            return record_id in self.base_partners
        limit = self.base_limit.get(model)
        return limit is None or record_id < limit

    def note_created(self, model: str, result: Any) -> None:
        ids = result if isinstance(result, list) else [result]
        ids = [i for i in ids if isinstance(i, int) and not isinstance(i, bool)]
        if ids:
            self.base_limit[model] = min(self.base_limit.get(model, ids[0]), min(ids))

    # -- observations --

    def put(self, model: str, record_id: int, field: str, value: Any) -> None:
        if not self.is_base(model, record_id):
            return
        if not self.untouched and field in VOLATILE:
            return
        record = self.records.setdefault(model, {}).setdefault(record_id, {})
        record.setdefault(field, value)

    def put_name(self, model: str, record_id: int, name: str) -> None:
        if model and self.is_base(model, record_id):
            self.names.setdefault(model, {}).setdefault(record_id, name)
            self.records.setdefault(model, {}).setdefault(record_id, {})

    def observe(self, model: str, row: dict, *, classic: bool = True, lang: str = "en_US", bin_size: bool = False):
        """One record as read() or search_read() returns it."""
        record_id = row["id"]
        metas = self.fields.get(model, {})
        for field, value in row.items():
            meta = metas.get(field)
            if field == "id" or meta is None:
                continue
            kind = meta["type"]
            if kind == "binary" and bin_size:
                continue
            if kind == "many2one":
                if isinstance(value, list):
                    self.put_name(meta["relation"], value[0], value[1])
                    value = value[0]
                elif isinstance(value, dict):
                    self.observe_nested(meta["relation"], value)
                    value = value["id"]
                self.put(model, record_id, field, value)
                continue
            if kind in ("one2many", "many2many") and value and isinstance(value[0], dict):
                for item in value:
                    self.observe_nested(meta["relation"], item)
                value = [item["id"] for item in value]
            if lang != "en_US" and field in TRANSLATED.get(model, ()):
                if self.is_base(model, record_id):
                    by_field = self.translations.setdefault(model, {}).setdefault(field, {})
                    by_field.setdefault(record_id, {}).setdefault(lang, value)
                continue
            self.put(model, record_id, field, value)

    def observe_nested(self, model: str, item: dict) -> None:
        """A web_read sub-record: {"id": ..., "display_name": ..., other fields}."""
        if "display_name" in item:
            self.put_name(model, item["id"], item["display_name"])
        rest = {k: v for k, v in item.items() if k != "display_name"}
        if len(rest) > 1 and model in self.fields:
            self.observe(model, rest)

    # -- calls --

    def call(self, model: str, method: str, args: list, kwargs: dict, response: Any) -> None:
        context = kwargs.get("context") or {}
        lang = context.get("lang") or "en_US"
        bin_size = bool(context.get("bin_size"))
        if method in ("create", "name_create", "copy"):
            return
        if method in READ_METHODS and isinstance(response, list):
            classic = kwargs.get("load", "_classic_read") is not None
            for row in response:
                self.observe(model, row, classic=classic, lang=lang, bin_size=bin_size)
        elif method in ("web_search_read", "web_read"):
            rows = response.get("records", []) if isinstance(response, dict) else response
            for row in rows or []:
                self.observe(model, row, lang=lang, bin_size=bin_size)
        elif method == "name_search" and isinstance(response, list) and lang == "en_US":
            for record_id, name in response:
                self.put_name(model, record_id, name)
        elif method == "search" and self.untouched and model == "res.partner" and _all_partners(args, kwargs):
            self.base_partners = set(response)
            for record_id in response:
                self.records.setdefault(model, {}).setdefault(record_id, {})


def _all_partners(args: list, kwargs: dict) -> bool:
    """The search of every partner, archived ones included: it lists the untouched database's ids."""
    return (kwargs.get("context") or {}).get("active_test") is False and not args[0]


def calls(entry: dict) -> tuple[str, str, list, dict] | None:
    """(model, method, args, kwargs) of a successful object call, else None."""
    call = entry.get("call") or {}
    if "fault" in entry or "response" not in entry:
        return None
    if call.get("protocol") == "xmlrpc":
        params = call.get("params") or []
        if call.get("service") != "object" or len(params) < 6:
            return None
        return params[3], params[4], params[5], (params[6] if len(params) > 6 else {}) or {}
    request = call.get("request") or {}
    params = request.get("params") or {}
    args = params.get("args") or []
    if params.get("service") != "object" or len(args) < 6:
        return None
    return args[3], args[4], args[5], (args[6] if len(args) > 6 else {}) or {}


def installed(source: Path) -> list[str]:
    """The models installed on the recorded server (data.json's ir.model list)."""
    for entry in json.loads((source / "data.json").read_text()):
        parsed = calls(entry)
        if parsed and parsed[:2] == ("ir.model", "search_read") and not parsed[2][0]:
            return sorted(row["model"] for row in entry["response"])
    raise SystemExit("data.json holds no ir.model list")


def main(source: Path) -> None:
    fields_doc = json.loads((source / "fields_get.json").read_text())
    fields = {model: entry["response"] for model, entry in fields_doc.items()}
    for entry in json.loads((source / "data.json").read_text()):
        parsed = calls(entry)
        if parsed and parsed[1] == "fields_get":
            fields[parsed[0]] = entry["response"]  # crm.tag's description is recorded there
    from fake_odoo.dataset import STUB_MODELS, stub_fields

    extractor = Extractor({**fields, **{model: stub_fields(names) for model, names in STUB_MODELS.items()}})
    # First pass: the ids the later files create, so their records stay out of the base data.
    for name in SOURCES[2:]:
        for entry in json.loads((source / name).read_text()):
            parsed = calls(entry)
            if parsed and parsed[1] in ("create", "name_create", "copy"):
                result = entry["response"]
                extractor.note_created(parsed[0], result[0] if parsed[1] == "name_create" else result)
    for name in SOURCES:
        entries = json.loads((source / name).read_text())
        # data.json was recorded on a freshly restored demo database, like search_read.json.
        extractor.untouched = name in ("search_read.json", "common.json", "data.json")
        for entry in entries:
            parsed = calls(entry)
            if parsed is None:
                continue
            model, method, args, kwargs = parsed
            if method in ("search_read",) and not args and "domain" in kwargs:
                args = [kwargs["domain"]]
            extractor.call(model, method, args, kwargs, entry["response"])
    records = {
        model: {str(i): dict(sorted(values.items())) for i, values in sorted(by_id.items())}
        for model, by_id in sorted(extractor.records.items())
    }
    names = {
        model: {str(i): name for i, name in sorted(by_id.items())} for model, by_id in sorted(extractor.names.items())
    }
    translations = {
        model: {field: {str(i): langs for i, langs in sorted(by_id.items())} for field, by_id in by_field.items()}
        for model, by_field in sorted(extractor.translations.items())
    }
    demo = {"records": records, "translations": translations, "names": names, "installed_models": installed(source)}
    (HERE / "demo.json").write_text(json.dumps(demo, indent=1, ensure_ascii=False, sort_keys=False) + "\n")
    (HERE / "fields_get.json").write_text(json.dumps(fields, indent=None, ensure_ascii=False, sort_keys=True) + "\n")
    counts = {model: len(by_id) for model, by_id in records.items()}
    print(json.dumps(counts, indent=1))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/odoo18"))
