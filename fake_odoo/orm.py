"""The stand-in's ORM: a store of records per model and the public model methods Odoo offers over RPC.

Records are kept as ``dict[int, dict]`` per model (field name -> raw value: many2one an int or
False, x2many a list of ids, other fields as Odoo reads them). Model classes mirror Odoo's
(``BaseModel``, ``ResPartner`` ...) so that wrong RPC arguments fail with the very TypeError text
Odoo's Python methods produce.
"""

from __future__ import annotations

import copy as copy_module
import threading
from collections.abc import Callable, MutableMapping
from typing import Any

from fake_odoo import automation, errors
from fake_odoo import values as v
from fake_odoo.access import check_model_access, has_model_access
from fake_odoo.labels import localized

MODEL_API = "model"
MODEL_CREATE_API = "model_create"


def api_model(method: Callable) -> Callable:
    """Mark a method as working on the model, not on records (Odoo's ``@api.model``)."""
    method._api = MODEL_API
    return method


def api_model_create(method: Callable) -> Callable:
    """Mark ``create``: a dict gives one id, a list gives a list of ids (Odoo's ``model_create_multi``).

    Odoo's wrapper is a plain function named ``create``, so argument errors read "create() ...".
    """
    method.__code__ = method.__code__.replace(co_qualname="create")
    method.__qualname__ = "create"
    method._api = MODEL_CREATE_API
    return method


class Store:
    """Every model's records, their fields, id sequences, and the lock around them."""

    def __init__(self, data: MutableMapping[str, dict[int, dict]], fields: dict[str, dict]) -> None:
        self.data = data
        self.fields = fields
        self.lock = threading.RLock()
        self.sequences: dict[str, int] = {}
        self.counters: dict[str, int] = {}
        # Cases the stand-in met but does not model (each also failed its call loudly).
        self.not_modelled: list[str] = []
        self.version = "18.0"  # the Odoo version whose wording the answers follow

    def next_id(self, model: str) -> int:
        """A new id for ``model``; ids of deleted records are never reused, as in PostgreSQL."""
        table = self.data.setdefault(model, {})
        current = max(self.sequences.get(model, 0), max(table, default=0))
        self.sequences[model] = current + 1
        return current + 1

    def next_number(self, key: str, start: int) -> int:
        """The next value of a named counter (document sequences like S00027)."""
        value = self.counters.get(key, start)
        self.counters[key] = value + 1
        return value


class Env:
    """One call's environment: the store, the user and the context (B2's domain code reads it)."""

    def __init__(self, store: Store, uid: int, context: dict | None = None) -> None:
        self.store = store
        self.uid = uid
        self.context = dict(context or {})

    # --- the interface B2's fake_odoo.domain relies on ---
    def fields(self, model: str) -> dict[str, dict]:
        """fields_get of ``model`` (field name -> attributes); a model the stand-in lacks fails loudly."""
        fields = self.store.fields.get(model)
        if fields is None:
            raise errors.NotModelled(f"the stand-in has no fields of model {model!r}")
        return fields

    def table(self, model: str) -> dict[int, dict]:
        """The raw records of ``model`` by id."""
        return self.store.data.setdefault(model, {})

    def display_name(self, model: str, record_id: int) -> str:
        """The display name Odoo shows for one record."""
        from fake_odoo.models import display_name

        record = self.table(model).get(record_id)
        if record is None:
            return False
        return display_name(self, model, record)

    # --- helpers for the model classes ---
    def has_model(self, model: str) -> bool:
        """Whether ``model`` is in the registry."""
        return model in self.store.fields

    def __getitem__(self, model: str) -> BaseModel:
        from fake_odoo.models import model_class

        return model_class(model)(self, model, [])

    def with_context(self, **overrides: Any) -> Env:
        """The same user with a context extended by ``overrides``."""
        return Env(self.store, self.uid, {**self.context, **overrides})

    @property
    def is_19(self) -> bool:
        """Whether answers follow Odoo 19's wording (the stand-in serves 18 and 19)."""
        return self.store.version >= "19"

    @property
    def lang(self) -> str:
        return self.context.get("lang") or "en_US"

    def check_lang(self) -> None:
        """A ``lang`` in the context must be an active language (Odoo checks it on first use of env.lang)."""
        lang = self.context.get("lang")
        if not lang or lang == "en_US":
            return
        active = {r.get("code") for r in self.table("res.lang").values() if r.get("active")}
        if lang not in active:
            raise errors.UserError(f"Invalid language code: {lang}")


def domain_search(env: Env, model: str, domain: list, **kwargs: Any) -> list[int]:
    """B2's domain evaluation (imported late so the two packages stay independent at import)."""
    from fake_odoo import domain as domain_module

    if "active_test" not in kwargs:
        kwargs["active_test"] = env.context.get("active_test", True)
    kwargs.setdefault("order", None)
    return domain_module.search(env, model, domain, **kwargs)


def sort_ids(env: Env, model: str, ids: list[int]) -> list[int]:
    """``ids`` in the model's default order (how Odoo reads x2many values)."""
    if len(ids) < 2:
        return list(ids)
    table = env.table(model)
    present = [i for i in ids if i in table]
    return domain_search(env, model, [("id", "in", present)], active_test=False)


def check_order(model: str, order: str | None, fields: dict) -> None:
    """Reject an ``order`` that is not "field [asc|desc], ..." like Odoo does."""
    if not order:
        return
    for part in order.split(","):
        words = part.strip().split()
        valid = 1 <= len(words) <= 3 and words[0].replace(".", "").replace("_", "").isalnum()
        if len(words) >= 2:
            valid = valid and words[1].lower() in ("asc", "desc")
        if len(words) == 3:
            valid = valid and words[2].lower() in ("nulls", "first", "last")
        if not valid:
            raise errors.UserError(
                f'Invalid "order" specified ({order}). A valid "order" specification is a comma-separated list of '
                "valid field names (optionally followed by asc/desc for the direction)"
            )
        name = words[0].split(".")[0]
        if name not in fields:
            raise errors.invalid_field(model, name)


class BaseModel:
    """Odoo's public model methods over a recordset (``self.ids`` in ``self._name``)."""

    _description = ""

    def __init__(self, env: Env, name: str, ids: list[int]) -> None:
        self.env = env
        self._name = name
        self.ids = list(ids)

    # --- plumbing ---
    def browse(self, ids: Any) -> BaseModel:
        if isinstance(ids, int) and not isinstance(ids, bool):
            ids = [ids]
        return type(self)(self.env, self._name, list(ids or []))

    def with_env(self, env: Env) -> BaseModel:
        return type(self)(env, self._name, self.ids)

    @property
    def _fields(self) -> dict[str, dict]:
        return self.env.fields(self._name)

    @property
    def _table(self) -> dict[int, dict]:
        return self.env.table(self._name)

    def _check_access(self, operation: str) -> None:
        check_model_access(self.env, self._name, operation)

    def _existing(self) -> list[int]:
        table = self._table
        return [i for i in self.ids if i in table]

    def _ensure_exist(self) -> None:
        table = self._table
        missing = [i for i in self.ids if i not in table]
        if missing:
            raise errors.missing_error(self._name, missing[:1] if len(missing) == 1 else missing, self.env.uid)

    def _record_rule_ids(self, operation: str) -> list[int] | None:
        """Ids the user may see through record rules, or None when no rule applies."""
        from fake_odoo.access import record_rule_domain

        rule = record_rule_domain(self.env, self._name)
        if rule is None:
            return None
        return domain_search(self.env, self._name, rule, active_test=False)

    # --- search ---
    @api_model
    def search(self, domain, offset=0, limit=None, order=None):
        self._check_access("read")
        return self.browse(self._search(domain, offset=offset, limit=limit, order=order))

    def _search(self, domain, offset=0, limit=None, order=None, active_test=None) -> list[int]:
        from fake_odoo import domain as domain_module

        check_order(self._name, order, self._fields)
        domain_module.validate_domain(self.env, self._name, domain)
        rule = self._record_rule_ids("read")
        kwargs = {"order": order or None, "offset": offset or 0, "limit": limit or None}
        if active_test is not None:
            kwargs["active_test"] = active_test
        if rule is not None:
            domain = ["&", ("id", "in", rule), *_as_and(domain)]
        return domain_search(self.env, self._name, list(domain), **kwargs)

    @api_model
    def search_count(self, domain, limit=None):
        self._check_access("read")
        return len(self._search(domain, limit=limit))

    @api_model
    def search_read(self, domain=None, fields=None, offset=0, limit=None, order=None, **read_kwargs):
        self._check_access("read")
        ids = self._search(domain or [], offset=offset, limit=limit, order=order)
        if not ids:
            return []
        unexpected = [name for name in read_kwargs if name != "load"]
        if unexpected and self.env.is_19:
            # Odoo 19 passes search_read's extra keywords on to _read_format.
            raise TypeError(f"BaseModel._read_format() got an unexpected keyword argument {unexpected[0]!r}")
        return self.browse(ids)._read(fields, **read_kwargs)

    @api_model
    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        self._check_access("read")
        self._validate_names(field_names)
        return self.browse(self._search(domain, offset=offset, limit=limit, order=order))

    def fetch(self, field_names):
        self._check_access("read")
        self._validate_names(field_names)

    # --- read ---
    def read(self, fields=None, load="_classic_read"):
        self._check_access("read")
        return self._read(fields, load=load)

    def _validate_names(self, names, *, values: bool = False) -> None:
        all_fields = self._fields
        for name in names or []:
            if name not in all_fields:
                if values and self.env.is_19:
                    raise ValueError(f"Invalid field {name!r} in {self._name!r}")  # Odoo 19's wording for values
                raise errors.invalid_field(self._name, name)

    def _read(self, fields=None, load="_classic_read") -> list[dict]:
        all_fields = self._fields
        if fields:
            if isinstance(fields, str):
                fields = [fields]
            self._validate_names(fields)
            names = [f for f in dict.fromkeys(fields) if f != "id"]
        else:
            names = [f for f in all_fields if f != "id"]
        rule = self._record_rule_ids("read")
        if rule is not None:
            forbidden = [i for i in self._existing() if i not in set(rule)]
            if forbidden:
                from fake_odoo.access import record_rule_error

                raise record_rule_error(self.env, self._name, "read")
        table = self._table
        env = self.env
        bin_size = env.context.get("bin_size")
        convert = self._read_converters(names, all_fields, load == "_classic_read", bin_size)
        result = []
        for record_id in self.ids:
            record = table.get(record_id)
            if record is None:
                continue
            row = {"id": record_id}
            for name, conv in convert:
                row[name] = conv(record, record_id)
            result.append(row)
        return result

    def _read_converters(self, names, all_fields, classic, bin_size) -> list[tuple[str, Callable]]:
        from fake_odoo.models import computed_reader

        env = self.env
        model = self._name
        converters = []
        translated = translated_fields(model) if env.lang != "en_US" else ()
        for name in names:
            meta = all_fields[name]
            ftype = meta["type"]
            special = computed_reader(model, name)
            if special is not None:
                converters.append((name, _bind_special(special, env, model)))
                continue
            empty = v.empty_value(ftype)
            if name in translated:
                converters.append((name, _translated_reader(name, model, env.lang, empty)))
            elif ftype == "many2one":
                relation = meta["relation"]
                if classic:
                    converters.append((name, _m2o_reader(env, name, relation)))
                else:
                    converters.append((name, _plain_reader(name, False)))
            elif ftype in v.X2MANY:
                converters.append((name, _x2many_reader(name)))
            elif ftype == "binary" and bin_size:
                converters.append((name, _binsize_reader(name)))
            else:
                converters.append((name, _plain_reader(name, empty)))
        return converters

    def exists(self):
        return self.browse(self._existing())

    # --- write side ---
    @api_model
    def default_get(self, fields_list):
        from fake_odoo.models import defaults_for

        defaults = defaults_for(self.env, self._name)
        result = {}
        for name in fields_list:
            key = f"default_{name}"
            if key in self.env.context:
                result[name] = self.env.context[key]
            elif name in defaults:
                result[name] = defaults[name]
        return result

    def write(self, vals):
        self._check_access("write")
        self._ensure_exist()
        self._check_rule_write()
        from fake_odoo.models import after_write, before_write

        vals = dict(vals)
        self._validate_names(vals, values=True)
        before_write(self, vals)
        converted = self._convert_vals(vals)
        watched = automation.before_write(self, vals)
        for record_id in self.ids:
            self._apply(record_id, converted)
        after_write(self, vals)
        automation.after_write(self, vals, watched)
        return True

    def _check_rule_write(self) -> None:
        rule = self._record_rule_ids("write")
        if rule is not None and any(i not in set(rule) for i in self.ids):
            from fake_odoo.access import record_rule_error

            raise record_rule_error(self.env, self._name, "write")

    def _convert_vals(self, vals: dict) -> list[tuple[str, dict, Any]]:
        """Check and convert every value before any is stored (Odoo fails a write as a whole)."""
        out = []
        fields = self._fields
        for name, value in vals.items():
            meta = fields[name]
            ftype = meta["type"]
            if ftype == "many2one":
                out.append((name, meta, self._convert_m2o(meta, value)))
            elif ftype in v.X2MANY:
                commands = list(value or []) if isinstance(value, list | tuple) else []
                if commands and all(isinstance(c, int) and not isinstance(c, bool) for c in commands):
                    commands = [(6, 0, commands)]  # a bare id list replaces the relation
                out.append((name, meta, commands))
            else:
                out.append((name, meta, v.convert_scalar(self._name, name, meta, value)))
        return out

    def _convert_m2o(self, meta: dict, value: Any) -> Any:
        if isinstance(value, bool) or value is None:
            return False
        if isinstance(value, list | tuple) and value:
            value = value[0]
        if not isinstance(value, int):
            # Odoo accepts a string here and stores nothing (recorded: the field stays False).
            return False
        if value not in self.env.table(meta["relation"]):
            raise errors.missing_error(meta["relation"], [value], self.env.uid)
        return value

    def _apply(self, record_id: int, converted: list[tuple[str, dict, Any]]) -> None:
        record = self._table[record_id]
        for name, meta, value in converted:
            ftype = meta["type"]
            if ftype in v.X2MANY:
                self._apply_commands(record_id, record, name, meta, value)
            elif ftype == "many2one":
                old = record.get(name)
                record[name] = value
                if old != value:
                    _sync_inverse(self.env, self._name, name, meta, record_id, old, value)
            else:
                record[name] = value

    def _apply_commands(self, record_id: int, record: dict, name: str, meta: dict, commands: list) -> None:
        """Every x2many command, in the tuple form and Odoo's Command forms (0..6)."""
        comodel = self.env[meta["relation"]]
        inverse = meta.get("relation_field") if meta["type"] == "one2many" else None
        current = list(record.get(name) or [])
        for command in commands:
            if isinstance(command, int) and not isinstance(command, bool):
                command = (4, command)
            if not isinstance(command, list | tuple) or not command:
                continue
            code = command[0]
            arg1 = command[1] if len(command) > 1 else 0
            arg2 = command[2] if len(command) > 2 else 0
            if code == 0:
                vals = dict(arg2 or {})
                if inverse:
                    vals[inverse] = record_id
                new_id = comodel._create_one(vals)
                if new_id not in current:
                    current.append(new_id)
            elif code == 1:
                comodel.browse([arg1]).write(arg2 or {})
                if arg1 not in current:
                    current.append(arg1)
            elif code == 2:
                if arg1 in comodel._table:
                    comodel.browse([arg1]).unlink()
                current = [i for i in current if i != arg1]
            elif code == 3:
                current = [i for i in current if i != arg1]
                if inverse:
                    self._orphan(comodel, inverse, [arg1])
            elif code == 4:
                if arg1 not in comodel._table:
                    raise errors.missing_error(comodel._name, [arg1], self.env.uid)
                if arg1 not in current:
                    current.append(arg1)
                if inverse:
                    comodel._set_inverse([arg1], inverse, record_id)
            elif code == 5:
                if inverse:
                    self._orphan(comodel, inverse, current)
                current = []
            elif code == 6:
                ids = list(arg2 or [])
                if inverse:
                    dropped = [i for i in current if i not in ids]
                    self._orphan(comodel, inverse, dropped)
                    comodel._set_inverse([i for i in ids if i not in current], inverse, record_id)
                current = ids
            # Other codes are silently ignored, as Odoo 18 does.
        table_ids = comodel._table
        record[name] = sort_ids(self.env, comodel._name, [i for i in dict.fromkeys(current) if i in table_ids])

    def _orphan(self, comodel: BaseModel, inverse: str, ids: list[int]) -> None:
        """One2many removal: Odoo deletes the child when its inverse many2one is required, else unsets it."""
        meta = comodel._fields[inverse]
        existing = [i for i in ids if i in comodel._table]
        if not existing:
            return
        if meta.get("required"):
            comodel.browse(existing).unlink()  # Odoo unlinks them: the model's delete rules apply
        else:
            comodel._set_inverse(existing, inverse, False)

    def _set_inverse(self, ids: list[int], inverse: str, value: Any) -> None:
        """A one2many command moving records: a write of their many2one, so what depends on it follows.

        (A contact moved into a company gets its display name, default order and address from it.)
        """
        moved = [i for i in ids if i in self._table and self._table[i].get(inverse) != value]
        if moved:
            self.browse(moved).write({inverse: value})

    @api_model_create
    def create(self, vals_list):
        self._check_access("create")
        single = isinstance(vals_list, dict)
        items = [vals_list] if single else list(vals_list)
        ids = [self._create_one(dict(vals)) for vals in items]
        try:
            automation.after_create(self.browse(ids))
        except errors.UserError:
            self._delete(ids)  # an automation rule refused: Odoo rolls the whole create back
            raise
        return self.browse(ids)

    def _create_one(self, vals: dict) -> int:
        from fake_odoo.models import after_create, before_create, defaults_for

        self._validate_names(vals, values=True)
        fields = self._fields
        defaults = defaults_for(self.env, self._name)
        for key, value in self.env.context.items():
            if key.startswith("default_") and key[8:] in fields and key[8:] not in vals:
                vals[key[8:]] = value
        for name, value in defaults.items():
            vals.setdefault(name, value)
        before_create(self, vals)
        converted = self._convert_vals(vals)
        record_id = self.env.store.next_id(self._name)
        record = {"id": record_id}
        for name, meta in fields.items():
            if name != "id":
                record[name] = v.empty_value(meta["type"])
        self._table[record_id] = record
        try:
            self._apply(record_id, converted)
            after_create(self.browse([record_id]), vals)
        except Exception:
            self._table.pop(record_id, None)
            raise
        return record_id

    def unlink(self):
        self._check_access("unlink")
        self._ensure_exist()
        self._check_rule_write()
        from fake_odoo.models import before_unlink

        before_unlink(self)
        automation.before_unlink(self)
        self._delete(self.ids)
        return True

    def _delete(self, ids: list[int]) -> None:
        """The one place records leave the store: ondelete rules checked first, then removed, then links emptied."""
        from fake_odoo import ondelete

        doomed = ondelete.plan(self.env, self._name, ids)
        for model, gone in doomed.items():
            self.env[model]._remove(sorted(gone))
        for model, gone in doomed.items():
            self.env[model]._empty_links(gone)

    def _remove(self, ids: list[int]) -> None:
        """Drop ``ids`` from the table and from the one2many lists that showed them."""
        table = self._table
        fields = self._fields
        for record_id in ids:
            record = table.pop(record_id, None)
            if record is None:
                continue
            for name, meta in fields.items():
                if meta["type"] == "many2one" and record.get(name):
                    _sync_inverse(self.env, self._name, name, meta, record_id, record[name], False)

    def _empty_links(self, gone: set[int]) -> None:
        """What points to deleted records of this model: ``set null`` many2one links and many2many links."""
        from fake_odoo import ondelete
        from fake_odoo.models import after_set_null

        for source, field in ondelete.set_null_fields(self.env, self._name):
            for record in self.env.table(source).values():
                if record.get(field) in gone:
                    record[field] = False
                    after_set_null(self.env, source, record)
        for other_model, other_fields in self.env.store.fields.items():
            for name, meta in other_fields.items():
                if meta["type"] in v.X2MANY and meta.get("relation") == self._name:
                    for record in self.env.table(other_model).values():
                        links = record.get(name)
                        if links and gone.intersection(links):
                            record[name] = [i for i in links if i not in gone]

    def copy(self, default=None):
        self._check_access("create")
        from fake_odoo.models import copy_values

        self._ensure_exist()
        new_ids = []
        for record_id in self.ids:
            vals = copy_values(self, record_id, dict(default or {}))
            new_ids.append(self._create_one(vals))
        return self.browse(new_ids)

    # --- names ---
    @api_model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        self._check_access("read")
        from fake_odoo.models import rec_names_search

        domain = list(args or [])
        if name or operator not in ("ilike", "like", "=like", "=ilike"):
            names = rec_names_search(self._name, self._fields)
            joiner = "&" if operator in ("!=", "not ilike", "not like", "not in") else "|"
            name_domain = [joiner] * (len(names) - 1) + [(field, operator, name) for field in names]
            domain = ["&", *_as_and(name_domain), *_as_and(domain)] if domain else name_domain
        ids = self._search(domain, limit=limit)
        return [[i, self.env.display_name(self._name, i)] for i in ids]

    @api_model
    def name_create(self, name):
        from fake_odoo.models import rec_name_field

        new = self.create({rec_name_field(self._name): name})
        return [new.ids[0], self.env.display_name(self._name, new.ids[0])]

    # --- meta ---
    @api_model
    def fields_get(self, allfields=None, attributes=None):
        fields = self._fields
        names = allfields or list(fields)
        result = {}
        for name in names:
            if name not in fields:
                continue
            meta = localized(self._name, name, fields[name], self.env.lang)
            if self._name == "res.users" and name.startswith(("in_group_", "sel_groups_")):
                # Odoo describes the users' group pseudo-fields after filtering: all their keys come back.
                result[name] = dict(meta)
                continue
            result[name] = {k: val for k, val in meta.items() if not attributes or k in attributes}
        return result

    @api_model
    def check_access_rights(self, operation, raise_exception=True):
        if raise_exception:
            self._check_access(operation)
            return None
        return has_model_access(self.env, self._name, operation)

    def has_access(self, operation):
        return has_model_access(self.env, self._name, operation)

    def check_access(self, operation):
        self._check_access(operation)

    def check_access_rule(self, operation):
        self._check_access(operation)

    # --- web client ---
    @api_model
    def web_search_read(self, domain, specification, offset=0, limit=None, order=None, count_limit=None):
        self._check_access("read")
        ids = self._search(domain, offset=offset, limit=limit, order=order)
        records = self.browse(ids).web_read(specification) if ids else []
        if limit and len(ids) == limit:
            count = len(self._search(domain, limit=count_limit))
        else:
            count = len(ids) + (offset or 0)
        return {"length": count, "records": records}

    def web_read(self, specification):
        from fake_odoo.web import web_read

        self._check_access("read")
        self._ensure_exist()
        return web_read(self, specification)

    @api_model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        from fake_odoo.web import read_group

        self._check_access("read")
        return read_group(self, domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy)

    @api_model
    def web_read_group(self, domain, fields, groupby, limit=None, offset=0, orderby=False, lazy=True):
        from fake_odoo.web import web_read_group

        self._check_access("read")
        return web_read_group(self, domain, fields, groupby, limit=limit, offset=offset, orderby=orderby, lazy=lazy)

    # --- archiving (mixin behaviour, for models with an ``active`` field) ---
    def action_archive(self):
        self._set_active(False)

    def action_unarchive(self):
        self._set_active(True)

    def toggle_active(self):
        self._ensure_exist()
        for record_id in self.ids:
            self.browse([record_id]).write({"active": not self._table[record_id].get("active")})

    def _set_active(self, value: bool) -> None:
        if "active" not in self._fields:
            raise errors.unknown_method(self._name, "action_archive" if not value else "action_unarchive")
        self.write({"active": value})


def _as_and(domain: list) -> list:
    """A domain as an operand of a prefix '&' (several leaves need their own '&'s)."""
    domain = list(domain)
    if not domain:
        return [(1, "=", 1)]
    count = sum(1 for item in domain if not isinstance(item, str))
    ops = sum(1 for item in domain if item in ("&", "|"))
    missing = count - 1 - ops
    return ["&"] * missing + domain if missing > 0 else domain


def _sync_inverse(env: Env, model: str, name: str, meta: dict, record_id: int, old: Any, new: Any) -> None:
    """Keep the comodel's one2many lists (the inverse of this many2one) in step."""
    comodel = meta["relation"]
    if not env.has_model(comodel):
        return  # a model outside the registry has no one2many lists to keep
    for o2m_name, o2m_meta in env.fields(comodel).items():
        if o2m_meta["type"] != "one2many" or o2m_meta.get("relation") != model:
            continue
        if o2m_meta.get("relation_field") != name:
            continue
        table = env.table(comodel)
        if old and old in table:
            table[old][o2m_name] = [i for i in table[old].get(o2m_name) or [] if i != record_id]
        if new and new in table:
            ids = list(table[new].get(o2m_name) or [])
            if record_id not in ids:
                ids.append(record_id)
            table[new][o2m_name] = sort_ids(env, model, ids)


def translated_fields(model: str) -> tuple[str, ...]:
    """Fields whose values Odoo stores per language."""
    from fake_odoo import domain as domain_module

    return getattr(domain_module, "TRANSLATED", {}).get(model, ())


def translate(model: str, name: str, record_id: int, lang: str, value: Any) -> Any:
    """``value`` in ``lang`` when the dataset has its translation (Odoo falls back to en_US)."""
    from fake_odoo import dataset

    translated = dataset.translation(model, name, record_id, lang)
    return value if translated is None else translated


def _translated_reader(name: str, model: str, lang: str, empty: Any) -> Callable:
    def read(record: dict, record_id: int) -> Any:
        value = record.get(name, empty)
        return translate(model, name, record_id, lang, empty if value is None else value)

    return read


def _plain_reader(name: str, empty: Any) -> Callable:
    def read(record: dict, _record_id: int) -> Any:
        value = record.get(name, empty)
        return empty if value is None else value

    return read


def _m2o_reader(env: Env, name: str, relation: str) -> Callable:
    from fake_odoo.models import display_name

    table = env.table(relation)

    def read(record: dict, _record_id: int) -> Any:
        value = record.get(name)
        if not value:
            return False
        target = table.get(value)
        if target is None:
            return False
        return [value, display_name(env, relation, target)]

    return read


def _x2many_reader(name: str) -> Callable:
    def read(record: dict, _record_id: int) -> list:
        return list(record.get(name) or [])

    return read


def _binsize_reader(name: str) -> Callable:
    def read(record: dict, _record_id: int) -> Any:
        value = record.get(name)
        return v.binary_size(value) if value else False

    return read


def _bind_special(special: Callable, env: Env, model: str) -> Callable:
    def read(record: dict, record_id: int) -> Any:
        return special(env, model, record)

    return read


def deep_copy(value: Any) -> Any:
    """A copy of stored data that callers cannot mutate."""
    return copy_module.deepcopy(value)
