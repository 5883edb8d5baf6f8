"""Endpoint admin: configuration with lines inline, URL and curl examples, tokens, fields_get warnings."""

import re

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from endpoints.models import Endpoint, EndpointToken
from mappings.models import MappingLine
from tests.endpoints.support import ALICE, CUSTOMER_LINES, body, error

pytestmark = pytest.mark.django_db

TOKEN_IN_MESSAGE = re.compile(r": (hubt_\S+) — copy it now, it is not shown again\.$")


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-for-tests")
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def form_data(connection, lines, **fields) -> dict:
    data = {
        "name": "Customers",
        "request_type": "in",
        "connection": connection.pk,
        "odoo_model": "res.partner",
        "domain": "[('is_company', '=', False)]",
        "slug": "customers",
        "allowed_methods": ["GET", "POST"],
        "auth": "none",
        "basic_username": "",
        "new_basic_password": "",
        "is_paginated": "on",
        "page_size": "100",
        "log_mode": "all",
        "active": "on",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "tokens-TOTAL_FORMS": "0",
        "tokens-INITIAL_FORMS": "0",
        "tokens-MIN_NUM_FORMS": "0",
        "tokens-MAX_NUM_FORMS": "1000",
    }
    for index, line in enumerate(lines):
        values = {
            "sequence": str(10 * (index + 1)),
            "value_type": "plain",
            "odoo_type": "",
            "direction": "both",
            "default": "null",
            **line,
        }
        for key, value in values.items():
            if value is True:
                value = "on"
            if value is not False:
                data[f"lines-{index}-{key}"] = value
    data.update(fields)
    return data


LINES = [
    {"odoo_field": "ref", "external_key": "customer_id", "is_identifier": True, "required": True},
    {"odoo_field": "name", "external_key": "name"},
]


def test_changelist_and_add_page_load(admin_client, customers):
    assert admin_client.get("/admin/endpoints/endpoint/").status_code == 200
    assert admin_client.get("/admin/endpoints/endpoint/add/").status_code == 200
    assert admin_client.get("/admin/endpoints/endpointtoken/").status_code == 200


def test_add_endpoint_with_inline_lines_fills_odoo_types_from_fields_get(admin_client, odoo_connection, fake_odoo):
    response = admin_client.post("/admin/endpoints/endpoint/add/", form_data(odoo_connection, LINES), follow=True)
    assert response.status_code == 200
    endpoint = Endpoint.objects.get(slug="customers")
    assert [(line.external_key, line.odoo_type) for line in endpoint.lines.order_by("sequence")] == [
        ("customer_id", "char"),
        ("name", "char"),
    ]
    assert "Odoo field types filled in from Odoo: customer_id (char), name (char)." in messages_of(response)


def test_the_inline_needs_exactly_one_identifier(admin_client, odoo_connection):
    lines = [{"odoo_field": "ref", "external_key": "customer_id"}, {"odoo_field": "name", "external_key": "name"}]
    response = admin_client.post("/admin/endpoints/endpoint/add/", form_data(odoo_connection, lines))
    assert response.status_code == 200
    assert "Exactly one mapping line must be the record identifier (found 0)." in response.content.decode()
    assert not Endpoint.objects.exists()


def test_a_bad_domain_is_refused_by_the_form(admin_client, odoo_connection):
    response = admin_client.post(
        "/admin/endpoints/endpoint/add/", form_data(odoo_connection, LINES, domain="[('name', 'regexp', 'x')]")
    )
    assert response.status_code == 200
    assert not Endpoint.objects.exists()
    assert "regexp" in response.content.decode()


def test_an_unknown_odoo_field_is_an_error_on_its_line_and_nothing_is_saved(admin_client, odoo_connection, fake_odoo):
    lines = [*LINES, {"odoo_field": "nmae", "external_key": "nope", "odoo_type": "char"}]
    response = admin_client.post("/admin/endpoints/endpoint/add/", form_data(odoo_connection, lines))
    assert response.status_code == 200
    assert not Endpoint.objects.exists()
    [line_form] = [f for f in response.context["inline_admin_formsets"][0].formset.forms if f.errors]
    assert line_form.errors == {"odoo_field": ["res.partner has no field 'nmae'."]}
    assert "Some mapping lines do not fit the Odoo model: see the lines marked below." in response.content.decode()


def test_a_lookup_of_the_wrong_model_or_field_and_a_wrong_value_type_are_refused(
    admin_client, odoo_connection, fake_odoo
):
    lines = [
        *LINES,
        {
            "odoo_field": "country_id",
            "external_key": "country",
            "value_type": "many2one",
            "options-many2one-model": "res.country",
            "options-many2one-field": "kode",
        },
        {
            "odoo_field": "name",
            "external_key": "named",
            "value_type": "many2one",
            "options-many2one-model": "res.country",
            "options-many2one-field": "code",
        },
    ]
    response = admin_client.post("/admin/endpoints/endpoint/add/", form_data(odoo_connection, lines))
    assert not Endpoint.objects.exists()
    errors = [f.errors for f in response.context["inline_admin_formsets"][0].formset.forms if f.errors]
    assert errors == [
        {"odoo_field": ["res.country has no field 'kode' to look records up by."]},
        {"odoo_field": ["res.partner.name is a char field, not many2one."]},
    ]


def test_an_unknown_odoo_model_is_refused(admin_client, odoo_connection, fake_odoo):
    response = admin_client.post(
        "/admin/endpoints/endpoint/add/", form_data(odoo_connection, LINES, odoo_model="res.partnr")
    )
    assert not Endpoint.objects.exists()
    assert "Odoo has no model &#x27;res.partnr&#x27;." in response.content.decode()


def test_odoo_not_answering_saves_the_endpoint_inactive_until_a_check_passes(admin_client, odoo_connection, fake_odoo):
    fake_odoo.faults.garbage("html")
    response = admin_client.post("/admin/endpoints/endpoint/add/", form_data(odoo_connection, LINES), follow=True)
    endpoint = Endpoint.objects.get(slug="customers")
    assert not endpoint.active
    [warning] = [m for m in messages_of(response) if m.startswith("Could not check fields of res.partner against Odoo")]
    assert warning.endswith(
        "The endpoint is saved inactive: run the action “Check against Odoo” when Odoo answers, "
        "and it is made active if every line fits."
    )
    response = admin_client.post(
        "/admin/endpoints/endpoint/", {"action": "check_against_odoo", "_selected_action": [endpoint.pk]}, follow=True
    )
    assert [m.split(":")[:3] for m in messages_of(response)] == [
        ["customers", " not made active", " Could not check fields of res.partner against Odoo"]
    ]
    endpoint.refresh_from_db()
    assert not endpoint.active
    fake_odoo.faults.clear()
    response = admin_client.post(
        "/admin/endpoints/endpoint/", {"action": "check_against_odoo", "_selected_action": [endpoint.pk]}, follow=True
    )
    assert "customers: every mapping line fits Odoo; active." in messages_of(response)
    endpoint.refresh_from_db()
    assert endpoint.active


def test_the_check_action_names_the_lines_that_do_not_fit(admin_client, make_endpoint, seeded):
    endpoint = make_endpoint(active=False)
    MappingLine.objects.filter(endpoint=endpoint, external_key="email").update(odoo_field="emial")
    response = admin_client.post(
        "/admin/endpoints/endpoint/", {"action": "check_against_odoo", "_selected_action": [endpoint.pk]}, follow=True
    )
    assert "customers: not made active: 'email': res.partner has no field 'emial'." in messages_of(response)
    endpoint.refresh_from_db()
    assert not endpoint.active


def test_basic_password_is_set_through_the_form_and_hashed(admin_client, odoo_connection, client, seeded):
    data = form_data(odoo_connection, LINES, auth="basic", basic_username="shop", new_basic_password="s3cret-pw")
    admin_client.post("/admin/endpoints/endpoint/add/", data)
    endpoint = Endpoint.objects.get(slug="customers")
    assert endpoint.basic_password_hash.startswith("md5$")  # the suite's fast hasher; production's: test_models
    assert "s3cret-pw" not in endpoint.basic_password_hash
    assert endpoint.check_basic_password("s3cret-pw")


def test_basic_without_a_password_is_refused(admin_client, odoo_connection):
    data = form_data(odoo_connection, LINES, auth="basic", basic_username="shop")
    response = admin_client.post("/admin/endpoints/endpoint/add/", data)
    assert "Basic authentication needs a password." in response.content.decode()
    assert not Endpoint.objects.exists()


def test_change_page_shows_the_full_url_and_a_curl_example_per_enabled_method(admin_client, make_endpoint, seeded):
    endpoint = make_endpoint(auth="bearer", allowed_methods=["GET", "POST", "DELETE"])
    page = admin_client.get(f"/admin/endpoints/endpoint/{endpoint.pk}/change/").content.decode()
    assert "http://testserver/bj_api_sync/v1/customers" in page
    assert (
        "curl -s -H &#x27;Authorization: Bearer &lt;token&gt;&#x27; &#x27;http://testserver/bj_api_sync/v1/customers?limit=10&#x27;"
        in page
    )
    assert (
        "curl -s -H &#x27;Authorization: Bearer &lt;token&gt;&#x27; &#x27;http://testserver/bj_api_sync/v1/customers/&lt;customer_id&gt;&#x27;"
        in page
    )
    assert "-X POST" in page
    assert "&quot;customer_id&quot;: &quot;&lt;customer_id&gt;&quot;" in page
    assert "-X DELETE" in page
    assert "-X PUT" not in page


def test_curl_examples_work_as_written(admin_client, client, make_endpoint, seeded):
    from endpoints.admin import curl_examples

    endpoint = make_endpoint(auth="basic", basic_username="shop", basic_password="pw-1")
    examples = dict(curl_examples(endpoint, "http://testserver"))
    assert (
        examples["GET one"] == "curl -s -u 'shop:<password>' 'http://testserver/bj_api_sync/v1/customers/<customer_id>'"
    )
    assert examples["PUT"].startswith("curl -s -X PUT -u 'shop:<password>' -H 'Content-Type: application/json' -d ")


def test_create_token_action_shows_the_token_once_and_it_works(admin_client, client, make_endpoint, seeded):
    endpoint = make_endpoint(auth="bearer")
    response = admin_client.post(
        "/admin/endpoints/endpoint/",
        {"action": "create_token", "_selected_action": [endpoint.pk]},
        follow=True,
    )
    [message] = [m for m in messages_of(response) if "copy it now" in m]
    secret = TOKEN_IN_MESSAGE.search(message).group(1)
    token = EndpointToken.objects.get(endpoint=endpoint)
    assert secret not in token.digest
    assert body(client.get("/bj_api_sync/v1/customers/C001", headers={"Authorization": f"Bearer {secret}"})) == {
        "status": "success",
        "data": ALICE,
    }
    change_page = admin_client.get(f"/admin/endpoints/endpoint/{endpoint.pk}/change/").content.decode()
    assert secret not in change_page
    assert token.prefix in change_page


def test_revoke_action_on_tokens(admin_client, client, make_endpoint, issue_token, seeded):
    endpoint = make_endpoint(auth="bearer")
    secret = issue_token(endpoint)
    token = EndpointToken.objects.get(endpoint=endpoint)
    response = admin_client.post(
        "/admin/endpoints/endpointtoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert "Revoked 1 token(s)." in messages_of(response)
    error(
        client.get("/bj_api_sync/v1/customers", headers={"Authorization": f"Bearer {secret}"}),
        401,
        "Invalid credentials.",
    )


def test_revoke_every_token_of_an_endpoint(admin_client, make_endpoint, issue_token, seeded):
    endpoint = make_endpoint(auth="bearer")
    issue_token(endpoint, name="a")
    issue_token(endpoint, name="b")
    response = admin_client.post(
        "/admin/endpoints/endpoint/", {"action": "revoke_tokens", "_selected_action": [endpoint.pk]}, follow=True
    )
    assert "Revoked 2 token(s)." in messages_of(response)
    assert not EndpointToken.objects.usable().exists()


def test_adding_a_token_in_its_admin_shows_it_once(admin_client, client, make_endpoint, seeded):
    endpoint = make_endpoint(auth="bearer")
    response = admin_client.post(
        "/admin/endpoints/endpointtoken/add/",
        {"endpoint": endpoint.pk, "name": "warehouse", "expires_at_0": "", "expires_at_1": ""},
        follow=True,
    )
    [message] = [m for m in messages_of(response) if "copy it now" in m]
    secret = TOKEN_IN_MESSAGE.search(message).group(1)
    assert message.startswith("Token 'warehouse' for customers: ")
    assert client.get("/bj_api_sync/v1/customers", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_nested_line_parent_choices_are_this_endpoints_one2many_lines(admin_client, make_endpoint, seeded):
    endpoint = make_endpoint(
        slug="orders",
        odoo_model="sale.order",
        domain="[]",
        lines=[
            {"odoo_field": "name", "external_key": "number", "odoo_type": "char", "is_identifier": True},
            {
                "odoo_field": "order_line",
                "external_key": "lines",
                "value_type": "one2many",
                "children": [
                    {"odoo_field": "name", "external_key": "text", "odoo_type": "char"},
                ],
            },
        ],
    )
    other = make_endpoint(slug="others")
    page = admin_client.get(f"/admin/endpoints/endpoint/{endpoint.pk}/change/").content.decode()
    one2many = MappingLine.objects.get(endpoint=endpoint, external_key="lines")
    assert f'<option value="{one2many.pk}"' in page
    assert all(f'<option value="{line.pk}"' not in page for line in other.lines.all())


def test_a_weak_basic_password_is_refused(admin_client, odoo_connection):
    data = form_data(odoo_connection, LINES, auth="basic", basic_username="shop", new_basic_password="abc")
    response = admin_client.post("/admin/endpoints/endpoint/add/", data)
    assert "This password is too short. It must contain at least 8 characters." in response.content.decode()
    assert not Endpoint.objects.exists()


def test_creating_tokens_twice_in_a_second_gives_distinct_names(admin_client, make_endpoint, seeded):
    endpoint = make_endpoint(auth="bearer")
    for _ in range(2):
        admin_client.post("/admin/endpoints/endpoint/", {"action": "create_token", "_selected_action": [endpoint.pk]})
    names = sorted(EndpointToken.objects.filter(endpoint=endpoint).values_list("name", flat=True))
    assert len(names) == 2
    assert len(set(names)) == 2


def test_the_domain_box_is_small_and_mapping_lines_are_stacked_rows_with_empty_unset_defaults(
    admin_client, make_endpoint, seeded
):
    endpoint = make_endpoint()
    page = admin_client.get(f"/admin/endpoints/endpoint/{endpoint.pk}/change/").content.decode()
    assert re.search(r'<textarea name="domain" cols="80" rows="3"[^>]*>', page)
    assert '<div class="hub-options-all" id="id_lines-0-options">' in page
    assert re.search(r'<textarea name="lines-0-default" cols="16" rows="2"[^>]*>\n</textarea>', page)
    assert re.search(r'name="lines-0-odoo_field" value="\w+" class="" maxlength="128" size="16"', page)
    assert page.count('<div class="flex-container form-multiline">') == 2 * (
        len(CUSTOMER_LINES) + 1
    )  # and the empty form "Add another" copies; the options are a row of their own


def test_nested_lines_are_listed_right_after_their_parent(admin_client, make_endpoint, seeded):
    lines = [
        {"odoo_field": "ref", "external_key": "customer_id", "odoo_type": "char", "is_identifier": True},
        {
            "odoo_field": "child_ids",
            "external_key": "contacts",
            "value_type": "one2many",
            "children": [{"odoo_field": "name", "external_key": "contact_name", "odoo_type": "char"}],
        },
        {"odoo_field": "name", "external_key": "name", "odoo_type": "char"},
    ]
    endpoint = make_endpoint(lines=lines)
    # the nested line's sequence (10) is lower than its parent's (20): it still comes after it
    page = admin_client.get(f"/admin/endpoints/endpoint/{endpoint.pk}/change/").content.decode()
    keys = re.findall(r'name="lines-\d+-external_key" value="([\w-]+)"', page)
    assert keys == ["customer_id", "contacts", "contact_name", "name"]


def test_the_token_list_says_each_tokens_state(admin_client, make_endpoint, issue_token, seeded):
    from datetime import timedelta

    endpoint = make_endpoint(auth="bearer")
    issue_token(endpoint, name="live")
    issue_token(endpoint, name="old", expires_at=timezone.now() - timedelta(days=1))
    issue_token(endpoint, name="gone")
    EndpointToken.objects.filter(name="gone").update(revoked_at=timezone.now())
    response = admin_client.get("/admin/endpoints/endpointtoken/")
    states = {
        token.name: response.context["cl"].model_admin.state(token) for token in response.context["cl"].result_list
    }
    assert states == {"gone": f"revoked {timezone.localdate():%Y-%m-%d}", "live": "usable", "old": "expired"}
    assert '<td class="field-state">usable</td>' in response.content.decode()


def test_the_token_add_page_asks_only_what_it_needs_and_says_the_token_is_shown_once(admin_client):
    page = admin_client.get("/admin/endpoints/endpointtoken/add/").content.decode()
    assert (
        '<div class="description">The token is shown once, right after saving: copy it then. '
        "Only its prefix is kept readable.</div>"
    ) in page
    for name in ["endpoint", "name", "expires_at_0"]:
        assert f'name="{name}"' in page
    for readonly in ["Prefix:", "Revoked at:", "Last used at:", "Created at:"]:
        assert readonly not in page


def test_the_endpoint_form_explains_its_fields(admin_client, odoo_connection):
    page = admin_client.get("/admin/endpoints/endpoint/add/").content.decode()
    for help_text in [
        "What callers may do: GET lists and reads, POST creates, PUT updates, DELETE deletes; "
        "a method not ticked answers 405",
        "The URL part: /bj_api_sync/v1/&lt;endpoint identifier&gt;, e.g. partners",
        "The Odoo server whose records this endpoint serves",
        "Bearer: add tokens under Tokens on this page once the endpoint is saved. "
        "HTTP Basic: set the user name and password below",
        "HTTP Basic only",
        "Lists answer a page (limit/offset) with a total; off: every matching record at once",
        "Records per page when the caller gives no limit (at most 1000)",
        "Which calls leave a row in the request log; off keeps no row, not even for a crash",
    ]:
        assert f"<div>{help_text}</div>" in page, help_text


def test_mapping_line_help_texts_keep_their_angle_brackets(admin_client, make_endpoint, seeded):
    endpoint = make_endpoint()
    page = admin_client.get(f"/admin/endpoints/endpoint/{endpoint.pk}/change/").content.decode()
    assert "The key that names a record in /&lt;endpoint&gt;/&lt;id&gt; (one per endpoint)" in page


def add_token_on_the_page(admin_client, endpoint, **fields):
    data = {"token-name": "webshop", "token-expires_at": "", **fields}
    return admin_client.post(f"/admin/endpoints/endpoint/{endpoint.pk}/tokens/add/", data)


def test_a_token_added_on_the_endpoint_page_is_shown_once_and_opens_the_endpoint(
    admin_client, client, make_endpoint, seeded
):
    endpoint = make_endpoint(auth="bearer")
    response = add_token_on_the_page(admin_client, endpoint, **{"token-expires_at": "2099-06-30T12:00"})
    assert response.status_code == 302
    assert response["Location"] == f"/admin/endpoints/endpoint/{endpoint.pk}/change/#tokens"
    token = EndpointToken.objects.get(endpoint=endpoint)
    assert (token.name, timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")) == (
        "webshop",
        "2099-06-30 12:00",
    )
    page = admin_client.get(response["Location"]).content.decode()
    [secret] = re.findall(r'id="new-token-secret" readonly value="(hubt_[^"]+)"', page)
    assert "copy it now: it is shown this once" in page
    assert secret not in token.digest
    assert (
        client.get("/bj_api_sync/v1/customers/C001", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    )
    assert secret not in admin_client.get(response["Location"]).content.decode()


def test_a_token_needs_a_unique_name_and_a_future_expiry(admin_client, make_endpoint, issue_token, seeded):
    endpoint = make_endpoint(auth="bearer")
    issue_token(endpoint, name="webshop")
    response = add_token_on_the_page(admin_client, endpoint)
    assert "No token added: This endpoint already has a token with this name." in messages_of(response)
    response = add_token_on_the_page(admin_client, endpoint, **{"token-name": "erp", "token-expires_at": "2001-01-01"})
    assert "No token added: The expiry must be in the future." in messages_of(response)
    assert EndpointToken.objects.filter(endpoint=endpoint).count() == 1


def test_the_revoke_button_revokes_that_token_only(admin_client, client, make_endpoint, issue_token, seeded):
    endpoint = make_endpoint(auth="bearer")
    kept = issue_token(endpoint, name="kept")
    gone = issue_token(endpoint, name="gone")
    token = EndpointToken.objects.get(name="gone")
    page = admin_client.get(f"/admin/endpoints/endpoint/{endpoint.pk}/change/").content.decode()
    assert f'action="/admin/endpoints/endpoint/{endpoint.pk}/tokens/{token.pk}/revoke/"' in page
    response = admin_client.post(f"/admin/endpoints/endpoint/{endpoint.pk}/tokens/{token.pk}/revoke/", follow=True)
    assert "Token 'gone' revoked: it no longer opens /bj_api_sync/v1/customers." in messages_of(response)
    assert client.get("/bj_api_sync/v1/customers", headers={"Authorization": f"Bearer {gone}"}).status_code == 401
    assert client.get("/bj_api_sync/v1/customers", headers={"Authorization": f"Bearer {kept}"}).status_code == 200


def test_token_buttons_need_the_token_permissions(client, django_user_model, make_endpoint, seeded):
    from django.contrib.auth.models import Group

    support = django_user_model.objects.create_user("sam", password="pw-for-tests")
    support.groups.add(Group.objects.get(name="Support"))
    client.force_login(support)
    endpoint = make_endpoint(auth="bearer")
    assert add_token_on_the_page(client, endpoint).status_code == 403
    assert not EndpointToken.objects.exists()
