"""Per-model behaviour: display names, defaults, constraints, computed values and business methods."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from fake_odoo import errors
from fake_odoo.access import DESCRIPTIONS
from fake_odoo.orm import BaseModel, api_model, api_model_create, translate, translated_fields

if TYPE_CHECKING:
    from fake_odoo.orm import Env

AUDIT_FIELDS = ("create_uid", "create_date", "write_uid", "write_date")


def now() -> str:
    """The server clock in Odoo's datetime format (UTC)."""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


def today() -> date:
    """The server's date (UTC)."""
    return datetime.now(UTC).date()


# --- display names ------------------------------------------------------------------------------


def display_name(env: Env, model: str, record: dict) -> str:
    """The display name of a stored record, computed the way Odoo computes it for each model."""
    rule = DISPLAY_NAMES.get(model)
    if rule is not None:
        return rule(env, record)
    name = record.get("name")
    if name and env.lang != "en_US" and "name" in translated_fields(model):
        return translate(model, "name", record["id"], env.lang, name)
    if name:
        return name
    stored = record.get("display_name")
    return stored if stored else f"{model},{record['id']}"


def _partner_commercial(env: Env, record: dict) -> dict:
    table = env.table("res.partner")
    current = record
    seen = set()
    while not current.get("is_company") and current.get("parent_id") in table and current["id"] not in seen:
        seen.add(current["id"])
        current = table[current["parent_id"]]
    return current


def _partner_name(env: Env, record: dict) -> str:
    name = record.get("name") or ""
    parent = record.get("parent_id")
    if record.get("company_name") or parent:
        if not name and record.get("type") in ("invoice", "delivery", "other"):
            labels = dict(env.fields("res.partner")["type"].get("selection") or [])
            name = labels.get(record["type"], "")
        if not record.get("is_company"):
            commercial = _partner_commercial(env, record)
            company = commercial.get("name") if commercial.get("is_company") else record.get("company_name")
            if not company and parent:
                company = env.table("res.partner").get(parent, {}).get("name")
            name = f"{company}, {name}"
    return name.strip()


def _path_name(separator: str) -> Any:
    def compute(env: Env, record: dict, model: str) -> str:
        table = env.table(model)
        names = []
        current = record
        seen = set()
        while current is not None and current["id"] not in seen:
            seen.add(current["id"])
            names.append(current.get("name") or "")
            current = table.get(current.get("parent_id"))
        return separator.join(reversed(names))

    return compute


_tag_path = _path_name(" / ")


def _state_name(env: Env, record: dict) -> str:
    country = env.table("res.country").get(record.get("country_id"))
    code = country.get("code") if country else ""
    return f"{record.get('name')} ({code})"


def _product_name(env: Env, record: dict) -> str:
    stored = record.get("display_name")
    name = record.get("name") or ""
    code = record.get("default_code")
    if stored and name and name in stored:
        return stored
    return f"[{code}] {name}" if code else name


def _move_name(env: Env, record: dict) -> str:
    name = record.get("name")
    if name and name != "/":
        return name
    return (
        f"Draft Invoice (* {record['id']})"
        if record.get("move_type") == "out_invoice"
        else f"Draft Entry (* {record['id']})"
    )


def _order_line_name(env: Env, record: dict) -> str:
    order = env.table("sale.order").get(record.get("order_id"))
    product = env.table("product.product").get(record.get("product_id"))
    label = _product_name(env, product) if product else (record.get("name") or "")
    return f"{order.get('name')} - {label}" if order else label


DISPLAY_NAMES = {
    "res.partner": _partner_name,
    "res.partner.category": lambda env, record: _tag_path(env, record, "res.partner.category"),
    "product.category": lambda env, record: _path_name(" / ")(env, record, "product.category"),
    "res.country.state": _state_name,
    "product.product": _product_name,
    "product.template": lambda env, record: (
        f"[{record['default_code']}] {record.get('name') or ''}" if record.get("default_code") else record.get("name")
    ),
    "account.move": _move_name,
    "sale.order.line": _order_line_name,
}


def rec_names_search(model: str, fields: dict) -> list[str]:
    """The fields ``name_search`` looks in (Odoo's ``_rec_names_search``, else the record name)."""
    from fake_odoo import domain as domain_module

    names = getattr(domain_module, "REC_NAMES_SEARCH", {}).get(model)
    if not names:
        names = (getattr(domain_module, "REC_NAME", {}).get(model) or rec_name_field(model),)
    return [name for name in names if name in fields] or [rec_name_field(model)]


def rec_name_field(model: str) -> str:
    """The field name_search and name_create work on."""
    return {"res.users": "name", "account.move": "name"}.get(model, "name")


def computed_reader(model: str, name: str) -> Any:
    """A reader for fields Odoo computes at read time (None: read the stored value)."""
    if name == "display_name":
        return lambda env, model_name, record: display_name(env, model_name, record)
    if model == "account.move" and name == "invoice_line_ids":
        return _invoice_lines
    return None


def _invoice_lines(env: Env, model: str, record: dict) -> list[int]:
    lines = env.table("account.move.line")
    return [i for i in record.get("line_ids") or [] if lines.get(i, {}).get("display_type") == "product"]


# --- defaults -----------------------------------------------------------------------------------


def defaults_for(env: Env, model: str) -> dict[str, Any]:
    """Default values as ``default_get`` reports them."""
    fields = env.fields(model)
    if model == "res.partner":
        return {"type": "contact", "lang": "en_US", "active": True, "is_company": False, "tz": False, "color": 0}
    if model == "sale.order":
        return {"state": "draft", "date_order": now(), "company_id": 1}
    if model == "account.move":
        return {"state": "draft", "move_type": "entry", "company_id": 1, "date": today().isoformat()}
    if model in ("product.template", "product.product"):
        # product/models/product_template.py: sale_ok and purchase_ok default=True, type 'consu'
        return {"active": True, "sale_ok": True, "purchase_ok": True, "type": "consu"}
    result: dict[str, Any] = {}
    if "active" in fields:
        result["active"] = True
    if "company_id" in fields and fields["company_id"].get("required"):
        result["company_id"] = 1
    return result


# Required columns that have no default: a create without them is a NOT NULL violation.
NOT_NULL = {
    "product.template": ["name"],
    "product.product": [],
    "sale.order": ["partner_id"],
    "sale.order.line": ["order_id"],
    "res.partner.category": ["name"],
    "product.category": ["name"],
    "res.country": ["name"],
    "res.country.state": ["country_id", "name", "code"],
    "res.company": ["name"],
    "res.users": ["login"],
    "uom.uom": ["name"],
}


def _not_null(model: str, name: str, env: Env) -> errors.ValidationError:
    label = env.fields(model)[name]["string"]
    if env.is_19:
        return errors.ValidationError(
            f"The operation cannot be completed: Missing required value for the field '{label}' ({name}).\n"
            f"Model: '{DESCRIPTIONS.get(model, model)}' ({model})\n"
            "- create/update: a mandatory field is not set\n"
            "- delete: another model requires the record being deleted, you can archive it instead\n"
        )
    return errors.ValidationError(
        "The operation cannot be completed:\n"
        "- Create/update: a mandatory field is not set.\n"
        "- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n"
        f"Model: {DESCRIPTIONS.get(model, model)} ({model})\nField: {label} ({name})\n"
    )


# --- hooks around create / write / unlink --------------------------------------------------------


def before_create(recs: BaseModel, vals: dict) -> None:
    """Checks and derived values before a record is stored."""
    model = recs._name
    for name in NOT_NULL.get(model, []):
        if not vals.get(name):
            raise _not_null(model, name, recs.env)
    if model == "res.partner":
        _partner_vals(vals)
        if vals.get("type", "contact") == "contact" and not vals.get("name"):
            raise errors.ValidationError("The operation cannot be completed: Contacts require a name")
    elif model == "sale.order":
        vals.setdefault("validity_date", (today() + timedelta(days=30)).isoformat())
        vals.setdefault("user_id", recs.env.uid)
        vals.setdefault("invoice_status", "no")
    elif model == "sale.order.line":
        _order_line_vals(recs.env, vals)
    elif model == "res.country" and vals.get("code"):
        _unique_country_code(recs.env, vals["code"], None)
    elif model == "account.move":
        vals.setdefault("name", "/")
        if "invoice_line_ids" in vals:
            lines = vals.pop("invoice_line_ids")
            vals["line_ids"] = list(vals.get("line_ids") or []) + list(lines)
    elif model == "account.move.line":
        vals.setdefault("display_type", "product")
        _move_line_vals(recs.env, vals)


def after_create(recs: BaseModel, vals: dict) -> None:
    """Computed values that need the stored record (names from sequences, amounts)."""
    model = recs._name
    env = recs.env
    record = recs._table[recs.ids[0]]
    _stamp(recs, record, create=True)
    if model == "res.partner":
        if record.get("parent_id"):
            _sync_from_parent(env, record)
        _partner_computed(env, record)
    elif model == "sale.order":
        if not vals.get("name") or vals.get("name") == "New":
            record["name"] = _next_name(env, "sale.order", "S", 5)
        _order_amounts(env, record)
    elif model == "sale.order.line":
        order = env.table("sale.order").get(record.get("order_id"))
        if order is not None:
            _order_amounts(env, order)
    elif model == "account.move":
        if record.get("move_type") in ("out_invoice", "out_refund", "in_invoice", "in_refund"):
            _add_payment_term_line(recs, record)
        _move_amounts(env, record)


def _stamp(recs: BaseModel, record: dict, *, create: bool) -> None:
    """Audit fields, set by the ORM itself (not through values, so no checks apply)."""
    stamp = now()
    names = AUDIT_FIELDS if create else ("write_uid", "write_date")
    for name in names:
        if name in record:
            record[name] = recs.env.uid if name.endswith("_uid") else stamp


def before_write(recs: BaseModel, vals: dict) -> None:
    """Constraints checked before values are stored."""
    model = recs._name
    for name in NOT_NULL.get(model, []):
        if name in vals and not vals[name]:
            raise _not_null(model, name, recs.env)
    if model == "res.partner":
        _partner_vals(vals)
        table = recs._table
        if "active" in vals and not vals["active"]:
            _refuse_linked_users(recs, "archive")
        if "name" in vals and not vals["name"]:
            types = [vals.get("type", table[i].get("type")) for i in recs.ids if i in table]
            if any(kind in ("contact", False, None) for kind in types):
                raise errors.ValidationError("The operation cannot be completed: Contacts require a name")
        if vals.get("parent_id"):
            _check_recursion(recs, "parent_id", vals["parent_id"], "You cannot create recursive Partner hierarchies.")
    elif model in ("res.partner.category", "product.category") and vals.get("parent_id"):
        _check_recursion(recs, "parent_id", vals["parent_id"], "Recursion Detected.")
    elif model == "res.country" and vals.get("code"):
        _unique_country_code(recs.env, vals["code"], recs.ids)
    elif model == "sale.order.line" and "product_id" in vals:
        _order_line_vals(recs.env, vals)


def after_write(recs: BaseModel, vals: dict) -> None:
    """Recompute what depends on the written values."""
    env = recs.env
    model = recs._name
    for record_id in recs.ids:
        record = recs._table.get(record_id)
        if record is None:
            continue
        _stamp(recs, record, create=False)
        if model == "res.partner":
            if vals.get("parent_id"):
                _sync_from_parent(env, record)
            _sync_children(env, record, vals)
            _partner_computed(env, record)
        elif model == "sale.order":
            _order_amounts(env, record)
        elif model == "sale.order.line":
            record["price_subtotal"] = record.get("product_uom_qty", 0.0) * record.get("price_unit", 0.0)
            record["price_total"] = record["price_subtotal"]
            order = env.table("sale.order").get(record.get("order_id"))
            if order is not None:
                _order_amounts(env, order)
        elif model == "account.move":
            _move_amounts(env, record)


def before_unlink(recs: BaseModel) -> None:
    """Business rules that forbid deleting some records."""
    model = recs._name
    table = recs._table
    if model == "res.partner":
        _refuse_linked_users(recs, "delete")
    if model == "sale.order.line" and _confirmed_lines(recs):
        raise errors.UserError(CONFIRMED_LINE_UNLINK)
    if model == "sale.order" and any(table[i].get("state") not in ("draft", "cancel") for i in recs.ids):
        raise errors.UserError(
            "You can not delete a sent quotation or a confirmed sales order. You must first cancel it."
        )
    if model == "account.move" and any(table[i].get("state") == "posted" for i in recs.ids):
        raise errors.UserError(
            "You can't delete a posted journal item. Don\u2019t play games with your accounting records; "
            "reset the journal entry to draft before deleting it."
        )


# sale's _unlink_except_confirmed (Odoo 18 source; the recordings hold no such call): the text as
# Odoo builds it, a line continuation that keeps the next line's indentation.
CONFIRMED_LINE_UNLINK = (
    "Once a sales order is confirmed, you can't remove one of its lines (we need to track if something gets "
    "invoiced or delivered).\n                Set the quantity to 0 instead."
)


def _confirmed_lines(recs: BaseModel) -> list[int]:
    """Lines Odoo keeps: of a confirmed order, not a section or note, not a down payment never invoiced."""
    orders = recs.env.table("sale.order")
    kept = []
    for line_id in recs.ids:
        line = recs._table[line_id]
        order = orders.get(line.get("order_id")) or {}
        if order.get("state") != "sale" or line.get("display_type"):
            continue
        if line.get("invoice_lines") or not line.get("is_downpayment"):
            kept.append(line_id)
    return kept


def after_set_null(env: Env, model: str, record: dict) -> None:
    """Recompute what depended on a link a delete emptied (a contact whose company went is its own entity)."""
    if model == "res.partner":
        _partner_computed(env, record)


def copy_values(recs: BaseModel, record_id: int, default: dict) -> dict:
    """The values a copy starts from: stored fields, x2many one2many lines duplicated, defaults on top."""
    fields = recs._fields
    record = recs._table[record_id]
    vals: dict[str, Any] = {}
    skip = {"id", "display_name", *AUDIT_FIELDS}
    for name, meta in fields.items():
        if name in skip or name in default or not meta.get("store") or meta.get("readonly"):
            continue
        ftype = meta["type"]
        if ftype == "one2many":
            if recs._name == "sale.order" and name == "order_line":
                lines = recs.env.table("sale.order.line")
                vals[name] = [(0, 0, _line_copy(lines[i])) for i in record.get(name) or [] if i in lines]
            continue
        if ftype == "many2many":
            vals[name] = [(6, 0, list(record.get(name) or []))]
            continue
        if ftype == "binary":
            continue
        vals[name] = record.get(name)
    if recs._name == "res.partner" and "name" not in default and record.get("name"):
        vals["name"] = f"{record['name']} (copy)"
    if recs._name == "sale.order":
        for name in ("name", "state", "date_order", "validity_date", "invoice_status"):
            vals.pop(name, None)
        vals["state"] = "draft"
        vals["date_order"] = now()
    vals.update(default)
    return vals


def _line_copy(line: dict) -> dict:
    keep = ("product_id", "product_uom_qty", "price_unit", "name", "discount")
    return {k: line[k] for k in keep if k in line}


# --- res.partner --------------------------------------------------------------------------------


def _partner_vals(vals: dict) -> None:
    if "company_type" in vals:
        vals["is_company"] = vals.pop("company_type") == "company"


def _partner_computed(env: Env, record: dict) -> None:
    if "company_type" in record:
        record["company_type"] = "company" if record.get("is_company") else "person"
    if "commercial_partner_id" in record:
        record["commercial_partner_id"] = _partner_commercial(env, record)["id"]
    if "complete_name" in record:
        record["complete_name"] = _partner_name(env, record)
    if "display_name" in record:
        record["display_name"] = _partner_name(env, record)
    if "email_normalized" in record:
        email = record.get("email")
        record["email_normalized"] = email.strip().lower() if email else False


# The form view of res.users the recorded RedirectWarning opens (its database id in the demo data).
USER_FORM_VIEW = 163


def _refuse_linked_users(recs: BaseModel, operation: str) -> None:
    """Contacts of active users can be neither deleted nor archived (Odoo points to the user instead)."""
    from fake_odoo.access import has_model_access

    users = recs.env.table("res.users")
    linked = [
        (user_id, user)
        for user_id, user in sorted(users.items())
        if user.get("active") and user.get("partner_id") in set(recs.ids)
    ]
    if not linked:
        return
    names = [user.get("name") or "" for _user_id, user in linked]
    if not has_model_access(recs.env, "res.users", "write"):
        if operation != "delete":
            raise errors.NotModelled("archiving a user's contact without write access on res.users")
        raise errors.ValidationError(
            "You cannot delete contacts linked to an active user.\n"
            "Ask an administrator to archive their associated user first.\n\n"
            "Linked active users :\n" + "\n".join(names)
        )
    if len(linked) > 1:
        raise errors.NotModelled(f"the action Odoo offers when {operation} meets several users ({len(linked)})")
    advice = (
        "You should rather archive them after archiving their associated user."
        if operation == "delete"
        else "You first need to archive their associated user."
    )
    action = {
        "type": "ir.actions.act_window",
        "res_model": "res.users",
        "context": {"create": False},
        "view_mode": "form",
        "views": [[USER_FORM_VIEW, "form"]],
        "res_id": linked[0][0],
    }
    raise errors.RedirectWarning(
        f"You cannot {operation} contacts linked to an active user.\n{advice}\n\n"
        f"Linked active users : {', '.join(names)}",
        action,
        "Go to users",
        None,
    )


# What a contact shares with its company (Odoo's _address_fields and _commercial_fields of base and account).
ADDRESS_FIELDS = ("street", "street2", "zip", "city", "state_id", "country_id")
COMMERCIAL_FIELDS = (
    "vat",
    "company_registry",
    "industry_id",
    "property_account_position_id",
    "property_payment_term_id",
    "property_supplier_payment_term_id",
)


def _sync_from_parent(env: Env, record: dict) -> None:
    """A contact given a company takes its commercial fields, and its address when of type contact.

    As recorded: the company's address overwrites the contact's own; an invoice address keeps its own
    address but takes the vat.
    """
    table = env.table("res.partner")
    parent = table.get(record["parent_id"])
    if parent is None:
        return
    commercial = _partner_commercial(env, parent)
    for name in COMMERCIAL_FIELDS:
        if name in record:
            record[name] = commercial.get(name, record[name])
    # A company without any address leaves the contact's own (Odoo copies an address that is set).
    if record.get("type") == "contact" and any(parent.get(name) for name in ADDRESS_FIELDS):
        for name in ADDRESS_FIELDS:
            record[name] = parent.get(name, False)


def _sync_children(env: Env, record: dict, vals: dict) -> None:
    """A company's new address reaches its contact-type children, its commercial fields all of them."""
    address = [name for name in ADDRESS_FIELDS if name in vals]
    commercial = [name for name in COMMERCIAL_FIELDS if name in vals]
    if not (address or commercial) or not record.get("child_ids"):
        return
    table = env.table("res.partner")
    for child_id in record["child_ids"]:
        child = table.get(child_id)
        if child is None:
            continue
        changed = {}
        for name in commercial if _partner_commercial(env, record) is record else ():
            changed[name] = child[name] = record[name]
        if child.get("type") == "contact":
            for name in address:
                changed[name] = child[name] = record[name]
        if changed:
            _sync_children(env, child, changed)


def _check_recursion(recs: BaseModel, field: str, new_parent: int, message: str) -> None:
    table = recs._table
    for record_id in recs.ids:
        current = new_parent
        seen = set()
        while current and current not in seen:
            if current == record_id:
                raise errors.ValidationError(message)
            seen.add(current)
            current = table.get(current, {}).get(field)


def _unique_country_code(env: Env, code: str, own_ids: list[int] | None) -> None:
    for record_id, record in env.table("res.country").items():
        if record.get("code") == code.upper() and record_id not in (own_ids or []):
            raise errors.ValidationError("The operation cannot be completed: The code of the country must be unique!")


# --- sale.order ---------------------------------------------------------------------------------


def _next_name(env: Env, model: str, prefix: str, width: int) -> str:
    pattern = re.compile(rf"^{re.escape(prefix)}(\d{{{width}}})$")
    highest = 0
    for record in env.table(model).values():
        match = pattern.match(record.get("name") or "")
        if match:
            highest = max(highest, int(match.group(1)))
    number = max(highest + 1, env.store.next_number(f"{model}:{prefix}", highest + 1))
    env.store.counters[f"{model}:{prefix}"] = number + 1
    return f"{prefix}{number:0{width}d}"


def _order_line_vals(env: Env, vals: dict) -> None:
    product = env.table("product.product").get(vals.get("product_id"))
    vals.setdefault("product_uom_qty", 1.0)
    if product is not None:
        vals.setdefault("name", _product_name(env, product))
        vals.setdefault("price_unit", product.get("lst_price") or product.get("list_price") or 0.0)
        if product.get("uom_id") and "product_uom" in env.fields("sale.order.line"):
            vals.setdefault("product_uom", product["uom_id"])
    subtotal = float(vals.get("product_uom_qty") or 0.0) * float(vals.get("price_unit") or 0.0)
    vals.setdefault("price_subtotal", subtotal)
    vals.setdefault("price_total", subtotal)


def _order_amounts(env: Env, order: dict) -> None:
    lines = env.table("sale.order.line")
    untaxed = sum(lines[i].get("price_subtotal") or 0.0 for i in order.get("order_line") or [] if i in lines)
    total = sum(lines[i].get("price_total") or 0.0 for i in order.get("order_line") or [] if i in lines)
    amounts = {"amount_untaxed": untaxed, "amount_total": total}
    if "amount_tax" in order:
        amounts["amount_tax"] = total - untaxed
    if any(order.get(name) != value for name, value in amounts.items()):
        # stored amounts recomputed: Odoo writes the order, so its write_date moves (polling.json);
        # a line change that leaves them alone (its description) does not touch the order
        order.update(amounts)
        if "write_date" in order:
            order.update(write_date=now(), write_uid=env.uid)


class SaleOrder(BaseModel):
    """sale.order: quotation workflow."""

    def action_confirm(self):
        self._check_access("write")
        self._ensure_exist()
        table = self._table
        if any(table[i].get("state") not in ("draft", "sent") for i in self.ids):
            raise errors.UserError("Some orders are not in a state requiring confirmation.")
        self.write({"state": "sale", "date_order": now()})
        return True

    def action_cancel(self):
        self._check_access("write")
        self._ensure_exist()
        self.write({"state": "cancel"})
        return True

    def action_draft(self):
        self._check_access("write")
        self._ensure_exist()
        ids = [i for i in self.ids if self._table[i].get("state") in ("cancel", "sent")]
        if ids:
            self.browse(ids).write({"state": "draft"})
        return True


# --- account.move -------------------------------------------------------------------------------


def _move_line_vals(env: Env, vals: dict) -> None:
    product = env.table("product.product").get(vals.get("product_id"))
    vals.setdefault("quantity", 1.0)
    if product is not None:
        vals.setdefault("name", product.get("name"))
        vals.setdefault("price_unit", product.get("lst_price") or product.get("list_price") or 0.0)
    if vals.get("display_type") == "product":
        subtotal = float(vals.get("quantity") or 0.0) * float(vals.get("price_unit") or 0.0)
        vals.setdefault("price_subtotal", subtotal)
        vals.setdefault("price_total", subtotal)


def _add_payment_term_line(recs: BaseModel, record: dict) -> None:
    lines = recs.env.table("account.move.line")
    total = sum(lines[i].get("price_total") or 0.0 for i in record.get("line_ids") or [] if i in lines)
    recs.browse([record["id"]])._apply(
        record["id"],
        [
            (
                "line_ids",
                recs._fields["line_ids"],
                [(0, 0, {"display_type": "payment_term", "name": False, "price_unit": -total, "quantity": 1.0})],
            )
        ],
    )


def _move_amounts(env: Env, move: dict) -> None:
    lines = env.table("account.move.line")
    total = sum(
        lines[i].get("price_total") or 0.0
        for i in move.get("line_ids") or []
        if i in lines and lines[i].get("display_type") == "product"
    )
    move["amount_untaxed"] = total
    move["amount_total"] = total
    if move.get("state") != "posted" or move.get("payment_state") in (False, "not_paid"):
        move["amount_residual"] = total


class AccountMove(BaseModel):
    """account.move: posting and resetting to draft."""

    def action_post(self):
        self._check_access("write")
        self._ensure_exist()
        table = self._table
        for record_id in self.ids:
            record = table[record_id]
            if record.get("state") != "draft":
                raise errors.UserError(f"The entry {record.get('name')} (id {record_id}) must be in draft.")
        for record_id in self.ids:
            record = table[record_id]
            if not record.get("name") or record["name"] == "/":
                invoice_date = record.get("invoice_date") or today().isoformat()
                record["name"] = _next_name(self.env, "account.move", f"INV/{invoice_date[:4]}/", 5)
            if not record.get("invoice_date") and record.get("move_type") != "entry":
                record["invoice_date"] = today().isoformat()
            record["state"] = "posted"
            record["payment_state"] = "not_paid"
            record["invoice_date_due"] = max(record.get("invoice_date") or "", today().isoformat())
            _move_amounts(self.env, record)
            record["amount_residual"] = record.get("amount_total", 0.0)
        return False

    def button_draft(self):
        self._check_access("write")
        self._ensure_exist()
        for record_id in self.ids:
            self._table[record_id]["state"] = "draft"


# --- res.partner / categories -------------------------------------------------------------------


class ResPartner(BaseModel):
    """res.partner: contacts and companies."""

    def write(self, vals):
        return super().write(vals)

    @api_model
    def name_create(self, name):
        # "Jane <jane@example.com>" gives a contact named Jane with that email, as Odoo parses it.
        match = re.match(r"^\s*(.*?)\s*<([^<>@\s]+@[^<>\s]+)>\s*$", name or "")
        vals = {"name": match.group(1) or match.group(2), "email": match.group(2)} if match else {"name": name}
        new = self.create(vals)
        return [new.ids[0], self.env.display_name(self._name, new.ids[0])]

    def open_commercial_entity(self):
        self._ensure_exist()
        commercial = _partner_commercial(self.env, self._table[self.ids[0]])
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "view_mode": "form",
            "res_id": commercial["id"],
            "target": "current",
        }


class ResUsers(BaseModel):
    """res.users: the calling user's context."""

    @api_model
    def context_get(self):
        user = self.env.table("res.users").get(self.env.uid, {})
        partner = self.env.table("res.partner").get(user.get("partner_id"), {})
        return {
            "lang": user.get("lang") or partner.get("lang") or "en_US",
            "tz": user.get("tz") or partner.get("tz") or False,
            "uid": self.env.uid,
        }


class IrModel(BaseModel):
    """ir.model: the installed models as recorded, read only (a new record would be a custom model)."""

    @api_model_create
    def create(self, vals_list):
        raise errors.NotModelled("creating custom models (ir.model create)")

    def write(self, vals):
        raise errors.NotModelled("changing models (ir.model write)")

    def unlink(self):
        raise errors.NotModelled("removing models (ir.model unlink)")

    def _read(self, fields=None, load="_classic_read") -> list[dict]:
        if not fields or "modules" in fields:
            from fake_odoo.dataset import recorded_values

            known = recorded_values("ir.model")
            unknown = [i for i in self.ids if "modules" not in known.get(i, {})]
            if unknown:
                raise errors.NotModelled(f"the modules of ir.model {unknown[:5]} (recorded for crm.* only)")
        return super()._read(fields, load=load)


CLASSES: dict[str, type[BaseModel]] = {
    "ir.model": IrModel,
    "res.users": ResUsers,
    "res.partner": ResPartner,
    "sale.order": SaleOrder,
    "account.move": AccountMove,
}


def model_class(model: str) -> type[BaseModel]:
    """The Python class implementing ``model``."""
    return CLASSES.get(model, BaseModel)
