"""Inserts and single-row reads whose SQL is built once, for the few paths run on every request.

Django's ORM compiles the SQL of every query afresh. For a one-row read or insert that costs
0.5 to 2 ms of CPU, several times what the database spends on it; on the submission path
(an access check, a key lookup, a response, its observations, three audit events) it was
most of the time (ADR 0013). These classes build the SQL of one model's insert or one-row
read once per database, then only bind values. Values pass through the same field methods
the ORM uses (`pre_save`, `get_db_prep_save`, the backend's and the field's converters), so
rows read and written here are exactly what the ORM would read and write, on SQLite and on
PostgreSQL. They are for fixed shapes on hot paths only; everything else uses the ORM.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import psycopg
from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

M = TypeVar("M", bound=models.Model)

Converter = tuple[list[Callable[..., Any]], Any]


def rows_of(connection: BaseDatabaseWrapper, sql: str, params: Sequence[Any]) -> list[tuple]:
    """Run one statement through Django's cursor wrapper (so execute wrappers and error
    translation apply) and return its rows.

    On PostgreSQL the values are bound by the server rather than spliced into the text by
    psycopg, so the text is the same on every call: that saves quoting each value, and lets
    psycopg prepare the statement once per connection when `prepare_threshold` is set in
    the database OPTIONS (config/settings.py sets it unless a pooler forbids it).
    """
    if connection.vendor != "postgresql" or connection.queries_logged:
        # Query logging (DEBUG, tests counting queries) wants the SQL with its values.
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        raw = psycopg.Cursor(connection.connection)
    with connection.make_cursor(raw) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def converters_for(
    connection: BaseDatabaseWrapper, fields: Sequence[models.Field], alias: str
) -> list[Converter | None]:
    """What the ORM applies to each column read back (the backend's and the field's
    converters), so that e.g. SQLite's datetime text becomes an aware datetime."""
    found: list[Converter | None] = []
    for field in fields:
        col = field.get_col(alias)
        functions = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        found.append((functions, col) if functions else None)
    return found


def converted(
    connection: BaseDatabaseWrapper, row: Sequence[Any], converters: Sequence[Converter | None]
) -> list[Any]:
    values = list(row)
    for i, found in enumerate(converters):
        if found is not None:
            functions, col = found
            for convert in functions:
                values[i] = convert(values[i], col, connection)
    return values


class PreparedInsert(Generic[M]):
    """`INSERT ... RETURNING id` for unsaved instances of one model, several rows in one
    statement; sets each instance's primary key as `bulk_create` does (also on SQLite).

    Like `bulk_create`, it calls no `save()` and sends no signals (the project has none).
    """

    def __init__(self, model: type[M]):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self._sql: dict[tuple[str, int], str] = {}

    def sql(self, connection: BaseDatabaseWrapper, rows: int) -> str:
        key = (connection.alias, rows)
        if key not in self._sql:
            quote = connection.ops.quote_name
            columns = ", ".join(quote(f.column) for f in self.fields)
            row = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
            table = quote(self.model._meta.db_table)
            values = ", ".join([row] * rows)
            pk = quote(self.model._meta.pk.column)
            # Names come from the model's _meta, quoted; values are always bound.
            self._sql[key] = f"INSERT INTO {table} ({columns}) VALUES {values} RETURNING {pk}"  # noqa: S608
        return self._sql[key]

    def insert(self, objs: Sequence[M], using: str = "default") -> Sequence[M]:
        if not objs:
            return objs
        connection = connections[using]
        params: list[Any] = []
        for obj in objs:
            params.extend(
                f.get_db_prep_save(f.pre_save(obj, True), connection) for f in self.fields
            )
        ids = [row[0] for row in rows_of(connection, self.sql(connection, len(objs)), params)]
        for obj, pk in zip(objs, ids, strict=True):
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = using
        return objs


class PreparedGet(Generic[M]):
    """The one row of a model with `field` equal to a value (a primary key or another unique
    column), with the forward foreign keys named in `related` loaded in the same query, as
    `select_related(*related).filter(field=value).first()` would return; None if absent."""

    def __init__(self, model: type[M], *, field: str = "pk", related: Sequence[str] = ()):
        self.model = model
        meta = model._meta
        self.key = meta.pk if field == "pk" else meta.get_field(field)
        if not (self.key.primary_key or self.key.unique):
            raise ValueError(f"{model.__name__}.{field} is not unique")
        self.related = [meta.get_field(name) for name in related]
        for fk in self.related:
            if not fk.many_to_one and not fk.one_to_one:
                raise ValueError(f"{model.__name__}.{fk.name} is not a forward foreign key")
        self._prepared: dict[str, tuple[str, list[Converter | None]]] = {}

    def _tables(self) -> list[tuple[type[models.Model], str]]:
        return [(self.model, "t0")] + [
            (fk.related_model, f"t{i}") for i, fk in enumerate(self.related, start=1)
        ]

    def _prepare(self, connection: BaseDatabaseWrapper) -> tuple[str, list[Converter | None]]:
        quote = connection.ops.quote_name
        columns, converters = [], []
        for model, alias in self._tables():
            fields = model._meta.concrete_fields
            columns.extend(f"{alias}.{quote(field.column)}" for field in fields)
            converters.extend(converters_for(connection, fields, alias))
        joins = []
        for i, fk in enumerate(self.related, start=1):
            kind = "LEFT OUTER JOIN" if fk.null else "INNER JOIN"
            table = quote(fk.related_model._meta.db_table)
            target = quote(fk.target_field.column)
            joins.append(f"{kind} {table} t{i} ON t{i}.{target} = t0.{quote(fk.column)}")
        table = quote(self.model._meta.db_table)
        where = f"t0.{quote(self.key.column)} = %s"
        # Names come from the model's _meta, quoted; the value is bound.
        sql = f"SELECT {', '.join(columns)} FROM {table} t0 {' '.join(joins)} WHERE {where}"  # noqa: S608
        return sql, converters

    def get(self, value: Any, using: str = "default") -> M | None:
        connection = connections[using]
        if using not in self._prepared:
            self._prepared[using] = self._prepare(connection)
        sql, converters = self._prepared[using]
        rows = rows_of(connection, sql, [self.key.get_db_prep_value(value, connection)])
        if not rows:
            return None
        values = converted(connection, rows[0], converters)
        start = 0
        instances = []
        for model, _alias in self._tables():
            width = len(model._meta.concrete_fields)
            chunk = values[start : start + width]
            start += width
            pk_index = model._meta.concrete_fields.index(model._meta.pk)
            if model is not self.model and chunk[pk_index] is None:  # no row on the outer join
                instances.append(None)
                continue
            attnames = [f.attname for f in model._meta.concrete_fields]
            instances.append(model.from_db(using, attnames, chunk))
        obj = instances[0]
        for fk, related in zip(self.related, instances[1:], strict=True):
            fk.set_cached_value(obj, related)
        return obj


class PreparedRows(Generic[M]):
    """A few columns of one model's rows with a fixed condition, order and limit: a hot
    read that needs lists of values, not instances. `where` names columns by field name in
    braces and values as %s (`"{patient} = %s AND {code} = %s"`); `params` names the field
    each %s is compared with, so values are prepared as the ORM prepares them (SQLite
    stores datetimes as text in UTC). A column `"programme__code"` reads a field of the row
    a non-null foreign key points at, joined in the same statement."""

    def __init__(
        self,
        model: type[M],
        columns: Sequence[str],
        *,
        where: str,
        params: Sequence[str],
        order_by: Sequence[str] = (),
        limit: bool = False,
    ):
        self.model = model
        self.columns = list(columns)
        self.joins = list(dict.fromkeys(c.split("__")[0] for c in columns if "__" in c))
        for name in self.joins:
            fk = model._meta.get_field(name)
            if not fk.many_to_one or fk.null:
                raise ValueError(f"{model.__name__}.{name} is not a non-null foreign key")
        self.fields = [self._field(name) for name in columns]
        self.params = [model._meta.get_field(name) for name in params]
        self.where = where
        self.order_by = list(order_by)
        self.limit = limit
        self._prepared: dict[str, tuple[str, list[Converter | None]]] = {}

    def _field(self, column: str) -> models.Field:
        if "__" not in column:
            return self.model._meta.get_field(column)
        fk_name, name = column.split("__")
        return self.model._meta.get_field(fk_name).related_model._meta.get_field(name)

    def _alias(self, column: str) -> str:
        return f"t{self.joins.index(column.split('__')[0]) + 1}" if "__" in column else "t0"

    def _prepare(self, connection: BaseDatabaseWrapper) -> tuple[str, list[Converter | None]]:
        quote = connection.ops.quote_name
        meta = self.model._meta
        names = {f.name: f"t0.{quote(f.column)}" for f in meta.concrete_fields}
        names |= {f.attname: f"t0.{quote(f.column)}" for f in meta.concrete_fields}
        columns = ", ".join(
            f"{self._alias(c)}.{quote(f.column)}"
            for c, f in zip(self.columns, self.fields, strict=True)
        )
        joins = "".join(
            f" INNER JOIN {quote(fk.related_model._meta.db_table)} t{i}"
            f" ON t{i}.{quote(fk.target_field.column)} = t0.{quote(fk.column)}"
            for i, fk in enumerate((meta.get_field(n) for n in self.joins), start=1)
        )
        where = self.where.format_map(names)
        order = ", ".join(
            f"{names[o.lstrip('-')]} {'DESC' if o.startswith('-') else 'ASC'}"
            for o in self.order_by
        )
        sql = f"SELECT {columns} FROM {quote(meta.db_table)} t0{joins} WHERE {where}"  # noqa: S608
        if order:
            sql += f" ORDER BY {order}"
        if self.limit:
            sql += " LIMIT %s"
        converters = [
            converters_for(connection, [f], self._alias(c))[0]
            for c, f in zip(self.columns, self.fields, strict=True)
        ]
        return sql, converters

    def rows(self, *values: Any, limit: int | None = None, using: str = "default") -> list[list]:
        """The rows where the condition holds for `values` (one per `params` field)."""
        connection = connections[using]
        if using not in self._prepared:
            self._prepared[using] = self._prepare(connection)
        sql, converters = self._prepared[using]
        params = [
            f.get_db_prep_value(v, connection) for f, v in zip(self.params, values, strict=True)
        ]
        if self.limit:
            params.append(limit)
        return [converted(connection, row, converters) for row in rows_of(connection, sql, params)]


class PreparedUnion:
    """The rows of two PreparedRows reads with the same columns in one statement (each
    keeps its own order and limit): one round trip where a hot path needs both."""

    def __init__(self, first: PreparedRows, second: PreparedRows):
        if first.columns != second.columns:
            raise ValueError("a union needs the same columns on both sides")
        self.parts = (first, second)
        self._prepared: dict[str, tuple[str, list[Converter | None]]] = {}

    def rows(
        self,
        first: Sequence[Any],
        second: Sequence[Any],
        *,
        limits: tuple[int | None, int | None] = (None, None),
        using: str = "default",
    ) -> list[list]:
        """`first` and `second` are the values of each part's `params`; `limits` their
        limits (for parts made with `limit=True`)."""
        connection = connections[using]
        if using not in self._prepared:
            prepared = [part._prepare(connection) for part in self.parts]
            # Sub-selects, so each part may have its ORDER BY and LIMIT (SQLite needs this).
            sql = " UNION ALL ".join(
                f"SELECT * FROM ({text}) u{i}"  # noqa: S608
                for i, (text, _) in enumerate(prepared)
            )
            self._prepared[using] = (sql, prepared[0][1])
        sql, converters = self._prepared[using]
        params: list[Any] = []
        for part, values, limit in zip(self.parts, (first, second), limits, strict=True):
            params.extend(
                f.get_db_prep_value(v, connection) for f, v in zip(part.params, values, strict=True)
            )
            if part.limit:
                params.append(limit)
        return [converted(connection, row, converters) for row in rows_of(connection, sql, params)]
