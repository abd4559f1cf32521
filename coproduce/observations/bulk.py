"""The bulk path: millions of rows per minute for registry imports and the benchmark.

The service layer (`observations/services.py`) stays the one write path for everything a
person does. A registry import of 100 million rows cannot go through it row by row, so this
module writes whole column batches with the fastest portable method of each backend:

* PostgreSQL: `COPY ... FROM STDIN (FORMAT BINARY)`, with the binary rows built by numpy
  (no per-row Python), foreign keys dropped and re-added (re-adding validates every row);
* SQLite: `executemany` on the raw connection in one large transaction, with
  `synchronous=OFF`, a rollback journal and foreign-key enforcement off for the load only
  (ids are checked against the parent tables first), all restored afterwards.

On both, secondary indexes are dropped before the load and re-created afterwards from the
exact DDL read back from the database catalogue, so the table ends with precisely the indexes
the migrations made. Everything happens in one transaction: a failed import leaves nothing.
One audit event records each import (DESIGN.md §2 rule 2, rule 9: ids and counts only).
"""

from __future__ import annotations

import datetime as dt
import struct
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, pairwise
from typing import Any

import numpy as np
from django.db import connections, models, transaction

from coproduce.core.audit import AuditAction, audit_record
from coproduce.observations.catalogue import code_info
from coproduce.observations.models import Observation, ObservationSource

# --- Column batches ----------------------------------------------------------------------


@dataclass(frozen=True)
class Ints:
    """Integers (ids, counts); written at the width of the target column."""

    values: np.ndarray


@dataclass(frozen=True)
class Floats:
    """Finite floating-point values (no NULLs: the bulk path writes complete rows)."""

    values: np.ndarray


@dataclass(frozen=True)
class Instants:
    """Aware instants as whole seconds since 1970-01-01T00:00:00Z."""

    seconds: np.ndarray


@dataclass(frozen=True)
class Dates:
    """Calendar dates as days since 1970-01-01."""

    days: np.ndarray


@dataclass(frozen=True)
class Categories:
    """A column with few distinct values: `labels[index]` per row (codes, units, sources)."""

    index: np.ndarray
    labels: tuple[Any, ...]


@dataclass(frozen=True)
class FixedTexts:
    """ASCII texts that all have the same length (e.g. zero-padded local identifiers)."""

    values: np.ndarray  # dtype 'S<n>'


Column = Ints | Floats | Instants | Dates | Categories | FixedTexts
ColumnBatch = Mapping[str, Column]


def batch_length(batch: ColumnBatch) -> int:
    """The common number of rows of a batch; ValueError if the columns disagree."""
    lengths = {_column_length(column) for column in batch.values()}
    if len(lengths) != 1:
        raise ValueError(f"Columns of one batch differ in length: {sorted(lengths)}.")
    return lengths.pop()


def _column_length(column: Column) -> int:
    if isinstance(column, Categories):
        return len(column.index)
    if isinstance(column, Instants):
        return len(column.seconds)
    if isinstance(column, Dates):
        return len(column.days)
    return len(column.values)


@dataclass(frozen=True)
class BulkWriteResult:
    rows: int
    seconds: float
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


# --- The generic writer --------------------------------------------------------------------


@dataclass(frozen=True)
class ForeignKeyCheck:
    """Ids in `column` must exist in `model` (checked in bulk on SQLite, by the database's
    own constraint on PostgreSQL)."""

    column: str
    model: type[models.Model]


def table_bulk_write(
    *,
    model: type[models.Model],
    batches: Iterable[ColumnBatch],
    using: str = "default",
    foreign_keys: Sequence[ForeignKeyCheck] = (),
    within_transaction: Any = None,
) -> BulkWriteResult:
    """Append every row of `batches` to `model`'s table in one transaction and return the
    row count and timings.

    Columns not in a batch get the model field's default (a constant). The primary key
    comes from the table's own sequence. `within_transaction`, if given, is called with the
    row count inside the same transaction after the rows are written (for the audit event).

    Called outside a transaction it tunes the database for the load (pragmas, dropped and
    re-created indexes). Inside one (a test, or a small import that is part of a larger
    change) it writes into that transaction with the indexes in place and settings unchanged.
    """
    connection = connections[using]
    if connection.vendor not in {"postgresql", "sqlite"}:
        raise NotImplementedError(f"No bulk path for {connection.vendor}.")
    writer = _PostgresWriter if connection.vendor == "postgresql" else _SqliteWriter
    return writer(model=model, using=using, foreign_keys=foreign_keys).run(
        batches, within_transaction, tune=not connection.in_atomic_block
    )


def _concrete_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _nothing() -> None:
    return None


class _Writer:
    def __init__(
        self, *, model: type[models.Model], using: str, foreign_keys: Sequence[ForeignKeyCheck]
    ):
        self.model = model
        self.using = using
        self.connection = connections[using]
        self.table = model._meta.db_table
        self.fields = _concrete_fields(model)
        self.foreign_keys = foreign_keys
        self.phases: dict[str, float] = {}

    def _phase(self, name: str, started: float) -> None:
        self.phases[name] = self.phases.get(name, 0.0) + time.perf_counter() - started

    def constants(self, batch: ColumnBatch) -> dict[str, Any]:
        """Defaults for the columns a batch leaves out; a column without one is an error."""
        missing: dict[str, Any] = {}
        for f in self.fields:
            if f.column in batch:
                continue
            value = f.get_default()
            if value is None and not f.null:
                raise ValueError(f"{self.table}.{f.column} has no default; the batch needs it.")
            missing[f.column] = value
        unknown = set(batch) - {f.column for f in self.fields}
        if unknown:
            raise ValueError(f"{self.table} has no column(s) {sorted(unknown)}.")
        return missing

    def run(
        self, batches: Iterable[ColumnBatch], within_transaction: Any, *, tune: bool
    ) -> BulkWriteResult:
        started = time.perf_counter()
        rows = 0
        settings = self.load_settings() if tune else _NoSettings()
        with settings, transaction.atomic(using=self.using):
            t = time.perf_counter()
            recreate = self.drop_secondary_structures() if tune else _nothing
            self._phase("drop_indexes", t)
            for batch in batches:
                n = batch_length(batch)
                if n == 0:
                    continue
                t = time.perf_counter()
                self.check_foreign_keys(batch)
                self._phase("check_ids", t)
                t = time.perf_counter()
                self.write(batch, self.constants(batch))
                self._phase("write", t)
                rows += n
            t = time.perf_counter()
            recreate()
            self._phase("create_indexes", t)
            if within_transaction is not None:
                within_transaction(rows)
        return BulkWriteResult(
            rows=rows, seconds=time.perf_counter() - started, phases=dict(self.phases)
        )

    # Subclasses implement these.
    def load_settings(self):  # pragma: no cover - interface
        raise NotImplementedError

    def drop_secondary_structures(self):  # pragma: no cover - interface
        raise NotImplementedError

    def check_foreign_keys(self, batch: ColumnBatch) -> None:
        return None

    def write(self, batch: ColumnBatch, constants: dict[str, Any]) -> None:  # pragma: no cover
        raise NotImplementedError


# --- SQLite --------------------------------------------------------------------------------

_EPOCH = dt.date(1970, 1, 1)


def _sqlite_literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


class _DayNames:
    """'YYYY-MM-DD' for days since 1970, built once per distinct day (thousands, not
    millions), so formatting a column is a numpy gather rather than a loop of strftime."""

    def __init__(self) -> None:
        self._first = 0
        self._names = np.empty(0, dtype=object)

    def names(self, days: np.ndarray) -> np.ndarray:
        low, high = int(days.min()), int(days.max())
        if not self._names.size or low < self._first or high >= self._first + self._names.size:
            first = min(low, self._first) if self._names.size else low
            last = max(high, self._first + self._names.size - 1) if self._names.size else high
            self._first = first
            self._names = np.array(
                [(_EPOCH + dt.timedelta(days=d)).isoformat() for d in range(first, last + 1)],
                dtype=object,
            )
        return self._names[days - self._first]


# Django stores an aware datetime on SQLite as naive UTC text 'YYYY-MM-DD HH:MM:SS' (no
# fraction when the microseconds are zero); the bulk path writes exactly that form so that
# string comparisons in queries order bulk rows and service rows alike.
_TIME_OF_DAY = np.array(
    [f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)], dtype=object
)


SQLITE_ROWS_PER_STATEMENT = 250
SQLITE_MAX_VARIABLES = 32766  # SQLITE_MAX_VARIABLE_NUMBER since SQLite 3.32


class _SqliteWriter(_Writer):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.days = _DayNames()
        self.known_ids: dict[str, np.ndarray] = {}

    def load_settings(self):
        return _sqlite_load_settings(self.connection)

    def drop_secondary_structures(self):
        raw = self.connection.connection
        indexes = raw.execute(
            "SELECT name, sql FROM sqlite_master "
            "WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            [self.table],
        ).fetchall()
        for name, _sql in indexes:
            raw.execute(f'DROP INDEX "{name}"')

        def recreate() -> None:
            for _name, sql in indexes:
                raw.execute(sql)

        return recreate

    def check_foreign_keys(self, batch: ColumnBatch) -> None:
        # Enforcement is off during the load, so prove every id exists: one read of each
        # parent table's ids, then a vectorised membership test per batch.
        for fk in self.foreign_keys:
            column = batch.get(fk.column)
            if not isinstance(column, Ints):
                continue
            if fk.column not in self.known_ids:
                ids = fk.model._default_manager.using(self.using).values_list("pk", flat=True)
                self.known_ids[fk.column] = np.sort(np.fromiter(ids, dtype=np.int64))
            wanted = np.unique(column.values)
            found = np.isin(wanted, self.known_ids[fk.column], assume_unique=True)
            if not found.all():
                raise ValueError(
                    f"{self.table}.{fk.column}: {int((~found).sum())} id(s) do not exist "
                    f"in {fk.model._meta.db_table}."
                )

    def _python_column(self, column: Column) -> list:
        if isinstance(column, Ints):
            return column.values.tolist()
        if isinstance(column, Floats):
            return column.values.tolist()
        if isinstance(column, Categories):
            labels = np.array([_sqlite_value(label) for label in column.labels], dtype=object)
            return labels[column.index].tolist()
        if isinstance(column, FixedTexts):
            return column.values.astype("U").tolist()
        if isinstance(column, Dates):
            return self.days.names(column.days).tolist()
        seconds = column.seconds
        days, time_of_day = np.divmod(seconds, 86400)
        return (self.days.names(days) + _TIME_OF_DAY[time_of_day]).tolist()

    def write(self, batch: ColumnBatch, constants: dict[str, Any]) -> None:
        names = list(batch)
        columns = ", ".join(f'"{name}"' for name in [*names, *constants])
        row_sql = (
            "("
            + ", ".join(["?"] * len(names) + [_sqlite_literal(v) for v in constants.values()])
            + ")"
        )
        # Many rows per statement: an AUTOINCREMENT table updates sqlite_sequence once per
        # statement, so one row per statement would spend half the load there.
        per_statement = max(1, min(SQLITE_ROWS_PER_STATEMENT, SQLITE_MAX_VARIABLES // len(names)))
        flat = list(
            chain.from_iterable(
                zip(*(self._python_column(batch[name]) for name in names), strict=True)
            )
        )
        width = len(names) * per_statement
        full = len(flat) // width * width
        raw = self.connection.connection
        # Table and column names come from the model, values are bound or literal-escaped.
        insert = f'INSERT INTO "{self.table}" ({columns}) VALUES '  # noqa: S608
        raw.executemany(
            insert + ", ".join([row_sql] * per_statement),
            (flat[i : i + width] for i in range(0, full, width)),
        )
        tail = (len(flat) - full) // len(names)
        if tail:
            raw.execute(insert + ", ".join([row_sql] * tail), flat[full:])


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    return value


class _sqlite_load_settings:
    """Pragmas for a bulk load, restored afterwards. A rollback journal instead of WAL
    because one huge transaction in WAL would write every page twice (WAL, then checkpoint);
    new pages appended to the file need no journal at all. Foreign-key enforcement is off
    because checking 100M rows one lookup at a time costs more than the load; the writer
    checks the ids in bulk instead."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def __enter__(self) -> None:
        self.connection.ensure_connection()
        raw = self.connection.connection
        self.saved = {
            name: raw.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "synchronous", "foreign_keys", "cache_size")
        }
        raw.execute("PRAGMA journal_mode=DELETE")
        raw.execute("PRAGMA synchronous=OFF")
        raw.execute("PRAGMA foreign_keys=OFF")
        raw.execute("PRAGMA cache_size=-1048576")  # 1 GiB: index builds sort in memory

    def __exit__(self, *exc_info: object) -> None:
        raw = self.connection.connection
        for name, value in self.saved.items():
            raw.execute(f"PRAGMA {name}={value}")


# --- PostgreSQL ----------------------------------------------------------------------------

_PG_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
_PG_TRAILER = struct.pack(">h", -1)
_PG_EPOCH_SECONDS = 946_684_800  # 2000-01-01T00:00:00Z, PostgreSQL's binary epoch
_PG_EPOCH_DAYS = 10_957
_PG_INT = {"bigint": (">i8", 8), "integer": (">i4", 4), "smallint": (">i2", 2)}


class _PostgresWriter(_Writer):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.db_types = {f.column: f.db_type(self.connection) for f in self.fields}

    def load_settings(self):
        return _NoSettings()

    def drop_secondary_structures(self):
        with self.connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT i.relname, pg_get_indexdef(i.oid)
                FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                WHERE x.indrelid = %s::regclass AND NOT EXISTS (
                    SELECT 1 FROM pg_constraint c
                    WHERE c.conrelid = x.indrelid AND c.conindid = x.indexrelid
                )
                ORDER BY i.relname
                """,
                [self.table],
            )
            indexes = cursor.fetchall()
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                [self.table],
            )
            foreign_keys = cursor.fetchall()
            for name, _definition in foreign_keys:
                cursor.execute(f'ALTER TABLE "{self.table}" DROP CONSTRAINT "{name}"')
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')

        def recreate() -> None:
            with self.connection.cursor() as cursor:
                for _name, definition in indexes:
                    cursor.execute(definition)
                # Re-adding a foreign key validates every row against the parent table.
                for name, definition in foreign_keys:
                    cursor.execute(
                        f'ALTER TABLE "{self.table}" ADD CONSTRAINT "{name}" {definition}'
                    )

        return recreate

    def write(self, batch: ColumnBatch, constants: dict[str, Any]) -> None:
        names = list(batch)
        order = [f.column for f in self.fields if f.column in batch or f.column in constants]
        column_sql = ", ".join(f'"{name}"' for name in order)
        raw = self.connection.connection
        with (
            raw.cursor() as cursor,
            cursor.copy(f'COPY "{self.table}" ({column_sql}) FROM STDIN (FORMAT BINARY)') as copy,
        ):
            copy.write(_PG_SIGNATURE)
            for chunk in self._binary_rows(batch, names, order, constants):
                copy.write(chunk)
            copy.write(_PG_TRAILER)

    def _encode_constant(self, column: str, value: Any) -> bytes:
        if value is None:
            return struct.pack(">i", -1)
        db_type = self.db_types[column]
        if isinstance(value, bool):
            data = b"\x01" if value else b"\x00"
        elif db_type in _PG_INT:
            data = np.array([value], dtype=_PG_INT[db_type][0]).tobytes()
        elif isinstance(value, float) or db_type.startswith("double"):
            data = struct.pack(">d", float(value))
        elif isinstance(value, str):
            data = value.encode()
        else:
            raise TypeError(f"Cannot write a constant {type(value).__name__} to {column}.")
        return struct.pack(">i", len(data)) + data

    def _binary_rows(
        self, batch: ColumnBatch, names: list[str], order: list[str], constants: dict[str, Any]
    ) -> Iterator[bytes]:
        """Binary COPY tuples, built by numpy. Text makes a row's layout variable, so rows
        are grouped by their combination of category labels; inside a group every row has
        the same layout and the whole group is one structured array."""
        categories = [n for n in names if isinstance(batch[n], Categories)]
        n_rows = batch_length(batch)
        key = np.zeros(n_rows, dtype=np.int64)
        for name in categories:
            column = batch[name]
            key = key * len(column.labels) + column.index.astype(np.int64)
        if categories:
            rows_order = np.argsort(key, kind="stable")
            sorted_key = key[rows_order]
            starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
            bounds = np.r_[starts, n_rows]
        else:
            rows_order = None
            bounds = np.array([0, n_rows])
        for start, end in pairwise(bounds.tolist()):
            rows = None if rows_order is None else rows_order[start:end]
            yield self._group_bytes(batch, order, constants, rows, int(end - start))

    def _group_bytes(
        self,
        batch: ColumnBatch,
        order: list[str],
        constants: dict[str, Any],
        rows: np.ndarray | None,
        size: int,
    ) -> bytes:
        def take(values: np.ndarray) -> np.ndarray:
            return values if rows is None else values[rows]

        first = 0 if rows is None else int(rows[0])
        dtype: list[tuple[str, str]] = [("count", ">i2")]
        fill: dict[str, Any] = {"count": len(order)}
        for i, name in enumerate(order):
            column = batch.get(name)
            if column is None or isinstance(column, Categories):
                value = (
                    constants[name] if column is None else column.labels[int(column.index[first])]
                )
                encoded = self._encode_constant(name, value)
                dtype.append((f"c{i}", f"S{len(encoded)}"))
                fill[f"c{i}"] = encoded
                continue
            if isinstance(column, Ints):
                code, width = _PG_INT[self.db_types[name]]
                values = take(column.values)
            elif isinstance(column, Floats):
                code, width, values = ">f8", 8, take(column.values)
            elif isinstance(column, Instants):
                code, width = ">i8", 8
                values = (take(column.seconds).astype(np.int64) - _PG_EPOCH_SECONDS) * 1_000_000
            elif isinstance(column, Dates):
                code, width = ">i4", 4
                values = take(column.days).astype(np.int64) - _PG_EPOCH_DAYS
            else:  # FixedTexts
                width = column.values.dtype.itemsize
                code, values = f"S{width}", take(column.values)
            dtype += [(f"l{i}", ">i4"), (f"v{i}", code)]
            fill[f"l{i}"] = width
            fill[f"v{i}"] = values
        out = np.empty(size, dtype=dtype)
        for name, value in fill.items():
            out[name] = value
        return out.tobytes()


class _NoSettings:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info: object) -> None:
        return None


# --- Observations --------------------------------------------------------------------------


@dataclass(frozen=True)
class ObservationBatch:
    """Quantity observations as columns. `code_index` points into `codes` (catalogue codes),
    `source_index` into `sources` (ObservationSource values)."""

    patient_id: np.ndarray
    unit_id: np.ndarray
    code_index: np.ndarray
    codes: tuple[str, ...]
    value: np.ndarray
    effective_at: np.ndarray  # seconds since 1970-01-01T00:00:00Z
    recorded_at: np.ndarray
    source_index: np.ndarray
    sources: tuple[str, ...]


def observation_columns(batch: ObservationBatch) -> dict[str, Column]:
    """Check a batch against the catalogue and return it as table columns.

    Every code must be a quantity in the catalogue, every value inside its plausible range
    (ValueError naming the code and how many values are out, never the values); values are
    rounded to the code's decimals like the service does, and stored in the code's unit.
    """
    infos = [code_info(code) for code in batch.codes]
    for info in infos:
        if info.kind != "quantity":
            raise ValueError(f"The bulk path writes quantities only; {info.code} is {info.kind}.")
    unknown = set(batch.sources) - set(ObservationSource.values)
    if unknown:
        raise ValueError(f"Unknown observation source(s) {sorted(unknown)}.")
    low = np.array([info.plausible_low for info in infos])[batch.code_index]
    high = np.array([info.plausible_high for info in infos])[batch.code_index]
    scale = (10.0 ** np.array([info.decimals for info in infos]))[batch.code_index]
    value = np.round(batch.value * scale) / scale
    bad = ~((value >= low) & (value <= high))
    if bad.any():
        codes = sorted({batch.codes[i] for i in np.unique(batch.code_index[bad])})
        raise ValueError(f"{int(bad.sum())} value(s) outside the plausible range of {codes}.")
    if (batch.effective_at > batch.recorded_at).any():
        raise ValueError("An observation cannot be recorded before it was taken.")
    return {
        "patient_id": Ints(batch.patient_id),
        "unit_id": Ints(batch.unit_id),
        "code": Categories(batch.code_index, batch.codes),
        "value_quantity": Floats(value),
        "value_unit": Categories(batch.code_index, tuple(info.unit for info in infos)),
        "effective_at": Instants(batch.effective_at),
        "recorded_at": Instants(batch.recorded_at),
        "source": Categories(batch.source_index, batch.sources),
        "is_confidential": Categories(batch.code_index, tuple(info.confidential for info in infos)),
    }


@dataclass(frozen=True)
class CodedObservationBatch:
    """Coded observations as columns (e.g. a medicine's ATC class, a screening result):
    `code_index` points into `codes`, `value_index` into `values` (the coded values). The
    quantity column is left out, so it is NULL, as the service writes a coded value."""

    patient_id: np.ndarray
    unit_id: np.ndarray
    code_index: np.ndarray
    codes: tuple[str, ...]
    value_index: np.ndarray
    values: tuple[str, ...]
    effective_at: np.ndarray  # seconds since 1970-01-01T00:00:00Z
    recorded_at: np.ndarray
    source_index: np.ndarray
    sources: tuple[str, ...]


def coded_observation_columns(batch: CodedObservationBatch) -> dict[str, Column]:
    """Check a coded batch against the catalogue (every code coded, every value one of its
    allowed values) and return it as table columns."""
    infos = [code_info(code) for code in batch.codes]
    for info in infos:
        if info.kind != "coded":
            raise ValueError(f"A coded batch writes coded values only; {info.code} is {info.kind}.")
    unknown = set(batch.sources) - set(ObservationSource.values)
    if unknown:
        raise ValueError(f"Unknown observation source(s) {sorted(unknown)}.")
    pairs = np.unique(np.stack([batch.code_index, batch.value_index]), axis=1)
    for code_index, value_index in pairs.T.tolist():
        info, value = infos[code_index], batch.values[value_index]
        if value not in info.values:
            raise ValueError(f"{value!r} is not a value of {info.code}.")
    if (batch.effective_at > batch.recorded_at).any():
        raise ValueError("An observation cannot be recorded before it was taken.")
    return {
        "patient_id": Ints(batch.patient_id),
        "unit_id": Ints(batch.unit_id),
        "code": Categories(batch.code_index, batch.codes),
        "value_code": Categories(batch.value_index, batch.values),
        "effective_at": Instants(batch.effective_at),
        "recorded_at": Instants(batch.recorded_at),
        "source": Categories(batch.source_index, batch.sources),
        "is_confidential": Categories(batch.code_index, tuple(info.confidential for info in infos)),
    }


def batch_columns(batch: ObservationBatch | CodedObservationBatch) -> dict[str, Column]:
    if isinstance(batch, CodedObservationBatch):
        return coded_observation_columns(batch)
    return observation_columns(batch)


@dataclass(frozen=True)
class ObservationImport:
    job_id: str
    result: BulkWriteResult


def observations_bulk_import(
    *,
    actor: Any,
    batches: Iterable[ObservationBatch | CodedObservationBatch],
    using: str = "default",
    purpose: str = "registry-import",
) -> ObservationImport:
    """Write every batch in one transaction with one audit event (action create, entity
    type ObservationImport, detail: the row count). Returns the job id and timings.

    Patients, units and reporters must exist; values must be plausible (ValueError before
    anything is kept). Must be called outside a transaction.
    """
    from coproduce.network.models import Unit
    from coproduce.patients.models import Patient

    job_id = uuid.uuid4().hex

    def audit(rows: int) -> None:
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            entity_type="ObservationImport",
            entity_id=job_id,
            purpose=purpose,
            detail={"rows": rows},
        )

    result = table_bulk_write(
        model=Observation,
        batches=(batch_columns(batch) for batch in batches),
        using=using,
        foreign_keys=[ForeignKeyCheck("patient_id", Patient), ForeignKeyCheck("unit_id", Unit)],
        within_transaction=audit,
    )
    return ObservationImport(job_id=job_id, result=result)
