"""GET /bj_api_sync/v1/<endpoint>: pages, filters, order, and what it costs."""

import pytest

from tests.endpoints.support import ALICE, BOB, CAROL, body, error

pytestmark = pytest.mark.django_db

URL = "/bj_api_sync/v1/customers"


def test_list_answers_every_record_of_the_domain_in_the_envelope(client, customers):
    response = client.get(URL)
    assert response.status_code == 200
    assert body(response) == {
        "status": "success",
        "data": [ALICE, BOB, CAROL],
        "pagination": {"limit": 100, "offset": 0, "total": 3, "next": None},
    }
    assert response["Allow"] == "GET, POST"
    assert response["X-API-Version"] == "1.0"


def test_list_pages_with_limit_and_offset_and_links_the_next_page(client, customers):
    first = client.get(URL, {"limit": 2})
    assert body(first) == {
        "status": "success",
        "data": [ALICE, BOB],
        "pagination": {
            "limit": 2,
            "offset": 0,
            "total": 3,
            "next": "http://testserver/bj_api_sync/v1/customers?limit=2&offset=2",
        },
    }
    second = client.get(URL, {"limit": 2, "offset": 2})
    assert body(second) == {
        "status": "success",
        "data": [CAROL],
        "pagination": {"limit": 2, "offset": 2, "total": 3, "next": None},
    }


def test_next_link_keeps_the_filters(client, customers):
    response = client.get(URL, {"name__ilike": "o", "limit": 1})
    assert body(response)["pagination"] == {
        "limit": 1,
        "offset": 0,
        "total": 2,
        "next": "http://testserver/bj_api_sync/v1/customers?name__ilike=o&limit=1&offset=1",
    }
    assert body(response)["data"] == [BOB]


def test_offset_past_the_end_is_an_empty_page_with_the_total(client, customers):
    response = client.get(URL, {"offset": 10})
    assert body(response) == {
        "status": "success",
        "data": [],
        "pagination": {"limit": 100, "offset": 10, "total": 3, "next": None},
    }


def test_limit_is_clamped_to_the_maximum_and_to_one(client, customers):
    assert body(client.get(URL, {"limit": 5000}))["pagination"]["limit"] == 1000
    assert body(client.get(URL, {"limit": 0}))["pagination"]["limit"] == 1


def test_default_limit_is_the_endpoints_page_size(client, make_endpoint, seeded):
    make_endpoint(page_size=2)
    response = client.get(URL)
    assert body(response)["pagination"] == {
        "limit": 2,
        "offset": 0,
        "total": 3,
        "next": "http://testserver/bj_api_sync/v1/customers?limit=2&offset=2",
    }


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": "ten"}, "Query parameter 'limit' must be a whole number, not 'ten'."),
        ({"offset": "-1"}, "Query parameter 'offset' must not be negative."),
    ],
)
def test_bad_paging_values_are_400(client, customers, params, message):
    error(client.get(URL, params), 400, message)


def test_unknown_parameter_is_400_listing_the_allowed_ones(client, customers):
    response = client.get(URL, {"colour": "red", "access_token": "x"})
    error(
        response,
        400,
        "Unknown query parameter(s): access_token, colour. Allowed: limit, offset, order, customer_id, "
        "customer_id__in, customer_id__gt, customer_id__gte, customer_id__lt, customer_id__lte, customer_id__ilike, "
        "name, name__in, name__gt, name__gte, name__lt, name__lte, name__ilike, email, email__in, email__gt, "
        "email__gte, email__lt, email__lte, email__ilike, phone, phone__in, phone__gt, phone__gte, phone__lt, "
        "phone__lte, phone__ilike, country, country__in, country__ilike.",
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"customer_id": "C002"}, [BOB]),
        ({"customer_id__in": "C001,C003"}, [ALICE, CAROL]),
        ({"customer_id__gt": "C001"}, [BOB, CAROL]),
        ({"customer_id__gte": "C002", "customer_id__lte": "C002"}, [BOB]),
        ({"customer_id__lt": "C002"}, [ALICE]),
        ({"name__ilike": "ALICE"}, [ALICE]),
        ({"country": "US"}, [BOB]),
        ({"country__in": "BE,US"}, [ALICE, BOB]),
        ({"email": "nobody@example.com"}, []),
    ],
)
def test_filters_by_external_keys(client, customers, params, expected):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    assert body(response)["data"] == expected
    assert body(response)["pagination"]["total"] == len(expected)


def test_filters_cannot_widen_the_configured_domain(client, customers):
    # the company K001 exists but is outside the domain (is_company = False)
    assert body(client.get(URL, {"customer_id": "K001"}))["data"] == []
    assert body(client.get(URL, {"customer_id__in": "K001,C001"}))["data"] == [ALICE]


def test_or_domain_is_anded_as_a_whole(client, make_endpoint, seeded):
    # without closing the configured '|', a filter would become its second operand and widen it
    make_endpoint(domain="['|', ('ref', '=', 'C001'), ('ref', '=', 'C002')]")
    assert body(client.get(URL, {"customer_id": "C003"}))["data"] == []
    assert body(client.get(URL))["data"] == [ALICE, BOB]


def test_order_by_keys_ascending_and_descending(client, customers):
    assert body(client.get(URL, {"order": "-customer_id"}))["data"] == [CAROL, BOB, ALICE]
    assert body(client.get(URL, {"order": "country,-name"}))["data"][0] == ALICE


def test_unknown_order_key_is_400(client, customers):
    error(
        client.get(URL, {"order": "colour"}),
        400,
        "Unknown order key(s): colour. Allowed: customer_id, name, email, phone, country.",
    )


def test_bad_filter_value_names_the_mapping_line(client, make_endpoint, seeded):
    endpoint = make_endpoint(
        lines=[
            {"odoo_field": "ref", "external_key": "customer_id", "odoo_type": "char", "is_identifier": True},
            {"odoo_field": "color", "external_key": "colour", "odoo_type": "integer"},
        ]
    )
    line = endpoint.lines.get(external_key="colour")
    error(
        client.get(URL, {"colour": "red"}),
        400,
        "Mapping line 'colour' (color): 'red' is not an integer value.",
        line_id=line.pk,
    )


def test_unpaginated_endpoint_answers_everything_without_pagination(client, make_endpoint, seeded, rpc_calls):
    make_endpoint(is_paginated=False)
    response = client.get(URL)
    assert body(response) == {"status": "success", "data": [ALICE, BOB, CAROL]}
    assert rpc_calls == [("res.partner", "web_search_read")]
    error(
        client.get(URL, {"limit": 1}),
        400,
        f"Unknown query parameter(s): limit. Allowed: order, {', '.join(_filters())}.",
    )


def _filters() -> list[str]:
    names = []
    for key in ("customer_id", "name", "email", "phone"):
        names += [key] + [f"{key}__{s}" for s in ("in", "gt", "gte", "lt", "lte", "ilike")]
    return [*names, "country", "country__in", "country__ilike"]


def test_full_page_and_its_total_cost_one_call(client, customers, rpc_calls):
    client.get(URL, {"limit": 1})  # warm the configuration cache
    rpc_calls.clear()
    response = client.get(URL, {"limit": 2})
    assert body(response)["pagination"]["total"] == 3
    assert rpc_calls == [("res.partner", "web_search_read")]


def test_last_page_costs_one_call(client, customers, rpc_calls):
    response = client.get(URL, {"limit": 2, "offset": 2})
    assert body(response)["pagination"]["total"] == 3
    assert rpc_calls == [("res.partner", "web_search_read")]


def test_page_past_the_end_counts_the_total_with_a_second_call(client, customers, rpc_calls):
    response = client.get(URL, {"offset": 10})
    assert body(response)["pagination"] == {"limit": 100, "offset": 10, "total": 3, "next": None}
    assert rpc_calls == [("res.partner", "web_search_read"), ("res.partner", "search_count")]


def test_list_makes_at_most_three_queries_with_the_log_insert(client, customers, django_assert_max_num_queries):
    client.get(URL)  # the first request builds the configuration (cached from then on)
    with django_assert_max_num_queries(1):  # public endpoint: only the log row
        assert client.get(URL).status_code == 200
