"""Admin of the generic routes: their settings (rate limits), the allow-list of callable methods, and
open Odoo sessions."""

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import reverse

from endpoints.generic.models import CallableMethod, GenericRouteSettings, OdooSession


@admin.register(GenericRouteSettings)
class GenericRouteSettingsAdmin(admin.ModelAdmin):
    """One page: the list opens the settings row (or the form that creates it)."""

    fieldsets = [("Rate limits", {"fields": ["rate_limit_per_address", "rate_limit_per_credential", "in_force"]})]
    readonly_fields = ["in_force"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not GenericRouteSettings.objects.exists()

    def changelist_view(self, request, extra_context=None):
        row = GenericRouteSettings.objects.first()
        if row is not None and self.has_view_or_change_permission(request, row):
            return redirect(reverse("admin:generic_genericroutesettings_change", args=[row.pk]))
        if row is None and self.has_add_permission(request):
            return redirect(reverse("admin:generic_genericroutesettings_add"))
        return super().changelist_view(request, extra_context)

    @admin.display(description="limits in force")
    def in_force(self, obj):
        """What the routes apply now, the settings' defaults filling blank fields (as saved)."""
        policies = (obj or GenericRouteSettings()).policies()
        if not policies:
            return "None"
        return "; ".join(policy.text for policy in policies)


@admin.register(CallableMethod)
class CallableMethodAdmin(admin.ModelAdmin):
    list_display = ["model", "method", "active", "note", "created_at"]
    list_filter = ["active", "model"]
    search_fields = ["model", "method", "note"]
    readonly_fields = ["created_at"]
    actions = ["deactivate"]

    @admin.action(description="Remove selected methods from the allow-list (deactivate)")
    def deactivate(self, request, queryset):
        count = queryset.update(active=False)
        self.message_user(request, f"Deactivated {count} method(s).", messages.SUCCESS)


@admin.register(OdooSession)
class OdooSessionAdmin(admin.ModelAdmin):
    """Sessions opened through /web/session/authenticate; deleting one logs its caller out."""

    list_display = ["login", "uid", "connection", "created_at", "expires_at"]
    list_filter = ["connection"]
    search_fields = ["login"]
    readonly_fields = ["connection", "login", "uid", "created_at", "expires_at"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
