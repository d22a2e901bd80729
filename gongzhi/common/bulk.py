"""Inserting many rows fast: PostgreSQL COPY with ids drawn from the table's sequence in one
query, or Django's bulk_create elsewhere (SQLite). The rows are plain tuples in the order of
`fields` (attribute names, e.g. "person_id"), already in their database form: JSON as text,
timestamps set (COPY runs no auto_now), because COPY bypasses model code on purpose."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, models


def next_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys from the table's identity sequence (for rows that must
    refer to each other before they are written). SQLite has one writer at a time: there the
    keys after the largest, to be used in the same transaction."""
    if count == 0:
        return []
    if connection.vendor != "postgresql":
        top = model._base_manager.aggregate(top=models.Max("pk"))["top"] or 0
        return list(range(top + 1, top + 1 + count))
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [table, pk, count])
        return [row[0] for row in cursor.fetchall()]


def insert(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]], *,
           returning_ids: bool = True) -> list[int]:
    """Inserts `rows` and returns their new ids (in order) when asked."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        as_json = {f for f in fields if isinstance(model._meta.get_field(f), models.JSONField)}
        objects = model._base_manager.bulk_create([
            model(**{f: json.loads(v) if f in as_json and isinstance(v, str) else v
                     for f, v in zip(fields, row, strict=True)}) for row in rows], batch_size=2000)
        return [o.pk for o in objects] if returning_ids else []
    columns = [model._meta.get_field(f).column for f in fields]  # "person_id" finds the FK too
    ids: list[int] = []
    if returning_ids:
        ids = next_ids(model, len(rows))
        columns = [model._meta.pk.column, *columns]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
        if returning_ids:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row((pk, *row))
        else:
            for row in rows:
                copy.write_row(row)
    return ids


def insert_sql(instance: models.Model, *, source: str = "", computed: dict[str, str] | None = None
               ) -> tuple[str, list[Any]]:
    """One instance's INSERT (without its id) as SQL and parameters, prepared as save() would,
    so that several writes can go to the database as one statement (PostgreSQL's data-modifying
    WITH): `computed` gives SQL for some columns by attribute name (e.g. {"case_id": "c.id"}),
    taken from `source`, the name of an earlier WITH clause."""
    sql, readers = _insert_statement(type(instance), source, tuple(sorted((computed or {}).items())),
                                     connection.vendor)
    return sql, [read(instance) for read in readers]


@functools.lru_cache(maxsize=64)
def _insert_statement(model: type[models.Model], source: str, computed: tuple[tuple[str, str], ...], vendor: str
                      ) -> tuple[str, list[Callable[[models.Model], Any]]]:
    """The SQL of insert_sql and a reader of each parameter's value, made once per model and
    shape (the statement of the busiest write is the same every time)."""
    by_name = dict(computed)
    fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
    values = [by_name.get(f.attname, "%s") for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    # Names come from the model and the caller's code, never from input; values are parameters.
    rows = f"SELECT {', '.join(values)} FROM {source}" if source else f"VALUES ({', '.join(values)})"  # noqa: S608  # nosec B608
    return (f"INSERT INTO {quote(model._meta.db_table)} ({columns}) {rows}",
            [_reader(f, vendor) for f in fields if f.attname not in by_name])


# Values that save() would hand to PostgreSQL as they are, by the field (or a key's target
# field) that holds them: None, text in a text field, a float in a float field, a datetime with
# its zone in a datetime field that sets nothing itself. Integers are not among them (Django
# wraps them in psycopg's sized types), nor JSON.
_UNCHANGED: dict[type[models.Field], tuple[type, ...]] = {
    models.CharField: (str,), models.TextField: (str,), models.FloatField: (float,),
    models.BooleanField: (bool,), models.DateTimeField: (dt.datetime,), models.BigAutoField: (), models.AutoField: (),
    models.IntegerField: (), models.BigIntegerField: (), models.PositiveIntegerField: (),
    models.PositiveSmallIntegerField: (), models.SmallIntegerField: (),
}


def _reader(field: models.Field, vendor: str) -> Callable[[models.Model], Any]:
    """How insert_sql reads the field's parameter: Field.get_db_prep_save(pre_save()) as save()
    does, except for a value _UNCHANGED says it would return as it is (for the busiest write,
    a third of its Python time was spent confirming that)."""
    def prepared(instance: models.Model) -> Any:
        return field.get_db_prep_save(field.pre_save(instance, True), connection)

    target = field.target_field if field.is_relation else field
    kinds = _UNCHANGED.get(type(target))
    if vendor != "postgresql" or kinds is None or getattr(field, "auto_now", False) \
            or getattr(field, "auto_now_add", False):
        return prepared
    attname = field.attname

    def read(instance: models.Model) -> Any:
        value = getattr(instance, attname)
        if value is None or (type(value) in kinds and (type(value) is not dt.datetime or value.tzinfo is not None)):
            return value
        return prepared(instance)
    return read


@contextmanager
def loading(*tables: type[models.Model]) -> Iterator[None]:
    """For a large load into these tables inside the caller's transaction (PostgreSQL): their
    foreign keys and the indexes that back no constraint are dropped first and made again
    afterwards, each in one pass (a sort builds an index, one join checks a foreign key)
    instead of once per row, which for millions of rows is most of the time a load takes.
    The tables (and those they refer to) stay locked until the transaction ends; an error
    rolls everything back, the dropped keys and indexes included. Elsewhere it does nothing."""
    if connection.vendor != "postgresql" or not tables:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("bulk.loading() needs a transaction: without one a failure leaves the keys dropped")
    names = [model._meta.db_table for model in tables]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Checks still deferred in this transaction are made now: a table with pending checks
        # cannot be altered (and a key added again alters the table it refers to).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY 1, 2", [names])
        keys = cursor.fetchall()
        cursor.execute("SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i "
                       "WHERE indrelid = ANY(%s::regclass[]) AND NOT EXISTS "
                       "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1", [names])
        indexes = cursor.fetchall()
        # Names and definitions come from the catalog, never from input.
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    if connection.needs_rollback:  # the transaction is to be rolled back: so are the drops
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")


def analyze(*tables: type[models.Model]) -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL): a table filled by COPY looks
    empty to the planner until analysed, and a wrong guess turns an index lookup into a scan."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
