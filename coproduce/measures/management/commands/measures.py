"""`coproduce measures --check [FILE ...]`: validate measure files.
`coproduce measures --recompute`: rebuild every rollup cell of every built-in measure.
`coproduce measures --update`: recompute only the cells that changed data touched."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from coproduce.measures.catalogues import load_measures
from coproduce.measures.definition import MeasureFileError
from coproduce.measures.services import rollups_recompute_all, rollups_update


class Command(BaseCommand):
    help = (
        "Quality measures: validate the files (--check), rebuild the rollups (--recompute) "
        "or bring them up to date (--update)."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path)
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument(
            "--check", action="store_true", help="Validate the measure files; change nothing."
        )
        action.add_argument(
            "--recompute",
            action="store_true",
            help="Rebuild every rollup cell of every built-in measure from the data.",
        )
        action.add_argument(
            "--update",
            action="store_true",
            help="Recompute only what changed since the last run (what the scheduler runs).",
        )

    def handle(self, *args, files, check, recompute, update, **options):
        try:
            definitions = load_measures(files or None)
        except MeasureFileError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(error.problems)} problem(s) in measure files; nothing done."
            ) from None
        if check:
            self.stdout.write(f"{len(definitions)} measure file(s) are valid.")
            return
        if files:
            raise CommandError("--recompute and --update work on the built-in measures.")
        started = time.perf_counter()
        cells = rollups_recompute_all() if recompute else rollups_update()
        seconds = time.perf_counter() - started
        self.stdout.write(f"{cells} rollup cell(s) written in {seconds:.1f} s.")
