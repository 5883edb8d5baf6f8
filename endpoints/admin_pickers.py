"""The JSON the admin's pickers ask for: a connection's models and a model's fields, as Odoo describes them.

Staff-only admin views (wrapped by ``admin_site.admin_view`` in the endpoint admin's URLs). The
fields come from the one cached ``fields_get`` per model (mappings.odoo_fields); when Odoo does not
answer, the answer says so (502) and the page's script leaves the box a plain text box.
"""

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse

from hub.models import OdooConnection
from hub.odoo.exceptions import OdooError, OdooRequestError
from mappings import odoo_fields

FIELDS_SHOWN = 60  # a model has hundreds of fields: the first matches are enough to pick from


class PickerError(Exception):
    """A question the picker cannot answer, with the HTTP status of its answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.status = message, status


def _may_edit_lines(user) -> bool:
    return any(
        user.has_perm(perm)
        for perm in (
            "endpoints.add_endpoint",
            "endpoints.change_endpoint",
            "outbound.add_outboundconfiguration",
            "outbound.change_outboundconfiguration",
        )
    )


def _answer(request, find) -> JsonResponse:
    if not _may_edit_lines(request.user):
        raise PermissionDenied
    try:
        connection_id = request.GET.get("connection", "")
        connection = OdooConnection.objects.filter(pk=connection_id).first() if connection_id.isdigit() else None
        if connection is None:
            raise PickerError("Choose the Odoo connection first.")
        return JsonResponse({"results": find(connection, connection.client(), request.GET.get("term", "").strip())})
    except PickerError as exc:
        return JsonResponse({"error": exc.message}, status=exc.status)
    except OdooRequestError as exc:
        return JsonResponse({"error": exc.message}, status=404)
    except OdooError as exc:
        return JsonResponse({"error": f"Odoo did not answer: {exc.message}"}, status=502)


def models(request) -> JsonResponse:
    """``?connection=<id>&term=<text>``: up to 20 models whose name or label holds the term."""

    def find(connection, client, term):
        return [{"value": row["model"], "label": row["name"]} for row in odoo_fields.find_models(client, term)]

    return _answer(request, find)


def fields(request) -> JsonResponse:
    """``?connection=<id>&model=<model>&via=<field>,<field>&term=<text>``: fields of the model (or of the
    model the relational fields ``via`` lead to, for nested lines) whose name or label holds the term."""

    def find(connection, client, term):
        fields_of = odoo_fields.fields_getter(connection, client)
        model = request.GET.get("model", "").strip()
        if not model:
            raise PickerError("Fill in the model first.")
        for step in filter(None, request.GET.get("via", "").split(",")):
            relation = fields_of(model).get(step, {}).get("relation")
            if not relation:
                raise PickerError(f"{model} has no relational field {step!r}.")
            model = relation
        lowered = term.lower()
        found = [
            {
                "value": name,
                "label": description.get("string") or name,
                "type": description.get("type", ""),
                "relation": description.get("relation") or "",
                "required": bool(description.get("required")),
            }
            for name, description in fields_of(model).items()
            if lowered in name.lower() or lowered in str(description.get("string", "")).lower()
        ]
        found.sort(key=lambda row: (not row["value"].lower().startswith(lowered), row["label"].lower()))
        return found[:FIELDS_SHOWN]

    return _answer(request, find)
