"""``manage.py outbound_poll [--configuration NAME]``: one polling cycle now, for support and scripts."""

from django.core.management.base import BaseCommand, CommandError

from outbound import polling
from outbound.models import OutboundConfiguration


class Command(BaseCommand):
    help = "Run one polling cycle of every active outbound configuration (or of the one named) now."

    def add_arguments(self, parser):
        parser.add_argument("--configuration", help="The outbound configuration's name")

    def handle(self, *args, configuration=None, **options):
        configurations = OutboundConfiguration.objects.active().select_related("connection")
        if configuration:
            configurations = OutboundConfiguration.objects.filter(name=configuration).select_related("connection")
            if not configurations:
                raise CommandError(f"No outbound configuration named {configuration!r}.")
        for item in configurations.order_by("name"):
            result = polling.poll(item)
            line = (
                f"{item.name}: {result.read} read, {result.created} created, "
                f"{result.updated} updated, {result.deleted} deleted"
            )
            self.stdout.write(line + (f" ({result.skipped})" if result.skipped else ""))
