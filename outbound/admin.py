"""Admin of outbound: configurations with their mapping lines, the deliveries (the outbox) with
their attempts, and the actions support staff need (test delivery, poll now, redeliver, cancel)."""

import json
import logging
from contextvars import ContextVar

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from hub.odoo.exceptions import OdooError
from mappings.admin_support import (
    MODEL_PICKER,
    PICKERS_SCRIPT,
    MappingLineForm,
    MappingLinesInline,
    check_field_names,
)
from outbound import polling, services
from outbound.models import Delivery, OutboundConfiguration, PushNotice, RecordCallback

logger = logging.getLogger(__name__)


# The request being served, for fields that show this hub's own address: a ModelAdmin is one
# instance shared by every thread, so the request cannot be kept on it.
_admin_request: ContextVar = ContextVar("outbound_admin_request")


def _metrics_line(label: str) -> str:
    """The outbox figures support staff ask first: pending, dead, and the age of the oldest pending."""
    figures = services.metrics()
    oldest = figures["oldest_pending_seconds"]
    shown = f"{oldest} s" if oldest is not None else "none"
    return f"{label}: {figures['pending']}, dead: {figures['dead']}, oldest pending: {shown}"


class OutboundLineFormSet(BaseInlineFormSet):
    """The lines of one configuration: distinct top-level keys, at most one record identifier."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        keys, identifiers = set(), 0
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or data.get("parent") is not None:
                continue
            identifiers += bool(data.get("is_identifier"))
            if data.get("external_key") in keys:
                raise ValidationError(f"Two top-level lines use the external key {data['external_key']!r}.")
            keys.add(data.get("external_key"))
        if identifiers > 1:
            raise ValidationError("At most one mapping line can be the record identifier.")


class OutboundLineForm(MappingLineForm):
    """A line of a payload, which is only sent: options that only writes use are not offered."""

    sends_only = True


class OutboundLineInline(MappingLinesInline):
    """The mapping lines that build the payload: the endpoint page's lines, options as labelled fields.

    A payload is only sent: a line has no "required" or "default" (those check what a caller sends).
    """

    formset = OutboundLineFormSet
    form = OutboundLineForm
    fk_name = "outbound"
    fieldsets = [
        (None, {"fields": [("odoo_field", "external_key", "value_type", "odoo_type", "is_identifier")]}),
        (None, {"fields": [("direction", "parent", "sequence")]}),
        (None, {"fields": ["options"]}),
    ]


class OutboundConfigurationForm(forms.ModelForm):
    """The configuration, plus a write-only secret toward the target."""

    target_url = forms.URLField(
        label="target URL",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="For a static URL target; checked against private addresses at each send",
    )

    new_secret = forms.CharField(
        label="secret",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Basic password, bearer token, header value, or Standard Webhooks signing secret (whsec_…). "
        "Stored encrypted. Leave empty to keep the current one.",
    )

    class Meta:
        model = OutboundConfiguration
        fields = ["connection", *OutboundConfiguration.TRANSFER_FIELDS]
        widgets = {"domain": forms.Textarea(attrs={"rows": 3, "cols": 80}), "odoo_model": forms.TextInput(MODEL_PICKER)}

    def clean(self):
        cleaned = super().clean()
        secret = cleaned.get("new_secret")
        auth = cleaned.get("auth")
        if secret:
            self.instance.secret = secret
        elif auth and OutboundConfiguration.Auth(auth).needs_secret and not self.instance.secret_encrypted:
            self.add_error("new_secret", "This authentication needs a secret.")
        return cleaned


def _count_link(configuration, state: str, count: int):
    url = reverse("admin:outbound_delivery_changelist") + f"?configuration__id__exact={configuration.pk}&state={state}"
    return format_html('<a href="{}">{}</a>', url, count)


@admin.register(OutboundConfiguration)
class OutboundConfigurationAdmin(admin.ModelAdmin):
    form = OutboundConfigurationForm
    inlines = [OutboundLineInline]

    class Media:
        js = [PICKERS_SCRIPT]

    list_display = ["name", "odoo_model", "target", "active", "pending_count", "dead_count", "last_polled_at"]
    list_filter = ["active", "target", "auth", "connection"]
    search_fields = ["name", "odoo_model", "target_url"]
    readonly_fields = ["receiver_url", "cursor", "last_polled_at", "next_poll_at", "created_at", "updated_at"]
    actions = ["send_test_delivery", "poll_now"]
    fieldsets = [
        (None, {"fields": ["name", "connection", "odoo_model", "domain", "active"]}),
        ("Events", {"fields": ["on_create", "on_update", "on_delete"]}),
        ("Target", {"fields": ["target", "target_url", "method", "connect_timeout", "read_timeout"]}),
        ("Authentication toward the target", {"fields": ["auth", "auth_username", "auth_header", "new_secret"]}),
        ("Retries", {"fields": ["max_attempts", "max_age", "backoff_base", "backoff_max"]}),
        (
            "Finding changes",
            {"fields": ["poll_interval", "batch_size", "deletion_check_size", "receiver_url", "cursor"]},
        ),
        ("History", {"fields": ["last_polled_at", "next_poll_at", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                pending=Count("deliveries", filter=Q(deliveries__state=Delivery.State.PENDING)),
                dead=Count("deliveries", filter=Q(deliveries__state=Delivery.State.DEAD)),
            )
        )

    @admin.display(description="pending", ordering="pending")
    def pending_count(self, obj):
        return _count_link(obj, Delivery.State.PENDING, obj.pending)

    @admin.display(description="dead", ordering="dead")
    def dead_count(self, obj):
        return _count_link(obj, Delivery.State.DEAD, obj.dead)

    @admin.display(description="receiver URL for Odoo's automation rule")
    def receiver_url(self, obj):
        if obj.pk is None:
            return "Shown once saved."
        return format_html("<code>{}</code>", _admin_request.get().build_absolute_uri(obj.receiver_path))

    @admin.display(description="polling cursor (write_date, id)")
    def cursor(self, obj):
        return f"{obj.cursor_write_date or '(not polled yet)'}, {obj.cursor_id}"

    def get_form(self, request, obj=None, change=False, **kwargs):
        _admin_request.set(request)  # the receiver URL is shown with this hub's own address
        return super().get_form(request, obj, change, **kwargs)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "subtitle": _metrics_line("Deliveries pending")}
        return super().changelist_view(request, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for message in check_field_names(form.instance, form.instance.lines.all()):
            self.message_user(request, message, messages.WARNING)

    @admin.action(description="Send test delivery (one record, now)")
    def send_test_delivery(self, request, queryset):
        for configuration in queryset:
            try:
                row = services.send_test_delivery(configuration)
            except (OdooError, services.NothingToSend) as exc:
                self.message_user(request, f"{configuration}: {getattr(exc, 'message', exc)}", messages.ERROR)
                continue
            level = messages.SUCCESS if row.state == Delivery.State.DELIVERED else messages.ERROR
            answer = row.attempt_logs.order_by("-id").first()
            body = answer.response_body[:500] if answer else ""
            self.message_user(
                request,
                f"{configuration}: test delivery #{row.pk} of record {row.record_id} to {row.target_url}: "
                f"{row.last_status or row.last_error} {row.last_error if row.last_status else ''} — answer: {body}",
                level,
            )

    @admin.action(description="Poll now (one cycle)")
    def poll_now(self, request, queryset):
        for configuration in queryset.select_related("connection"):
            try:
                result = polling.poll(configuration)
            except OdooError as exc:
                self.message_user(request, f"{configuration}: {exc.message}", messages.ERROR)
                continue
            self.message_user(
                request,
                f"{configuration}: {result.read} read, {result.created} created, {result.updated} updated, "
                f"{result.deleted} deleted {result.skipped}",
            )


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return Delivery.State.choices

    def queryset(self, request, queryset):
        return queryset.filter(state=self.value()) if self.value() else queryset


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "configuration", "record_id", "event", "state", "attempts", "last_status", "next_attempt_at"]
    list_filter = [StateFilter, "configuration", "event", "is_test"]
    search_fields = ["=record_id", "=id"]
    list_select_related = ["configuration"]
    actions = ["redeliver_now", "cancel"]
    readonly_fields = [
        "configuration",
        "record_id",
        "event",
        "target_url",
        "state",
        "attempts",
        "next_attempt_at",
        "attempt_started_at",
        "last_status",
        "last_error",
        "is_test",
        "created_at",
        "finished_at",
        "body",
        "attempt_list",
    ]
    exclude = ["payload"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "subtitle": _metrics_line("Pending")}
        return super().changelist_view(request, extra_context)

    @admin.display(description="body sent")
    def body(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, indent=2, ensure_ascii=False))

    @admin.display(description="attempts (request log)")
    def attempt_list(self, obj):
        rows = obj.attempt_logs.order_by("created_at", "id")
        if not rows:
            return "No attempt yet."
        return format_html(
            "<table><tr><th>when</th><th>status</th><th>ms</th><th>error</th><th>answer</th></tr>{}</table>",
            format_html_join(
                "",
                '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>',
                (
                    (
                        reverse("admin:logs_requestlog_change", args=[row.pk]),
                        timezone.localtime(row.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                        row.status,
                        row.duration_ms,
                        row.error,
                        row.response_body[:200],
                    )
                    for row in rows
                ),
            ),
        )

    @admin.action(description="Redeliver now")
    def redeliver_now(self, request, queryset):
        count = services.redeliver(queryset)
        self.message_user(request, f"{count} deliveries queued again.")

    @admin.action(description="Cancel (pending ones are never sent)")
    def cancel(self, request, queryset):
        count = services.cancel(queryset)
        self.message_user(request, f"{count} pending deliveries cancelled.")


@admin.register(PushNotice)
class PushNoticeAdmin(admin.ModelAdmin):
    list_display = ["configuration", "record_id", "received_at", "due_at", "rechecks"]
    list_filter = ["configuration"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RecordCallback)
class RecordCallbackAdmin(admin.ModelAdmin):
    list_display = ["odoo_model", "record_id", "url", "connection", "created_at"]
    list_filter = ["connection", "odoo_model"]
    search_fields = ["=record_id", "url"]
