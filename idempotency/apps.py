"""Idempotency keys: answers stored so that a repeated call is answered again without calling Odoo."""

from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    name = "idempotency"
    verbose_name = "Idempotency keys"
