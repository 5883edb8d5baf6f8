"""Every fault recorded from a real Odoo 18 is classified into the right typed exception.

The recordings (tests/fixtures/odoo18/) shorten tracebacks to their first line and the
exception lines; a fault string is rebuilt from those exactly as the recorded raw bodies show.
"""

import json
from pathlib import Path

import pytest

from hub.odoo import OdooClient, faults
from hub.odoo.exceptions import (
    OdooAccessError,
    OdooAuthError,
    OdooError,
    OdooMissingError,
    OdooRequestError,
    OdooTimeout,
    OdooUnavailable,
    OdooValidationError,
)
from tests.fixtures.misbehaving import raw

RECORDINGS = Path(__file__).resolve().parent.parent / "fixtures" / "odoo18"
NOT_NULL = (
    "The operation cannot be completed: - Create/update: a mandatory field is not set. - Delete: another model "
    "requires the record being deleted. If possible, archive it instead. Model: {model} Field: {field}"
)
MISSING = "Record does not exist or has been deleted."


def missing(record: str, user: int = 2) -> str:
    """Odoo's whole MissingError message: the sentence, then the record and user it names."""
    return f"{MISSING} (Record: {record}, User: {user})"


def denied(operation: str, model: str, group: str) -> str:
    """Odoo's whole model-access AccessError message: the refusal, the groups allowed, the advice."""
    return (
        f"You are not allowed to {operation} {model} records. This operation is allowed for the following "
        f"groups: - {group} Contact your administrator to request access if necessary."
    )


def cookies(model: str) -> str:
    """Odoo's whole record-rule AccessError message, as a portal user gets it."""
    return (
        "Uh-oh! Looks like you have stumbled upon some top-secret records. Sorry, Joel Willis (id=7) doesn't "
        f"have 'read' access to: - {model} If you really, really need access, perhaps you can win over your "
        "friendly administrator with a batch of freshly baked cookies."
    )


RAN = None  # the method ran and returned None: XML-RPC could not encode it, the client answers None

XMLRPC_EXPECTED = {
    ("faults_xmlrpc", "unknown model"): (OdooRequestError, "Object res.nonexistent doesn't exist"),
    ("faults_xmlrpc", "unknown method"): (
        OdooRequestError,
        "The method 'no_such_method' does not exist on the model 'res.partner'",
    ),
    ("faults_xmlrpc", "name_get (removed since 17) -> unknown method"): (
        OdooRequestError,
        "The method 'name_get' does not exist on the model 'res.partner'",
    ),
    ("faults_xmlrpc", "private method _read"): (
        OdooAccessError,
        "Private methods (such as _read) cannot be called remotely.",
    ),
    ("faults_xmlrpc", "private method _search"): (
        OdooAccessError,
        "Private methods (such as _search) cannot be called remotely.",
    ),
    ("faults_xmlrpc", 'method "init" (blacklisted public name)'): (
        OdooAccessError,
        "Private methods (such as init) cannot be called remotely.",
    ),
    ("faults_xmlrpc", "wrong argument count (too many positional)"): (
        OdooRequestError,
        "BaseModel.read() takes from 1 to 3 positional arguments but 5 were given",
    ),
    ("faults_xmlrpc", "unexpected keyword argument"): (
        OdooRequestError,
        "BaseModel.search() got an unexpected keyword argument 'bogus_kw'",
    ),
    ("faults_xmlrpc", "create with no args"): (
        OdooRequestError,
        "create() missing 1 required positional argument: 'vals_list'",
    ),
    ("faults_xmlrpc", "write with missing vals"): (
        OdooRequestError,
        "ResPartner.write() missing 1 required positional argument: 'vals'",
    ),
    ("faults_xmlrpc", "invalid field in domain"): (
        OdooRequestError,
        "Invalid field res.partner.nonexistent_field in leaf ('nonexistent_field', '=', 1)",
    ),
    ("faults_xmlrpc", "invalid field in dotted domain path"): (
        OdooRequestError,
        "Invalid field res.country.nonexistent in leaf ('nonexistent', '=', 1)",
    ),
    ("faults_xmlrpc", "invalid field in read fields"): (
        OdooRequestError,
        "Invalid field 'nonexistent_field' on model 'res.partner'",
    ),
    ("faults_xmlrpc", "invalid field in order"): (
        OdooRequestError,
        "Invalid field 'nonexistent_field' on model 'res.partner'",
    ),
    ("faults_xmlrpc", "invalid order syntax"): (
        OdooRequestError,
        'Invalid "order" specified (name; DROP TABLE x). A valid "order" specification is a comma-separated '
        "list of valid field names (optionally followed by asc/desc for the direction)",
    ),
    ("faults_xmlrpc", "invalid field in create vals"): (
        OdooRequestError,
        "Invalid field 'nonexistent_field' on model 'res.partner'",
    ),
    ("faults_xmlrpc", "invalid field in write vals"): (
        OdooRequestError,
        "Invalid field 'nonexistent_field' on model 'res.partner'",
    ),
    ("faults_xmlrpc", "create res.partner with no name"): (
        OdooValidationError,
        "The operation cannot be completed: Contacts require a name",
    ),
    ("faults_xmlrpc", "create res.partner name False"): (
        OdooValidationError,
        "The operation cannot be completed: Contacts require a name",
    ),
    ("faults_xmlrpc", "create product.template without required name (NOT NULL)"): (
        OdooValidationError,
        NOT_NULL.format(model="Product (product.template)", field="Name (name)"),
    ),
    ("faults_xmlrpc", "create sale.order without required partner_id"): (
        OdooValidationError,
        NOT_NULL.format(model="Sales Order (sale.order)", field="Customer (partner_id)"),
    ),
    ("faults_xmlrpc", "ValidationError: recursive partner hierarchy"): (
        OdooValidationError,
        "You cannot create recursive Partner hierarchies.",
    ),
    ("faults_xmlrpc", "ValidationError: recursive category"): (OdooValidationError, "Recursion Detected."),
    ("faults_xmlrpc", "SQL unique constraint (country code)"): (
        OdooValidationError,
        "The operation cannot be completed: The code of the country must be unique!",
    ),
    # On create the missing record is a referenced one (parent_id): a bad value, not a 404.
    ("faults_xmlrpc", "many2one to non-existent id (FK violation)"): (
        OdooValidationError,
        missing("res.partner(999999,)"),
    ),
    ("faults_xmlrpc", "AccessError: demo unlinks res.users"): (
        OdooAccessError,
        denied("delete", "'User' (res.users)", "Administration/Access Rights"),
    ),
    ("faults_xmlrpc", "AccessError: demo writes res.company"): (
        OdooAccessError,
        denied("modify", "'Companies' (res.company)", "Administration/Access Rights"),
    ),
    ("faults_xmlrpc", "AccessError: demo reads ir.config_parameter"): (
        OdooAccessError,
        denied("access", "'System Parameter' (ir.config_parameter)", "Administration/Settings"),
    ),
    ("faults_xmlrpc", "AccessError: portal user writes res.partner"): (
        OdooAccessError,
        cookies("Contact (res.partner)"),
    ),
    ("faults_xmlrpc", "AccessError (record rule): portal user reads another customer order"): (
        OdooAccessError,
        cookies("Sales Order (sale.order)"),
    ),
    ("faults_xmlrpc", "AccessError: demo unlinks res.country"): (
        OdooAccessError,
        denied("delete", "'Country' (res.country)", "Administration/Settings"),
    ),
    ("faults_xmlrpc", "MissingError: write to deleted id"): (OdooMissingError, missing("res.partner(44,)")),
    ("faults_xmlrpc", "MissingError: write to existing + missing ids"): (
        OdooMissingError,
        missing("res.partner(99999,)"),
    ),
    ("faults_xmlrpc", "MissingError: unlink missing id"): (OdooMissingError, missing("res.partner(99999,)")),
    ("faults_xmlrpc", "UserError: unlink confirmed sale.order"): (
        OdooValidationError,
        "You can not delete a sent quotation or a confirmed sales order. You must first cancel it.",
    ),
    ("faults_xmlrpc", "UserError: unlink posted invoice"): (
        OdooValidationError,
        "You can't delete a posted journal item. Don’t play games with your accounting records; reset the "
        "journal entry to draft before deleting it.",
    ),
    ("faults_xmlrpc", "bad credentials on execute_kw (wrong password)"): (OdooAuthError, "Access Denied"),
    # The user record of the uid itself is missing: the cached uid is stale, so it is an auth error.
    ("faults_xmlrpc", "execute_kw with unknown uid"): (OdooAuthError, missing("res.users(99999,)", user=99999)),
    ("faults_xmlrpc", "admin's API key used with demo uid"): (OdooAuthError, "Access Denied"),
    ("faults_xmlrpc", "execute_kw on unknown database"): (OdooAuthError, 'database "no_such_db" does not exist'),
    ("faults_xmlrpc", "invalid domain: 2-element leaf"): (
        OdooRequestError,
        "not enough values to unpack (expected 3, got 2)",
    ),
    ("faults_xmlrpc", "invalid domain: '|' missing operand"): (
        OdooRequestError,
        "Domain ['|', ['name', '=', 'x']] is syntactically not correct.",
    ),
    ("faults_xmlrpc", "invalid domain: unknown operator"): (OdooRequestError, "Invalid leaf ('name', 'bogus_op', 'x')"),
    ("faults_xmlrpc", "invalid domain: domain given as a string"): (
        OdooRequestError,
        "Domains to normalize must have a 'domain' form: a list or tuple of domain components",
    ),
    ("faults_xmlrpc", "invalid domain: flat list instead of list of tuples"): (
        OdooRequestError,
        "string index out of range",
    ),
    ("faults_xmlrpc", "wrong type: string for integer field"): (
        OdooValidationError,
        "invalid literal for int() with base 10: 'abc'",
    ),
    ("faults_xmlrpc", "wrong type: string for float field"): (
        OdooValidationError,
        "could not convert string to float: 'abc'",
    ),
    ("faults_xmlrpc", "bad date string"): (
        OdooValidationError,
        "time data 'not-a-date' does not match format '%Y-%m-%d'",
    ),
    ("faults_xmlrpc", "out-of-range date"): (
        OdooValidationError,
        "time data '2024-13-45' does not match format '%Y-%m-%d'",
    ),
    ("faults_xmlrpc", "ISO datetime with T rejected"): (
        OdooValidationError,
        "time data '2024-01-02T03:04:05' does not match format '%Y-%m-%d %H:%M:%S'",
    ),
    ("faults_xmlrpc", "invalid selection value"): (OdooValidationError, "Wrong value for res.partner.type: 'bogus'"),
    ("faults_xmlrpc", "method returning None: XML-RPC cannot marshal None"): RAN,
    ("faults_xmlrpc", "UserError: action_confirm on confirmed order"): (
        OdooValidationError,
        "Some orders are not in a state requiring confirmation.",
    ),
    ("faults_xmlrpc", "legacy /xmlrpc/object: AccessDenied (string faultCode)"): (OdooAuthError, "Access Denied"),
    ("faults_xmlrpc", "legacy /xmlrpc/object: AccessError"): (
        OdooAccessError,
        denied("delete", "'User' (res.users)", "Administration/Access Rights"),
    ),
    ("faults_xmlrpc", "legacy /xmlrpc/object: MissingError"): (OdooMissingError, missing("res.partner(44,)")),
    ("faults_xmlrpc", "legacy /xmlrpc/object: UserError"): (
        OdooValidationError,
        "You can not delete a sent quotation or a confirmed sales order. You must first cancel it.",
    ),
    ("faults_xmlrpc", "legacy /xmlrpc/object: ValidationError"): (
        OdooValidationError,
        "You cannot create recursive Partner hierarchies.",
    ),
    ("faults_xmlrpc", "legacy /xmlrpc/object: generic exception"): (
        OdooRequestError,
        "Invalid field res.partner.nonexistent_field in leaf ('nonexistent_field', '=', 1)",
    ),
    ("faults_xmlrpc", "legacy /xmlrpc/object: unknown model"): (
        OdooRequestError,
        "Object res.nonexistent doesn't exist",
    ),
    ("common", "authenticate empty password"): (OdooAuthError, "scope and key required"),
    ("common", "authenticate unknown database"): (OdooAuthError, 'database "no_such_db" does not exist'),
    ("common", "authenticate with 3 params (missing user_agent_env)"): (
        OdooRequestError,
        "exp_authenticate() missing 1 required positional argument: 'user_agent_env'",
    ),
    ("common", "common unknown method"): (OdooRequestError, "Method not found: nosuchmethod"),
    ("crud", "create with vals_list kwarg (dict)"): (OdooRequestError, "tuple index out of range"),
    ("crud", "write datetime ISO with T"): (
        OdooValidationError,
        "time data '2030-01-02T03:04:05' does not match format '%Y-%m-%d %H:%M:%S'",
    ),
    ("crud", "unlink already-deleted id"): (OdooMissingError, missing("res.partner(73,)")),
    ("crud", "check_access_rights with default raise_exception=True (allowed case)"): RAN,
    ("crud", "check_access (returns None -> XML-RPC cannot marshal None)"): RAN,
    ("crud", "check_access_rule returns None -> marshal fault"): RAN,
    ("methods", "action_confirm again on confirmed order"): (
        OdooValidationError,
        "Some orders are not in a state requiring confirmation.",
    ),
    ("methods", "action_post on already posted invoice"): (
        OdooValidationError,
        "The entry INV/2026/00006 (id 26) must be in draft.",
    ),
    ("methods", "account.move button_draft"): RAN,
    ("methods", "res.partner action_archive"): RAN,
    ("methods", "res.partner action_unarchive"): RAN,
    ("methods", "res.partner toggle_active"): RAN,
    ("methods", "private compute method (rejected)"): (
        OdooAccessError,
        "Private methods (such as _compute_amounts) cannot be called remotely.",
    ),
    ("web_search_read", "web_read with one missing id -> MissingError (unlike read)"): (
        OdooMissingError,
        missing("res.partner(99999,)"),
    ),
    ("web_search_read", "fetch"): RAN,
    ("web_search_read", "web_search_read fault: invalid field in domain"): (
        OdooRequestError,
        "Invalid field res.partner.bogus in leaf ('bogus', '=', 1)",
    ),
    ("web_search_read", "web_search_read fault: invalid field in specification"): (
        OdooRequestError,
        "Invalid field 'bogus' on model 'res.partner'",
    ),
}

JSONRPC_EXPECTED = {
    "jsonrpc fault: unknown model (UserError)": (OdooRequestError, "Object res.nonexistent doesn't exist"),
    "jsonrpc fault: unknown method (AttributeError)": (
        OdooRequestError,
        "The method 'no_such_method' does not exist on the model 'res.partner'",
    ),
    "jsonrpc fault: private method (AccessError)": (
        OdooAccessError,
        "Private methods (such as _read) cannot be called remotely.",
    ),
    "jsonrpc fault: wrong argument count (TypeError)": (
        OdooRequestError,
        "BaseModel.read() takes from 1 to 3 positional arguments but 5 were given",
    ),
    "jsonrpc fault: invalid field in domain (ValueError)": (
        OdooRequestError,
        "Invalid field res.partner.nonexistent_field in leaf ('nonexistent_field', '=', 1)",
    ),
    "jsonrpc fault: invalid field in create vals": (
        OdooRequestError,
        "Invalid field 'nonexistent_field' on model 'res.partner'",
    ),
    "jsonrpc fault: res.partner without name": (
        OdooValidationError,
        "The operation cannot be completed: Contacts require a name",
    ),
    "jsonrpc fault: NOT NULL violation -> ValidationError": (
        OdooValidationError,
        NOT_NULL.format(model="Product (product.template)", field="Name (name)"),
    ),
    "jsonrpc fault: ValidationError (recursion)": (
        OdooValidationError,
        "You cannot create recursive Partner hierarchies.",
    ),
    "jsonrpc fault: AccessError as demo": (
        OdooAccessError,
        denied("delete", "'User' (res.users)", "Administration/Access Rights"),
    ),
    "jsonrpc fault: MissingError": (OdooMissingError, missing("res.partner(44,)")),
    "jsonrpc fault: UserError": (
        OdooValidationError,
        "You can not delete a sent quotation or a confirmed sales order. You must first cancel it.",
    ),
    "jsonrpc fault: wrong password (AccessDenied)": (OdooAuthError, "Access Denied"),
    "jsonrpc fault: invalid domain": (OdooRequestError, "not enough values to unpack (expected 3, got 2)"),
    "jsonrpc fault: wrong type for integer": (OdooValidationError, "invalid literal for int() with base 10: 'abc'"),
    "jsonrpc fault: bad date": (OdooValidationError, "time data 'not-a-date' does not match format '%Y-%m-%d'"),
    "jsonrpc fault: unknown service": (OdooRequestError, "nosuchservice"),
    "jsonrpc fault: execute_kw with too few args": (
        OdooRequestError,
        "execute_kw() missing 2 required positional arguments: 'method' and 'args'",
    ),
}


# Odoo's whole message (all its lines), without the RedirectWarning's action and button label.
DELETE_LINKED = (
    "You cannot delete contacts linked to an active user. You should rather archive them after archiving their "
    "associated user. Linked active users : Mitchell Admin"
)
ARCHIVE_LINKED = (
    "You cannot archive contacts linked to an active user. You first need to archive their associated user. "
    "Linked active users : Mitchell Admin"
)
# Faults of faults_more.json (RedirectWarning over every protocol, inactive languages): label -> expected.
FAULTS_MORE_EXPECTED = {
    "unlink res.partner 3 (admin's partner, linked to user admin) -> RedirectWarning, faultCode 2": (
        OdooValidationError,
        DELETE_LINKED,
    ),
    "legacy /xmlrpc/object: unlink res.partner 3 -> RedirectWarning as string faultCode": (
        OdooValidationError,
        DELETE_LINKED,
    ),
    "jsonrpc unlink res.partner 3 -> odoo.exceptions.RedirectWarning": (OdooValidationError, DELETE_LINKED),
    "write active False on res.partner 3 (archive admin's partner) -> RedirectWarning": (
        OdooValidationError,
        ARCHIVE_LINKED,
    ),
    "jsonrpc action_archive on res.partner 3 -> RedirectWarning": (OdooValidationError, ARCHIVE_LINKED),
    "unlink res.partner 3 as demo (no write right on res.users) -> ValidationError "
    "(plain message, faultCode 2) instead of RedirectWarning": (
        OdooValidationError,
        "You cannot delete contacts linked to an active user. Ask an administrator to archive their associated "
        "user first. Linked active users : Mitchell Admin",
    ),
    "sale.order action_confirm with context lang fr_FR (inactive) on draft order #1": (
        OdooValidationError,
        "Invalid language code: fr_FR",
    ),
    "jsonrpc sale.order action_confirm with context lang fr_FR (inactive) on draft order #2": (
        OdooValidationError,
        "Invalid language code: fr_FR",
    ),
    "res.partner name_search 'Deco' with context lang fr_FR (inactive)": (
        OdooValidationError,
        "Invalid language code: fr_FR",
    ),
    "jsonrpc res.partner name_search 'Deco' with context lang fr_FR (inactive)": (
        OdooValidationError,
        "Invalid language code: fr_FR",
    ),
    "res.partner search_read with context lang fr_FR (inactive), translated field country_id name": (
        OdooValidationError,
        "Invalid language code: fr_FR",
    ),
    "res.partner name_search with context lang xx_XX (unknown code)": (
        OdooValidationError,
        "Invalid language code: xx_XX",
    ),
    "sale.order action_confirm with context lang xx_XX (unknown code) on draft order #3": (
        OdooValidationError,
        "Invalid language code: xx_XX",
    ),
}


def _load(name):
    return json.loads((RECORDINGS / f"{name}.json").read_text())


def _fault_string(fault):
    """The faultString as sent, with the traceback shortened as the recordings keep it."""
    if fault.get("faultString_is_traceback"):
        return "\n".join([fault["faultString_first_line"], *fault["faultString_last_5_lines"]]) + "\n"
    return fault["faultString"]


def _odoo_method(call):
    params = call["params"]
    return params[4] if call["method"] == "execute_kw" else call["method"]


def _recorded_xmlrpc_faults():
    params = []
    for name in ("faults_xmlrpc", "common", "crud", "methods", "web_search_read"):
        for entry in _load(name):
            if entry.get("fault"):
                params.append(pytest.param(name, entry, id=f"{name}: {entry['label']}"))
    return params


def _recorded_jsonrpc_errors():
    return [pytest.param(entry, id=entry["label"]) for entry in _load("jsonrpc") if entry.get("fault")]


def test_every_recorded_fault_has_an_expectation():
    recorded = {(name, entry["label"]) for name, entry in (p.values for p in _recorded_xmlrpc_faults())}
    assert recorded == set(XMLRPC_EXPECTED)
    assert {p.values[0]["label"] for p in _recorded_jsonrpc_errors()} == set(JSONRPC_EXPECTED)


@pytest.mark.parametrize(("name", "entry"), _recorded_xmlrpc_faults())
def test_recorded_xmlrpc_fault_is_classified(name, entry):
    fault = entry["fault"]
    fault_string = _fault_string(fault)
    expected = XMLRPC_EXPECTED[(name, entry["label"])]
    if expected is RAN:
        assert faults.is_marshal_none(fault["faultCode"], fault_string)
        return
    assert not faults.is_marshal_none(fault["faultCode"], fault_string)
    error = faults.from_xmlrpc_fault(fault["faultCode"], fault_string, method=_odoo_method(entry["call"]))
    assert (type(error), error.message) == expected
    assert "Traceback" not in error.message


@pytest.mark.parametrize("entry", _recorded_jsonrpc_errors())
def test_recorded_jsonrpc_error_is_classified(entry):
    args = entry["call"]["request"]["params"]["args"]
    method = args[4] if entry["call"]["method"] == "execute_kw" and len(args) > 4 else entry["call"]["method"]
    error = faults.from_jsonrpc_error(entry["fault"], method=method)
    assert (type(error), error.message) == JSONRPC_EXPECTED[entry["label"]]
    assert error.odoo_name == entry["fault"]["data"]["name"]


def _faults_more():
    return [pytest.param(entry, id=entry["label"]) for entry in _load("faults_more") if entry.get("fault")]


def test_every_faults_more_fault_has_an_expectation():
    assert {p.values[0]["label"] for p in _faults_more()} == set(FAULTS_MORE_EXPECTED)


@pytest.mark.parametrize("entry", _faults_more())
def test_recorded_redirect_warning_and_language_faults_give_the_message(entry):
    """A RedirectWarning's XML-RPC fault is the repr of its argument tuple: the message is its first item."""
    call, fault = entry["call"], entry["fault"]
    if call["protocol"] == "xmlrpc":
        error = faults.from_xmlrpc_fault(fault["faultCode"], _fault_string(fault), method=_odoo_method(call))
    else:
        error = faults.from_jsonrpc_error(fault, method=call["request"]["params"]["args"][4])
        assert error.odoo_name == fault["data"]["name"]
    assert (type(error), error.message) == FAULTS_MORE_EXPECTED[entry["label"]]


@pytest.mark.parametrize(
    "text",
    [
        "('unclosed', {'a': 1}",
        "(1, 'message second')",
        "('only one item')",
        "(__import__('os').system('true'), 'x')",
    ],
)
def test_fault_strings_that_are_not_an_argument_tuple_stay_as_sent(text):
    assert faults.exception_arguments_message(text) == text


def test_recorded_jsonrpc_probe_with_missing_args_is_a_request_error():
    entry = next(e for e in _load("jsonrpc") if e["label"] == "jsonrpc missing args param")
    error = faults.from_jsonrpc_error(entry["response_json"]["error"])
    assert (type(error), error.message) == (
        OdooRequestError,
        "RPC.jsonrpc() missing 1 required positional argument: 'args'",
    )


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (
            401,
            {"name": "werkzeug.exceptions.Unauthorized", "message": "Invalid apikey", "arguments": ["Invalid apikey"]},
            (OdooAuthError, "Invalid apikey"),
        ),
        (
            404,
            {"name": "werkzeug.exceptions.NotFound", "message": "the model 'res.nonexistent' does not exist"},
            (OdooRequestError, "the model 'res.nonexistent' does not exist"),
        ),
        (
            404,
            {"name": "odoo.exceptions.MissingError", "message": f"{MISSING}\n(Record: res.partner(44,), User: 2)"},
            (OdooMissingError, missing("res.partner(44,)")),
        ),
        (
            403,
            {"name": "odoo.exceptions.AccessError", "message": "You are not allowed to modify 'Companies'."},
            (OdooAccessError, "You are not allowed to modify 'Companies'."),
        ),
        (
            422,
            {"name": "odoo.exceptions.ValidationError", "message": "You cannot create recursive Partner hierarchies."},
            (OdooValidationError, "You cannot create recursive Partner hierarchies."),
        ),
        (
            422,
            {"name": "werkzeug.exceptions.UnprocessableEntity", "message": "missing a required argument: 'vals'"},
            (OdooRequestError, "missing a required argument: 'vals'"),
        ),
        (
            500,
            {"name": "builtins.ValueError", "message": "Invalid field 'bogus' on model 'res.partner'"},
            (OdooRequestError, "Invalid field 'bogus' on model 'res.partner'"),
        ),
        (500, {"name": "builtins.ZeroDivisionError", "message": "division by zero"}, (OdooError, "division by zero")),
        (403, "Session Expired\n\nSurely this is because ...", (OdooAccessError, "Session Expired")),
        (503, {"name": "werkzeug.exceptions.ServiceUnavailable", "message": "down"}, (OdooUnavailable, "down")),
    ],
)
def test_json2_error_is_classified_by_name_then_status(status, body, expected):
    error = faults.from_json2_error(status, body)
    assert (type(error), error.message) == expected


def test_timeout_is_a_kind_of_unavailable():
    assert issubclass(OdooTimeout, OdooUnavailable)
    assert (OdooTimeout.http_status, OdooUnavailable.http_status) == (504, 502)


def _recorded_raw_fault_bodies():
    params = []
    for name in ("faults_xmlrpc", "jsonrpc"):
        for entry in _load(name):
            if entry.get("fault") and entry.get("raw_response_body"):
                params.append(pytest.param(name, entry, id=f"{name}: {entry['label']}"))
    return params


@pytest.mark.parametrize(("name", "entry"), _recorded_raw_fault_bodies())
def test_recorded_raw_answer_raises_through_the_client(misbehaving_odoo, name, entry):
    """The bytes Odoo sent, served over HTTP, raise the expected error from execute_kw."""
    protocol = entry["call"]["protocol"]
    client = OdooClient(misbehaving_odoo.url, "odoo18", "admin", "admin", protocol)
    client.uid  # log in first: the recorded answer then answers the call itself
    answer = raw(entry["raw_response_body"], entry["response_headers"]["Content-Type"])
    params = entry["call"]["params"] if protocol == "xmlrpc" else entry["call"]["request"]["params"]["args"]
    model, method, args = params[3], params[4], params[5]
    expected = XMLRPC_EXPECTED[(name, entry["label"])] if protocol == "xmlrpc" else JSONRPC_EXPECTED[entry["label"]]
    if expected[0] is OdooAuthError:
        # A refused call is tried once more after a fresh login: refuse that one too.
        misbehaving_odoo.then(answer, None, answer)
    else:
        misbehaving_odoo.then(answer)
    with pytest.raises(OdooError) as caught:
        client.execute_kw(model, method, args, params[6] if len(params) > 6 else {})
    assert (type(caught.value), caught.value.message) == expected


@pytest.mark.parametrize("protocol", ["xmlrpc", "jsonrpc"])
def test_deleting_admins_contact_through_the_client_gives_odoos_sentence(fake_odoo, protocol):
    """The stand-in refuses as Odoo does (RedirectWarning); both protocols give the same message."""
    client = OdooClient(fake_odoo.url, "odoo18", "admin", "admin", protocol)
    with pytest.raises(OdooValidationError) as caught:
        client.execute_kw("res.partner", "unlink", [[3]], {})
    assert caught.value.message == DELETE_LINKED
    expected_name = "odoo.exceptions.RedirectWarning" if protocol == "jsonrpc" else "odoo.exceptions.UserError"
    assert caught.value.odoo_name == expected_name


@pytest.mark.parametrize("protocol", ["xmlrpc", "jsonrpc"])
def test_a_stand_in_crash_reaches_the_client_as_a_server_error_not_a_client_error(fake_odoo, monkeypatch, protocol):
    """A KeyError inside the stand-in used to be a 400 naming the key; it is now a loud server error."""

    def crash(recs):
        raise KeyError("account.analytic.account")

    monkeypatch.setattr("fake_odoo.models.before_unlink", crash)
    client = OdooClient(fake_odoo.url, "odoo18", "admin", "admin", protocol)
    with pytest.raises(OdooError) as caught:
        client.execute_kw("res.partner", "unlink", [[9]], {})
    assert type(caught.value) is OdooError
    assert caught.value.http_status == 502
    assert "account.analytic.account" in caught.value.message
    assert fake_odoo.not_modelled
    fake_odoo.store.not_modelled.clear()  # met on purpose: the fixture fails any other test that meets one


CONFIRMED_LINE_UNLINK = (
    "Once a sales order is confirmed, you can't remove one of its lines (we need to track if something gets "
    "invoiced or delivered).\n                Set the quantity to 0 instead."
)


def test_a_user_error_keeps_every_line_of_odoos_message():
    """Odoo's advice on its second line reaches the caller, on one line with the first."""
    error = faults.from_jsonrpc_error(
        {"code": 200, "data": {"name": "odoo.exceptions.UserError", "message": CONFIRMED_LINE_UNLINK}}
    )
    assert (type(error), error.message) == (
        OdooValidationError,
        "Once a sales order is confirmed, you can't remove one of its lines (we need to track if something gets "
        "invoiced or delivered). Set the quantity to 0 instead.",
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda text: faults.from_jsonrpc_error({"code": 200, "data": {"name": "builtins.ValueError", "message": text}}),
        lambda text: faults.from_json2_error(500, {"name": "builtins.ValueError", "message": text}),
        lambda text: faults.from_xmlrpc_fault(2, text),
    ],
    ids=["jsonrpc", "json2", "xmlrpc code 2"],
)
def test_a_traceback_inside_a_message_is_cut(make):
    text = (
        "Wrong value for res.partner.type: 'bogus'\nTraceback (most recent call last):\n"
        '  File "/opt/odoo/odoo/fields.py", line 1, in convert\nValueError: SELECT secret FROM res_users'
    )
    error = make(text)
    assert error.message == "Wrong value for res.partner.type: 'bogus'"


def test_a_traceback_fault_gives_its_exception_message_only():
    """XML-RPC code 1 carries the traceback: only the exception's own message is kept."""
    text = (
        "Traceback (most recent call last):\n"
        '  File "/opt/odoo/odoo/service/model.py", line 156, in retrying\n'
        "    result = func()\n"
        "ValueError: Invalid field 'bogus' on model 'res.partner'\n"
    )
    error = faults.from_xmlrpc_fault(1, text)
    assert (type(error), error.message) == (OdooRequestError, "Invalid field 'bogus' on model 'res.partner'")
