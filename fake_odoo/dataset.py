"""The stand-in's deterministic demo dataset: Odoo 18's demo records as the recordings show them.

Recorded values come from fake_odoo/data/demo.json (written by fake_odoo/data/extract.py from the
recorded answers, untouched database first). What the recordings never show but the data needs to
hang together (names of contacts only counted, the US states a country read lists, records a
recorded call relies on) is added below by hand, each with the reason; recorded values always win.
Where Odoo 18's own demo files say what the recordings do not (S00002's lines, partners' emails and
phones), the hand values are theirs, and each names its file.
"""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import MutableMapping
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"

EMPTY_BY_TYPE = {"one2many": [], "many2many": [], "integer": 0, "float": 0.0, "monetary": 0.0}


def _load_fields() -> dict[str, dict]:
    fields = json.loads((DATA / "fields_get.json").read_text())
    for model, names in STUB_MODELS.items():
        fields[model] = stub_fields(names)
    return fields


def stub_fields(names: dict[str, str]) -> dict[str, dict]:
    """A fields_get for a model whose description was not recorded: id, display_name and ``names`` by type."""
    return {
        "id": {"type": "integer", "string": "ID", "store": True, "readonly": True, "required": False},
        "display_name": {"type": "char", "string": "Display Name", "store": False, "readonly": True},
        **{name: {"type": kind, "string": name.title(), "store": True} for name, kind in names.items()},
    }


# Models the recorded many2one values point to but whose fields_get was not recorded: the stand-in
# knows them only by the fields the recordings read (name -> type).
STUB_MODELS: dict[str, dict[str, str]] = {
    "res.currency": {"name": "char", "symbol": "char"},
    "account.journal": {"name": "char", "code": "char"},
    "account.account": {"name": "char", "code": "char"},
    "account.payment.term": {"name": "char"},
    "ir.config_parameter": {"key": "char", "value": "char"},  # recorded as the target of the demo user's AccessError
    # Languages (data.json lists them): a lang in a call's context must be an active one.
    "res.lang": {"name": "char", "code": "char", "active": "boolean"},
    # The installed models (data.json lists them all by model and name; modules only for crm.*).
    "ir.model": {"model": "char", "name": "char", "modules": "char"},
}


@cache
def _demo() -> dict:
    return json.loads((DATA / "demo.json").read_text())


FIELDS: dict[str, dict] = _load_fields()


def installed_models() -> frozenset[str]:
    """The models installed on the recorded Odoo 18 (data.json's ir.model list)."""
    return frozenset(_demo()["installed_models"])


def recorded_values(model: str) -> dict[int, dict]:
    """The values the recordings show of ``model``'s records, by id (nothing filled in)."""
    return {int(i): values for i, values in _demo()["records"].get(model, {}).items()}


def translation(model: str, field: str, record_id: int, lang: str) -> str | None:
    """The recorded translation of a field value in ``lang``, or None (Odoo falls back to en_US)."""
    return _demo()["translations"].get(model, {}).get(field, {}).get(str(record_id), {}).get(lang)


# --- hand-made values (recordings count or reference these records without showing them) --------

# Contacts whose names no recorded answer prints (they are counted, ordered and filtered on):
# Odoo 18's demo names, consistent with every recorded order and 'not ilike' answer.
CONTACT_NAMES = {
    19: "Douglas Fletcher",
    20: "Floyd Steward",
    21: "Edwin Hansen",
    24: "Soham Palmer",
    32: "Oscar Morgan",
    35: "Lorraine Douglas",
}
# Parents of contacts the recordings list only as child_ids of their company.
CONTACT_PARENTS = {20: 10, 21: 11, 24: 11, 32: 11, 35: 16, 19: 10}

# Every base partner has an email except 4, 5 and 6 (recorded 'email = False' answer). The
# recordings show only some addresses and phones: the others are Odoo 18's demo values
# (odoo/addons/base/data/res_partner_demo.xml for 9-41, matched to ids by name; res_users_demo.xml
# for the portal user 8), which agree with every recorded one. YourCompany's and OdooBot's are not
# demo values the files pin down for 18.0: those two stay as the demo's style.
COMPANY_EMAILS = {
    1: "info@yourcompany.com",
    2: "odoobot@example.com",
}
# id: (email, phone); OpenWood also has a mobile number (DEMO_MOBILES).
DEMO_CONTACTS = {
    8: ("joel.willis63@example.com", "(683)-556-5104"),
    9: ("wood.corner26@example.com", "(623)-853-7197"),
    10: ("deco_addict@yourcompany.example.com", "(603)-996-3829"),
    11: ("gemini_furniture@fake.geminifurniture.com", "(941)-284-4875"),
    12: ("ready.mat28@example.com", "(803)-873-6126"),
    13: ("wow@example.com", "+32 987 65 43 21"),
    14: ("jackson.group82@example.com", "(334)-502-1024"),
    15: ("azure.Interior24@example.com", "(870)-931-0505"),
    16: ("lumber-inv92@example.com", "(828)-316-0593"),
    17: ("willie.burke80@example.com", "(846)-523-2111"),
    18: ("ron.gibson76@example.com", "(976)-397-4091"),
    19: ("douglas.fletcher51@example.com", "(132)-553-7242"),
    20: ("floyd.steward34@example.com", "(145)-138-3401"),
    21: ("edwin.hansen58@example.com", "(943)-352-2555"),
    22: ("billy.fox45@example.com", "(915)-498-5611"),
    23: ("jesse.brown74@example.com", "(829)-386-3277"),
    24: ("soham.palmer15@example.com", "(379)-167-2040"),
    25: ("kim.snyder96@example.com", "(215)-379-4865"),
    26: ("edith.sanchez68@example.com", "(938)-175-2048"),
    27: ("brandon.freeman55@example.com", "(355)-687-3262"),
    28: ("nicole.ford75@example.com", "(946)-638-6034"),
    29: ("toni.rhodes11@example.com", "(198)-539-4948"),
    30: ("gordon.owens47@example.com", "(336)-723-6569"),
    31: ("theodore.gardner36@example.com", "(186)-612-6561"),
    32: ("oscar.morgan11@example.com", "(561)-239-1744"),
    33: ("tom.ruiz89@example.com", "(102)-834-1602"),
    34: ("colleen.diaz83@example.com", "(255)-595-8393"),
    35: ("lorraine.douglas35@example.com", "(443)-648-9155"),
    36: ("addison.olson28@example.com", "(223)-399-7637"),
    37: ("sandra.neal80@example.com", "(430)-371-7293"),
    38: ("julie.richards84@example.com", "(225)-148-7811"),
    39: ("travis.mendoza24@example.com", "(840)-944-8661"),
    40: ("chester.reed79@example.com", "(979)-904-8902"),
    41: ("dwayne.newman28@example.com", "(614)-177-4937"),
}
DEMO_MOBILES = {13: "+32 987 65 43 21"}

# Values every demo partner shares (the two fully recorded partners agree on them).
PARTNER_DEFAULTS: dict[str, Any] = {
    "active": True,
    "type": "contact",
    "lang": "en_US",
    "active_lang_count": 2,
    "tz_offset": "+0000",
    "im_status": "im_partner",
    "trust": "normal",
    "invoice_warn": "no-message",
    "sale_warn": "no-message",
    "autopost_bills": "ask",
    "display_invoice_edi_format": True,
    "partner_vat_placeholder": "/ if not applicable",
    "partner_share": True,
    "currency_id": 1,
    "property_account_payable_id": 16,
    "property_account_receivable_id": 7,
    "property_supplier_payment_term_id": 6,
    "create_uid": 1,
    "write_uid": 1,
    "create_date": "2026-11-20 22:26:10",
    "write_date": "2026-11-20 22:26:41",
}

# The base users (ids and partners as in Odoo 18: OdooBot, admin, public, two templates, demo, portal).
USERS = {
    1: {"login": "__system__", "partner_id": 2, "active": False, "share": False},
    2: {"login": "admin", "partner_id": 3, "active": True, "share": False},
    3: {"login": "public", "partner_id": 4, "active": False, "share": True},
    4: {"login": "default", "partner_id": 5, "active": False, "share": False},
    5: {"login": "portaltemplate", "partner_id": 6, "active": False, "share": True},
    6: {"login": "demo", "partner_id": 7, "active": True, "share": False, "tz": "Europe/Brussels"},
    7: {"login": "portal", "partner_id": 8, "active": True, "share": True},
}

# Partner tags: 1, 4, 5 and 7 are recorded; 2, 3 and 6 are Odoo's demo tags, their names fit the
# recorded tag orders ([3, 2] sorts "Employees" before "Prospects", [4, 7, 6] ends with 6).
CATEGORIES = {
    1: {"name": "Vendor", "color": 2},
    2: {"name": "Prospects", "color": 4},
    3: {"name": "Employees", "color": 3},
    4: {"name": "Consulting Services", "color": 5},
    5: {"name": "Services", "color": 7},
    6: {"name": "Office Supplies", "color": 8, "parent_id": 1},
    7: {"name": "Desk Manufacturers", "color": 10, "parent_id": 1},
}

# The 62 states of res.country 233's recorded state_ids, which come sorted by code (the model's
# order): zipping them with the sorted US codes gives each id its code (13 is CA, 40 OR, 47 PA,
# as the recorded many2one values say).
US_STATES = (
    ("AA", "Armed Forces Americas"), ("AE", "Armed Forces Europe"), ("AK", "Alaska"), ("AL", "Alabama"),
    ("AP", "Armed Forces Pacific"), ("AR", "Arkansas"), ("AS", "American Samoa"), ("AZ", "Arizona"),
    ("CA", "California"), ("CO", "Colorado"), ("CT", "Connecticut"), ("DC", "District of Columbia"),
    ("DE", "Delaware"), ("FL", "Florida"), ("FM", "Federated States of Micronesia"), ("GA", "Georgia"),
    ("GU", "Guam"), ("HI", "Hawaii"), ("IA", "Iowa"), ("ID", "Idaho"), ("IL", "Illinois"), ("IN", "Indiana"),
    ("KS", "Kansas"), ("KY", "Kentucky"), ("LA", "Louisiana"), ("MA", "Massachusetts"), ("MD", "Maryland"),
    ("ME", "Maine"), ("MH", "Marshall Islands"), ("MI", "Michigan"), ("MN", "Minnesota"), ("MO", "Missouri"),
    ("MP", "Northern Mariana Islands"), ("MS", "Mississippi"), ("MT", "Montana"), ("NC", "North Carolina"),
    ("ND", "North Dakota"), ("NE", "Nebraska"), ("NH", "New Hampshire"), ("NJ", "New Jersey"),
    ("NM", "New Mexico"), ("NV", "Nevada"), ("NY", "New York"), ("OH", "Ohio"), ("OK", "Oklahoma"),
    ("OR", "Oregon"), ("PA", "Pennsylvania"), ("PR", "Puerto Rico"), ("PW", "Palau"), ("RI", "Rhode Island"),
    ("SC", "South Carolina"), ("SD", "South Dakota"), ("TN", "Tennessee"), ("TX", "Texas"), ("UT", "Utah"),
    ("VA", "Virginia"), ("VI", "Virgin Islands"), ("VT", "Vermont"), ("WA", "Washington"), ("WI", "Wisconsin"),
    ("WV", "West Virginia"), ("WY", "Wyoming"),
)  # fmt: skip

# Records a recorded call relies on without reading them whole.
HAND_RECORDS: dict[str, dict[int, dict]] = {
    # The languages the stand-in serves: en_US and fr_FR are active, as on the server search_read.json
    # was recorded on (fr_FR answers there); data.json's later snapshot had fr_FR inactive again.
    # Names as faults_more.json reads them.
    "res.lang": {1: {"name": "English (US)"}, 30: {"name": "French / Fran\u00e7ais", "active": True}},
    "res.company": {
        1: {"name": "YourCompany", "partner_id": 1, "currency_id": 1, "sequence": 0, "active": True},
    },
    "res.currency": {1: {"name": "USD", "symbol": "$"}, 125: {"name": "EUR", "symbol": "€"}},
    "account.journal": {1: {"name": "Customer Invoices", "code": "INV"}},
    "account.account": {
        7: {"name": "121000 Account Receivable", "code": "121000"},
        16: {"name": "211000 Account Payable", "code": "211000"},
    },
    "account.payment.term": {6: {"name": "End of Following Month"}},
    # Hours: Odoo 18's uom_data.xml creates Units, Dozens, Days, then Hours (id 4); the two demo
    # services sold by the hour use it (product_demo.xml: product_product_1 and _2 are in hours).
    "uom.uom": {
        1: {"name": "Units", "factor": 1.0, "factor_inv": 1.0, "rounding": 0.01, "uom_type": "reference"},
        4: {"name": "Hours", "factor": 8.0, "factor_inv": 0.125, "rounding": 0.01, "uom_type": "smaller"},
    },
    "product.product": {3: {"uom_id": 4}, 4: {"uom_id": 4}},
    # "All / Saleable / Office Furniture" is product.category 8's recorded display name; the ids of
    # its parents are not recorded (1 is Odoo's "All"; 2 stands for "Saleable").
    "product.category": {
        1: {"name": "All", "parent_id": False},
        2: {"name": "Saleable", "parent_id": 1},
        8: {"name": "Office Furniture", "parent_id": 2},
    },
    # sale.order 4 is confirmed (recorded: unlinking it or confirming it again is refused).
    "sale.order": {
        4: {"name": "S00004", "state": "sale", "partner_id": 12, "date_order": "2026-11-19 22:26:43"},
        # The portal user (partner 8) sees S00020 and S00019 in this order.
        19: {"partner_id": 8, "date_order": "2026-11-20 22:26:42", "state": "sent"},
        20: {"partner_id": 8, "date_order": "2026-11-20 22:26:42", "state": "sent"},
        # Odoo 18's addons/sale/data/sale_demo.xml, sale_order_2: Ready Mat, invoiced and delivered to
        # its contact Kim Snyder (res_partner_address_13), sold by admin, tagged Consulting
        # (sales_team.categ_oppor7), dated a month back like S00001 (the same expression).
        2: {
            "partner_id": 12,
            "partner_invoice_id": 25,
            "partner_shipping_id": 25,
            "user_id": 2,
            "tag_ids": [7],
            "date_order": "2026-10-20 22:26:00",
        },
        3: {"partner_id": 11, "state": "draft"},
        6: {"partner_id": 14, "state": "draft"},
        8: {"partner_id": 13, "state": "draft"},
    },
    # Customer invoices 2 to 4 (recorded: names and invoice dates of out_invoice moves), and 5:
    # Azure Interior's invoice_ids list it, and the first invoice posted later is INV/2026/00006.
    "account.move": {
        1: {"line_ids": [5, 6], "company_id": 1},
        5: {
            "name": "INV/2026/00005",
            "move_type": "out_invoice",
            "state": "posted",
            "date": "2026-11-01",
            "partner_id": 15,
        },
        2: {"move_type": "out_invoice", "state": "posted", "date": "2026-11-18", "partner_id": 10},
        3: {"move_type": "out_invoice", "state": "posted", "date": "2026-11-17", "partner_id": 11},
        4: {"move_type": "out_invoice", "state": "posted", "date": "2026-11-05", "partner_id": 12},
    },
    # S00002's lines (sale_demo.xml, sale_order_line_4 and _5: product, quantity and price as set
    # there; the unit is the product's). Odoo loads the demo lines in file order, so after S00001's
    # 1-3 they are 4 and 5.
    "sale.order.line": {
        4: {
            "order_id": 2,
            "product_id": 3,
            "name": "Virtual Interior Design",
            "product_uom_qty": 24.0,
            "price_unit": 75.0,
            "product_uom": 4,
            "display_type": False,
            "tax_id": [],
        },
        5: {
            "order_id": 2,
            "product_id": 4,
            "name": "Virtual Home Staging",
            "product_uom_qty": 30.0,
            "price_unit": 38.25,
            "product_uom": 4,
            "display_type": False,
            "tax_id": [],
        },
    },
    # The two product lines of invoice 1 (recorded as its invoice_line_ids).
    "account.move.line": {
        5: {"move_id": 1, "display_type": "product", "currency_id": 1},
        6: {"move_id": 1, "display_type": "product", "currency_id": 1},
    },
}

# Per-model defaults Odoo sets on every record of the demo data.
MODEL_DEFAULTS: dict[str, dict[str, Any]] = {
    "sale.order": {"currency_id": 1, "company_id": 1, "user_id": 2, "state": "draft", "invoice_status": "no"},
    "sale.order.line": {"product_uom": 1, "sequence": 10, "customer_lead": 0.0},
    "account.move": {
        "currency_id": 1,
        "company_id": 1,
        "journal_id": 1,
        "state": "posted",
        "payment_state": "not_paid",
        "auto_post": "no",
    },
    "product.product": {"active": True, "sale_ok": True, "purchase_ok": True, "type": "consu", "uom_id": 1},
    "product.template": {"active": True, "sale_ok": True, "purchase_ok": True, "type": "consu", "uom_id": 1},
    "res.country.state": {"country_id": 233},
    "res.partner.category": {"active": True, "parent_id": False},
}


# --- building ---------------------------------------------------------------------------------------


def build() -> Tables:
    """Every model's records, fresh (callers may mutate them): recorded values, hand values, derived ones."""
    return Tables()


@cache
def _built() -> dict[str, bytes]:
    return {model: pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL) for model, table in _build().items()}


class Tables(MutableMapping):
    """Records by id, per model: a model's table is copied from the built dataset when first used.

    The tests reset the stand-in before each test and most of them touch a few models: unpickling all
    of them took ~7 ms in a test process (~4 ms of it the garbage collector, woken by the allocations).
    A pickle copy keeps objects shared within a table shared, as copy.deepcopy does, several times faster.
    """

    def __init__(self) -> None:
        self._copied: dict[str, dict[int, dict]] = {}

    def __getitem__(self, model: str) -> dict[int, dict]:
        table = self._copied.get(model)
        if table is None:
            # setdefault: two threads copying the same table at once both get the one stored first
            table = self._copied.setdefault(model, pickle.loads(_built()[model]))
        return table

    def __setitem__(self, model: str, table: dict[int, dict]) -> None:
        self._copied[model] = table

    def __delitem__(self, model: str) -> None:
        raise TypeError("a model's table is emptied, never removed")

    def __iter__(self):
        return iter(self._models())

    def __len__(self) -> int:
        return len(self._models())

    def _models(self) -> dict[str, None]:
        return dict.fromkeys([*_built(), *self._copied])


def _build() -> dict[str, dict[int, dict]]:
    demo = _demo()
    data: dict[str, dict[int, dict]] = {model: {} for model in FIELDS}
    for model, by_id in demo["records"].items():
        table = data.setdefault(model, {})
        for key, values in by_id.items():
            table[int(key)] = copy.deepcopy(values)
    _add_hand_records(data, demo["names"])
    _activate_languages(data)
    _add_partners(data)
    _add_products(data, demo["names"])
    _add_states(data)
    _fill_empty(data)
    _derive_one2many(data)
    _derive_partner_fields(data)
    return data


def _activate_languages(data: dict) -> None:
    """fr_FR is active here although data.json, recorded later, shows it inactive (see HAND_RECORDS)."""
    for record_id, values in HAND_RECORDS["res.lang"].items():
        data["res.lang"][record_id].update(values)


def _fill(table: dict[int, dict], record_id: int, values: dict) -> None:
    """Set values a record does not have yet (recorded values always win)."""
    record = table.setdefault(record_id, {})
    for name, value in values.items():
        record.setdefault(name, copy.deepcopy(value))


# A freshly restored demo database holds orders S00001 to S00020 (faults_more.json: the first order
# created there is 21, named S00021); those the recordings never show are plain draft quotations of
# an earlier date. (crud.json's first new order is 26: that session had made five orders before.)
UNRECORDED_ORDERS = (5, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18)


def _add_hand_records(data: dict, names: dict) -> None:
    for record_id in UNRECORDED_ORDERS:
        _fill(data["sale.order"], record_id, {"partner_id": 12, "date_order": "2026-11-10 10:00:00"})
    for model, by_id in HAND_RECORDS.items():
        for record_id, values in by_id.items():
            _fill(data.setdefault(model, {}), record_id, values)
    for record_id, values in CATEGORIES.items():
        _fill(data["res.partner.category"], record_id, values)
    for record_id, values in USERS.items():
        _fill(data["res.users"], record_id, {**values, "company_id": 1, "company_ids": [1], "lang": "en_US"})
    # Records known only through a many2one value: their display name gives their name.
    for model, by_id in names.items():
        table = data.setdefault(model, {})
        for key, name in by_id.items():
            record_id = int(key)
            if model in ("res.partner", "res.users", "product.product", "product.template", "product.category"):
                continue
            if model == "res.country.state":
                name = name.rsplit(" (", 1)[0]
            _fill(table, record_id, {"name": name})
    for model, defaults in MODEL_DEFAULTS.items():
        for record in data.get(model, {}).values():
            for name, value in defaults.items():
                record.setdefault(name, copy.deepcopy(value))
    for record_id, record in data["sale.order"].items():
        record.setdefault("name", f"S{record_id:05d}")
        record.setdefault("partner_invoice_id", record.get("partner_id"))
        record.setdefault("partner_shipping_id", record.get("partner_id"))
    for record in data["account.move"].values():
        record.setdefault("invoice_date", record.get("date"))
        record.setdefault("date", record.get("invoice_date"))
    for line_id, line in data["sale.order.line"].items():
        line.setdefault("order_id", 1 if line_id in (1, 2, 3) else False)
    _add_amounts(data)


def _add_amounts(data: dict) -> None:
    """Amounts the recordings do not show, computed as the stand-in computes them on writes.

    A line's subtotal is quantity times unit price; the demo lines carry no tax, so the total is the
    subtotal (S00001's recorded amount_total equals its amount_untaxed). An order sums its lines.
    """
    lines_by_order: dict[int, list[dict]] = {}
    for line in data["sale.order.line"].values():
        line.setdefault("price_subtotal", line.get("product_uom_qty", 0.0) * line.get("price_unit", 0.0))
        line.setdefault("price_total", line["price_subtotal"])
        lines_by_order.setdefault(line.get("order_id"), []).append(line)
    for order_id, order in data["sale.order"].items():
        lines = lines_by_order.get(order_id, [])
        order.setdefault("amount_untaxed", sum((line["price_subtotal"] for line in lines), 0.0))
        order.setdefault("amount_total", sum((line["price_total"] for line in lines), 0.0))
        order.setdefault("amount_tax", order["amount_total"] - order["amount_untaxed"])


def _add_partners(data: dict) -> None:
    partners = data["res.partner"]
    for record_id, name in CONTACT_NAMES.items():
        _fill(partners, record_id, {"name": name})
    for record_id, parent in CONTACT_PARENTS.items():
        _fill(partners, record_id, {"parent_id": parent})
    inactive = {2, 4, 5, 6}
    for record_id, record in partners.items():
        record.setdefault("active", record_id not in inactive)
        record.setdefault("is_company", False)
        record.setdefault("parent_id", False)
        for name, value in PARTNER_DEFAULTS.items():
            if name != "active":
                record.setdefault(name, copy.deepcopy(value))
        if record_id in DEMO_CONTACTS:
            email, phone = DEMO_CONTACTS[record_id]
            _fill(partners, record_id, {"email": email, "phone": phone, "mobile": DEMO_MOBILES.get(record_id, False)})
        elif record_id in COMPANY_EMAILS:
            record.setdefault("email", COMPANY_EMAILS[record_id])
        if record_id in inactive:
            record.setdefault("country_id", False)
        else:
            # Every active demo partner but OpenWood (recorded: Belgium) is in the United States.
            record.setdefault("country_id", 233)
    for record_id, values in USERS.items():
        partners[values["partner_id"]].setdefault("user_ids", [record_id])
        partners[values["partner_id"]].setdefault("partner_share", values["share"])
    partners[3].setdefault("company_name", "YourCompany")
    partners[7].setdefault("company_name", "YourCompany")
    # The portal user sorts after "YourCompany, Chester Reed" in recorded partner orders.
    partners[8].setdefault("company_name", "YourCompany")
    # Users' names are their partners' (res.users inherits res.partner).
    for record in data["res.users"].values():
        partner = partners.get(record.get("partner_id")) or {}
        record.setdefault("name", partner.get("name"))
        record.setdefault("email", partner.get("email"))


def _add_products(data: dict, names: dict) -> None:
    """Products known by their display name "[CODE] Name"; variants carry their template's values."""
    products = data["product.product"]
    for key, display in names.get("product.product", {}).items():
        code, _, name = display.partition("] ")
        _fill(products, int(key), {"default_code": code.lstrip("["), "name": name})
        if products[int(key)]["name"] != name:
            # A variant's display name adds its attribute values ("... (Wood)") to the product's name.
            products[int(key)].setdefault("display_name", display)
    templates = data["product.template"]
    for key, display in names.get("product.template", {}).items():
        name = display.partition("] ")[2] if display.startswith("[") else display
        _fill(templates, int(key), {"name": name})
    for record_id, product in products.items():
        template_id = product.get("product_tmpl_id")
        if not template_id:
            # Templates of products the recordings show only on order lines: one each, same name.
            template_id = product["product_tmpl_id"] = 100 + record_id
        template = templates.setdefault(template_id, {})
        for name in ("name", "list_price", "standard_price", "type", "uom_id", "categ_id", "sale_ok"):
            if name in product:
                template.setdefault(name, product[name])
        for name in ("list_price", "categ_id"):
            if name in template:
                product.setdefault(name, template[name])
        product.setdefault("lst_price", product.get("list_price", 0.0))
    for template_id, template in templates.items():
        variants = [i for i, p in products.items() if p.get("product_tmpl_id") == template_id]
        if len(variants) == 1:
            template.setdefault("default_code", products[variants[0]].get("default_code"))
        template.setdefault("categ_id", 8)


def _add_states(data: dict) -> None:
    states = data["res.country.state"]
    state_ids = data["res.country"][233]["state_ids"]
    for record_id, (code, name) in zip(state_ids, US_STATES, strict=True):
        _fill(states, record_id, {"code": code, "name": name, "country_id": 233})


def _fill_empty(data: dict) -> None:
    """Every field of every record, empty where nothing is known (as a fresh Odoo record reads)."""
    for model, table in data.items():
        fields = FIELDS.get(model, {})
        for record_id, record in table.items():
            record["id"] = record_id
            for name, meta in fields.items():
                if name not in record:
                    record[name] = copy.copy(EMPTY_BY_TYPE.get(meta["type"], False))


class _BuildEnv:
    """The interface fake_odoo.domain needs, over the dataset being built."""

    context: dict = {}

    def __init__(self, data: dict) -> None:
        self.data = data

    def fields(self, model: str) -> dict:
        return FIELDS[model]

    def table(self, model: str) -> dict:
        return self.data.setdefault(model, {})


# one2many fields whose values come from the other side when no recording shows them
DERIVED_ONE2MANY = (
    ("res.partner", "child_ids"),
    ("res.partner.category", "child_ids"),
    ("res.country", "state_ids"),
    ("sale.order", "order_line"),
    ("account.move", "line_ids"),
    ("product.template", "product_variant_ids"),
    ("product.category", "child_id"),
)


def _derive_one2many(data: dict) -> None:
    from fake_odoo.domain import order_ids

    env = _BuildEnv(data)
    for model, name in DERIVED_ONE2MANY:
        meta = FIELDS[model][name]
        comodel, inverse = meta["relation"], meta["relation_field"]
        cotable = data[comodel]
        active_only = "active" in FIELDS[comodel]
        for record_id, record in data[model].items():
            if record.get(name):
                continue
            lines = [
                i
                for i, line in cotable.items()
                if line.get(inverse) == record_id and (not active_only or line.get("active"))
            ]
            record[name] = order_ids(env, comodel, lines)
    # The partners of each tag (many2many, the other side of res.partner.category_id).
    for tag_id, tag in data["res.partner.category"].items():
        if not tag.get("partner_ids"):
            tagged = [i for i, p in data["res.partner"].items() if tag_id in (p.get("category_id") or [])]
            tag["partner_ids"] = order_ids(env, "res.partner", tagged)
    for tag in data["res.partner.category"].values():
        path = []
        current = tag
        while current:
            path.insert(0, str(current["id"]))
            current = data["res.partner.category"].get(current.get("parent_id"))
        tag["parent_path"] = "/".join(path) + "/"


def _derive_partner_fields(data: dict) -> None:
    """Fields Odoo computes and stores from others (complete name, commercial entity ...)."""
    partners = data["res.partner"]
    countries = data["res.country"]
    for record_id, record in partners.items():
        parent = partners.get(record.get("parent_id"))
        commercial = record if record.get("is_company") or not parent else parent
        company_name = commercial.get("name") if commercial is not record else record.get("company_name")
        name = record.get("name") or ""
        if not record.get("is_company") and (parent or record.get("company_name")):
            name = f"{(parent or {}).get('name') or record.get('company_name')}, {name}"
        record["complete_name"] = record.get("complete_name") or name
        record["display_name"] = record.get("display_name") or name
        record["commercial_partner_id"] = record.get("commercial_partner_id") or commercial["id"]
        record["commercial_company_name"] = record.get("commercial_company_name") or company_name or False
        record["company_type"] = record.get("company_type") or ("company" if record.get("is_company") else "person")
        record["self"] = record_id
        record["parent_name"] = record.get("parent_name") or (parent or {}).get("name") or False
        email = record.get("email")
        if email:
            record["email_normalized"] = record.get("email_normalized") or email.lower()
            record["email_formatted"] = record.get("email_formatted") or f'"{record.get("name")}" <{email.lower()}>'
        country = countries.get(record.get("country_id"))
        if country:
            record["country_code"] = record.get("country_code") or country.get("code")
