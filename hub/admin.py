"""Admin for Odoo connections (write-only secret, connection test) and the keys the hub issues."""

import logging
import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ImproperlyConfigured

from hub.models import ApiKey, OdooConnection
from hub.odoo.exceptions import OdooError
from hub.odoo.names import is_model_name

logger = logging.getLogger(__name__)

# The site people see: named for what it is, and "View site" leads to the API documentation
# (the hub has no page of its own at /).
admin.site.site_header = "Odoo integration hub"
admin.site.site_title = "Odoo integration hub"
admin.site.index_title = "Administration"
admin.site.site_url = "/api/docs/"


class OdooConnectionForm(forms.ModelForm):
    """The connection form: the secret can be replaced, never read back."""

    new_secret = forms.CharField(
        label="Password or API key",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Never shown again once saved. Leave blank to keep the stored one.",
    )

    url = forms.URLField(
        label="URL",
        max_length=300,
        assume_scheme="https",
        help_text=OdooConnection._meta.get_field("url").help_text,
    )

    class Meta:
        model = OdooConnection
        help_texts = {
            "database": "The Odoo database name, as on Odoo's database selector, e.g. odoo18",
            "login": "The Odoo user the hub acts as: give it only the access rights the endpoints need",
            "protocol": "Automatic picks JSON-2 on Odoo 19 and later when the secret is an API key, else JSON-RPC",
            "active": "Inactive connections are never used",
            "is_default": (
                "Used by API keys and Odoo sessions without a connection of their own, and checked by /readyz"
            ),
        }
        fields = [
            "name",
            "url",
            "database",
            "login",
            "new_secret",
            "protocol",
            "connect_timeout",
            "read_timeout",
            "active",
            "is_default",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.secret_encrypted:
            self.fields[
                "new_secret"
            ].help_text = (
                "A secret is stored; it is never shown. Type a new one to replace it, or leave blank to keep it."
            )
        else:
            self.fields["new_secret"].help_text = "Never shown again once saved."

    def clean(self):
        cleaned = super().clean()
        if not self.instance.secret_encrypted and not cleaned.get("new_secret"):
            self.add_error("new_secret", "Enter the password or API key of this Odoo user.")
        return cleaned

    def save(self, commit=True):
        if self.cleaned_data.get("new_secret"):
            self.instance.secret = self.cleaned_data["new_secret"]
        return super().save(commit=commit)


@admin.register(OdooConnection)
class OdooConnectionAdmin(admin.ModelAdmin):
    form = OdooConnectionForm
    # The protocol's code, not its long label, keeps the columns readable.
    list_display = ["name", "url", "database", "login", "protocol_code", "active", "is_default", "secret_set"]
    list_filter = ["protocol", "active", "is_default"]
    search_fields = ["name", "url", "database", "login"]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["test_connection"]

    @admin.display(description="protocol", ordering="protocol")
    def protocol_code(self, obj: OdooConnection) -> str:
        return obj.protocol

    @admin.display(boolean=True, description="secret set")
    def secret_set(self, obj: OdooConnection) -> bool:
        return bool(obj.secret_encrypted)

    @admin.action(description="Test connection (version, login, round trip)")
    def test_connection(self, request, queryset):
        for connection in queryset:
            try:
                probe = connection.client().probe()
            except (OdooError, ImproperlyConfigured) as exc:
                reason = getattr(exc, "message", None) or str(exc)
                kind = type(exc).__name__
                logger.info("Connection test of %r failed: %s: %s", connection.name, kind, reason)
                self.message_user(request, f"{connection.name}: {kind}: {reason}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"{connection.name}: Odoo {probe.server_version} answered in {probe.milliseconds} ms "
                    f"over {probe.protocol}; logged in as {connection.login} (uid {probe.uid}).",
                    messages.SUCCESS,
                )


class ApiKeyForm(forms.ModelForm):
    """Routes as check boxes, models as a plain list."""

    allowed_routes = forms.MultipleChoiceField(
        choices=ApiKey.Route.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The routes this key may call; a key with none ticked can call nothing",
    )
    allowed_models = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "Odoo models this key may touch, separated by commas or new lines, e.g. res.partner; "
            "with none listed it can touch no model"
        ),
    )

    class Meta:
        model = ApiKey
        fields = ["name", "connection", "allowed_routes", "allowed_models", "expires_at"]
        help_texts = {"connection": "Empty: the default Odoo connection"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["allowed_models"] = "\n".join(self.instance.allowed_models or [])

    def clean_allowed_models(self) -> list[str]:
        models = [name for name in re.split(r"[\s,]+", self.cleaned_data.get("allowed_models") or "") if name]
        bad = [name for name in models if not is_model_name(name)]
        if bad:
            raise forms.ValidationError(f"Not an Odoo model name: {', '.join(bad)}")
        return list(dict.fromkeys(models))


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = ["name", "connection", "prefix", "state", "created_at", "expires_at", "last_used_at"]
    list_filter = ["connection", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    readonly_fields = ["prefix", "created_at", "revoked_at", "last_used_at"]
    actions = ["revoke"]

    @admin.display(description="state")
    def state(self, obj: ApiKey) -> str:
        if obj.revoked_at:
            return "revoked"
        return "usable" if obj.is_usable else "expired"

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return super().get_fieldsets(request, obj)
        # A new key has no prefix or dates yet: the add page asks only what it needs, and says
        # when the key appears.
        note = "The key is shown once, right after saving: copy it then. Only its prefix is kept readable."
        return [(None, {"fields": ApiKeyForm.Meta.fields, "description": note})]

    def save_model(self, request, obj, form, change):
        token = None if change else obj.issue()
        super().save_model(request, obj, form, change)
        if token:
            # Shown this once: only its digest is stored.
            self.message_user(
                request,
                f"The key for {obj.name} is {token} — copy it now: it will not be shown again.",
                messages.WARNING,
            )

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request, queryset):
        revoked = queryset.revoke()
        self.message_user(request, f"{revoked} key(s) revoked.", messages.SUCCESS)
