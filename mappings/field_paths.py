"""The models a search reaches: dotted field paths, ``any`` sub-domains and order terms resolved
model by model through ``fields_get`` (the cached one of mappings.odoo_fields).

A term on ``user_ids.login`` searches res.users: a caller limited to other models could use it as a
yes/no question about them. A path stepping through a relational field reaches its related model,
and so does ``any`` / ``not any`` on it (the sub-domain is resolved on that model). A relational
field at the end of a path reaches nothing more: comparing it shows no more than reading it (its id
and display name). A non-relational field ends the walk (Odoo reads what follows, e.g. a
property's name, on the same record). Only paths that can step somewhere ask for fields, so a
domain of plain field names costs no ``fields_get``.
"""


from mappings.domain import SUBDOMAIN_OPERATORS
from mappings.odoo_fields import FieldsOf

RELATIONAL = frozenset({"many2one", "one2many", "many2many"})
# These walk the related model's parent hierarchy: they reach it like a step into the field.
HIERARCHY_OPERATORS = frozenset({"child_of", "parent_of"})


class FieldPathError(ValueError):
    """A path names a field the model does not have: where it leads cannot be known."""


def domain_models(fields_of: FieldsOf, model: str, domain: list) -> set[str]:
    """The models other than ``model`` that a parsed (mappings.domain) domain reaches."""
    reached: set[str] = set()
    pending = [(model, domain)]
    while pending:
        current, terms = pending.pop()
        for term in terms:
            if isinstance(term, str):  # '&', '|', '!'
                continue
            path, operator, value = term
            if operator in SUBDOMAIN_OPERATORS:
                end, models = _walk(fields_of, current, path, into_last=True, relation_needed=True)
                reached |= models
                pending.append((end, value))
            elif "." in path or operator in HIERARCHY_OPERATORS:
                reached |= _walk(fields_of, current, path, into_last=operator in HIERARCHY_OPERATORS)[1]
    reached.discard(model)
    return reached


def order_models(fields_of: FieldsOf, model: str, order: str) -> set[str]:
    """The models other than ``model`` an order (``"name asc, user_ids.login desc"``) reaches."""
    reached: set[str] = set()
    for term in order.split(","):
        path = term.strip().split(" ")[0]
        if "." in path:
            reached |= _walk(fields_of, model, path, into_last=False)[1]
    reached.discard(model)
    return reached


def _walk(
    fields_of: FieldsOf, model: str, path: str, *, into_last: bool, relation_needed: bool = False
) -> tuple[str, set[str]]:
    """Where ``path`` ends (a model) and the models it steps into; ``into_last`` steps into its last
    field too when it is relational (``relation_needed``: it must be)."""
    reached: set[str] = set()
    names = path.split(".")
    for position, name in enumerate(names):
        last = position == len(names) - 1
        if name == "id" or (last and not into_last):  # id is never a step; nor is a last field compared
            break
        meta = fields_of(model).get(name)
        if meta is None:
            raise FieldPathError(f"{model} has no field {name!r} (in {path!r}).")
        if meta.get("type") not in RELATIONAL or not meta.get("relation"):
            if relation_needed and last:
                raise FieldPathError(f"{model}.{name} is not a relational field: 'any' needs one (in {path!r}).")
            break
        model = meta["relation"]
        reached.add(model)
    return model, reached

