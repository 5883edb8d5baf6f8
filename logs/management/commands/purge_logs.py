"""``manage.py purge_logs [--older-than 30d]``: delete old request log rows in batches, and the
stored answers of idempotency keys past their retention (HUB_IDEMPOTENCY_RETENTION_HOURS)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from idempotency.services import purge_expired
from logs.models import RequestLog
from logs.services import parse_age, purge_before


class Command(BaseCommand):
    help = "Delete request log rows older than an age (default: LOG_RETENTION_DAYS days), in batches."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            default=f"{settings.LOG_RETENTION_DAYS}d",
            help="Age like 30d, 12h or 2w (default: LOG_RETENTION_DAYS, now %(default)s)",
        )
        parser.add_argument("--batch-size", type=int, default=10_000, help="Ids per batch (default %(default)s)")
        parser.add_argument("--dry-run", action="store_true", help="Count what would be deleted, delete nothing")

    def handle(self, *args, older_than: str, batch_size: int, dry_run: bool, verbosity: int, **options):
        try:
            age = parse_age(older_than)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        cutoff = timezone.now() - age
        if dry_run:
            count = RequestLog.objects.older_than(cutoff).count()
            self.stdout.write(f"Would remove {count} rows created before {cutoff.isoformat()}.")
            return

        def progress(in_batch: int, so_far: int, last_id: int) -> None:
            if verbosity >= 1 and in_batch:
                self.stdout.write(f"  … removed {in_batch} (up to id {last_id}), {so_far} so far")

        self.stdout.write(f"Removing rows created before {cutoff.isoformat()} in batches of {batch_size} ids.")
        removed = purge_before(cutoff, batch_size=batch_size, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Removed {removed} request log rows."))
        answers = purge_expired()
        if answers:  # a line only when there were any: most deployments never send Idempotency-Key
            self.stdout.write(self.style.SUCCESS(f"Removed {answers} expired idempotency answers."))
