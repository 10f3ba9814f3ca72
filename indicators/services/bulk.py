"""Bulk inserts with their simple-history rows, for writes of tens of thousands of rows.

What ``simple_history.utils.bulk_create_with_history`` does, in a fraction of its time:
Django's bulk_create prepares each value of each row through the SQL compiler, and
simple-history builds a model instance per history row; at 10,000 rows that made an
upload's confirmation 3.5 times a plain bulk_create, and a whole-plan import of 40,000
projects took minutes. Here values are prepared once per field and row and written with
COPY on PostgreSQL (psycopg formats rows in C) or multi-row INSERTs on SQLite. Used by the
workflow (indicators/services/workflow.py), the plan import (plan_io.py) and the stored
judgements (judgements.py), inside their transactions.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone

BATCH_SIZE = 500  # rows per INSERT on SQLite
COPY_UPDATE_ROWS = 1000  # update_rows on PostgreSQL: from this many rows on, COPY them

# Values the database takes as they are: preparing them through the field (a tenth of a
# second per 10,000 rows and field) would change nothing.
PLAIN_TYPES = (str, int, bool)


def db_value(field: models.Field, value, db):
    """``value`` of ``field`` as the database driver takes it."""
    if value is None or type(value) in PLAIN_TYPES:
        return value
    return field.get_db_prep_save(value, db)


def _insert_rows(db, model, fields: list, rows: list[list], returning: bool = False) -> list:
    """INSERT prepared ``rows`` (one value per field) into ``model``'s table; with
    ``returning``, the new pks in the rows' order.

    PostgreSQL: the pks are drawn from the table's sequence first (one query), then all
    rows go in with one COPY (a multi-row INSERT spends most of its time quoting values in
    Python). SQLite: one INSERT … RETURNING per BATCH_SIZE rows, or fewer where its limit
    on variables (read from the connection; Django assumes an old default of 999) needs.
    """
    meta = model._meta
    quote = db.ops.quote_name
    table = quote(meta.db_table)
    pks = []
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            if returning:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [meta.db_table, meta.pk.column, len(rows)],
                )
                pks = [pk for (pk,) in cursor.fetchall()]
                fields = [meta.pk, *fields]
                rows = [[pk, *row] for pk, row in zip(pks, rows, strict=True)]
            columns = ", ".join(quote(field.column) for field in fields)
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return pks
        columns = ", ".join(quote(field.column) for field in fields)
        tail = f" RETURNING {quote(meta.pk.column)}" if returning else ""
        db.ensure_connection()
        limit = db.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        size = max(1, min(BATCH_SIZE, limit // len(fields)))
        placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES "
                + ", ".join([placeholders] * len(batch))
                + tail,
                [value for row in batch for value in row],
            )
            if returning:
                pks += [pk for (pk,) in cursor.fetchall()]
    return pks


def insert_rows(model, names: Sequence[str], rows: Sequence[Sequence]) -> None:
    """Insert rows of values as the driver takes them (str, int, Decimal, None: values read
    from the database are), one per field named in ``names``, into ``model``'s table: no
    model instances, no history (for derived tables such as the stored judgements).
    ``model`` may be a migration's historical model."""
    if not rows:
        return
    db = connections[DEFAULT_DB_ALIAS]
    _insert_rows(db, model, [model._meta.get_field(name) for name in names], rows)


def update_rows(model, names: Sequence[str], rows: Sequence[Sequence]) -> None:
    """Set the fields named in ``names`` of existing rows: each row is (pk, value, …), with
    values as the driver takes them (as ``insert_rows``, or prepared with ``db_value``).

    Django's bulk_update builds a CASE expression per field and row (13 s in Python for
    10,000 rows). Here: one parameterised UPDATE run with executemany; on PostgreSQL, from
    COPY_UPDATE_ROWS rows on, one COPY into a temporary table and one UPDATE … FROM it
    (10,000 separate UPDATEs took seconds of the server's time).
    """
    if not rows:
        return
    meta = model._meta
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    columns = [quote(meta.get_field(name).column) for name in names]
    with db.cursor() as cursor:
        if db.vendor != "postgresql" or len(rows) < COPY_UPDATE_ROWS:
            assignments = ", ".join(f"{column} = %s" for column in columns)
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {pk} = %s",
                [[*row[1:], row[0]] for row in rows],
            )
            return
        with transaction.atomic(using=db.alias, savepoint=False):
            temporary = quote(f"{meta.db_table}_update")
            listed = ", ".join([pk, *columns])
            cursor.execute(
                f"CREATE TEMPORARY TABLE {temporary} ON COMMIT DROP AS "
                f"SELECT {listed} FROM {table} WITH NO DATA"
            )
            with cursor.copy(f"COPY {temporary} ({listed}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            assignments = ", ".join(f"{column} = new.{column}" for column in columns)
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM {temporary} AS new "
                f"WHERE {table}.{pk} = new.{pk}"
            )
            cursor.execute(f"DROP TABLE {temporary}")


def insert_with_history(objs: Sequence[models.Model], *, user, reason: str | None) -> None:
    """Insert new objects of one model (setting their pk) and one "+" history row each.
    One query and two COPYs on PostgreSQL, two queries per BATCH_SIZE rows on SQLite."""
    if not objs:
        return
    meta = objs[0]._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    db = connections[DEFAULT_DB_ALIAS]  # not the proxy: it is read once per value
    rows = [[db_value(field, field.pre_save(obj, True), db) for field in fields] for obj in objs]
    pks = _insert_rows(db, type(objs[0]), fields, rows, returning=True)
    for obj, pk in zip(objs, pks, strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, db.alias
    insert_history(objs, "+", user=user, reason=reason)


def insert_history(
    objs: Sequence[models.Model], history_type: str, *, user, reason: str | None
) -> None:
    """One history row per object, as simple-history's ``bulk_history_create`` writes
    them ("+" created, "~" changed). Without ``user``, simple-history's default: the user
    of the request being served (HistoryRequestMiddleware), if any."""
    if not objs:
        return
    history = objs[0].history.model
    tracked = [history._meta.get_field(field.name) for field in history.tracked_fields]
    extra = [
        history._meta.get_field(name)
        for name in ("history_date", "history_change_reason", "history_type", "history_user")
    ]
    if user is None:
        user = history.get_default_history_user(objs[0])
    db = connections[DEFAULT_DB_ALIAS]
    now = db_value(extra[0], timezone.now(), db)
    user_id = user.pk if user is not None else None
    rows = [
        [db_value(field, getattr(obj, field.attname), db) for field in tracked]
        + [now, reason, history_type, user_id]
        for obj in objs
    ]
    _insert_rows(db, history, tracked + extra, rows)
