"""``manage.py create_support_user NAME``: a user who can log in to the admin and read (and replay) the request log."""

import secrets

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from logs.groups import INTEGRATION_ADMINS, SUPPORT


class Command(BaseCommand):
    help = (
        "Create a support user (group Support: browse and replay the request log), or with --integration-admin "
        "an integration admin (connections, endpoints, mapping lines). Prints a generated password unless "
        "--password is given. An existing user joins the group; their password changes only with --password."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="The password to set (default: a generated one, printed once)")
        parser.add_argument(
            "--integration-admin", action="store_true", help=f"Put the user in {INTEGRATION_ADMINS!r} too"
        )

    def handle(self, *args, username: str, email: str, password: str | None, integration_admin: bool, **options):
        user_model = get_user_model()
        names = [SUPPORT, INTEGRATION_ADMINS] if integration_admin else [SUPPORT]
        groups = list(Group.objects.filter(name__in=names))
        if len(groups) != len(names):
            raise CommandError(f"The groups {', '.join(names)} are missing: run `manage.py migrate` first.")
        user = user_model.objects.filter(username=username).first()
        created = user is None
        if created:
            user = user_model(username=username, email=email)
        generated = password is None and created
        if generated:
            password = secrets.token_urlsafe(12)
        if password is not None:
            try:
                password_validation.validate_password(password, user)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
            user.set_password(password)
        if email:
            user.email = email
        user.save()
        user.groups.add(*groups)  # joining a staff group makes the user staff (hub/staff.py)
        user.refresh_from_db()
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} {username!r}: staff, in {', '.join(names)}; log in at /admin/.")
        if generated:
            self.stdout.write(f"Password (shown once): {password}")
