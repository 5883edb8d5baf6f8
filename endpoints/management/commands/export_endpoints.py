"""manage.py export_endpoints [--output FILE]: all endpoint configurations as JSON (no secrets)."""

import json
import sys

from django.core.management.base import BaseCommand

from endpoints.transfer import export_configurations


class Command(BaseCommand):
    help = "Write every endpoint configuration with its mapping lines as JSON (secrets excluded)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: standard output)")

    def handle(self, *args, output=None, **options):
        text = json.dumps(export_configurations(), indent=2, ensure_ascii=False, default=str) + "\n"
        if output and output != "-":
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stderr.write(f"Wrote {output}")
        else:
            sys.stdout.write(text)
