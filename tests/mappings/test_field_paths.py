"""Which models a domain or an order reaches, from field descriptions alone (no Odoo, no database)."""

import pytest

from mappings.domain import parse_domain
from mappings.field_paths import FieldPathError, domain_models, order_models

FIELDS = {
    "res.partner": {
        "name": {"type": "char"},
        "company_id": {"type": "many2one", "relation": "res.company"},
        "user_ids": {"type": "one2many", "relation": "res.users"},
        "child_ids": {"type": "one2many", "relation": "res.partner"},
        "properties": {"type": "properties"},
    },
    "res.company": {"partner_id": {"type": "many2one", "relation": "res.partner"}, "name": {"type": "char"}},
    "res.users": {"login": {"type": "char"}, "company_id": {"type": "many2one", "relation": "res.company"}},
}


def asked():
    models = []

    def fields_of(model):
        models.append(model)
        return FIELDS[model]

    return models, fields_of


@pytest.mark.parametrize(
    ("domain", "reached", "fields_gets"),
    [
        ("[('name', '=', 'x'), ('company_id', '=', 1), ('user_ids', '!=', False)]", set(), []),
        ("[('company_id.name', '=', 'x')]", {"res.company"}, ["res.partner"]),
        ("[('user_ids.company_id.partner_id.name', '=', 'x')]", {"res.users", "res.company"}, 3),
        ("[('company_id.id', '=', 1)]", {"res.company"}, ["res.partner"]),
        ("[('child_ids', 'any', [('name', '=', 'x')])]", set(), ["res.partner"]),
        ("[('child_ids', 'any', [('user_ids', 'any', [('login', '=', 'a')])])]", {"res.users"}, 2),
        ("[('id', 'child_of', 1)]", set(), []),
        ("[('company_id', 'parent_of', 1)]", {"res.company"}, ["res.partner"]),
        ("[('properties.colour', '=', 'red')]", set(), ["res.partner"]),
    ],
)
def test_domain_models(domain, reached, fields_gets):
    models, fields_of = asked()
    assert domain_models(fields_of, "res.partner", parse_domain(domain)) == reached
    assert (len(models) if isinstance(fields_gets, int) else models) == fields_gets


def test_order_models():
    models, fields_of = asked()
    assert order_models(fields_of, "res.partner", "name desc, user_ids.login asc nulls last, company_id") == {
        "res.users"
    }
    assert models == ["res.partner"]


@pytest.mark.parametrize(
    ("domain", "message"),
    [
        ("[('nope.name', '=', 1)]", "res.partner has no field 'nope' (in 'nope.name')."),
        ("[('name', 'any', [])]", "res.partner.name is not a relational field: 'any' needs one (in 'name')."),
    ],
)
def test_unresolvable_paths(domain, message):
    with pytest.raises(FieldPathError) as caught:
        domain_models(asked()[1], "res.partner", parse_domain(domain))
    assert str(caught.value) == message
