"""``manage.py detect_breaches [--unit SLUG]``: create the compensation cases due now, print counts."""

from django.core.management.base import BaseCommand, CommandError

from mutu.organisations.models import Unit
from mutu.queues.detection import detect_breaches
from mutu.queues.models import Trigger


class Command(BaseCommand):
    help = "Detect compensation breaches now (idempotent; safe to run while another run is going)."

    def add_arguments(self, parser):
        parser.add_argument("--unit", metavar="SLUG", help="only this unit (its slug)")

    def handle(self, *args, unit=None, **options):
        unit_obj = None
        if unit:
            try:
                unit_obj = Unit.objects.get(slug=unit)
            except Unit.DoesNotExist as exc:
                raise CommandError(f"No unit with the slug {unit!r}.") from exc
        result = detect_breaches(unit=unit_obj)
        for trigger in Trigger:
            self.stdout.write(f"{trigger.value}: {result.created[trigger.value]}")
        if result.absorbed:
            self.stdout.write(f"already recorded by another run: {result.absorbed}")
        self.stdout.write(f"total: {result.total}")
