"""Users, credentials and access rights of the stand-in, as recorded on the real Odoo 18 demo database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fake_odoo import errors

if TYPE_CHECKING:
    from fake_odoo.orm import Env

DATABASE = "odoo18"
# Fixed API keys, so tests and the demo can log in with them (JSON-2 needs one). Admin's is the one
# recorded on the real server; the recording made none for demo, so demo's is our own fixed value.
ADMIN_API_KEY = "822933af3de7d25b7a08837644440c62829a3172"
DEMO_API_KEY = "5d1e0c7a9b3f4e6d8a2c1b0f9e8d7c6b5a4f3e2d"


@dataclass(frozen=True)
class User:
    """A demo user: login, password, display name, own partner and kind."""

    uid: int
    login: str
    password: str
    name: str
    partner_id: int
    kind: str  # "admin", "internal" or "portal"
    api_key: str | None = None


USERS = {
    2: User(2, "admin", "admin", "Mitchell Admin", 3, "admin", ADMIN_API_KEY),
    6: User(6, "demo", "demo", "Marc Demo", 7, "internal", DEMO_API_KEY),
    7: User(7, "portal", "portal", "Joel Willis", 8, "portal"),
}
BY_LOGIN = {user.login: user for user in USERS.values()}

DESCRIPTIONS = {
    "res.partner": "Contact",
    "res.partner.category": "Partner Tags",
    "res.country": "Country",
    "res.country.state": "Country state",
    "res.company": "Companies",
    "res.users": "User",
    "product.product": "Product Variant",
    "product.template": "Product",
    "product.category": "Product Category",
    "uom.uom": "Product Unit of Measure",
    "sale.order": "Sales Order",
    "sale.order.line": "Sales Order Line",
    "account.move": "Journal Entry",
    "account.move.line": "Journal Item",
    "ir.attachment": "Attachment",
    "ir.config_parameter": "System Parameter",
}

ACCESS_RIGHTS = "Administration/Access Rights"
SETTINGS = "Administration/Settings"
WRITE_OPS = ("write", "create", "unlink")
# Odoo 19 renamed the groups (json2.json's AccessErrors).
GROUP_NAMES_19 = {ACCESS_RIGHTS: "Access Rights", SETTINGS: "Role / Administrator"}

# Internal (non-admin) users: what the demo user may not do, and which groups may.
INTERNAL_DENIED: dict[str, tuple[tuple[str, ...], list[str]]] = {
    "res.users": (WRITE_OPS, [ACCESS_RIGHTS]),
    "res.company": (WRITE_OPS, [ACCESS_RIGHTS]),
    "res.country": (WRITE_OPS, [SETTINGS]),
    "res.country.state": (WRITE_OPS, [SETTINGS]),
    "ir.config_parameter": (("read", *WRITE_OPS), [SETTINGS]),
}
# Portal users: models they may read at all (record rules narrow some of them).
PORTAL_READABLE = {
    "res.partner",
    "sale.order",
    "sale.order.line",
    "product.product",
    "product.template",
    "res.country",
    "res.country.state",
    "uom.uom",
    "res.company",
    "res.users",
    "account.move",
}


def authenticate(database: str, login: str, password: str) -> int | bool:
    """The uid for good credentials (password or the user's API key), else False."""
    user = BY_LOGIN.get(login)
    if user is None or not password:
        return False
    if password == user.password or (user.api_key and password == user.api_key):
        return user.uid
    return False


def check_credentials(uid: int, password: str) -> User:
    """The user behind ``uid`` when ``password`` is its password or API key; AccessDenied otherwise."""
    user = USERS.get(uid)
    if user is None:
        raise errors.missing_error("res.users", [uid], uid)
    if password == user.password or (user.api_key and password == user.api_key):
        return user
    raise errors.AccessDenied()


def user_for_api_key(key: str) -> User | None:
    """The user owning a bearer API key (JSON-2)."""
    for user in USERS.values():
        if user.api_key and user.api_key == key:
            return user
    return None


def _denial(env: Env, model: str, operation: str) -> errors.AccessError | None:
    user = USERS.get(env.uid)
    if user is None or user.kind == "admin":
        return None
    description = DESCRIPTIONS.get(model, model)
    if user.kind == "portal":
        if operation == "read" and model in PORTAL_READABLE:
            return None
        if model == "res.partner":
            # Odoo reports the read rule that hides the record first.
            return errors.access_error_portal(user.name, user.uid, "read", description, model)
        return errors.access_error_portal(user.name, user.uid, operation, description, model)
    denied = INTERNAL_DENIED.get(model)
    if denied and operation in denied[0]:
        groups = [GROUP_NAMES_19.get(group, group) for group in denied[1]] if env.is_19 else denied[1]
        return errors.access_error_acl(operation, description, model, groups)
    return None


def check_model_access(env: Env, model: str, operation: str) -> None:
    """Raise Odoo's AccessError when the user's groups do not grant ``operation`` on ``model``."""
    error = _denial(env, model, operation)
    if error is not None:
        raise error


def has_model_access(env: Env, model: str, operation: str) -> bool:
    """Whether the user's groups grant ``operation`` on ``model``."""
    return _denial(env, model, operation) is None


def record_rule_domain(env: Env, model: str) -> list | None:
    """The record rule domain restricting the user on ``model`` (portal users only), or None."""
    user = USERS.get(env.uid)
    if user is None or user.kind != "portal":
        return None
    if model in ("sale.order", "account.move"):
        return [("partner_id", "child_of", [user.partner_id])]
    if model == "res.partner":
        return [("id", "child_of", [user.partner_id])]
    return None


def record_rule_error(env: Env, model: str, operation: str) -> errors.AccessError:
    """The AccessError Odoo raises when a record rule hides some of the records."""
    user = USERS[env.uid]
    return errors.access_error_portal(user.name, user.uid, "read", DESCRIPTIONS.get(model, model), model)
