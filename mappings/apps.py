"""Mapping lines and the transformation engine between external JSON and Odoo values."""

from django.apps import AppConfig


class MappingsConfig(AppConfig):
    name = "mappings"
    verbose_name = "Mappings"
