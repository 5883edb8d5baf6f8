"""Admin of endpoints: configuration with mapping lines inline, URL and curl examples, tokens."""

import json
import logging
import shlex
from contextvars import ContextVar

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from endpoints import admin_pickers, admin_preview, admin_views
from endpoints.config import build
from endpoints.models import Endpoint, EndpointToken
from endpoints.schema import example_payload
from endpoints.transfer import ENDPOINT_FIELDS
from hub.odoo.exceptions import OdooError
from mappings.admin_support import (
    MODEL_PICKER,
    PICKERS_SCRIPT,
    MappingLineFormSet,
    MappingLinesInline,
    check_field_names,
    check_lines,
    plain_help_text,
)

logger = logging.getLogger(__name__)

_base_url: ContextVar[str] = ContextVar("endpoint_admin_base_url", default="/")


class EndpointForm(forms.ModelForm):
    """The endpoint form, plus a write-only Basic password field."""

    allowed_methods = forms.MultipleChoiceField(
        choices=Endpoint.Method.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="What callers may do: GET lists and reads, POST creates, PUT updates, DELETE deletes; "
        "a method not ticked answers 405",
    )
    new_basic_password = forms.CharField(
        label="Basic password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Stored hashed. Leave empty to keep the current password.",
    )

    class Meta:
        model = Endpoint
        # What the form edits is what an export carries, plus the connection (exported by name);
        # the page's layout comes from EndpointAdmin.fieldsets.
        fields = [*ENDPOINT_FIELDS, "connection"]
        widgets = {  # a domain or a rule is a line or two
            "domain": forms.Textarea(attrs={"rows": 3, "cols": 80}),
            "record_rule": forms.Textarea(attrs={"rows": 2, "cols": 80}),
            # endpoint_admin.js offers the connection's models as one types (a text box without it)
            "odoo_model": forms.TextInput(attrs=MODEL_PICKER),
        }
        help_texts = {
            "slug": "The URL part: /bj_api_sync/v1/<endpoint identifier>, e.g. partners",
            "connection": "The Odoo server whose records this endpoint serves",
            "auth": "Bearer: add tokens under Tokens on this page once the endpoint is saved. "
            "HTTP Basic: set the user name and password below",
            "basic_username": "HTTP Basic only",
            "is_paginated": "Lists answer a page (limit/offset) with a total; off: every matching record at once",
            "page_size": "Records per page when the caller gives no limit (at most 1000)",
            "log_mode": "Which calls leave a row in the request log; off keeps no row, not even for a crash",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.help_text = plain_help_text(field.help_text)

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("new_basic_password")
        if password:
            try:
                password_validation.validate_password(password)
            except ValidationError as exc:
                self.add_error("new_basic_password", exc)
                return cleaned
            self.instance.set_basic_password(password)
        elif cleaned.get("auth") == Endpoint.Auth.BASIC and not self.instance.basic_password_hash:
            self.add_error("new_basic_password", "Basic authentication needs a password.")
        return cleaned


class MappingLineInline(MappingLinesInline):
    """Mapping lines of the endpoint; the formset enforces exactly one record identifier."""

    formset = MappingLineFormSet
    fk_name = "endpoint"
    # A table of eleven columns was about 2000 px wide: rows of fields per line fit 1366 px.
    fieldsets = [
        (None, {"fields": [("odoo_field", "external_key", "value_type", "odoo_type", "is_identifier")]}),
        (None, {"fields": [("direction", "required", "default", "parent", "sequence")]}),
        (None, {"fields": ["options"]}),
    ]


SHOWN_ONCE_NOTE = "The token is shown once, right after saving: copy it then. Only its prefix is kept readable."


def _show_once(model_admin: admin.ModelAdmin, request, token: EndpointToken, secret: str, note: str = "") -> None:
    """The one time a new token's secret is shown: only its digest is stored."""
    model_admin.message_user(
        request,
        f"Token {token.name!r} for {token.endpoint.slug}{note}: {secret} — copy it now, it is not shown again.",
        messages.WARNING,
    )


def curl_examples(endpoint: Endpoint, base_url: str) -> list[tuple[str, str]]:
    """A ready-to-paste curl command per enabled method, with the endpoint's credentials as placeholders."""
    url = base_url.rstrip("/") + endpoint.path
    auth: list[str] = []
    if endpoint.auth == Endpoint.Auth.BEARER:
        auth = ["-H", "Authorization: Bearer <token>"]
    elif endpoint.auth == Endpoint.Auth.BASIC:
        auth = ["-u", f"{endpoint.basic_username}:<password>"]
    json_headers = ["-H", "Content-Type: application/json"]
    examples = []
    if not endpoint.pk:
        return examples
    mapping = build(endpoint).mapping
    body = json.dumps(example_payload(mapping))
    record_url = f"{url}/<{mapping.identifier.external_key}>"
    commands = {
        Endpoint.Method.GET: [
            ("GET list", ["curl", "-s", *auth, f"{url}?limit=10"]),
            ("GET one", ["curl", "-s", *auth, record_url]),
        ],
        Endpoint.Method.POST: [("POST", ["curl", "-s", "-X", "POST", *auth, *json_headers, "-d", body, url])],
        Endpoint.Method.PUT: [("PUT", ["curl", "-s", "-X", "PUT", *auth, *json_headers, "-d", body, record_url])],
        Endpoint.Method.DELETE: [("DELETE", ["curl", "-s", "-X", "DELETE", *auth, record_url])],
    }
    for method in Endpoint.Method:
        if endpoint.allows(method):
            for label, parts in commands[method]:
                examples.append((label, shlex.join(parts)))
    return examples


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    # The request type stays a filter: nearly every endpoint is inbound, and its long label crowded the list.
    list_display = ["slug", "name", "odoo_model", "methods", "auth", "active", "connection"]
    list_filter = ["active", "auth", "connection"]
    search_fields = ["slug", "name", "odoo_model"]
    readonly_fields = ["full_url", "curl", "created_at", "updated_at"]
    inlines = [MappingLineInline]
    actions = ["check_against_odoo", "create_token", "revoke_tokens"]

    class Media:
        js = [PICKERS_SCRIPT]  # pickers, options of the chosen value type, nested lines

    fieldsets = [
        (None, {"fields": ["name", "connection", "odoo_model", "domain", "slug", "active"]}),
        ("Methods and authentication", {"fields": ["allowed_methods", "auth", "basic_username", "new_basic_password"]}),
        ("Behaviour", {"fields": ["is_paginated", "page_size", "upsert_on_post", "log_mode"]}),
        ("Rate limits", {"fields": ["rate_limit_per_address", "rate_limit_per_credential"]}),
        ("Retries", {"fields": ["require_idempotency_key"]}),
        ("Record rule", {"fields": ["record_rule", "record_rule_message"]}),
        ("Use it", {"fields": ["full_url", "curl", "created_at", "updated_at"]}),
    ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The URL and curl fields need this request's host; readonly fields only get the object,
        # so the host travels in a context variable, and the page is rendered while it is set.
        token = _base_url.set(request.build_absolute_uri("/"))
        extra_context = {**(extra_context or {}), **self._tokens_context(request, object_id)}
        try:
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()
            return response
        finally:
            _base_url.reset(token)

    def get_urls(self):
        own = [
            path("odoo/models/", self.admin_site.admin_view(admin_pickers.models), name="endpoints_pick_models"),
            path("odoo/fields/", self.admin_site.admin_view(admin_pickers.fields), name="endpoints_pick_fields"),
            path(
                "<path:object_id>/tokens/add/",
                self.admin_site.admin_view(admin_views.add_token),
                name="endpoints_endpoint_add_token",
            ),
            path(
                "<path:object_id>/tokens/<int:token_id>/revoke/",
                self.admin_site.admin_view(admin_views.revoke_token),
                name="endpoints_endpoint_revoke_token",
            ),
            *admin_preview.urls(self.admin_site),
        ]
        return own + super().get_urls()

    def _tokens_context(self, request, object_id) -> dict:
        """The Tokens panel of a saved endpoint: its tokens, the form adding one, the secret just issued."""
        if object_id is None or not str(object_id).isdigit():
            return {}
        return {
            "tokens": EndpointToken.objects.filter(endpoint_id=object_id).order_by("-created_at"),
            "new_token": admin_views.pop_new_token(request, int(object_id)),
            "token_form": admin_views.NewTokenForm(),
            "can_add_token": request.user.has_perm("endpoints.add_endpointtoken"),
            "can_revoke_token": request.user.has_perm("endpoints.change_endpointtoken"),
        }

    @admin.display(description="methods")
    def methods(self, obj: Endpoint) -> str:
        return ", ".join(obj.allowed_methods or [])

    @admin.display(description="URL")
    def full_url(self, obj: Endpoint) -> str:
        if not obj.pk:
            return "(saved endpoints only)"
        return _base_url.get().rstrip("/") + obj.path

    @admin.display(description="curl examples")
    def curl(self, obj: Endpoint):
        if not obj.pk:
            return "(saved endpoints only)"
        try:
            examples = curl_examples(obj, _base_url.get())
        except Exception as exc:  # noqa: BLE001 - a broken line must not break the page that fixes it
            return f"(no examples: {exc})"
        if not examples:
            return "(no method enabled)"
        return format_html(
            "<div>{}</div>",
            format_html_join("", "<p><b>{}</b><br><code>{}</code></p>", examples),
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        endpoint = form.instance
        unreachable = next((fs.odoo_unreachable for fs in formsets if getattr(fs, "odoo_unreachable", None)), None)
        if unreachable:
            # Unchecked lines may not work: callers must not meet them until a check passes.
            if endpoint.active:
                Endpoint.objects.filter(pk=endpoint.pk).update(active=False)
                endpoint.active = False
            self.message_user(
                request,
                f"{unreachable} The endpoint is saved inactive: run the action “Check against Odoo” "
                "when Odoo answers, and it is made active if every line fits.",
                messages.WARNING,
            )
            return
        for warning in check_field_names(endpoint, endpoint.lines.all()):
            self.message_user(request, warning, messages.WARNING)

    @admin.action(description="Check against Odoo (and make active when every line fits)")
    def check_against_odoo(self, request, queryset):
        for endpoint in queryset.select_related("connection"):
            lines = list(endpoint.lines.all())
            try:
                check = check_lines(endpoint.connection, endpoint.odoo_model, lines)
            except OdooError as exc:
                self.message_user(request, f"{endpoint.slug}: Odoo did not answer: {exc.message}", messages.ERROR)
                continue
            problems = [f"{line.external_key!r}: {problem}" for line, problem in check.problems]
            if check.unknown_model:
                problems.insert(0, check.unknown_model)
            if not check.answered or problems:
                shown = "; ".join(problems + check.warnings)
                self.message_user(request, f"{endpoint.slug}: not made active: {shown}", messages.ERROR)
                continue
            if not endpoint.active:
                endpoint.active = True
                endpoint.save(update_fields=["active", "updated_at"])
            self.message_user(request, f"{endpoint.slug}: every mapping line fits Odoo; active.", messages.SUCCESS)

    @admin.action(description="Create a bearer token (shown once)")
    def create_token(self, request, queryset):
        for endpoint in queryset:
            base = f"token-{timezone.now():%Y%m%d-%H%M%S}"
            taken = set(endpoint.tokens.filter(name__startswith=base).values_list("name", flat=True))
            name = next(n for n in [base, *(f"{base}-{i}" for i in range(2, 1000))] if n not in taken)
            token = EndpointToken(endpoint=endpoint, name=name)
            secret = token.issue()
            token.save()
            note = "" if endpoint.auth == Endpoint.Auth.BEARER else " (the endpoint does not use bearer tokens yet)"
            _show_once(self, request, token, secret, note)

    @admin.action(description="Revoke every token of the selected endpoints")
    def revoke_tokens(self, request, queryset):
        count = EndpointToken.objects.filter(endpoint__in=queryset).revoke()
        self.message_user(request, f"Revoked {count} token(s).", messages.SUCCESS)


class EndpointTokenForm(forms.ModelForm):
    class Meta:
        model = EndpointToken
        fields = ["endpoint", "name", "expires_at"]


@admin.register(EndpointToken)
class EndpointTokenAdmin(admin.ModelAdmin):
    form = EndpointTokenForm
    list_display = ["name", "endpoint", "prefix", "state", "created_at", "expires_at", "last_used_at"]
    list_filter = ["endpoint", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "endpoint__slug"]
    readonly_fields = ["prefix", "created_at", "revoked_at", "last_used_at"]
    actions = ["revoke"]

    @admin.display(description="state")
    def state(self, obj: EndpointToken) -> str:
        if obj.revoked_at:
            return f"revoked {timezone.localtime(obj.revoked_at):%Y-%m-%d}"
        return "usable" if obj.is_usable else "expired"

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:  # a token's endpoint and name are its identity once issued
            return ["endpoint", "name", *self.readonly_fields]
        return []

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return super().get_fieldsets(request, obj)
        # A new token has no prefix or dates yet: the add page asks only what it needs, and says
        # when the secret appears.
        return [(None, {"fields": ["endpoint", "name", "expires_at"], "description": SHOWN_ONCE_NOTE})]

    def save_model(self, request, obj, form, change):
        secret = None if change else obj.issue()
        super().save_model(request, obj, form, change)
        if secret:
            _show_once(self, request, obj, secret)

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request, queryset):
        count = queryset.revoke()
        self.message_user(request, f"Revoked {count} token(s).", messages.SUCCESS)
