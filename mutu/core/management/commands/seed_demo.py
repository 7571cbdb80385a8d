"""Fill the database with the "Pemerintah Kota Bontang" demo; running it again changes nothing.

Each app that has demo data lists its module in ``DEMO_SEEDERS``; the module has
``seed(*, stdout)`` (and may accept ``password``). All seeders run in one transaction.

The demo accounts share one password, ``bontang-demo-2026`` by default: it is for demos
only. ``--password`` or the environment variable DEMO_PASSWORD sets another one. A password
is set only when an account is created; a re-run never resets it.
"""

import importlib
import inspect

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.management.base import BaseCommand
from django.db import transaction

from mutu.organisations.demo import DEMO_ACCOUNTS, demo_password
from mutu.organisations.models import Instansi, Unit

# Later apps append their own module; order matters (organisations first).
DEMO_SEEDERS = [
    "mutu.organisations.demo",
    "mutu.standards.demo",
    "mutu.queues.demo",
    "mutu.surveys.demo",
    "mutu.complaints.demo",
    # Chat accounts only (database rows): seeding never talks to Meta; replay_chat_sample plays chats.
    "mutu.messaging.demo",
]


class Command(BaseCommand):
    help = "Create or complete the Pemerintah Kota Bontang demo data (idempotent) and list the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=None,
            help=("Password for newly created demo accounts (default: $DEMO_PASSWORD or bontang-demo-2026)."),
        )

    def handle(self, *args, **options):
        password = demo_password(options["password"])
        with transaction.atomic():
            for path in DEMO_SEEDERS:
                seed = importlib.import_module(path).seed
                kwargs = {"stdout": self.stdout}
                if "password" in inspect.signature(seed).parameters:
                    kwargs["password"] = password
                seed(**kwargs)
        self._print_logins(password)

    def _print_logins(self, password: str) -> None:
        units = dict(Unit.objects.values_list("slug", "short_name"))
        instansi = dict(Instansi.objects.values_list("slug", "name"))
        hashes = dict(
            get_user_model()
            .objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
            .values_list("username", "password")
        )
        # Accounts created in one run share one hash, so this checks about once per run
        # that created accounts, not once per account (the hasher is slow on purpose).
        matches: dict[str, bool] = {}
        rows = [("username", "role", "unit", "password")]
        for account in DEMO_ACCOUNTS:
            if account.unit_slug:
                scope = units.get(account.unit_slug, account.unit_slug)
            elif account.instansi_slug:
                scope = instansi.get(account.instansi_slug, account.instansi_slug)
            else:
                scope = "-"
            encoded = hashes.get(account.username, "")
            if encoded not in matches:
                matches[encoded] = check_password(password, encoded)
            shown = password if matches[encoded] else "(set earlier, not shown)"
            rows.append((account.username, account.role, scope, shown))
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        self.stdout.write("")
        self.stdout.write("Demo logins (demo only; a password is set when the account is created, never reset):")
        for index, row in enumerate(rows):
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
