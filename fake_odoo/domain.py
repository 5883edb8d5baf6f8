"""Odoo 18 domains over the stand-in's in-memory records: validation, evaluation and ordering.

The evaluation follows what Odoo 18 does in SQL (odoo/osv/expression.py and models.py), including
SQL's three-valued logic: a comparison with an unset (NULL) column is neither true nor false, so
``!`` of it does not match either. Leaves are grouped in a tree first, the way Odoo pushes ``!``
into the leaves (``!`` of ``=`` becomes ``!=``, which in Odoo also matches unset values).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from fake_odoo import errors

# --- vocabulary -------------------------------------------------------------------------------

TERM_OPERATORS = (
    "=", "!=", "<=", "<", ">", ">=", "=?", "=like", "=ilike", "like", "not like", "ilike", "not ilike",
    "in", "not in", "child_of", "parent_of", "any", "not any",
)  # fmt: skip
LEAF_OPERATORS = (*TERM_OPERATORS, "<>")
NEGATIVE_OPERATORS = ("!=", "not like", "not ilike", "not in")
NEGATION = {
    "<": ">=", ">": "<=", "<=": ">", ">=": "<", "=": "!=", "!=": "=", "in": "not in", "not in": "in",
    "like": "not like", "not like": "like", "ilike": "not ilike", "not ilike": "ilike",
    "any": "not any", "not any": "any",
}  # fmt: skip
ARITY = {"!": 1, "&": 2, "|": 2}
TRUE_LEAF = (1, "=", 1)
FALSE_LEAF = (0, "=", 1)
HIERARCHY = ("child_of", "parent_of")
# Tags of the internal tree nodes (no field can have these names).
LEAF = "<leaf>"
SUBTREE = "<subtree>"
X2MANY = ("one2many", "many2many")

# --- model facts Odoo keeps in Python (not visible in fields_get) -------------------------------

# Each model's ``_order`` in Odoo 18 (the default order of search and of x2many reads).
MODEL_ORDER: dict[str, str] = {
    "res.partner": "complete_name ASC, id DESC",
    "res.partner.category": "name",
    "ir.model": "model",
    "res.country": "name",
    "res.country.state": "code",
    "res.company": "sequence, name",
    "res.users": "name, login",
    "res.currency": "active desc, name",
    "product.product": "is_favorite desc, default_code, name, id",
    "product.template": "is_favorite desc, name",
    "product.category": "complete_name",
    "uom.uom": "factor DESC, id",
    "uom.category": "name",
    "sale.order": "date_order desc, id desc",
    "sale.order.line": "order_id, sequence, id",
    "account.move": "date desc, name desc, invoice_date desc, id desc",
    "account.move.line": "date desc, move_name desc, id",
    "account.journal": "sequence, type, code",
    "account.tax": "sequence,id",
    "ir.attachment": "id desc",
}

# ``_rec_names_search`` (fields a name search looks at) where it differs from the record name.
REC_NAMES_SEARCH: dict[str, tuple[str, ...]] = {
    "res.partner": ("complete_name", "email", "ref", "vat", "company_registry"),
    "res.country": ("name", "code"),
    "res.country.state": ("name", "code"),
    "res.users": ("name", "login"),
    "product.product": ("name", "default_code"),
    "product.template": ("name", "default_code"),
    "product.category": ("complete_name",),
    "account.move": ("name", "partner_id.name", "ref"),
}

# ``_rec_name`` where it is not ``name``.
REC_NAME: dict[str, str] = {
    "product.category": "complete_name",
    "res.partner": "complete_name",
}

# ``_inherits``: fields of the parent model are readable (and orderable) on the child.
INHERITS: dict[str, tuple[str, str]] = {
    "product.product": ("product.template", "product_tmpl_id"),
    "res.users": ("res.partner", "partner_id"),
}

# Translatable fields (jsonb in Odoo 18): searched and ordered in the context language.
TRANSLATED: dict[str, tuple[str, ...]] = {
    "res.country": ("name",),
    "res.partner.category": ("name",),
    "product.template": ("name", "description_sale", "description"),
    "product.product": ("name", "description_sale", "description"),
    "product.category": (),
    "uom.uom": ("name",),
}

ORDER_INVALID = (
    'Invalid "order" specified ({}). A valid "order" specification is a comma-separated list of valid '
    "field names (optionally followed by asc/desc for the direction)"
)
_ORDER_TERM = r'\s*(?:[a-z0-9_]+|"[a-z0-9_]+")(?:\.[a-z0-9_]+)?(?:\s+(?:asc|desc))?(?:\s+nulls\s+(?:first|last))?\s*'
_ORDER_RE = re.compile(rf"^{_ORDER_TERM}(?:,{_ORDER_TERM})*$", re.IGNORECASE)
_ORDER_PART = re.compile(
    r'^\s*(?P<field>[a-z0-9_]+|"[a-z0-9_]+")(?:\.(?P<prop>[a-z0-9_]+))?'
    r"(?:\s+(?P<direction>asc|desc))?(?:\s+nulls\s+(?P<nulls>first|last))?\s*$",
    re.IGNORECASE,
)


# --- public API ---------------------------------------------------------------------------------


def search(
    env: Any,
    model: str,
    domain: list,
    *,
    order: str | None = None,
    offset: int = 0,
    limit: int | None = None,
    active_test: bool = True,
) -> list[int]:
    """Ids of ``model`` matching ``domain``, ordered like Odoo 18 (``order`` or the model's _order)."""
    ids = _Search(env, active_test).ids(model, domain)
    if ids is None:
        return []
    ordered = order_ids(env, model, ids, order)
    offset = offset or 0
    if limit:
        return ordered[offset : offset + limit]
    return ordered[offset:] if offset else ordered


def validate_domain(env: Any, model: str, domain: Any) -> None:
    """Raise what Odoo raises for a malformed domain (shape, operators, field paths); else nothing."""
    checker = _Search(env, True)
    normalized = _normalize(domain)
    if _is_false(normalized):
        return
    checker.tree(model, _with_active(env, model, domain, True))


def order_ids(env: Any, model: str, ids: Iterable[int], order: str | None = None) -> list[int]:
    """``ids`` sorted by ``order`` (Odoo's syntax) or by the model's default order."""
    if order:
        check_order(env, model, order)
    # A model's own _order may name fields the stand-in does not model (those are skipped).
    terms = _order_terms(env, model, order or MODEL_ORDER.get(model, "id"), frozenset())
    table = env.table(model)
    # PostgreSQL returns rows that tie on every term in no defined order; the stand-in starts from
    # id order (the sorts below are stable) so its answers are deterministic.
    result = sorted(ids)
    for extract, descending, null_rank in reversed(terms):

        def key(record_id: int, extract=extract, null_rank=null_rank) -> tuple:
            value = extract(table.get(record_id), record_id)
            return (null_rank,) if value is None else (0, value)

        result.sort(key=key, reverse=descending)
    return result


def check_order(env: Any, model: str, order: str) -> None:
    """Raise Odoo's UserError for a malformed ``order`` and its ValueError for an unknown field."""
    if not isinstance(order, str) or not _ORDER_RE.match(order):
        raise errors.UserError(ORDER_INVALID.format(order))
    fields = env.fields(model)
    for part in order.split(","):
        name = _ORDER_PART.match(part)["field"].strip('"')
        if name not in fields:
            raise ValueError(f"Invalid field {name!r} on model {model!r}")


# --- domain shape ---------------------------------------------------------------------------------


def _normalize(domain: Any) -> list:
    """The domain with every implicit '&' made explicit; raises on a malformed domain like Odoo."""
    if not isinstance(domain, list | tuple):
        raise AssertionError("Domains to normalize must have a 'domain' form: a list or tuple of domain components")
    if not domain:
        return [TRUE_LEAF]
    out: list = []
    pending = 1  # how many operands the prefix expression still needs
    for token in domain:
        if pending == 0:
            out.insert(0, "&")
            pending = 1
        if isinstance(token, list | tuple):
            pending -= 1
            if len(token) == 3 and token[1] in ("any", "not any"):
                token = (token[0], token[1], _normalize(token[2]))
            else:
                token = tuple(token)
        else:
            pending += ARITY.get(token, 0) - 1
        out.append(token)
    if pending:
        raise ValueError(f"Domain {domain} is syntactically not correct.")
    return out


def _is_false(normalized: list) -> bool:
    """Odoo's shortcut: a domain that is trivially false is answered without looking further."""
    stack: list[int] = []
    for token in reversed(normalized):
        if token == "&":
            stack.append(min(stack.pop(), stack.pop()))
        elif token == "|":
            stack.append(max(stack.pop(), stack.pop()))
        elif token == "!":
            stack.append(-stack.pop())
        elif token == TRUE_LEAF:
            stack.append(1)
        elif token == FALSE_LEAF or (token[1] == "in" and not token[2]):
            stack.append(-1)
        elif token[1] == "not in" and not token[2]:
            stack.append(1)
        else:
            stack.append(0)
    return stack.pop() == -1


def _with_active(env: Any, model: str, domain: list, active_test: bool) -> list:
    """Add ('active', '=', 1) unless the domain names ``active`` at its top level (Odoo's rule)."""
    if active_test and "active" in env.fields(model) and not _names_active(domain):
        return [("active", "=", 1), *domain]
    return list(domain)


def _is_leaf(item: Any) -> bool:
    return (
        isinstance(item, tuple | list)
        and len(item) == 3
        and item[1] in LEAF_OPERATORS
        and ((isinstance(item[0], str) and bool(item[0])) or tuple(item) in (TRUE_LEAF, FALSE_LEAF))
    )


def _canonical_leaf(leaf: tuple) -> tuple:
    """Odoo's leaf normalisation ('<>' is '!=', 'in' a boolean is '=', '=' a list is 'in'), then its check."""
    if _is_leaf(leaf):
        left, operator, right = leaf
        operator = operator.lower()
        if operator == "<>":
            operator = "!="
        if isinstance(right, bool) and operator in ("in", "not in"):
            operator = "=" if operator == "in" else "!="
        if isinstance(right, list | tuple) and operator in ("=", "!="):
            operator = "in" if operator == "=" else "not in"
        return (left, operator, right)
    if not (isinstance(leaf, str) and leaf in ARITY):
        raise ValueError(f"Invalid leaf {leaf}")
    return leaf


# --- trees: ('&', *children) | ('|', *children) | ('!', child) | ('?', bool) | (LEAF, model, left, op, right)


def _and(children: Iterable[tuple]) -> tuple:
    flat: list[tuple] = []
    for child in children:
        if child == ("?", True):
            continue
        if child == ("?", False):
            return child
        flat.extend(child[1:] if child[0] == "&" else [child])
    if not flat:
        return ("?", True)
    return flat[0] if len(flat) == 1 else ("&", *flat)


def _or(children: Iterable[tuple]) -> tuple:
    flat: list[tuple] = []
    for child in children:
        if child == ("?", False):
            continue
        if child == ("?", True):
            return child
        flat.extend(child[1:] if child[0] == "|" else [child])
    if not flat:
        return ("?", False)
    return flat[0] if len(flat) == 1 else ("|", *flat)


def _not(tree: tuple) -> tuple:
    """Push a negation down: De Morgan on '&'/'|', and a leaf's negated operator where one exists."""
    kind = tree[0]
    if kind == "?":
        return ("?", not tree[1])
    if kind == "!":
        return tree[1]
    if kind == "&":
        return _or(_not(child) for child in tree[1:])
    if kind == "|":
        return _and(_not(child) for child in tree[1:])
    if kind == LEAF and tree[3] in NEGATION:
        return (LEAF, tree[1], tree[2], NEGATION[tree[3]], tree[4])
    return ("!", tree)


# --- search ---------------------------------------------------------------------------------------


Pred = Callable[[int, dict], "bool | None"]


class _Search:
    """One search with its context (active_test, lang); compiles domains into record predicates."""

    def __init__(self, env: Any, active_test: bool) -> None:
        self.env = env
        self.active_test = active_test
        context = getattr(env, "context", None) or {}
        self.lang = context.get("lang") or "en_US"

    def with_active_test(self, active_test: bool) -> _Search:
        if active_test == self.active_test:
            return self
        return _Search(self.env, active_test)

    # -- driving --

    def ids(self, model: str, domain: Any) -> list[int] | None:
        """Matching ids in no particular order, or None when the domain is trivially false."""
        normalized = _normalize(domain)
        if _is_false(normalized):
            return None
        tree = self.tree(model, _with_active(self.env, model, domain, self.active_test))
        predicate = self.compile(model, tree)
        table = self.env.table(model)
        return [record_id for record_id, record in table.items() if predicate(record_id, record)]

    def id_set(self, model: str, domain: Any) -> set[int]:
        return set(self.ids(model, domain) or ())

    def tree(self, model: str, domain: list, *, check: bool = True) -> tuple:
        """The domain as a tree of leaves with field paths checked and '!' pushed into the leaves."""
        items = self._paths(model, domain)
        stack: list[tuple] = []
        for item in reversed(items):
            if item == "!":
                stack.append(_not(stack.pop()))
            elif item == "&":
                stack.append(_and((stack.pop(), stack.pop())))
            elif item == "|":
                stack.append(_or((stack.pop(), stack.pop())))
            elif isinstance(item, tuple) and item[:1] == (LEAF,):
                stack.append(item)
            else:
                stack.append((LEAF, model, *item))
        tree = _and(reversed(stack))
        if check:
            self._check(tree)
        return tree

    def _paths(self, model: str, domain: list) -> list:
        """Check each leaf's first field and turn dotted paths into 'any' leaves on the comodel."""
        fields = self.env.fields(model)
        out: list = []
        for item in domain:
            if isinstance(item, str) and item in ARITY:
                out.append(item)
                continue
            left, operator, right = item = tuple(item)
            if item in (TRUE_LEAF, FALSE_LEAF):
                out.append(item)
                continue
            head, _, rest = left.partition(".")
            meta = fields.get(head)
            if meta is None:
                word = "condition" if getattr(getattr(self.env, "store", None), "version", "18") >= "19" else "leaf"
                raise ValueError(f"Invalid field {model}.{head} in {word} {item}")
            comodel = meta.get("relation")
            if rest and comodel:
                sub = [(rest, operator, right)]
                tree = self.tree(comodel, sub, check=False)
                out.append((LEAF, model, head, "any", (SUBTREE, comodel, tree, _names_active(sub))))
            elif operator in ("any", "not any") and comodel:
                sub = list(_normalize(right))
                tree = self.tree(comodel, sub, check=False)
                out.append((LEAF, model, left, operator, (SUBTREE, comodel, tree, _names_active(right))))
            else:
                out.append(item)
        return out

    def _check(self, tree: tuple) -> None:
        """Odoo checks every leaf of a domain as it stacks them, and a path's subdomain only later."""
        subtrees: list[tuple] = []
        for node in _leaves(tree):
            right = node[4]
            if isinstance(right, tuple) and right[:1] == (SUBTREE,):
                subtrees.append(right[2])
            else:
                _canonical_leaf(node[2:])
        for subtree in subtrees:
            self._check(subtree)

    # -- compiling --

    def compile(self, model: str, tree: tuple) -> Pred:
        """The tree as a predicate over (id, record) answering True, False or None (SQL's unknown)."""
        kind = tree[0]
        if kind == "?":
            constant = tree[1]
            return lambda _i, _r: constant
        if kind == "!":
            inner = self.compile(model, tree[1])

            def negate(i: int, r: dict) -> bool | None:
                value = inner(i, r)
                return None if value is None else not value

            return negate
        if kind == "&":
            parts = [self.compile(model, child) for child in tree[1:]]

            def conj(i: int, r: dict) -> bool | None:
                unknown = False
                for part in parts:
                    value = part(i, r)
                    if value is False:
                        return False
                    if value is None:
                        unknown = True
                return None if unknown else True

            return conj
        if kind == "|":
            parts = [self.compile(model, child) for child in tree[1:]]

            def disj(i: int, r: dict) -> bool | None:
                unknown = False
                for part in parts:
                    value = part(i, r)
                    if value is True:
                        return True
                    if value is None:
                        unknown = True
                return None if unknown else False

            return disj
        _, leaf_model, left, operator, right = tree
        if (left, operator, right) == TRUE_LEAF:
            return lambda _i, _r: True
        if (left, operator, right) == FALSE_LEAF:
            return lambda _i, _r: False
        left, operator, right = _canonical_leaf((left, operator, right))
        return self.leaf(leaf_model, left, operator, right)

    def leaf(self, model: str, left: str, operator: str, right: Any) -> Pred:
        """One leaf as a predicate, following Odoo's case analysis by field type."""
        fields = self.env.fields(model)
        meta = fields[left.partition(".")[0]]
        ftype = meta["type"]
        comodel = meta.get("relation")

        if operator in ("any", "not any"):
            _, sub_model, sub_tree, names_active = right
            if ftype == "many2one":
                # Odoo searches the comodel without the active filter for many2one paths.
                matched = self.with_active_test(False).matching(sub_model, sub_tree, names_active)
                return _m2o_in(left, matched, negative=operator == "not any", null_matches=operator == "not any")
            matched = self.matching(sub_model, sub_tree, names_active)
            return self._x2many_in(model, left, meta, matched, negative=operator == "not any")

        if left == "id" and operator in HIERARCHY:
            ids = self._to_ids(right, model)
            matched = self._hierarchy(model, ids, operator, meta_parent=None)
            return lambda i, _r: i in matched

        if "." in left:
            raise AssertionError(f"Invalid field {left!r} in domain term {(left, operator, right)!r}")

        if ftype in X2MANY:
            return self._x2many_leaf(model, left, meta, operator, right)
        if ftype == "binary" and not (operator in ("=", "!=") and not right):
            # Binaries live in attachments: Odoo only tests whether one is set, other leaves are ignored.
            return lambda _i, _r: True
        if ftype == "many2one":
            return self._m2o_leaf(model, left, comodel, operator, right)
        if left == "display_name" and not meta.get("store"):
            return self._display_name_leaf(model, operator, right)
        if ftype == "datetime" and right:
            if isinstance(right, str) and len(right) == 10:
                right += " 23:59:59" if operator in (">", "<=") else " 00:00:00"
            elif isinstance(right, date) and not isinstance(right, datetime):
                right = f"{right.isoformat()} {'23:59:59.999999' if operator in ('>', '<=') else '00:00:00'}"
        if left in TRANSLATED.get(model, ()) and self.lang != "en_US":
            getter = self._translated_getter(model, left)
        else:
            getter = _getter(left)
        return _scalar_leaf(getter, ftype, operator, right)

    def matching(self, model: str, tree: tuple, names_active: bool = False) -> set[int]:
        """Ids of ``model`` matching an already checked tree, with this search's active filter."""
        if self.active_test and not names_active and "active" in self.env.fields(model):
            tree = _and(((LEAF, model, "active", "=", 1), tree))
        predicate = self.compile(model, tree)
        return {i for i, r in self.env.table(model).items() if predicate(i, r)}

    # -- relational leaves --

    def _m2o_leaf(self, model: str, left: str, comodel: str, operator: str, right: Any) -> Pred:
        if operator in HIERARCHY:
            ids = self._to_ids(right, comodel)
            if comodel != model:
                matched = self._hierarchy(comodel, ids, operator, meta_parent=None)
                return _m2o_in(left, matched, negative=False, null_matches=False)
            matched = self._hierarchy(model, ids, operator, meta_parent=left)
            return lambda i, _r: i in matched
        if isinstance(right, str) or (
            isinstance(right, list | tuple) and right and all(isinstance(item, str) for item in right)
        ):
            # A name (or names) instead of ids: Odoo resolves it with a name search on the comodel.
            if operator in ("<", ">", "<=", ">="):
                operator = "in"
            right = list(right) if isinstance(right, tuple) else right
            if not isinstance(right, list) and operator in ("in", "not in"):
                operator = "=" if operator == "in" else "!="
            elif isinstance(right, list) and operator in ("=", "!="):
                operator = "in" if operator == "=" else "not in"
            matched = self.with_active_test(False).name_search_ids(comodel, right, operator)
            negative = operator in NEGATIVE_OPERATORS
            return _m2o_in(left, matched, negative=False, null_matches=negative)
        return _scalar_leaf(_getter(left), "many2one", operator, right)

    def _x2many_leaf(self, model: str, left: str, meta: dict, operator: str, right: Any) -> Pred:
        comodel = meta["relation"]
        if operator in HIERARCHY:
            ids = self._to_ids(right, comodel)
            if meta["type"] == "many2many":
                expanded = self._hierarchy(comodel, ids, operator, meta_parent=None)
                # Odoo searches the expanded ids again, so the active filter applies to them.
                matched = self.id_set(comodel, [("id", "in", sorted(expanded))])
                if comodel == model:
                    return lambda i, _r: i in matched
                return self._x2many_in(model, left, meta, matched, negative=False)
            if comodel != model:
                matched = self._hierarchy(comodel, ids, operator, meta_parent=None)
                return self._x2many_in(model, left, meta, matched, negative=False)
            matched = self._hierarchy(model, ids, operator, meta_parent=left)
            return lambda i, _r: i in matched
        negative = operator in NEGATIVE_OPERATORS
        if right is False:
            # Records with (or without, for a positive operator) any line at all, active or not.
            owners = self._x2many_owners(model, left, meta, None)
            if negative:
                return lambda i, _r: i in owners
            return lambda i, _r: i not in owners
        if isinstance(right, str):
            positive = NEGATION[operator] if negative else operator
            ids = self.name_search_ids(comodel, right, positive)
        elif isinstance(right, Iterable):
            ids = {item for item in right if item}
        else:
            ids = {right} if right else set()
        return self._x2many_in(model, left, meta, ids, negative=negative)

    def _x2many_in(self, model: str, left: str, meta: dict, ids: set, *, negative: bool) -> Pred:
        """Whether a record has at least one line among ``ids`` (negated: none)."""
        owners = self._x2many_owners(model, left, meta, ids)
        if negative:
            return lambda i, _r: i not in owners
        return lambda i, _r: i in owners

    def _x2many_owners(self, model: str, left: str, meta: dict, ids: set | None) -> set[int]:
        """Ids of ``model`` records linked through ``left`` to one of ``ids`` (None: to anything)."""
        comodel = meta["relation"]
        inverse = meta.get("relation_field")
        if meta["type"] == "one2many" and inverse:
            cotable = self.env.table(comodel)
            candidates = cotable.keys() if ids is None else (i for i in ids if i in cotable)
            return {cotable[i].get(inverse) for i in candidates if cotable[i].get(inverse)}
        owners = set()
        for record_id, record in self.env.table(model).items():
            lines = record.get(left) or ()
            if ids is None:
                if lines:
                    owners.add(record_id)
            elif any(line in ids for line in lines):
                owners.add(record_id)
        return owners

    def _display_name_leaf(self, model: str, operator: str, right: Any) -> Pred:
        if model == "res.partner.category" and isinstance(right, str) and " / " in right:
            # A tag's display name is its path; searching it looks at the last part, the tag's name.
            right = right.split(" / ")[-1]
        if operator.endswith("like") and "=" not in operator and not right:
            # Odoo short-cuts an empty pattern: everything matches, or nothing for a negative operator.
            matches_all = operator not in NEGATIVE_OPERATORS
            return lambda _i, _r: matches_all
        names = REC_NAMES_SEARCH.get(model) or (REC_NAME.get(model, "name"),)
        leaves = [(LEAF, model, name, operator, right) for name in names if name.partition(".")[0]]
        tree = _and(leaves) if operator in NEGATIVE_OPERATORS else _or(leaves)
        expanded = self._paths_tree(model, tree)
        return self.compile(model, expanded)

    def _paths_tree(self, model: str, tree: tuple) -> tuple:
        """Re-run path expansion on the leaves of a tree built in code (dotted rec-name fields)."""
        if tree[0] in ("&", "|"):
            return (tree[0], *(self._paths_tree(model, child) for child in tree[1:]))
        if tree[0] == LEAF and "." in tree[2]:
            return self.tree(model, [(tree[2], tree[3], tree[4])])
        return tree

    def name_search_ids(self, model: str, name: Any, operator: str) -> set[int]:
        """Odoo's _name_search: the display-name search, or everything for an empty like/ilike."""
        if name == "" and operator in ("like", "ilike"):
            return self.id_set(model, [])
        return self.id_set(model, [("display_name", operator, name)])

    def _to_ids(self, value: Any, model: str) -> list:
        """Ids from an id, a list of ids, a name or a list of names (names go through a name search)."""
        if isinstance(value, str):
            return sorted(self.name_search_ids(model, value, "ilike"))
        if value and isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
            found: set[int] = set()
            for name in value:
                found |= self.name_search_ids(model, name, "ilike")
            return sorted(found)
        if isinstance(value, int):
            return [value] if value else []
        return list(value)

    def _hierarchy(self, model: str, ids: list, operator: str, meta_parent: str | None) -> set:
        """child_of: the records and all their descendants; parent_of: and all their ancestors."""
        parent = meta_parent or "parent_id"
        if parent not in self.env.fields(model):
            raise errors.OdooKeyError(parent)
        table = self.env.table(model)
        if operator == "child_of":
            if not ids:
                return set()
            children: dict[int, list[int]] = {}
            for record_id, record in table.items():
                up = record.get(parent)
                if up:
                    children.setdefault(up, []).append(record_id)
            found = set(ids)
            todo = list(ids)
            while todo:
                for child in children.get(todo.pop(), ()):
                    if child not in found:
                        found.add(child)
                        todo.append(child)
            return found
        found = set()
        for start in (i for i in ids if i):
            current = start
            while current and current not in found:
                found.add(current)
                current = (table.get(current) or {}).get(parent)
        return found

    def _translated_getter(self, model: str, name: str) -> Callable[[int, dict], Any]:
        lookup = _translation_lookup()
        lang = self.lang

        def get(record_id: int, record: dict) -> Any:
            translated = lookup(model, name, record_id, lang)
            return translated if translated is not None else record.get(name)

        return get


def _leaves(tree: tuple) -> Iterable[tuple]:
    """The leaf nodes of a tree, left to right."""
    if tree[0] in ("&", "|", "!"):
        for child in tree[1:]:
            yield from _leaves(child)
    elif tree[0] == LEAF:
        yield tree


def _names_active(domain: Any) -> bool:
    """Odoo's test for "the domain mentions active": any top-level item whose first element is 'active'."""
    return any(item[0] == "active" for item in domain)


def _translation_lookup() -> Callable[[str, str, int, str], str | None]:
    from fake_odoo.dataset import translation

    return translation


# --- leaves on stored values ------------------------------------------------------------------------


def _getter(name: str) -> Callable[[int, dict], Any]:
    if name == "id":
        return lambda record_id, _record: record_id
    return lambda _record_id, record: record.get(name)


def _m2o_in(left: str, ids: set, *, negative: bool, null_matches: bool) -> Pred:
    """``left in ids`` on a many2one (unset: unknown), or with ``null_matches`` also true when unset."""

    def check(_i: int, record: dict) -> bool | None:
        value = record.get(left)
        if not value:
            return True if null_matches else None
        return (value not in ids) if negative else (value in ids)

    return check


def _is_null(ftype: str, value: Any) -> bool:
    if value is None:
        return True
    if value is False:
        return ftype != "boolean"
    return False


def _column(ftype: str, value: Any) -> Any:
    """A domain value as the column would hold it (Odoo's convert_to_column, without validation)."""
    if value is None or (value is False and ftype != "boolean"):
        return None
    if ftype == "integer":
        return int(value or 0)
    if ftype in ("float", "monetary"):
        return float(value or 0.0)
    if ftype == "boolean":
        return bool(value)
    if ftype == "date":
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        return datetime.strptime(value[:10], "%Y-%m-%d").date().isoformat()
    if ftype == "datetime":
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M:%S.%f").rstrip("0").rstrip(".")
        if isinstance(value, date):
            return f"{value.isoformat()} 00:00:00"
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S"[: len(value) - 2]).strftime("%Y-%m-%d %H:%M:%S")
    if ftype in ("many2one", "id") or isinstance(value, int | float):
        return value
    return value if isinstance(value, str) else str(value)


def _as_text(ftype: str, value: Any) -> str:
    """A column value cast to text as PostgreSQL does for LIKE (``column::text``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def _compare(operator: str, left: Any, right: Any) -> bool:
    if operator == "=":
        return left == right
    if operator == "!=":
        return left != right
    if operator == "<":
        return left < right
    if operator == "<=":
        return left <= right
    if operator == ">":
        return left > right
    return left >= right


def _scalar_leaf(get: Callable[[int, dict], Any], ftype: str, operator: str, right: Any) -> Pred:
    """Odoo's leaf-to-SQL for a plain column, evaluated in Python with SQL's NULL semantics."""
    if operator == "=?":
        if right is False or right is None:
            return lambda _i, _r: True
        operator = "="

    if operator in ("in", "not in"):
        if isinstance(right, bool):
            want_set = (operator == "in") == right
            return lambda i, r: (not _is_null(ftype, get(i, r))) == want_set
        if not isinstance(right, list | tuple):
            raise ValueError(f"Invalid domain term {(operator, right)!r}")
        if ftype == "boolean":
            params = {item for item in (True, False) if item in right}
            check_null = False in right
        else:
            kept = [item for item in right if item is not False and item is not None]
            check_null = len(kept) < len(right)
            params = {_column(ftype, item) if ftype != "id" else item for item in kept}
        positive = operator == "in"

        def member(i: int, r: dict) -> bool | None:
            value = get(i, r)
            if _is_null(ftype, value):
                # IN (...) on NULL is unknown; Odoo adds "OR col IS NULL" when False was listed (or for NOT IN).
                if positive:
                    return True if check_null else (None if params else False)
                return not check_null
            found = value in params
            return found if positive else not found

        return member

    if ftype == "boolean" and operator in ("=", "!=") and isinstance(right, bool):
        wanted = (not right) if operator == "!=" else right
        if wanted:
            return lambda i, r: None if get(i, r) is None else get(i, r) is True
        return lambda i, r: not get(i, r)

    if operator == "=" and (right is False or right is None):
        return lambda i, r: _is_null(ftype, get(i, r))
    if operator == "!=" and (right is False or right is None):
        return lambda i, r: not _is_null(ftype, get(i, r))

    if operator in ("like", "ilike", "not like", "not ilike", "=like", "=ilike"):
        insensitive = operator.endswith("ilike")
        pattern = _text(right) if operator.startswith("=") else f"%{_text(right)}%"
        regex = _like_regex(pattern, insensitive)
        negative = operator.startswith("not")
        # Odoo adds "OR column IS NULL" for an empty wildcard pattern and for a negative one.
        null_true = (not operator.startswith("=") and not right) or (bool(right) and negative)

        def like(i: int, r: dict) -> bool | None:
            value = get(i, r)
            if _is_null(ftype, value):
                return True if null_true else None
            text = _as_text(ftype, value)
            hit = regex.fullmatch(text.lower() if insensitive else text) is not None
            return (not hit) if negative else hit

        return like

    target = _column(ftype if ftype != "many2one" else "many2one", right)
    null_true = bool(right) and operator in NEGATIVE_OPERATORS

    def compare(i: int, r: dict) -> bool | None:
        value = get(i, r)
        if _is_null(ftype, value):
            return True if null_true else None
        if target is None:
            return None
        try:
            return _compare(operator, value, target)
        except TypeError:
            return _compare(operator, str(value), str(target))

    return compare


def _text(value: Any) -> str:
    if value is None or value is False:
        return ""
    if isinstance(value, bytes):
        return value.decode()
    return value if isinstance(value, str) else str(value)


_LIKE_CACHE: dict[tuple[str, bool], re.Pattern] = {}


def _like_regex(pattern: str, insensitive: bool) -> re.Pattern:
    cached = _LIKE_CACHE.get((pattern, insensitive))
    if cached is not None:
        return cached
    source = pattern.lower() if insensitive else pattern
    parts = []
    index = 0
    while index < len(source):
        char = source[index]
        if char == "\\":
            index += 1
            if index == len(source):
                raise ValueError("LIKE pattern must not end with escape character")
            parts.append(re.escape(source[index]))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
        index += 1
    compiled = re.compile("".join(parts), re.DOTALL)
    if len(_LIKE_CACHE) < 4096:
        _LIKE_CACHE[(pattern, insensitive)] = compiled
    return compiled


# --- ordering -------------------------------------------------------------------------------------


Extract = Callable[["dict | None", int], Any]


def _order_terms(env: Any, model: str, spec: str, seen: frozenset, reverse: bool = False) -> list[tuple]:
    """(extract(record, id) -> value | None, descending, null rank) per sort key, many2one expanded."""
    fields = env.fields(model)
    terms: list[tuple] = []
    for part in spec.split(","):
        match = _ORDER_PART.match(part)
        name = match["field"].strip('"')
        descending = (match["direction"] or "asc").lower() == "desc"
        nulls = (match["nulls"] or "").lower()
        if reverse:
            descending = not descending
            nulls = {"first": "last", "last": "first"}.get(nulls, "")
        meta = fields.get(name)
        if meta is None or not _orderable(env, model, name, meta):
            continue
        if meta["type"] == "many2one" and (match["prop"] or "").lower() != "id":
            terms.extend(_m2o_terms(env, model, name, meta, descending, nulls, seen))
            continue
        terms.append((_order_extract(env, model, name, meta), descending, _null_rank(descending, nulls)))
    return terms


def _orderable(env: Any, model: str, name: str, meta: dict) -> bool:
    """Odoo orders by stored columns only (inherited ones through the parent model)."""
    if name == "id" or meta.get("store"):
        return meta["type"] not in X2MANY
    parent = INHERITS.get(model)
    if parent:
        parent_meta = env.fields(parent[0]).get(name)
        return bool(parent_meta and parent_meta.get("store") and parent_meta["type"] not in X2MANY)
    return False


def _null_rank(descending: bool, nulls: str) -> int:
    # PostgreSQL puts NULLs last ascending and first descending unless told otherwise.
    if not nulls:
        return 1
    if nulls == "last":
        return -1 if descending else 1
    return 1 if descending else -1


def _order_extract(env: Any, model: str, name: str, meta: dict) -> Extract:
    ftype = meta["type"]
    if name == "id":
        return lambda _record, record_id: record_id
    if name in TRANSLATED.get(model, ()):
        lang = (getattr(env, "context", None) or {}).get("lang") or "en_US"
        if lang != "en_US":
            lookup = _translation_lookup()

            def translated(record: dict | None, record_id: int) -> Any:
                if record is None:
                    return None
                value = lookup(model, name, record_id, lang)
                return value if value is not None else _order_value(ftype, record.get(name))

            return translated

    def plain(record: dict | None, _record_id: int) -> Any:
        if record is None:
            return None
        return _order_value(ftype, record.get(name))

    return plain


def _order_value(ftype: str, value: Any) -> Any:
    if ftype == "boolean":
        return bool(value)  # Odoo orders booleans as COALESCE(column, FALSE)
    if value is False or value is None:
        return None
    return value


def _m2o_terms(env: Any, model: str, name: str, meta: dict, descending: bool, nulls: str, seen: frozenset) -> list:
    """Order by a many2one the way Odoo does: by the comodel's own _order (reversed when desc)."""
    if (model, name) in seen:
        return []
    seen = seen | {(model, name)}
    comodel = meta["relation"]
    coorder = MODEL_ORDER.get(comodel, "id")
    if coorder == "id":
        return [(_order_extract(env, model, name, meta), descending, _null_rank(descending, nulls))]
    terms: list[tuple] = []
    link = _order_extract(env, model, name, meta)
    if nulls:
        # An explicit NULLS FIRST/LAST becomes a leading "IS NULL" key in Odoo.
        first = nulls == "first"
        terms.append((lambda record, record_id: (link(record, record_id) is None) != first, False, 1))
    cotable = env.table(comodel)
    for extract, co_desc, co_rank in _order_terms(env, comodel, coorder, seen, reverse=descending):

        def through(record: dict | None, record_id: int, extract=extract) -> Any:
            target_id = link(record, record_id)
            if target_id is None:
                return None
            return extract(cotable.get(target_id), target_id)

        terms.append((through, co_desc, co_rank))
    return terms
