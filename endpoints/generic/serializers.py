"""The JSON-RPC calls and answers of the generic routes as DRF serializers, for drf-spectacular.

The views read bodies with ``protocol`` (its own messages and statuses); these serializers say
what the OpenAPI document shows: the envelope, each route's ``vals`` and ``result``, the error
object (component ``JsonRpcError``). A value whose shape no DRF field describes (a JSON-RPC id,
a field list, a domain) is a JSON field with its schema written out (:func:`shaped`).
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from endpoints.generic.services import DEFAULT_LIMIT, MAX_LIMIT
from hub.jsonrpc import JSONRPC_VERSION
from hub.odoo.names import MODEL_NAME


def shaped(schema: dict, **options) -> serializers.JSONField:
    """A JSON value documented as ``schema``."""
    field_class = extend_schema_field(schema)(type("ShapedField", (serializers.JSONField,), {}))
    return field_class(**options)


def free_object(description: str, **options) -> serializers.DictField:
    return serializers.DictField(help_text=description, **options)


VERSION = {"type": "string", "enum": [JSONRPC_VERSION]}
ID = {  # string, number or null (OpenAPI 3.0 has no null type)
    "description": "Echoed in the answer",
    "anyOf": [{"type": "string", "nullable": True}, {"type": "number", "nullable": True}],
}
FIELD_LIST = 'Field names, nested sub-fields in braces: ["name", "partner_id{name, email, country_id{code}}"]'


def field_list(description: str):
    return shaped(
        {
            "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
            "description": f"{description}{FIELD_LIST}",
        },
        required=False,
    )


def search_key_field(**options):
    return shaped(
        {
            "type": "object",
            "additionalProperties": True,
            "minProperties": 1,
            "description": "Field values that must match exactly one record (several fields are ANDed)",
        },
        **options,
    )


def payload_field():
    return free_object(
        "The record's values. many2one: {<lookup field>: value}, a bare id, or null/false to clear; "
        'many2many: {"mode": "add" | "replace", "records": [{<lookup field>: value} | id, ...]}; '
        "one2many: a list of objects, one per line (replaced on update); "
        'attachment_ids: [{"name", "datas" (base64), "mimetype"}] on the record and on any line.'
    )


def auto_create_field():
    return shaped(
        {
            "type": "object",
            "description": "Per relational field of the payload: the values to create when its lookup finds "
            "nothing (one object, completed with the lookup, or a list of which the one carrying the missing "
            "value is used)",
            "additionalProperties": {
                "oneOf": [
                    {"type": "object", "additionalProperties": True},
                    {"type": "array", "items": {"type": "object", "additionalProperties": True}},
                ]
            },
        },
        required=False,
    )


# --- each route's vals ---


class CreateVals(serializers.Serializer):
    payload = payload_field()
    auto_create = auto_create_field()
    result_field = field_list("Fields to return with the id; ")


class KeyedWriteVals(CreateVals):
    search_key = search_key_field()


class SearchPayload(serializers.Serializer):
    search_field = field_list("Default display_name; id always comes back. ")
    search_domain = shaped(
        {
            "oneOf": [{"type": "string"}, {"type": "array", "items": {}}],
            "description": "An Odoo domain, as text or as a list",
            "example": "[('is_company', '=', True)]",
        },
        required=False,
    )
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT)
    offset = serializers.IntegerField(min_value=0, default=0)
    order = shaped({"type": "string", "example": "name asc, id desc"}, required=False)


class SearchVals(serializers.Serializer):
    payload = SearchPayload(required=False)


class CallPayload(serializers.Serializer):
    method = serializers.CharField(help_text="An active entry of the admin's Callable methods; never _private")
    parameter = free_object("Keyword arguments", required=False)
    context = shaped({"type": "object", "additionalProperties": True, "example": {"lang": "fr_FR"}}, required=False)


class CallVals(serializers.Serializer):
    search_key = search_key_field(required=False)
    payload = CallPayload()


# --- each route's result ---


class AutoCreated(serializers.Serializer):
    field = serializers.CharField(required=False)
    model = serializers.CharField(required=False)
    id = serializers.IntegerField(required=False)
    lookup = free_object("The lookup that found nothing", required=False)


class WriteResult(serializers.Serializer):
    """The id and the result_field values ({} or {id} on a failure)."""

    id = serializers.IntegerField(required=False)
    auto_created = AutoCreated(many=True, required=False)
    auto_created_removed = AutoCreated(many=True, required=False)
    auto_created_left = AutoCreated(many=True, required=False)


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


# --- the envelope ---


def call_serializer(name: str, params: serializers.Field) -> type[serializers.Serializer]:
    """The JSON-RPC request around ``params`` (component ``name``)."""
    fields = {
        "jsonrpc": shaped(VERSION, required=False),
        "method": serializers.CharField(required=False, help_text='Ignored ("call")'),
        "id": shaped(ID, required=False),
        "params": params,
    }
    return type(name, (serializers.Serializer,), fields)


def data_call(name: str, vals: serializers.Serializer) -> type[serializers.Serializer]:
    """The request of a data route: ``params.model`` and that route's ``vals``."""
    params = type(
        f"{name}Params",
        (serializers.Serializer,),
        {"model": shaped({"type": "string", "pattern": MODEL_NAME.pattern, "example": "res.partner"}), "vals": vals},
    )
    return call_serializer(name, params())


def answer_serializer(name: str, result: serializers.Field) -> type[serializers.Serializer]:
    """The JSON-RPC answer carrying ``result`` (component ``name``)."""
    return type(name, (serializers.Serializer,), {"jsonrpc": shaped(VERSION), "id": shaped(ID), "result": result})


def data_answer(name: str, result: serializers.Field) -> type[serializers.Serializer]:
    """The answer to a call that was carried out (is_success true or false)."""
    outcome = type(
        f"{name}Outcome",
        (serializers.Serializer,),
        {
            "is_success": serializers.BooleanField(help_text="false: a business failure, told in messages"),
            "result": result,
            "messages": serializers.CharField(),
        },
    )
    return answer_serializer(name, outcome())


class JsonRpcErrorData(serializers.Serializer):
    request_id = serializers.CharField(allow_null=True)


class JsonRpcErrorObject(serializers.Serializer):
    code = serializers.IntegerField(help_text="The HTTP status")
    message = serializers.CharField()
    data = JsonRpcErrorData()


class JsonRpcError(serializers.Serializer):
    """A call refused, or one that could not reach Odoo."""

    jsonrpc = shaped(VERSION)
    id = shaped(ID)
    error = JsonRpcErrorObject()


# --- the session routes ---


class LoginParams(serializers.Serializer):
    db = serializers.CharField(min_length=1, help_text="The connection's database")
    login = serializers.CharField(min_length=1)
    password = shaped({"type": "string", "format": "password", "minLength": 1})
    connection = serializers.CharField(
        required=False, allow_null=True, help_text="A hub connection name (else, or null, the default connection)"
    )


class LoggedIn(serializers.Serializer):
    uid = serializers.IntegerField()
    db = serializers.CharField()
    username = serializers.CharField()


LoginCall = call_serializer("LoginCall", LoginParams())
LoginAnswer = answer_serializer("LoginAnswer", LoggedIn())
LogoutCall = call_serializer("LogoutCall", free_object("Ignored", required=False, allow_null=True))
LogoutAnswer = answer_serializer(
    "LogoutAnswer", shaped({"nullable": True, "description": "Always null"}, allow_null=True)
)
