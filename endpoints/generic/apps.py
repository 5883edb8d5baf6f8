"""The generic data routes (/api/*_data, /api/call_function) and the Odoo-style session routes."""

from django.apps import AppConfig


class GenericConfig(AppConfig):
    name = "endpoints.generic"
    label = "generic"
    verbose_name = "Generic data routes"
