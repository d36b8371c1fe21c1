from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from governance.demo import build_demo, generate_password


class Command(BaseCommand):
    help = (
        "Create or update the demo councils, committees and users (one per "
        "role). Safe to run again: it updates in place."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help="Password for every demo user (default: DEMO_PASSWORD, "
            "otherwise a generated one, printed).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (it sets known passwords: never in "
            "production).",
        )

        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            help="Build the demo as if today were this day (YYYY-MM-DD, not "
            "in the future); default: the day it was first loaded.",
        )

    def handle(self, *args, password=None, force=False, today=None, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo users with DEBUG off: this looks like "
                "production. Use --force if you really mean it."
            )
        password = (
            password or getattr(settings, "DEMO_PASSWORD", None) or generate_password()
        )
        if today is not None and today > timezone.localdate():
            raise CommandError("--today must not be in the future.")
        logins = build_demo(password, today=today)
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Demo logins:"))
        width = max(len(username) for username, _, _ in logins)
        for username, role, council in logins:
            self.stdout.write(f"  {username.ljust(width)}  {role}, {council}")
        self.stdout.write(f"  Password for all of them: {password}")
        self.stdout.write(
            "  Administrators and clerks set up an authenticator app the first "
            "time they sign in (a QR code, or a key to type into the app)."
        )
