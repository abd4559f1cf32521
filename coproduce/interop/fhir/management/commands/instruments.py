"""`coproduce instruments …`: list, load, check, import and export instrument definitions.

coproduce instruments list
coproduce instruments load                 # the definitions shipped with Coproduce
coproduce instruments check FILE.json …    # validate only
coproduce instruments import FILE.json [--checked-by NAME --checked-on DATE --source TEXT]
coproduce instruments export CODE_OR_URL [--version V] [--output FILE]
coproduce instruments export --all --output DIR
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from coproduce.interop.fhir.instrument_files import (
    load_built_in_definitions,
    load_definition_file,
)
from coproduce.interop.fhir.questionnaire import (
    QuestionnaireFileError,
    loaded_json,
    parse_questionnaire,
    questionnaire_text,
)
from coproduce.questionnaires.binding import BindingError, bind
from coproduce.questionnaires.models import DefinitionOrigin, QuestionnaireDefinition
from coproduce.questionnaires.selectors import (
    definition_by_canonical,
    definition_for_instrument,
    definitions_all,
)
from coproduce.scoring import catalogue


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--checked-on: '{text}' is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "List, load, check, import and export instrument definitions (FHIR Questionnaire)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("list", help="Every scorer and the definitions loaded for it.")
        actions.add_parser("load", help="Load the definitions shipped with Coproduce.")
        check = actions.add_parser("check", help="Validate files; change nothing.")
        check.add_argument("files", nargs="+", type=Path)
        imported = actions.add_parser("import", help="Validate and load a Questionnaire file.")
        imported.add_argument("file", type=Path)
        imported.add_argument("--replace", action="store_true", help="Replace the same version.")
        imported.add_argument("--source", default="", help="Where the definition comes from.")
        imported.add_argument("--checked-by", default="", help="Who checked it against its source.")
        imported.add_argument("--checked-on", default="", help="When (YYYY-MM-DD).")
        export = actions.add_parser("export", help="Write a stored definition as FHIR JSON.")
        export.add_argument("instrument", nargs="?", help="Instrument code or canonical URL.")
        export.add_argument("--version", dest="definition_version", default="")
        export.add_argument("--all", action="store_true", help="Every definition, into a folder.")
        export.add_argument("--output", "-o", type=Path, help="File (or folder with --all).")

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action}")(**options)

    def problems(self, path: Path, problems: list[str]) -> CommandError:
        for problem in problems:
            self.stderr.write(f"{path}: {problem}")
        return CommandError(f"{path}: {len(problems)} problem(s); nothing was loaded.")

    def do_list(self, **options):
        loaded: dict[str, list[QuestionnaireDefinition]] = {}
        for definition in definitions_all():
            loaded.setdefault(definition.instrument_code, []).append(definition)
        for spec in catalogue():
            text = "item text" if spec.item_text_shipped else "scoring only (licensed)"
            self.stdout.write(f"{spec.code:18} {spec.version:10} {spec.url}  [{text}]")
            for definition in loaded.get(spec.code, []):
                wording = "with item text" if definition.has_item_text else "no item text"
                self.stdout.write(
                    f"{'':18} loaded {definition.version} ({definition.origin}, {wording}, "
                    f"checked by {definition.checked_by} on {definition.checked_on})"
                )

    def do_load(self, **options):
        try:
            results = load_built_in_definitions()
        except (QuestionnaireFileError, BindingError) as error:
            raise CommandError("\n".join(error.problems)) from None
        for definition, outcome in results:
            self.stdout.write(f"{outcome:9} {definition.instrument_code} {definition.version}")

    def do_check(self, files, **options):
        failed = False
        for path in files:
            try:
                bind(parse_questionnaire(loaded_json(path.read_text(encoding="utf-8"))))
            except (QuestionnaireFileError, BindingError) as error:
                failed = True
                for problem in error.problems:
                    self.stderr.write(f"{path}: {problem}")
                continue
            except OSError as error:
                failed = True
                self.stderr.write(f"{path}: cannot be read ({error})")
                continue
            self.stdout.write(f"{path}: valid")
        if failed:
            raise CommandError("Some files have problems; see above.")

    def do_import(self, file, replace, source, checked_by, checked_on, **options):
        try:
            definition, outcome = load_definition_file(
                file,
                actor=None,
                origin=DefinitionOrigin.IMPORTED,
                replace=replace,
                source=source,
                checked_by=checked_by,
                checked_on=iso_date(checked_on) if checked_on else None,
            )
        except (QuestionnaireFileError, BindingError) as error:
            raise self.problems(file, error.problems) from None
        wording = "with item text" if definition.has_item_text else "without item text"
        self.stdout.write(
            f"{outcome} {definition.url}|{definition.version} ({wording}), "
            f"scored by {definition.instrument_code}"
        )

    def do_export(self, instrument, definition_version, all, output, **options):
        if all:
            if output is None:
                raise CommandError("--all needs --output FOLDER")
            output.mkdir(parents=True, exist_ok=True)
            for definition in definitions_all():
                name = f"{definition.instrument_code}-{definition.version}.json"
                (output / name).write_text(questionnaire_text(definition.fhir), encoding="utf-8")
                self.stdout.write(f"wrote {output / name}")
            return
        if not instrument:
            raise CommandError("Name an instrument code or canonical URL, or use --all.")
        definition = (
            definition_by_canonical(instrument, definition_version)
            if "/" in instrument
            else definition_for_instrument(instrument)
        )
        if definition is None:
            raise CommandError(
                f"No definition loaded for '{instrument}'. Run `coproduce instruments load`, "
                "or see `coproduce instruments list`."
            )
        text = questionnaire_text(definition.fhir)
        if output is None:
            self.stdout.write(text, ending="")
        else:
            output.write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {output}")
