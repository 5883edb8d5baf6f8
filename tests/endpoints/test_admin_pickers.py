"""The admin's pickers: the connection's models and a model's fields as JSON, from Odoo, staff only."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission

from hub import callstats

MODELS = "/admin/endpoints/endpoint/odoo/models/"
FIELDS = "/admin/endpoints/endpoint/odoo/fields/"


def rpc_calls_of(stats) -> list[tuple[str, str]]:
    return [(model, method) for model, method, _ in stats.calls]


def test_models_are_found_by_technical_name_or_label_in_one_rpc(admin_client, odoo_connection):
    with callstats.tracking() as stats:
        response = admin_client.get(MODELS, {"connection": odoo_connection.pk, "term": "countr"})
    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {"value": "format.vat.label.mixin", "label": "Country Specific VAT Label"},
            {"value": "res.country", "label": "Country"},
            {"value": "res.country.group", "label": "Country Group"},
            {"value": "res.country.state", "label": "Country state"},
        ]
    }
    assert rpc_calls_of(stats) == [("ir.model", "search_read")]


def test_fields_say_label_type_relation_and_required_from_one_cached_fields_get(admin_client, odoo_connection):
    asked = {"connection": odoo_connection.pk, "model": "res.partner", "term": "countr"}
    with callstats.tracking() as stats:
        first = admin_client.get(FIELDS, asked).json()
        again = admin_client.get(FIELDS, {**asked, "term": "name"}).json()
    assert first["results"][0] == {
        "value": "country_id",
        "label": "Country",
        "type": "many2one",
        "relation": "res.country",
        "required": False,
    }
    assert {"value": "name", "label": "Name", "type": "char", "relation": "", "required": False} in again["results"]
    assert rpc_calls_of(stats) == [("res.partner", "fields_get")]  # the second question was answered from the cache


def test_a_required_field_says_so(admin_client, odoo_connection):
    asked = {"connection": odoo_connection.pk, "model": "sale.order", "term": "partner_id"}
    [partner] = [row for row in admin_client.get(FIELDS, asked).json()["results"] if row["value"] == "partner_id"]
    assert partner == {
        "value": "partner_id",
        "label": "Customer",
        "type": "many2one",
        "relation": "res.partner",
        "required": True,
    }


def test_nested_lines_get_the_fields_of_the_related_model(admin_client, odoo_connection):
    asked = {"connection": odoo_connection.pk, "model": "sale.order", "via": "order_line", "term": "product_uom_qty"}
    with callstats.tracking() as stats:
        rows = admin_client.get(FIELDS, asked).json()["results"]
    assert [row["value"] for row in rows] == ["product_uom_qty"]
    assert rpc_calls_of(stats) == [("sale.order", "fields_get"), ("sale.order.line", "fields_get")]


@pytest.mark.parametrize(
    ("asked", "status", "error"),
    [
        ({"model": "res.partner"}, 400, "Choose the Odoo connection first."),
        ({"connection": "{pk}"}, 400, "Fill in the model first."),
        (
            {"connection": "{pk}", "model": "res.partner", "via": "name"},
            400,
            "res.partner has no relational field 'name'.",
        ),
    ],
)
def test_questions_the_picker_cannot_answer_say_why(admin_client, odoo_connection, asked, status, error):
    asked = {key: value.format(pk=odoo_connection.pk) for key, value in asked.items()}
    response = admin_client.get(FIELDS, asked)
    assert (response.status_code, response.json()) == (status, {"error": error})


def test_an_unknown_model_is_a_404_naming_it(admin_client, odoo_connection):
    response = admin_client.get(FIELDS, {"connection": odoo_connection.pk, "model": "res.partnr"})
    assert response.status_code == 404
    assert "res.partnr" in response.json()["error"]


def test_when_odoo_does_not_answer_the_picker_says_so(admin_client, make_connection):
    down = make_connection(server=SimpleNamespace(url="http://127.0.0.1:9", database="odoo18"), name="down")
    response = admin_client.get(MODELS, {"connection": down.pk, "term": "res"})
    assert response.status_code == 502
    assert response.json()["error"].startswith("Odoo did not answer: ")


def test_pickers_are_for_staff_who_may_edit_endpoints(client, django_user_model, odoo_connection):
    asked = {"connection": odoo_connection.pk, "term": "res"}
    assert client.get(MODELS, asked).status_code == 302  # to the login page
    user = django_user_model.objects.create_user("viewer", password="pw-viewer-1234", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_endpoint"))
    client.force_login(user)
    assert client.get(MODELS, asked).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="change_endpoint"))
    client.force_login(django_user_model.objects.get(pk=user.pk))
    assert client.get(MODELS, asked).status_code == 200


@pytest.mark.parametrize("page", ["/admin/endpoints/endpoint/add/", "/admin/outbound/outboundconfiguration/add/"])
def test_the_endpoint_and_outbound_pages_carry_the_pickers(admin_client, odoo_connection, page):
    html = admin_client.get(page).content.decode()
    assert (
        f'<script src="/static/endpoints/mapping_lines.js" data-fields-url="{FIELDS}" '
        f'data-models-url="{MODELS}" defer></script>'
    ) in html
    assert 'name="odoo_model" data-picker="models" autocomplete="off"' in html
    assert 'name="lines-__prefix__-odoo_field" ' in html
    assert html.count('data-picker="fields"') >= 1
