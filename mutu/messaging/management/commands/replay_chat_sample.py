"""Play the sample WhatsApp and Instagram chats into the demo, without network.

A local fake of Meta's Graph API (``mutu.messaging.fake_graph``) is started for the run and the
settings point at it; each message is signed and posted to our webhook view, processed as the task
worker would, its replies delivered through the outbox and answered with status callbacks.  Running
it again changes nothing (the messages keep their ids).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mutu.messaging.demo import SAMPLE_PATH, replay_sample


class Command(BaseCommand):
    help = "Play the sample WhatsApp and Instagram chats into the demo against a local fake Graph server."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(SAMPLE_PATH), help="Sample chats (JSON); default: the bundled one.")

    def handle(self, *args, **options):
        try:
            report = replay_sample(path=Path(options["file"]), stdout=self.stdout)
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(report))
