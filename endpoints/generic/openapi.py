"""OpenAPI paths of the generic data routes and the Odoo-style session, as docs/generic-routes.md describes them.

Their path items are written here as schema dicts and added by a drf-spectacular postprocessing
hook (``add_generic_routes``, listed in SPECTACULAR_SETTINGS), like the configured endpoints.
"""

from endpoints.generic import auth, protocol
from endpoints.generic.services import DEFAULT_LIMIT, MAX_LIMIT
from hub.auth.models import ApiKey

DATA_TAG = "generic"
SESSION_TAG = "session"
ERROR_REF = {"$ref": "#/components/schemas/JsonRpcError"}

SECURITY_SCHEMES = {
    "apiKeyBearer": {"type": "http", "scheme": "bearer", "description": "A hub API key: Authorization: Bearer <key>"},
    "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-Api-Key", "description": "A hub API key"},
    "sessionCookie": {
        "type": "apiKey",
        "in": "cookie",
        "name": auth.SESSION_COOKIE,
        "description": "The cookie /web/session/authenticate sets (calls run as that Odoo user)",
    },
}
# alternatives: a key header wins over the session cookie
DATA_SECURITY = [{"apiKeyBearer": []}, {"apiKeyHeader": []}, {"sessionCookie": []}]

JSONRPC_ID = {  # string, number or null (OpenAPI 3.0 has no null type)
    "description": "Echoed in the answer",
    "anyOf": [{"type": "string", "nullable": True}, {"type": "number", "nullable": True}],
}


def _envelope(key: str, body: dict) -> dict:
    """A JSON-RPC answer object carrying ``body`` under ``key`` ("result" or "error")."""
    return {
        "type": "object",
        "required": ["jsonrpc", "id", key],
        "properties": {"jsonrpc": {"type": "string", "enum": [protocol.JSONRPC_VERSION]}, "id": JSONRPC_ID, key: body},
    }


ERROR_SCHEMA = _envelope(
    "error",
    {
        "type": "object",
        "required": ["code", "message", "data"],
        "properties": {
            "code": {"type": "integer", "description": "The HTTP status"},
            "message": {"type": "string"},
            "data": {
                "type": "object",
                "required": ["request_id"],
                "properties": {"request_id": {"type": "string", "nullable": True}},
            },
        },
    },
)
REQUEST_ID_HEADER = {"X-Request-ID": {"description": "The request log's id of this call", "schema": {"type": "string"}}}

ERRORS = {
    "400": "Body not strict JSON, not an object, no params object, params.model not a model name, "
    "params.vals not an object",
    "401": "No credentials, unknown/revoked/expired key, closed or expired session",
    "403": "Route or model outside the key's allow-list, method not callable, private method",
    "405": "Not POST",
    "413": "Body larger than HUB_MAX_REQUEST_BYTES",
    "415": "Not application/json",
    "429": "Too many failed authentication attempts from this address",
    "502": "Odoo unreachable, answering garbage, or refusing the hub's own credentials",
    "503": "No Odoo connection configured",
    "504": "Odoo timed out",
}
DATA_ERRORS = ["400", "401", "403", "405", "413", "415", "429", "502", "503", "504"]
ERROR_HEADERS = {
    "401": {"WWW-Authenticate": {"schema": {"type": "string"}, "description": 'Bearer realm="odoo-hub"'}},
    "405": {"Allow": {"schema": {"type": "string"}, "description": "POST"}},
    "429": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait"}},
}
ERROR_EXAMPLES = {
    "401": "The API key is unknown, revoked or expired.",
    "429": "Too many failed authentication attempts from this address; try again in 300 seconds.",
}

LOOKUP = {
    "type": "object",
    "additionalProperties": True,
    "description": 'One lookup field and value, e.g. {"ref": "C-1"}',
}
PAYLOAD = {
    "type": "object",
    "additionalProperties": True,
    "description": "The record's values. many2one: {<lookup field>: value}, a bare id, or null/false to clear; "
    'many2many: {"mode": "add" | "replace", "records": [{<lookup field>: value} | id, ...]}; '
    "one2many: a list of objects, one per line (replaced on update); "
    'attachment_ids: [{"name", "datas" (base64), "mimetype"}] on the record and on any line.',
}
SEARCH_KEY = {
    "type": "object",
    "additionalProperties": True,
    "minProperties": 1,
    "description": "Field values that must match exactly one record (several fields are ANDed)",
}
FIELD_LIST = {
    "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
    "description": 'Field names, nested sub-fields in braces: ["name", "partner_id{name, email, country_id{code}}"]',
}
AUTO_CREATE = {
    "type": "object",
    "description": "Per relational field of the payload: the values to create when its lookup finds nothing "
    "(one object, completed with the lookup, or a list of which the one carrying the missing value is used)",
    "additionalProperties": {
        "oneOf": [
            {"type": "object", "additionalProperties": True},
            {"type": "array", "items": {"type": "object", "additionalProperties": True}},
        ]
    },
}
AUTO_CREATED_ITEM = {
    "type": "object",
    "properties": {
        "field": {"type": "string"},
        "model": {"type": "string"},
        "id": {"type": "integer"},
        "lookup": {"type": "object", "additionalProperties": True},
    },
}
WRITE_RESULT = {
    "type": "object",
    "description": "The id and the result_field values ({} or {id} on a failure)",
    "properties": {
        "id": {"type": "integer"},
        "auto_created": {"type": "array", "items": AUTO_CREATED_ITEM},
        "auto_created_removed": {"type": "array", "items": AUTO_CREATED_ITEM},
        "auto_created_left": {"type": "array", "items": AUTO_CREATED_ITEM},
    },
    "additionalProperties": True,
}
SEARCH_RESULT = {
    "oneOf": [
        {
            "type": "array",
            "items": {"type": "object", "properties": {"id": {"type": "integer"}}, "additionalProperties": True},
        },
        {"type": "object", "description": "{} on a failure"},
    ],
    "description": "The records found, expanded many2one values as objects (false when empty), x2many as lists",
}
CALL_RESULT = {"description": "What the method returned ({} on a failure)"}


def _vals(properties: dict, required: list[str]) -> dict:
    schema: dict = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def _call(params: dict) -> dict:
    """The JSON-RPC request envelope around ``params``."""
    return {
        "type": "object",
        "required": ["params"],
        "properties": {
            "jsonrpc": {"type": "string", "enum": [protocol.JSONRPC_VERSION]},
            "method": {"type": "string", "description": 'Ignored ("call")'},
            "id": JSONRPC_ID,
            "params": params,
        },
    }


def _data_params(vals: dict) -> dict:
    return {
        "type": "object",
        "required": ["model", "vals"],
        "properties": {
            "model": {"type": "string", "pattern": protocol._MODEL_NAME.pattern, "example": "res.partner"},
            "vals": vals,
        },
    }


def _answer(result: dict) -> dict:
    """The JSON-RPC answer to a call that was carried out (is_success true or false)."""
    return _envelope(
        "result",
        {
            "type": "object",
            "required": ["is_success", "result", "messages"],
            "properties": {
                "is_success": {"type": "boolean", "description": "false: a business failure, told in messages"},
                "result": result,
                "messages": {"type": "string"},
            },
        },
    )


def _rpc(call_id: int, params: dict) -> dict:
    return {"jsonrpc": protocol.JSONRPC_VERSION, "method": "call", "id": call_id, "params": params}


def _answered(call_id: int, is_success: bool, result, messages: str) -> dict:
    return {
        "jsonrpc": protocol.JSONRPC_VERSION,
        "id": call_id,
        "result": {"is_success": is_success, "result": result, "messages": messages},
    }


def _errors(statuses: list[str]) -> dict:
    responses = {}
    for status in statuses:
        media: dict = {"schema": ERROR_REF}
        if status in ERROR_EXAMPLES:
            media["example"] = {
                "jsonrpc": protocol.JSONRPC_VERSION,
                "id": 1,
                "error": {"code": int(status), "message": ERROR_EXAMPLES[status], "data": {"request_id": "3f0c…"}},
            }
        responses[status] = {
            "description": ERRORS[status],
            "headers": {**REQUEST_ID_HEADER, **ERROR_HEADERS.get(status, {})},
            "content": {"application/json": media},
        }
    return responses


def _operation(name, tag, summary, description, request, request_example, response, response_examples, errors):
    return {
        "post": {
            "operationId": name,
            "tags": [tag],
            "summary": summary,
            "description": description,
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": request, "example": request_example}},
            },
            "responses": {
                "200": {
                    "description": "The call was carried out: see result.is_success",
                    "headers": REQUEST_ID_HEADER,
                    "content": {"application/json": {"schema": response, "examples": response_examples}},
                },
                **_errors(errors),
            },
        }
    }


def _examples(success: dict, failure: dict | None = None) -> dict:
    examples = {"success": {"value": success}}
    if failure is not None:
        examples["business_failure"] = {"value": failure}
    return examples


def _data_routes() -> dict:
    write_vals = {
        "payload": PAYLOAD,
        "auto_create": AUTO_CREATE,
        "result_field": {**FIELD_LIST, "description": "Fields to return with the id; " + FIELD_LIST["description"]},
    }
    keyed_vals = {"search_key": SEARCH_KEY, **write_vals}
    search_payload = {
        "type": "object",
        "properties": {
            "search_field": {
                **FIELD_LIST,
                "description": "Default display_name; id always comes back. " + FIELD_LIST["description"],
            },
            "search_domain": {
                "oneOf": [{"type": "string"}, {"type": "array", "items": {}}],
                "description": "An Odoo domain, as text or as a list",
                "example": "[('is_company', '=', True)]",
            },
            "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
            "offset": {"type": "integer", "minimum": 0, "default": 0},
            "order": {"type": "string", "example": "name asc, id desc"},
        },
    }
    call_payload = {
        "type": "object",
        "required": ["method"],
        "properties": {
            "method": {
                "type": "string",
                "description": "An active entry of the admin's Callable methods; never _private",
            },
            "parameter": {"type": "object", "additionalProperties": True, "description": "Keyword arguments"},
            "context": {"type": "object", "additionalProperties": True, "example": {"lang": "fr_FR"}},
        },
    }
    created = _answered(1, True, {"id": 42}, "Record created.")
    no_match = _answered(1, False, {}, 'No res.partner record matches search_key {"ref": "C-404"}.')
    routes = {
        ApiKey.Route.CREATE_DATA: (
            "Create one record (with its lines and files)",
            "Relational values are looked up in batched searches; auto_create makes missing related records.",
            _vals(write_vals, ["payload"]),
            {"model": "res.partner", "vals": {"payload": {"name": "Customer A"}}},
            WRITE_RESULT,
            _examples(
                created,
                _answered(
                    1, False, {}, 'order_line[1].product_id: no product.product record has default_code = "P-9".'
                ),
            ),
        ),
        ApiKey.Route.UPDATE_DATA: (
            "Update the one record search_key matches",
            "search_key must match exactly one record. one2many lines in the payload replace the record's lines.",
            _vals(keyed_vals, ["search_key", "payload"]),
            {"model": "res.partner", "vals": {"search_key": {"ref": "C-1"}, "payload": {"name": "Customer A"}}},
            WRITE_RESULT,
            _examples(_answered(1, True, {"id": 42}, "Record updated."), no_match),
        ),
        ApiKey.Route.CREATE_UPDATE_DATA: (
            "Update the record search_key matches, else create it",
            "When none matches, the record is created with the search_key values added to the payload.",
            _vals(keyed_vals, ["search_key", "payload"]),
            {"model": "res.partner", "vals": {"search_key": {"ref": "C-1"}, "payload": {"name": "Customer A"}}},
            WRITE_RESULT,
            _examples(created),
        ),
        ApiKey.Route.SEARCH_DATA: (
            "Search records, with nested sub-fields expanded",
            "result is the list of records.",
            _vals({"payload": search_payload}, []),
            {
                "model": "res.partner",
                "vals": {
                    "payload": {
                        "search_field": ["name", "email", "country_id{code}"],
                        "search_domain": "[('is_company', '=', True)]",
                        "limit": 10,
                        "offset": 0,
                        "order": "name asc, id desc",
                    }
                },
            },
            SEARCH_RESULT,
            _examples(
                _answered(
                    1,
                    True,
                    [
                        {
                            "id": 42,
                            "name": "Customer A",
                            "email": "a@example.com",
                            "country_id": {"id": 21, "code": "BE"},
                        }
                    ],
                    "1 record(s) found.",
                )
            ),
        ),
        ApiKey.Route.CALL_FUNCTION: (
            "Call an allow-listed method",
            "On the records search_key picks, or on the model without search_key.",
            _vals({"search_key": SEARCH_KEY, "payload": call_payload}, ["payload"]),
            {
                "model": "sale.order",
                "vals": {
                    "search_key": {"name": "S00042"},
                    "payload": {"method": "action_confirm", "parameter": {}, "context": {"lang": "fr_FR"}},
                },
            },
            CALL_RESULT,
            _examples(_answered(1, True, True, "sale.order.action_confirm called on 1 record(s).")),
        ),
    }
    paths = {}
    for route, (summary, description, vals, params_example, result, examples) in routes.items():
        paths[f"/api/{route}"] = _operation(
            f"generic_{route}",
            DATA_TAG,
            summary,
            description,
            _call(_data_params(vals)),
            _rpc(1, params_example),
            _answer(result),
            examples,
            DATA_ERRORS,
        )
        paths[f"/api/{route}"]["post"]["security"] = DATA_SECURITY
    return paths


def _session_routes() -> dict:
    login_params = {
        "type": "object",
        "required": ["db", "login", "password"],
        "properties": {
            "db": {"type": "string", "description": "The connection's database"},
            "login": {"type": "string"},
            "password": {"type": "string", "format": "password"},
            "connection": {"type": "string", "description": "A hub connection name (else the default connection)"},
        },
    }
    login_answer = {
        "type": "object",
        "required": ["jsonrpc", "id", "result"],
        "properties": {
            "jsonrpc": {"type": "string", "enum": [protocol.JSONRPC_VERSION]},
            "id": JSONRPC_ID,
            "result": {
                "type": "object",
                "required": ["uid", "db", "username"],
                "properties": {"uid": {"type": "integer"}, "db": {"type": "string"}, "username": {"type": "string"}},
            },
        },
    }
    authenticate = _operation(
        "session_authenticate",
        SESSION_TAG,
        "Log in as an Odoo user",
        "Checks the credentials in Odoo and sets the session_id cookie; data calls then run as that user.",
        _call(login_params),
        _rpc(1, {"db": "odoo18", "login": "demo", "password": "demo"}),
        login_answer,
        {"success": {"value": {"jsonrpc": "2.0", "id": 1, "result": {"uid": 6, "db": "odoo18", "username": "demo"}}}},
        ["400", "401", "405", "413", "415", "429", "502", "503", "504"],
    )
    post = authenticate["post"]
    post["security"] = []
    post["responses"]["200"]["description"] = "Logged in"
    post["responses"]["200"]["headers"] = {
        **REQUEST_ID_HEADER,
        "Set-Cookie": {
            "description": f"{auth.SESSION_COOKIE}=…; HttpOnly; SameSite=Lax; Secure (unless DEBUG)",
            "schema": {"type": "string"},
        },
    }
    post["responses"]["400"]["description"] = "Body malformed, or a missing db/login/password"
    post["responses"]["401"]["description"] = "Wrong login, password or database"
    del post["responses"]["401"]["headers"]["WWW-Authenticate"]
    del post["responses"]["401"]["content"]["application/json"]["example"]
    logout_answer = {
        "type": "object",
        "required": ["jsonrpc", "id", "result"],
        "properties": {
            "jsonrpc": {"type": "string", "enum": [protocol.JSONRPC_VERSION]},
            "id": JSONRPC_ID,
            "result": {"nullable": True, "enum": [None], "description": "Always null"},
        },
    }
    destroy = _operation(
        "session_destroy",
        SESSION_TAG,
        "Log out",
        "Deletes the session of the session_id cookie and the cookie. The body is optional.",
        _call({"type": "object"}),
        _rpc(1, {}),
        logout_answer,
        {"success": {"value": {"jsonrpc": "2.0", "id": 1, "result": None}}},
        ["400", "405", "413", "415"],
    )
    destroy["post"]["requestBody"]["required"] = False
    destroy["post"]["security"] = [{"sessionCookie": []}, {}]
    return {"/web/session/authenticate": authenticate, "/web/session/destroy": destroy}


def add_generic_routes(result: dict, generator=None, request=None, public=False) -> dict:
    """drf-spectacular postprocessing hook: the generic data routes and the session routes, their
    error object and security schemes."""
    schema = result
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["JsonRpcError"] = ERROR_SCHEMA
    components.setdefault("securitySchemes", {}).update(SECURITY_SCHEMES)
    schema.setdefault("paths", {}).update({**_data_routes(), **_session_routes()})
    schema.setdefault("tags", []).extend(
        [
            {"name": DATA_TAG, "description": "Generic data routes (JSON-RPC, as the Odoo webhook module)"},
            {"name": SESSION_TAG, "description": "Odoo-style session: log in as an Odoo user"},
        ]
    )
    return schema
