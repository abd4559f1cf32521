"""`coproduce measures --check [FILE ...]`: validate measure files."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from coproduce.measures.catalogues import load_measures
from coproduce.measures.definition import MeasureFileError


class Command(BaseCommand):
    help = "Quality measures: validate the measure files (--check)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path)
        parser.add_argument(
            "--check", action="store_true", help="Validate the measure files; change nothing."
        )

    def handle(self, *args, files, check, **options):
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
        raise CommandError("Say what to do: --check.")
