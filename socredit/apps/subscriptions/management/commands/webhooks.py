"""socredit webhooks — the webhook sender of subscriptions (docs/subscriptions.md).

socredit webhooks            # runs until SIGTERM/SIGINT (a systemd service); ends after the attempt in progress
socredit webhooks --once     # one pass (fan out, send what is due), then exits
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand

from socredit.apps.subscriptions import sender


class Command(BaseCommand):
    help = "Send the subscriptions' webhooks: --once for one pass, else until SIGTERM."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--idle-seconds", type=float, default=2.0,
                            help="wait between passes when nothing was due (default 2)")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            counts = sender.run_once()
            self.stdout.write(
                f"fanned out {counts['fanned_out']}, sent {counts['sent']}, delivered {counts['delivered']}"
            )
            return
        stop = threading.Event()

        def _stop(signum: int, frame: Any) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        self.stdout.write("webhook sender running (SIGTERM stops it after the attempt in progress)")
        self.stdout.flush()
        sender.run_forever(stop, idle_seconds=options["idle_seconds"])
        self.stdout.write("webhook sender stopped")
