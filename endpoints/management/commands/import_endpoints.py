"""manage.py import_endpoints FILE: create or update endpoint configurations from an export."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from endpoints.transfer import TransferError, import_configurations


class Command(BaseCommand):
    help = "Create or update endpoints (matched by slug) and their mapping lines from an export_endpoints file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON written by export_endpoints ('-' for standard input)")

    def handle(self, *args, file, **options):
        try:
            if file == "-":
                data = json.load(sys.stdin)
            else:
                with open(file, encoding="utf-8") as handle:
                    data = json.load(handle)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        except json.JSONDecodeError as exc:
            raise CommandError(f"{file} is not valid JSON: {exc}") from None
        try:
            summary = import_configurations(data)
        except TransferError as exc:
            raise CommandError(f"Nothing imported: {exc}") from None
        for warning in summary.warnings:
            self.stderr.write(self.style.WARNING(warning))
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {len(summary.created)} new and {len(summary.updated)} updated endpoint(s)"
                + (f": {', '.join(summary.created + summary.updated)}" if summary.created or summary.updated else ".")
            )
        )
