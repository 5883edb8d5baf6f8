"""The log admin: read-only, filters, search, detail page, for superusers and support staff."""

import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from logs import paginators
from logs.admin import mapping_line_admin_url
from logs.changelist import DateProbingQuerySet
from logs.models import RequestLog
from tests.logs.factories import make_log

CHANGELIST = "/admin/logs/requestlog/"


def change_url(log) -> str:
    return f"/admin/logs/requestlog/{log.pk}/change/"


def listed_request_ids(response) -> list[str]:
    return [log.request_id for log in response.context["cl"].result_list]


@pytest.fixture
def logs(make_endpoint):
    partners = make_endpoint("partners")
    orders = make_endpoint("orders")
    return {
        "ok": make_log(request_id="ok-1", endpoint=partners, endpoint_slug="partners"),
        "bad": make_log(
            request_id="bad-1",
            endpoint=orders,
            endpoint_slug="orders",
            method="POST",
            path="/bj_api_sync/v1/orders",
            status=400,
            outcome="failure",
            error="Bad value for 'date'.",
            line_id=7,
        ),
        "down": make_log(
            request_id="down-1",
            endpoint=partners,
            endpoint_slug="partners",
            status=502,
            outcome="failure",
            principal="basic:alice",
            client_ip="198.51.100.4",
        ),
        "generic": make_log(
            request_id="gen-1",
            route_kind="generic",
            method="POST",
            path="/api/create_data",
            status=200,
            outcome="failure",
            principal="key:erp",
        ),
    }


@pytest.mark.parametrize("who", ["superuser", "support_user", "integration_admin"])
def test_change_list_renders_for_each_staff_group(client, logs, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert listed_request_ids(response) == ["gen-1", "down-1", "bad-1", "ok-1"]
    content = response.content.decode()
    for column in ["Time", "Status", "Method", "Endpoint", "Path", "Duration (ms)", "RPC calls", "Principal"]:
        assert f">{column}<" in content or f">{column}</a>" in content, column
    assert "4 request logs" in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status_class=5xx", ["down-1"]),
        ("status_class=4xx", ["bad-1"]),
        ("status_class=2xx", ["gen-1", "ok-1"]),
        ("outcome__exact=failure", ["gen-1", "down-1", "bad-1"]),
        ("method=POST", ["gen-1", "bad-1"]),
        ("route_kind__exact=generic", ["gen-1"]),
        ("q=down-1", ["down-1"]),
        ("q=basic:alice", ["down-1"]),
        ("q=198.51.100.4", ["down-1"]),
        ("q=/api/", ["gen-1"]),
        ("q=nothing-like-this", []),
    ],
)
def test_filters_and_search(client, superuser, logs, query, expected):
    client.force_login(superuser)
    response = client.get(f"{CHANGELIST}?{query}")
    assert response.status_code == 200
    assert listed_request_ids(response) == expected


def test_endpoint_filter_and_date_hierarchy(client, superuser, logs):
    client.force_login(superuser)
    partners = logs["ok"].endpoint
    response = client.get(f"{CHANGELIST}?endpoint__id__exact={partners.pk}")
    assert listed_request_ids(response) == ["down-1", "ok-1"]
    today = logs["ok"].created_at
    response = client.get(
        f"{CHANGELIST}?created_at__year={today.year}&created_at__month={today.month}&created_at__day={today.day}"
    )
    assert listed_request_ids(response) == ["gen-1", "down-1", "bad-1", "ok-1"]
    response = client.get(f"{CHANGELIST}?created_at__year={today.year - 1}")
    assert listed_request_ids(response) == []


def test_change_list_never_counts_the_whole_table(client, superuser, logs, monkeypatch):
    monkeypatch.setattr(paginators, "COUNT_CAP", 2)
    monkeypatch.setattr(paginators.CappedCountPaginator, "cap", 2)
    client.force_login(superuser)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST)
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert counts, "the paginator counts (a capped count)"
    for sql in counts:
        assert re.search(r"LIMIT 3\b", sql), sql
    assert "more than 2 request logs" in response.content.decode()


def test_no_add_no_change_and_delete_only_for_superusers(client, superuser, support_user, logs):
    log = logs["bad"]
    client.force_login(support_user)
    assert client.get("/admin/logs/requestlog/add/").status_code == 403
    assert client.post(change_url(log), {"status": 200}).status_code == 403
    assert client.get(f"/admin/logs/requestlog/{log.pk}/delete/").status_code == 403
    assert "Delete" not in client.get(change_url(log)).content.decode().split('id="content"')[1].split("</form>")[-1]
    client.force_login(superuser)
    assert client.get("/admin/logs/requestlog/add/").status_code == 403
    response = client.post(f"/admin/logs/requestlog/{log.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not type(log).objects.filter(pk=log.pk).exists()


def test_detail_page_pretty_prints_and_links(client, integration_admin, make_endpoint):
    endpoint = make_endpoint("orders")
    log = make_log(
        request_id="bad-9",
        endpoint=endpoint,
        endpoint_slug="orders",
        method="POST",
        status=400,
        outcome="failure",
        request_body='{"name":"Azure","lines":[{"qty":2}]}',
        request_body_size=38,
        response_body='{"status":"error","code":400}',
        error="Bad value for 'qty'.",
        error_class="mappings.engine.MappingError",
        line_id=7,
        request_headers={"Authorization": "Bearer ***", "Content-Type": "application/json"},
    )
    client.force_login(integration_admin)
    response = client.get(change_url(log))
    assert response.status_code == 200
    content = response.content.decode()
    assert (
        '<pre id="request-body">{\n  &quot;name&quot;: &quot;Azure&quot;,\n  &quot;lines&quot;: [\n    {\n'
        "      &quot;qty&quot;: 2\n    }\n  ]\n}</pre>"
    ) in content
    response_body = (
        '<pre id="response-body">{\n  &quot;status&quot;: &quot;error&quot;,\n  &quot;code&quot;: 400\n}</pre>'
    )
    assert response_body in content
    assert "Bearer ***" in content
    assert "Bad value for &#x27;qty&#x27;." in content
    assert "mappings.engine.MappingError" in content
    assert f'href="/admin/endpoints/endpoint/{endpoint.pk}/change/"' in content
    line_url = mapping_line_admin_url(7, f"/admin/endpoints/endpoint/{endpoint.pk}/change/")
    assert line_url in (
        "/admin/mappings/mappingline/7/change/",  # if the mappings app registers its own admin
        f"/admin/endpoints/endpoint/{endpoint.pk}/change/#lines-group",  # lines inline on the endpoint
    )
    assert f'<a href="{line_url}">line 7</a>' in content


def test_detail_of_a_row_whose_endpoint_was_deleted(client, superuser):
    log = make_log(endpoint_slug="gone")
    client.force_login(superuser)
    assert "gone (deleted)" in client.get(change_url(log)).content.decode()


def test_anonymous_and_plain_users_are_kept_out(client, db, logs, django_user_model):
    assert client.get(CHANGELIST).status_code == 302
    user = django_user_model.objects.create_user("plain", password="pw-plain-1", is_staff=True)
    client.force_login(user)
    assert client.get(CHANGELIST).status_code == 403


@pytest.fixture
def spread_rows(db):
    moments = ["2025-12-30T23:59:59", "2026-01-05T00:00:00", "2026-01-05T12:00:00", "2026-01-20T08:00:00", "2026-03-01"]
    return [make_log(created_at=datetime.fromisoformat(m).replace(tzinfo=UTC)) for m in moments]


@pytest.mark.parametrize("kind", ["year", "month", "day"])
@pytest.mark.parametrize("status", [None, 200, 404])
def test_date_probing_gives_what_distinct_dates_give(spread_rows, kind, status):
    queryset = RequestLog.objects.all() if status is None else RequestLog.objects.filter(status=status)
    probing = queryset._chain()
    probing.__class__ = DateProbingQuerySet
    assert probing.datetimes("created_at", kind) == list(queryset.datetimes("created_at", kind))
    assert probing.datetimes("created_at", kind, order="DESC") == list(
        queryset.datetimes("created_at", kind, order="DESC")
    )


def test_date_hierarchy_drills_down(client, superuser, spread_rows):
    client.force_login(superuser)

    def links(query: str) -> list[str]:
        content = client.get(f"{CHANGELIST}?{query}").content.decode()
        hierarchy = content.split('<nav class="toplinks">')[1].split("</nav>")[0]
        return re.findall(r'<a href="\?([^"]*)">', hierarchy.replace("&amp;", "&"))

    assert links("") == ["created_at__year=2025", "created_at__year=2026"]
    assert links("created_at__year=2026") == [
        "created_at__month=1&created_at__year=2026",
        "created_at__month=3&created_at__year=2026",
    ]
    assert links("created_at__year=2026&created_at__month=1") == [
        "created_at__day=5&created_at__month=1&created_at__year=2026",
        "created_at__day=20&created_at__month=1&created_at__year=2026",
    ]


def test_the_mapping_line_link_lands_on_the_lines(client, superuser, make_endpoint):
    endpoint = make_endpoint("orders")
    url = mapping_line_admin_url(7, f"/admin/endpoints/endpoint/{endpoint.pk}/change/")
    client.force_login(superuser)
    page, _, anchor = url.partition("#")
    response = client.get(page)
    assert response.status_code == 200
    assert f'id="{anchor}"' in response.content.decode() if anchor else True


def test_change_list_columns_are_short(client, superuser):
    long_path = "/bj_api_sync/v1/partners/" + "x" * 60
    make_log(request_id="long-1", path=long_path, created_at=datetime(2026, 1, 31, 10, 42, 7, tzinfo=UTC))
    client.force_login(superuser)
    page = client.get(CHANGELIST).content.decode()
    assert ">2026-01-31\N{NO-BREAK SPACE}10:42:07</a>" in page
    assert f'<td class="field-path_column"><span title="{long_path}">{long_path[:47]}…</span></td>' in page


def test_support_staff_see_the_endpoint_and_line_without_links_they_could_not_open(client, support_user, make_endpoint):
    endpoint = make_endpoint("orders")
    log = make_log(request_id="bad-10", endpoint=endpoint, endpoint_slug="orders", status=400, line_id=7)
    client.force_login(support_user)
    assert client.get(f"/admin/endpoints/endpoint/{endpoint.pk}/change/").status_code == 403
    content = client.get(change_url(log)).content.decode()
    assert "<dt>Endpoint</dt><dd>orders</dd>" in content
    assert "<dt>Mapping line</dt><dd>line 7</dd>" in content
    assert "/admin/endpoints/endpoint/" not in content


def test_detail_page_shows_json_nested_too_deep_to_walk_as_text(client, integration_admin):
    deep = "[" * 5000 + "]" * 5000
    log = make_log(request_id="deep-1", status=400, outcome="failure", request_body=deep, request_body_size=10000)
    client.force_login(integration_admin)
    response = client.get(change_url(log))
    assert response.status_code == 200
    assert f'<pre id="request-body">{deep}</pre>' in response.content.decode()
