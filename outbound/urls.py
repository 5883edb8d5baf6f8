"""Routes of outbound: the receiver of Odoo's webhook notifications."""

from django.urls import path

from outbound import receiver

urlpatterns = [
    path("api/outbound/<slug:name>/receive", receiver.receive, name="outbound-receive"),
]
