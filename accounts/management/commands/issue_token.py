"""Issue an API token for a connected system (or any user): printed once, stored hashed, revocable in the admin."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from knox.models import get_token_model


class Command(BaseCommand):
    help = "Issue an API token for a user (a connected system); it is printed once and stored hashed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=365, help="how long the token is valid (default 365)")

    def handle(self, *args: object, username: str, days: int, **options: object) -> None:
        if days < 1:
            raise CommandError("--days must be at least 1")
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}")
        instance, token = get_token_model().objects.create(user=user, expiry=timedelta(days=days))
        self.stdout.write(token)
        self.stderr.write(
            f"valid until {instance.expiry:%Y-%m-%d %H:%M %Z}; revoke it in the admin (Knox › Auth tokens)"
        )
