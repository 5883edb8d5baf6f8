"""Celery tasks: each carries only an id (the database row holds the rest), so a lost or repeated
message loses or doubles nothing."""

import logging

from celery import shared_task
from django.utils import timezone

from outbound import polling, push, services
from outbound.models import OutboundConfiguration

logger = logging.getLogger(__name__)


@shared_task(name="outbound.tasks.deliver", ignore_result=True)
def deliver(delivery_id: int) -> None:
    """One attempt of a delivery, when it is due (a duplicate message finds it taken or done)."""
    services.attempt_delivery(delivery_id)


@shared_task(name="outbound.tasks.read_back", ignore_result=True)
def read_back(notice_id: int) -> None:
    """Read back a record Odoo notified, once its notice is due."""
    push.read_back(notice_id)


@shared_task(name="outbound.tasks.poll_configuration", ignore_result=True)
def poll_configuration(configuration_id: int) -> None:
    """One polling cycle of one configuration."""
    configuration = OutboundConfiguration.objects.select_related("connection").filter(pk=configuration_id).first()
    if configuration is not None and configuration.active:
        polling.poll(configuration)


@shared_task(name="outbound.tasks.poll_due", ignore_result=True)
def poll_due() -> None:
    """Scheduled by celery beat: one cycle of every configuration whose interval has elapsed."""
    polling.poll_due()


@shared_task(name="outbound.tasks.sweep", ignore_result=True)
def sweep() -> None:
    """Scheduled by celery beat: re-enqueue due deliveries and push notices whose message was lost."""
    now = timezone.now()
    services.sweep(now)
    for notice_id in push.due_notices(now):
        read_back.delay(notice_id)
