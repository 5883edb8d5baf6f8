"""OpenAPI paths for every active inbound endpoint, built from its mapping lines and Odoo field types.

drf-spectacular documents the hub's static DRF views; the configured endpoints are one static
pattern each, so their paths are added by a drf-spectacular postprocessing hook
(``add_configured_endpoints``), per endpoint, with request and response schemas taken from the
mapping lines. Field types come from Odoo's
``fields_get`` when the connection answers, else from the value types alone.
"""

import json
import logging

from endpoints import config as endpoint_config
from endpoints.models import MAX_PAGE_SIZE, Endpoint
from hub.odoo.exceptions import OdooError
from mappings import odoo_fields
from mappings.choices import OdooType, ValueType

logger = logging.getLogger(__name__)

ODOO_TYPES = {
    "integer": {"type": "integer"},
    "float": {"type": "number"},
    "monetary": {"type": "number"},
    "boolean": {"type": "boolean"},
    "char": {"type": "string"},
    "text": {"type": "string"},
    "html": {"type": "string"},
    "selection": {"type": "string"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
    "many2one": {"type": "integer", "description": "Odoo id"},
    "many2many": {"type": "array", "items": {"type": "integer"}},
    "one2many": {"type": "array", "items": {"type": "integer"}},
    "binary": {"type": "string", "format": "byte"},
}
ANY_VALUE: dict = {}

ERROR_SCHEMA = {
    "type": "object",
    "required": ["status", "code", "message", "line_id", "request_id"],
    "properties": {
        "status": {"type": "string", "enum": ["error"]},
        "code": {"type": "integer"},
        "message": {"type": "string"},
        "line_id": {"type": "integer", "nullable": True},
        "request_id": {"type": "string", "nullable": True},
    },
}
PAGINATION_SCHEMA = {
    "type": "object",
    "required": ["limit", "offset", "total", "next"],
    "properties": {
        "limit": {"type": "integer"},
        "offset": {"type": "integer"},
        "total": {"type": "integer"},
        "next": {"type": "string", "format": "uri", "nullable": True},
    },
}
ERRORS = {
    "400": "Bad request: unknown parameter or key, missing required key, bad value (line_id names the line)",
    "401": "Missing or wrong credentials",
    "403": "Odoo refused access",
    "404": "Unknown endpoint, or no such record within the endpoint's domain",
    "405": "Method not enabled on this endpoint",
    "409": "A record with this identifier already exists",
    "415": "Content-Type is not application/json",
    "422": "Odoo refused the values",
    "502": "Odoo is unreachable or refused the hub's credentials",
    "504": "Odoo did not answer in time",
}
ERRORS_BY_METHOD = {
    ("collection", "GET"): ["400", "401", "403", "404", "405", "502", "504"],
    ("collection", "POST"): ["400", "401", "403", "404", "405", "409", "415", "422", "502", "504"],
    ("record", "GET"): ["400", "401", "403", "404", "405", "502", "504"],
    ("record", "PUT"): ["400", "401", "403", "404", "405", "415", "422", "502", "504"],
    ("record", "DELETE"): ["400", "401", "403", "404", "405", "502", "504"],
}
SECURITY_SCHEMES = {
    Endpoint.Auth.BASIC: ("endpointBasic", {"type": "http", "scheme": "basic"}),
    Endpoint.Auth.BEARER: ("endpointBearer", {"type": "http", "scheme": "bearer"}),
}


def odoo_field_types(endpoint: Endpoint) -> dict[str, dict]:
    """``fields_get`` of the endpoint's model (type, selection, relation), or {} when Odoo does not answer.

    Cached for a while per connection (and its last change) and model: a schema lists every
    endpoint, and asking Odoo for each on every page view would make the docs slow.
    """
    connection = endpoint.connection
    try:
        return odoo_fields.fields_of(connection, connection.client(), endpoint.odoo_model)
    except OdooError as exc:
        logger.warning("No field types for endpoint %s: Odoo said %s", endpoint.slug, exc.message)
        return {}


def _lookup_item(line, direction: str = "in") -> dict:
    model, lookup_field = line.options.get("model", "?"), line.options.get("field", "?")
    output = line.options.get("output", "field") if direction == "out" else "field"
    if output == "name":  # answers carry what the line's output option asks for; requests the lookup field
        return {"type": "string", "description": f"display name of a {model} record"}
    if output == "id":
        return {"type": "integer", "description": f"id of a {model} record"}
    kind = {"type": "integer"} if lookup_field == "id" else {"type": "string"}
    if direction == "in" and kind["type"] == "string":
        kind["minLength"] = 1  # an empty text names no record: refused like any value no record has
    return {**kind, "description": f"{lookup_field} of a {model} record"}


def line_schema(line, fields: dict, *, direction: str) -> dict:
    """The JSON schema of one mapping line's value, from its value type and the Odoo field type."""
    field_info = fields.get(line.odoo_field, {})
    odoo_type = line.odoo_type or field_info.get("type", "")
    value_type = line.value_type
    schema: dict
    if value_type == ValueType.PLAIN:
        if odoo_type == OdooType.MANY2ONE and line.options.get("many2one_as") == "name" and direction == "out":
            schema = {"type": "string", "description": "display name of the related record"}
        else:
            schema = dict(ODOO_TYPES.get(odoo_type, ANY_VALUE))
        if odoo_type == OdooType.SELECTION and field_info.get("selection"):
            schema["enum"] = [key for key, _label in field_info["selection"]]
    elif value_type == ValueType.DATE:
        fmt = line.options.get("format", "%Y-%m-%d")
        schema = (
            {"type": "string", "format": "date"}
            if fmt == "%Y-%m-%d"
            else {"type": "string", "description": f"date as {fmt}"}
        )
    elif value_type == ValueType.DATETIME:
        fmt = line.options.get("format", "iso")
        schema = (
            {"type": "string", "format": "date-time"}
            if fmt == "iso"
            else {"type": "string", "description": f"date-time as {fmt}"}
        )
    elif value_type == ValueType.SELECTION:
        keys = list(line.options.get("map", {}))
        schema = {"enum": [_json_key(key) for key in keys]}
    elif value_type == ValueType.MANY2ONE:
        schema = _lookup_item(line, direction)
    elif value_type == ValueType.MANY2MANY:
        schema = {"type": "array", "items": _lookup_item(line, direction)}
    elif value_type == ValueType.ONE2MANY and line.children:
        properties, required = _properties(line.children, {}, direction=direction)
        schema = {"type": "array", "items": _object(properties, required if direction == "in" else None)}
    elif value_type == ValueType.ONE2MANY:
        schema = {"type": "array", "items": {"type": "integer"}, "description": "ids of the related records"}
    elif value_type == ValueType.CONSTANT:
        schema = {"description": f"always {line.options.get('value')!r}"}
    else:  # expression: whatever the expression makes of the value
        schema = {"description": "computed by an expression"}
    many2many = value_type == ValueType.MANY2MANY or (value_type == ValueType.PLAIN and odoo_type == OdooType.MANY2MANY)
    if direction == "in" and many2many:
        schema = _many2many_request(schema, line)
    if field_info.get("string") and "description" not in schema:
        schema["description"] = field_info["string"]
    if odoo_type != OdooType.BOOLEAN and "type" in schema and schema["type"] != "array":
        schema["nullable"] = True  # Odoo reads an empty value as False, answered as null
    return schema


def _many2many_request(array: dict, line) -> dict:
    """A many2many line takes a list (in the line's mode) or an object naming its own mode."""
    mode = line.options.get("mode", "replace")
    modes = {
        "type": "object",
        "properties": {"mode": {"enum": ["add", "replace"], "default": mode}, "records": array},
        "required": ["records"],
        "additionalProperties": False,
    }
    return {"oneOf": [array, modes], "description": f"a list ({mode}s the related records), or {{mode, records}}"}


def _json_key(key: str):
    """Selection map keys are JSON text for non-strings (see mappings.values._map_key)."""
    try:
        value = json.loads(key)
    except ValueError:
        return key
    return value if isinstance(value, int | float | bool) else key


def _properties(lines, fields: dict, *, direction: str) -> tuple[dict, list[str]]:
    """JSON schema properties of the keys going ``in`` (request) or ``out`` (response), and the required ones."""
    properties: dict = {}
    required: list[str] = []
    for line in lines:
        going = line.inbound if direction == "in" else line.outbound
        if not going or (direction == "in" and line.value_type == ValueType.CONSTANT):
            continue
        properties[line.external_key] = line_schema(line, fields, direction=direction)
        if direction == "in" and line.required:
            required.append(line.external_key)
    return properties, required


def _object(properties: dict, required: list[str] | None = None) -> dict:
    schema: dict = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = required
    return schema


def _envelope(data: dict, *, paginated: bool = False) -> dict:
    schema = {
        "type": "object",
        "required": ["status", "data"],
        "properties": {"status": {"type": "string", "enum": ["success"]}, "data": data},
    }
    if paginated:
        schema["required"].append("pagination")
        schema["properties"]["pagination"] = PAGINATION_SCHEMA
    return schema


def _responses(kind: str, method: str, ok_status: str, ok_schema: dict, ok_text: str) -> dict:
    responses = {ok_status: {"description": ok_text, "content": {"application/json": {"schema": ok_schema}}}}
    for code in ERRORS_BY_METHOD[(kind, method)]:
        responses[code] = {
            "description": ERRORS[code],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}},
        }
    return responses


FILTER_WORDING = {
    "": "equals",
    "in": "is one of (comma-separated)",
    "gt": "is greater than",
    "gte": "is at least",
    "lt": "is less than",
    "lte": "is at most",
    "ilike": "contains (case-insensitive)",
}


def _filter_parameters(mapping, fields: dict) -> list[dict]:
    """One query parameter per filter the engine accepts, typed like its line where a value is one value."""
    lines = {line.external_key: line for line in mapping.lines}
    parameters = []
    for name in mapping.allowed_params:
        key, _, suffix = name.partition("__")
        schema = {"type": "string", "minLength": 1}  # an empty value is refused (mappings.engine)
        line = lines.get(key)
        if line is not None and suffix in ("", "gt", "gte", "lt", "lte"):
            typed = line_schema(line, fields, direction="in")
            if typed.get("type") in ("integer", "number", "boolean", "string") or "enum" in typed:
                schema = {k: v for k, v in typed.items() if k in ("type", "format", "enum")}
                if schema.get("type") == "string":
                    schema["minLength"] = 1
        parameters.append(
            {
                "name": name,
                "in": "query",
                "required": False,
                "description": f"{key} {FILTER_WORDING.get(suffix, suffix)}",
                "schema": schema,
            }
        )
    return parameters


def example_value(schema: dict, components: dict, key: str = ""):
    """A placeholder value for a JSON schema (``"<key>"`` for text), for curl examples."""
    if "$ref" in schema:
        return example_value(components.get(schema["$ref"].rpartition("/")[2], {}), components, key)
    if "oneOf" in schema:
        return example_value(schema["oneOf"][0], components, key)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {name: example_value(sub, components, name) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [example_value(schema.get("items", {}), components, key)]
    if kind == "integer":
        return 0
    if kind == "number":
        return 0.0
    if kind == "boolean":
        return True
    if kind == "string":
        return {"date": "2026-01-31", "date-time": "2026-01-31T12:00:00Z"}.get(schema.get("format", ""), f"<{key}>")
    return None


def example_payload(mapping) -> dict:
    """A request body with every writable key, for curl examples (values by type, without asking Odoo)."""
    properties, _required = _properties(mapping.lines, {}, direction="in")
    return {key: example_value(schema, {}, key) for key, schema in properties.items()}


def _identifier_schema(identifier) -> dict:
    """The path's {id}: a whole number for an integer identifier (Odoo's id), else non-empty text."""
    if identifier is not None and (identifier.odoo_field == "id" or identifier.odoo_type == OdooType.INTEGER):
        return {"type": "integer"}
    return {"type": "string", "minLength": 1}


def endpoint_paths(endpoint: Endpoint, mapping, fields: dict) -> dict:
    """The OpenAPI path items of one endpoint: its collection and its record route."""
    slug = endpoint.slug
    tag = slug
    record_out = _object(*_properties(mapping.lines, fields, direction="out"))
    record_out.pop("additionalProperties")
    record_in_props, record_in_required = _properties(mapping.lines, fields, direction="in")
    create_body = _object(record_in_props, record_in_required)
    update_body = {**_object(record_in_props), "minProperties": 1}  # a PUT names at least one key
    security = []
    if endpoint.auth in SECURITY_SCHEMES:
        security = [{SECURITY_SCHEMES[endpoint.auth][0]: []}]
    identifier = mapping.identifier
    id_param = {
        "name": "id",
        "in": "path",
        "required": True,
        "description": f"Record identifier: the value of '{identifier.external_key if identifier else '?'}'",
        "schema": _identifier_schema(identifier),
    }
    common = {"tags": [tag], "security": security}
    collection: dict = {}
    record: dict = {}

    if endpoint.allows(Endpoint.Method.GET):
        parameters = list(_filter_parameters(mapping, fields))
        parameters.insert(
            0,
            {
                "name": "order",
                "in": "query",
                "required": False,
                "description": "Comma-separated keys, '-' for descending, e.g. name,-id",
                "schema": {"type": "string"},
            },
        )
        if endpoint.is_paginated:
            parameters[:0] = [
                {
                    "name": "limit",
                    "in": "query",
                    "required": False,
                    "description": f"Records per page: at most {MAX_PAGE_SIZE} are answered (a larger limit "
                    "gets that many, 0 gets one; pagination.limit says what was used)",
                    "schema": {"type": "integer", "minimum": 0, "default": endpoint.page_size},
                },
                {
                    "name": "offset",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 0, "default": 0},
                },
            ]
        collection["get"] = {
            **common,
            "operationId": f"{slug}_list",
            "summary": f"List {endpoint.name}",
            "description": f"Records of Odoo model {endpoint.odoo_model} within the endpoint's domain.",
            "parameters": parameters,
            "responses": _responses(
                "collection",
                "GET",
                "200",
                _envelope({"type": "array", "items": record_out}, paginated=endpoint.is_paginated),
                "A page of records",
            ),
        }
        record["get"] = {
            **common,
            "operationId": f"{slug}_retrieve",
            "summary": f"Read one {endpoint.name} record",
            "parameters": [id_param],
            "responses": _responses("record", "GET", "200", _envelope(record_out), "The record"),
        }
    if endpoint.allows(Endpoint.Method.POST):
        collection["post"] = {
            **common,
            "operationId": f"{slug}_create",
            "summary": f"Create {endpoint.name} records",
            "description": "One JSON object, or a list of them created in one batch."
            + (" An existing identifier updates that record." if endpoint.upsert_on_post else ""),
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"oneOf": [create_body, {"type": "array", "items": create_body}]},
                        # a ready body for clients that import the document (Postman, Insomnia)
                        "example": example_payload(mapping),
                    }
                },
            },
            "responses": _responses(
                "collection",
                "POST",
                "201",
                _envelope({"oneOf": [record_out, {"type": "array", "items": record_out}]}),
                "The created records, as GET shows them",
            ),
        }
        collection["post"]["responses"]["201"]["headers"] = {
            "Location": {
                "description": "URL of the record, when one object was sent",
                "schema": {"type": "string", "format": "uri"},
            }
        }
    if endpoint.allows(Endpoint.Method.PUT):
        record["put"] = {
            **common,
            "operationId": f"{slug}_update",
            "summary": f"Update a {endpoint.name} record (the keys given)",
            "parameters": [id_param],
            "requestBody": {"required": True, "content": {"application/json": {"schema": update_body}}},
            "responses": _responses("record", "PUT", "200", _envelope(record_out), "The updated record"),
        }
    if endpoint.allows(Endpoint.Method.DELETE):
        record["delete"] = {
            **common,
            "operationId": f"{slug}_destroy",
            "summary": f"Delete a {endpoint.name} record",
            "parameters": [id_param],
            "responses": _responses(
                "record",
                "DELETE",
                "200",
                _envelope(_object({identifier.external_key: ANY_VALUE}, [identifier.external_key]))
                if identifier
                else _envelope({}),
                "The identifier of the deleted record",
            ),
        }
    paths = {}
    if collection:
        paths[endpoint.path] = collection
    if record and identifier is not None:  # without an identifier line no record can be addressed
        paths[endpoint.path + "/{id}"] = record
    return paths


def add_endpoints(schema: dict) -> dict:
    """Add every active inbound endpoint's paths, the error envelope and the security schemes."""
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["ErrorEnvelope"] = ERROR_SCHEMA
    schemes = components.setdefault("securitySchemes", {})
    # a copy: drf-spectacular hands over the list of SPECTACULAR_SETTINGS["TAGS"] itself
    tags = schema["tags"] = list(schema.get("tags", []))
    for endpoint in Endpoint.objects.inbound().active().select_related("connection"):
        built = endpoint_config.build(endpoint)
        paths = endpoint_paths(endpoint, built.mapping, odoo_field_types(endpoint))
        if not paths:
            continue
        schema.setdefault("paths", {}).update(paths)
        tags.append({"name": endpoint.slug, "description": f"{endpoint.name} (Odoo model {endpoint.odoo_model})"})
        if endpoint.auth in SECURITY_SCHEMES:
            name, scheme = SECURITY_SCHEMES[endpoint.auth]
            schemes[name] = scheme
    return schema


def add_configured_endpoints(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS): the configured endpoints' paths,
    and the hub's address as the server, so a client importing the document (Postman, Insomnia)
    knows where to send its requests.

    Only for a document served over HTTP: the configuration lives in the database, which
    ``manage.py spectacular`` and drf-spectacular's deploy check must not need.
    """
    if request is None:
        return result
    result["servers"] = [{"url": request.build_absolute_uri("/").rstrip("/")}]
    return add_endpoints(result)
