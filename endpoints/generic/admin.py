"""Admin of the generic routes: the allow-list of callable methods, and open Odoo sessions."""

from django.contrib import admin, messages

from endpoints.generic.models import CallableMethod, OdooSession


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
