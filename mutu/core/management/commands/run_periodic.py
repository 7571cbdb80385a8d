"""Run the periodic jobs of mutu.core.periodic once, or forever with ``--loop``."""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from mutu.core import periodic


class Command(BaseCommand):
    help = (
        "Run every periodic job once (exit status 1 if any failed), or with --loop run them "
        "every --interval seconds until stopped; a failing job is logged and the loop goes on."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running until stopped")
        parser.add_argument(
            "--interval",
            type=float,
            default=60.0,
            metavar="SECONDS",
            help="seconds between the starts of two rounds with --loop (default: 60)",
        )

    def handle(self, *args, loop: bool, interval: float, **options):
        if interval <= 0:
            raise CommandError("--interval must be a positive number of seconds")
        stop = threading.Event()
        if loop:
            self._stop_on_signals(stop)
        while True:
            results = periodic.run_all()
            failed = [r.path for r in results if not r.ok]
            if options["verbosity"] >= 1:
                self.stdout.write(
                    f"periodic: {len(results) - len(failed)} job(s) ok, {len(failed)} failed"
                    + (f" ({', '.join(failed)})" if failed else "")
                )
            if not loop:
                if failed:
                    raise CommandError(f"periodic job(s) failed: {', '.join(failed)}")
                return
            # Event.wait returns early when SIGTERM/SIGINT arrives (honcho on Ctrl-C).
            if stop.wait(interval):
                self.stdout.write("periodic: stopped")
                return

    @staticmethod
    def _stop_on_signals(stop: threading.Event) -> None:
        if threading.current_thread() is not threading.main_thread():
            return

        def handler(signum, frame):
            stop.set()

        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)
