"""`coproduce worker`: runs background tasks and the periodic scheduler in one process."""

import logging
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from coproduce.core.scheduler import scheduler_tick


class Command(BaseCommand):
    help = "Run the background worker: the task queue and the periodic scheduler."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-scheduler", action="store_true", help="Run tasks only (for extra workers)."
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="One scheduler tick, then run queued tasks and exit.",
        )

    def handle(self, *args, no_scheduler, once, **options):
        if once:
            scheduler_tick()
            call_command(
                "db_worker",
                batch=True,
                reload=False,
                startup_delay=False,
                verbosity=options["verbosity"],
            )
            return
        if not no_scheduler:
            stop = threading.Event()
            thread = threading.Thread(target=self.scheduler_loop, args=(stop,), daemon=True)
            thread.start()
        self.stdout.write(
            "Worker started: running tasks" + ("" if no_scheduler else " and the scheduler")
        )
        call_command("db_worker", reload=False, queue_name="*", verbosity=options["verbosity"])

    def scheduler_loop(self, stop: threading.Event) -> None:
        interval = settings.COPRODUCE_SCHEDULER_INTERVAL
        while not stop.is_set():
            try:
                scheduler_tick()
            except Exception:  # keep the loop alive; the error is logged with its traceback
                logging.getLogger(__name__).exception("scheduler tick failed")
            finally:
                close_old_connections()
            time.sleep(interval)
