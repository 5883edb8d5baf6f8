"""Read-only admin of stored idempotent answers; deleting one frees its key at once."""

from django.contrib import admin

from idempotency.models import StoredAnswer


@admin.register(StoredAnswer)
class StoredAnswerAdmin(admin.ModelAdmin):
    list_display = ["key", "scope", "method", "path", "state", "created_at", "expires_at"]
    list_filter = ["method", "created_at"]
    search_fields = ["key", "scope", "path"]
    fields = ["key", "scope", "method", "path", "status", "headers", "created_at", "locked_until", "expires_at"]
    readonly_fields = fields

    @admin.display(description="state")
    def state(self, answer: StoredAnswer) -> str:
        return "running" if answer.is_running else str(answer.status)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
