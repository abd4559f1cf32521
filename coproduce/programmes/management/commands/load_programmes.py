"""`coproduce load_programmes [FILE ...]`: validate and load care programme files."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from coproduce.core.datafiles import DataFileError
from coproduce.programmes.definition import built_in_programme_paths, parse_programme
from coproduce.programmes.services import programme_load


class Command(BaseCommand):
    help = "Validate and load care programme files (default: every built-in programme)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path)
        parser.add_argument("--check", action="store_true", help="Validate only; change nothing.")

    def handle(self, *args, files, check, **options):
        paths = files or built_in_programme_paths()
        definitions, problems = [], []
        for path in paths:
            if not path.is_file():
                problems.append(f"{path}: no such file")
                continue
            try:
                definitions.append(parse_programme(path))
            except DataFileError as error:
                problems.extend(str(p) for p in error.problems)
        if problems:
            for line in problems:
                self.stderr.write(line)
            raise CommandError(f"{len(problems)} problem(s) in programme files; nothing loaded.")
        if check:
            self.stdout.write(f"{len(definitions)} programme file(s) are valid.")
            return
        for definition in definitions:
            try:
                programme, outcome = programme_load(actor=None, definition=definition)
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from None
            self.stdout.write(f"{outcome:9} {programme.code} {programme.version}")
