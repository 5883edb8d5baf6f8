"""Read-only admin of the request log, for support staff: browse, read a call, replay it."""

import contextlib
import ipaddress
import json

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html

from hub import jsonbody
from logs import replay as replay_service
from logs.changelist import LogChangeList
from logs.models import RequestLog, StatusClass
from logs.paginators import CappedCountPaginator

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
MAX_REPLAYS = 20
PATH_COLUMN_CHARS = 48


class StatusClassFilter(admin.SimpleListFilter):
    """2xx / 3xx / 4xx / 5xx, by status range (served by the status index)."""

    title = "status class"
    parameter_name = "status_class"

    def lookups(self, request, model_admin):
        return [(choice.value, choice.label) for choice in StatusClass]

    def queryset(self, request, queryset):
        if self.value() in StatusClass.values:
            return queryset.status_class(self.value())
        return queryset


class MethodFilter(admin.SimpleListFilter):
    """Fixed choices: listing the distinct methods in the table would scan it."""

    title = "method"
    parameter_name = "method"

    def lookups(self, request, model_admin):
        return [(method, method) for method in METHODS]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(method=self.value())
        return queryset


def endpoint_admin_url(endpoint_id: int | None) -> str | None:
    """The endpoint's admin page, when the endpoint still exists in the admin."""
    if endpoint_id is None:
        return None
    try:
        return reverse("admin:endpoints_endpoint_change", args=[endpoint_id])
    except NoReverseMatch:
        return None


def mapping_line_admin_url(line_id: int | None, endpoint_url: str | None = None) -> str | None:
    """The mapping line's admin page if it has one, else its endpoint's page at the inline lines."""
    if line_id is None:
        return None
    try:
        return reverse("admin:mappings_mappingline_change", args=[line_id])
    except NoReverseMatch:
        # Lines are edited inline on their endpoint (formset prefix "lines", the FK's related name).
        return f"{endpoint_url}#lines-group" if endpoint_url else None


def pretty(text: str) -> str:
    """JSON indented for reading; any other text (or JSON nested too deep to walk) as it is."""
    try:
        return json.dumps(jsonbody.loads(text), indent=2, ensure_ascii=False, sort_keys=False)
    except ValueError:
        return text


@admin.register(RequestLog)
class RequestLogAdmin(admin.ModelAdmin):
    """Read-only: browse, filter, read one call, replay; delete for superusers only."""

    # Short columns, so that all of them, principal included, fit next to the filters without
    # scrolling sideways: the time to the second, long paths cut (in full on hover and on the row).
    list_display = (
        "time_column",
        "status_badge",
        "method",
        "endpoint_column",
        "path_column",
        "duration_ms",
        "rpc_count",
        "principal",
    )
    list_display_links = ("time_column",)
    list_filter = (StatusClassFilter, "outcome", "endpoint", MethodFilter, "route_kind", "created_at")
    date_hierarchy = "created_at"
    search_fields = ("request_id", "path", "client_ip", "principal")
    search_help_text = "A request id, a principal or a client address (exact), or the start of a path (/…)."
    list_select_related = False  # the columns use the slug copy: no join
    list_per_page = 50
    paginator = CappedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    actions = ["replay"]
    change_form_template = "admin/logs/requestlog/change_form.html"

    # Read-only: rows are written by the middleware only.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def get_changelist(self, request, **kwargs):
        return LogChangeList

    def has_replay_permission(self, request) -> bool:
        return request.user.has_perm("logs.replay_requestlog")

    def get_search_results(self, request, queryset, search_term):
        """Exact matches and a path prefix only, so a search uses the indexes instead of scanning."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if term.startswith("/"):
            return queryset.filter(path__startswith=term), False
        with contextlib.suppress(ValueError):
            return queryset.filter(client_ip=str(ipaddress.ip_address(term))), False
        condition = (
            Q(request_id=term)
            | Q(request_id__startswith=f"{term}.")  # a call that reused an already logged X-Request-ID
            | Q(principal=term)
        )
        return queryset.filter(condition), False

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj: RequestLog) -> str:
        colour = {"2": "#2e7d32", "3": "#1565c0", "4": "#ef6c00", "5": "#c62828"}.get(str(obj.status)[0], "#555")
        return format_html('<strong style="color:{}">{}</strong>', colour, obj.status)

    @admin.display(description="time", ordering="created_at")
    def time_column(self, obj: RequestLog) -> str:
        return f"{timezone.localtime(obj.created_at):%Y-%m-%d\N{NO-BREAK SPACE}%H:%M:%S}"

    @admin.display(description="path", ordering="path")
    def path_column(self, obj: RequestLog) -> str:
        if len(obj.path) <= PATH_COLUMN_CHARS:
            return obj.path
        return format_html('<span title="{}">{}…</span>', obj.path, obj.path[: PATH_COLUMN_CHARS - 1])

    @admin.display(description="endpoint", ordering="endpoint_slug")
    def endpoint_column(self, obj: RequestLog) -> str:
        return obj.endpoint_slug or "—"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        log = self.get_object(request, object_id)
        extra_context = dict(extra_context or {})
        if log is not None:
            # Link to the endpoint only for users who may open it: support staff would get a 403.
            may_view_endpoint = request.user.has_perm("endpoints.view_endpoint")
            endpoint_url = endpoint_admin_url(log.endpoint_id) if may_view_endpoint else None
            extra_context.update(
                log=log,
                request_body_pretty=pretty(log.request_body),
                response_body_pretty=pretty(log.response_body),
                headers=sorted(log.request_headers.items()),
                endpoint_url=endpoint_url,
                line_url=mapping_line_admin_url(log.line_id, endpoint_url),
                replay_of_url=(
                    reverse("admin:logs_requestlog_change", args=[log.replay_of_id]) if log.replay_of_id else None
                ),
                replays=list(log.replays.only("id", "request_id", "status", "created_at")[:20]),
                can_replay=self.has_replay_permission(request),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="Replay the selected requests", permissions=["replay"])
    def replay(self, request, queryset):
        """Confirmation page first; on confirmation, re-send each replayable request in-process."""
        logs = list(queryset.select_related("endpoint")[: MAX_REPLAYS + 1])
        if len(logs) > MAX_REPLAYS:
            self.message_user(request, f"Replay at most {MAX_REPLAYS} requests at a time.", messages.ERROR)
            return None
        plans = [replay_service.plan(log) for log in logs]
        masked_headers = sorted({name for plan in plans if plan.ok for name in plan.masked_headers})
        form = ReplayCredentialsForm(masked_headers, request.POST if "confirm" in request.POST else None)
        if "confirm" in request.POST and form.is_valid():
            for plan in plans:
                if not plan.ok:
                    self.message_user(request, f"{plan.log.request_id}: not replayed. {plan.refusal}", messages.WARNING)
                    continue
                try:
                    result = replay_service.replay(plan.log, credentials=form.credentials())
                except replay_service.ReplayRefused as exc:
                    self.message_user(request, f"{plan.log.request_id}: not replayed. {exc}", messages.WARNING)
                    continue
                self._report(request, plan.log, result)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Replay requests",
            "opts": self.model._meta,
            "plans": plans,
            "form": form,
            "replayable": [plan for plan in plans if plan.ok],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/logs/requestlog/replay_confirmation.html", context)

    def _report(self, request, original: RequestLog, result: "replay_service.ReplayResult") -> None:
        if result.log is None:
            self.message_user(
                request,
                f"{original.request_id}: replayed, answered {result.status} (not logged: the endpoint's log mode).",
                messages.INFO,
            )
            return
        url = reverse("admin:logs_requestlog_change", args=[result.log.pk])
        level = messages.SUCCESS if result.status < 400 else messages.WARNING
        self.message_user(
            request,
            format_html(
                '{}: replayed, answered {} — <a href="{}">{}</a>',
                original.request_id,
                result.status,
                url,
                result.log.request_id,
            ),
            level,
        )


def _placeholder(header: str) -> str:
    """What a value of this credential header looks like."""
    return "Bearer <token>  or  Basic <base64 of user:password>" if header.lower() == "authorization" else ""


class ReplayCredentialsForm(forms.Form):
    """One field per credential header that was masked in the selected requests (never stored)."""

    def __init__(self, header_names: list[str], data=None):
        super().__init__(data)
        self.header_names = header_names
        for name in header_names:
            self.fields[name] = forms.CharField(
                label=name,
                required=False,
                strip=True,
                widget=forms.PasswordInput(
                    render_value=False, attrs={"autocomplete": "off", "size": 60, "placeholder": _placeholder(name)}
                ),
                help_text="Sent with the replay only; masked in the new log row.",
            )

    def credentials(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.header_names if self.cleaned_data.get(name)}
