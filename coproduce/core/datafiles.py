"""Reading reviewed TOML data files with errors that name the file and line."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class DataFileProblem:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class DataFileError(ValueError):
    """One or more problems in a data file; str() lists each as 'file:line: what'."""

    def __init__(self, problems: list[DataFileProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


TOML_LINE = re.compile(r"at line (\d+)")


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """Parse a TOML file; a syntax error becomes a DataFileError with its line."""
    text = path.read_text(encoding="utf-8")
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as error:
        match = TOML_LINE.search(str(error))
        line = int(match.group(1)) if match else None
        raise DataFileError(
            [DataFileProblem(str(path), line, f"not valid TOML: {error}")]
        ) from None


class LineFinder:
    """Finds the line of a key in a TOML text: top-level keys, or keys inside the n-th
    `[[table]]` array element. TOML parsers do not keep positions, so the text is scanned."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def table_start(self, table: str, index: int) -> int | None:
        header = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]")
        seen = -1
        for number, line in enumerate(self.lines, start=1):
            if header.match(line):
                seen += 1
                if seen == index:
                    return number
        return None

    def key(self, key: str, table: str | None = None, index: int = 0) -> int | None:
        start = 1 if table is None else self.table_start(table, index)
        if start is None:
            return None
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number in range(start, len(self.lines) + 1):
            line = self.lines[number - 1]
            if number > start and line.lstrip().startswith("["):
                break  # the next table began: key absent here
            if pattern.match(line):
                return number
        return start if table is not None else None
