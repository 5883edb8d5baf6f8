"""Preview and dry run on the endpoint page: what callers would get, and what a body would send to Odoo.

"Preview" makes the real GET list call through ``services.list_records`` (a read) and shows the
first records with the RPC count and time. "Dry run" takes a JSON body and runs the first half of
a POST or PUT: the mapping's values, its lookups (reads, run for real) and the record rule; the
engine gets a client that can only look records up, so nothing can be created or written.
Registered by ``EndpointAdmin.get_urls``; staff with the endpoint change permission only.
"""

import json
import logging
import time
from dataclasses import dataclass

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path

from endpoints import services
from endpoints.config import build
from endpoints.models import Endpoint
from endpoints.schema import example_payload
from hub import callstats, jsonbody
from hub.envelope import describe
from mappings import rules
from mappings.models import MappingLine

logger = logging.getLogger(__name__)

PREVIEW_SIZE = 10  # records shown; a paginated endpoint is asked for this many


def urls(admin_site) -> list:
    """The two pages, under ``/admin/endpoints/endpoint/<id>/``."""
    return [
        path("<path:object_id>/preview/", admin_site.admin_view(preview), name="endpoints_endpoint_preview"),
        path("<path:object_id>/dry-run/", admin_site.admin_view(dry_run), name="endpoints_endpoint_dry_run"),
    ]


@dataclass(frozen=True)
class Problem:
    """An error as a caller would get it: status, message, and the mapping line it names."""

    status: int
    message: str
    line: MappingLine | None


@dataclass(frozen=True)
class Lookup:
    """One lookup the engine ran: what it asked of Odoo, and the records Odoo answered."""

    model: str
    domain: list
    fields: list
    rows: list


class LookupOnlyClient:
    """The client lent to the engine by the dry run: lookups pass through and are written down.

    It has no other method, so a write, a create or a delete cannot happen even by mistake.
    """

    def __init__(self, client):
        self._client = client
        self.lookups: list[Lookup] = []

    def search_read(self, model, domain, fields, **kwargs):
        rows = self._client.search_read(model, domain, fields, **kwargs)
        self.lookups.append(Lookup(model, domain, list(fields), rows))
        return rows


def _endpoint(request, object_id) -> Endpoint:
    if not request.user.has_perm("endpoints.change_endpoint"):
        raise PermissionDenied
    return get_object_or_404(Endpoint.objects.select_related("connection"), pk=object_id)


def _problem(exc: Exception, endpoint: Endpoint) -> Problem:
    status, message, line_id, _headers = describe(exc)
    if getattr(exc, "public_message", "") == message:  # staff may read what callers are not told
        message = f"{message} {exc.message}"
    if status == 500:
        logger.exception("Preview of endpoint %s failed", endpoint.slug)
    line = MappingLine.objects.filter(endpoint=endpoint, pk=line_id).first() if line_id else None
    return Problem(status, message, line)


def _render(request, endpoint: Endpoint, template: str, title: str, context: dict) -> TemplateResponse:
    return TemplateResponse(
        request,
        f"admin/endpoints/endpoint/{template}",
        {
            **admin.site.each_context(request),
            "opts": Endpoint._meta,
            "original": endpoint,
            "title": f"{title}: {endpoint.slug}",
            **context,
        },
    )


def _pretty(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def preview(request, object_id):
    """The first records as ``GET /bj_api_sync/v1/<slug>`` answers them, with the RPC count and time."""
    endpoint = _endpoint(request, object_id)
    params = {"limit": str(PREVIEW_SIZE)} if endpoint.is_paginated else {}
    records, total, problem = [], None, None
    started = time.perf_counter()
    with callstats.tracking() as stats:
        try:
            page = services.list_records(build(endpoint), params)
            records, total = page.records[:PREVIEW_SIZE], page.total
        except Exception as exc:  # noqa: BLE001 - the page shows what a caller would get, errors included
            problem = _problem(exc, endpoint)
    keys = list(dict.fromkeys(key for record in records for key in record))
    rows = [[_cell(record.get(key)) for key in keys] for record in records]
    return _render(
        request,
        endpoint,
        "preview.html",
        "Preview",
        {
            "keys": keys,
            "rows": rows,
            "records_json": _pretty(records),
            "total": total,
            "problem": problem,
            "rpc_count": stats.count,
            "rpc_calls": [(model, method, round(seconds * 1000)) for model, method, seconds in stats.calls],
            "milliseconds": round((time.perf_counter() - started) * 1000),
            "query": f"GET {endpoint.path}" + ("?limit=" + params["limit"] if params else ""),
        },
    )


def _compact(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _cell(value) -> str:
    if value is None:
        return "null"
    return value if isinstance(value, str) else _compact(value)


class DryRunForm(forms.Form):
    """A body as a caller would send it, and the method it would come with."""

    method = forms.ChoiceField(
        choices=[("POST", "POST: new records (every required key)"), ("PUT", "PUT: the keys to change of one record")],
        initial="POST",
    )
    body = forms.CharField(
        label="JSON body",
        widget=forms.Textarea(attrs={"rows": 10, "cols": 80, "spellcheck": "false"}),
        help_text="One record as an object, or several as a list (POST)",
    )

    def clean_body(self):
        try:
            return jsonbody.loads(self.cleaned_data["body"])
        except ValueError as exc:
            raise forms.ValidationError(f"Not JSON: {exc}") from None


@dataclass(frozen=True)
class RecordResult:
    """One record of the dry run: the Odoo values it would send, and the rule's verdict."""

    payload: str
    vals: str | None
    verdict: rules.Verdict


def dry_run(request, object_id):
    """What a POST or PUT body would send to Odoo, the lookups it runs, its errors; nothing is written."""
    endpoint = _endpoint(request, object_id)
    config = build(endpoint)
    context: dict = {}
    if request.method == "POST":
        form = DryRunForm(request.POST)
        if form.is_valid():
            context = _dry_run(endpoint, config, form.cleaned_data["method"], form.cleaned_data["body"])
    else:
        form = DryRunForm(initial={"body": _pretty(example_payload(config.mapping))})
    return _render(request, endpoint, "dry_run.html", "Dry run", {"form": form, "ran": bool(context), **context})


def _dry_run(endpoint: Endpoint, config, method: str, body) -> dict:
    partial = method == "PUT"
    payloads = body if isinstance(body, list) and not partial else [body]
    client, vals_list, problem = None, None, None
    started = time.perf_counter()
    with callstats.tracking() as stats:
        try:
            # the engine's own checks answer a body that is not an object (or a list of them, on POST)
            client = LookupOnlyClient(endpoint.connection.client())
            vals_list = config.mapping.to_odoo(payloads, client, partial=partial, fresh=True)
        except Exception as exc:  # noqa: BLE001 - the page shows what a caller would get, errors included
            problem = _problem(exc, endpoint)
    results = [
        RecordResult(
            payload=_pretty(payload),
            vals=_pretty(vals_list[index]) if vals_list is not None else None,
            verdict=rules.verdict(endpoint.record_rule, endpoint.record_rule_message, payload),
        )
        for index, payload in enumerate(payloads)
    ]
    lookups = client.lookups if client is not None else []
    return {
        "method": method,
        "results": results,
        "lookups": [(lookup, _compact(lookup.domain), _compact(lookup.rows)) for lookup in lookups],
        "problem": problem,
        "has_rule": bool(endpoint.record_rule.strip()),
        "rpc_count": stats.count,
        "milliseconds": round((time.perf_counter() - started) * 1000),
    }
