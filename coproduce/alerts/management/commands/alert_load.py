"""`coproduce alert_load [--days 90] [--unit ID ...]`: print each unit's alert load."""

from django.core.management.base import BaseCommand, CommandError

from coproduce.alerts.load import DEFAULT_DAYS, alert_load_text


class Command(BaseCommand):
    help = (
        "Print the alert load per unit and rule: reports, alerts, alerts per 100 reports, "
        "share acknowledged within target, median hours to acknowledge, share closed with "
        "no action needed, and the actions taken. Counts only; no patient is named."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help="The period (days).")
        parser.add_argument(
            "--unit", type=int, action="append", dest="units", help="Only this unit (repeatable)."
        )

    def handle(self, *args, days, units, **options):
        if not 1 <= days <= 3660:
            raise CommandError("--days must be from 1 to 3660.")
        self.stdout.write(alert_load_text(days=days, unit_ids=units), ending="")
