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

import contextlib
import gc
import operator
import sqlite3
from collections.abc import Iterator, Sequence
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import Lookup
from django.utils import timezone

BATCH_SIZE = 500  # rows per INSERT on SQLite
LOOKUP_CHUNK = 2000  # ids per ``any_of`` lookup on SQLite (one lookup for all on PostgreSQL)
COPY_UPDATE_ROWS = 1000  # update_rows on PostgreSQL: from this many rows on, COPY them

# Values the database takes as they are: preparing them through the field (a tenth of a
# second per 10,000 rows and field) would change nothing.
PLAIN_TYPES = (str, int, bool)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused for a bulk write, then as it was.

    The tens of thousands of lists, tuples and dicts a write of 10,000 rows builds set off
    hundreds of collections, two of which traverse every object of the process: 0.2 s of
    the 0.55 s of Python an upload's confirmation took. Reference counting still frees
    what the write drops; the few cycles it leaves wait for the next collection. Threads
    that pause it at the same time leave it enabled when the first of them is done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def immediate_constraint_checks() -> Iterator[None]:
    """Inside a transaction on PostgreSQL: foreign keys checked as each statement ends
    rather than all at commit, then deferred again (elsewhere: nothing changes).

    Django makes every foreign key DEFERRABLE INITIALLY DEFERRED, so PostgreSQL queues a
    check per row written and runs the queue at commit, reading each row back. A whole
    plan's import writes 1.7 million such rows: its commit took 6-8 s, and the whole import
    11-14 s longer than with the same checks made per statement, while the rows are still
    in memory. Only for writes whose rows refer to rows written before them (a failed check
    raises IntegrityError at the statement, inside the caller's savepoint). If the block
    raises or is to be rolled back, that rollback undoes the setting with everything else."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql":
        yield
        return
    with db.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    yield
    if not db.needs_rollback:  # else the rollback ahead undoes the setting
        with db.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # none of ours starts immediate


class AnyOf(Lookup):
    """``field__any_of=ids`` (integers): ``field = ANY(%s)`` with the ids as one array
    parameter on PostgreSQL, ``field IN (…)`` elsewhere. An IN list of 2,000 ids is 2,000
    parameters that Django prepares one by one and psycopg splits out of the SQL with a
    regular expression (about 10 ms a query); an array is one. Registered on every field
    (and the foreign keys, which keep lookups of their own) by IndicatorsConfig.ready."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = [int(pk) for pk in self.rhs]
        if not ids:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, ids]
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", [*lhs_params, *ids]


def id_chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    """``ids`` in as few ``any_of`` lookups as the database takes: all at once on
    PostgreSQL (one array), LOOKUP_CHUNK at a time elsewhere (SQLite's parameters)."""
    if not ids:
        return
    size = len(ids) if connections[DEFAULT_DB_ALIAS].vendor == "postgresql" else LOOKUP_CHUNK
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def db_value(field: models.Field, value, db):
    """``value`` of ``field`` as the database driver takes it. A finite Decimal of a
    DecimalField is taken as it is too: the field would make the same Decimal again (a
    tenth of a second per 10,000 values)."""
    if value is None or type(value) in PLAIN_TYPES:
        return value
    if type(value) is Decimal and isinstance(field, models.DecimalField) and value.is_finite():
        return value
    return field.get_db_prep_save(value, db)


def _insert_rows(
    db, model, fields: list, rows: Sequence[Sequence], returning: bool = False
) -> list:
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


def prepared_rows(objs: Sequence[models.Model], fields: list, db) -> list[list]:
    """Each object's values of ``fields`` as a save prepares them (``pre_save``, then
    ``db_value``), without two calls per value: the attributes are read together (in C)
    and ``pre_save`` is called only where a field has its own (dates: ``auto_now``). A value
    that ``db_value`` prepares through its field (a date, a datetime) is prepared once per
    field and distinct value: a whole plan's 240,000 actuals share a few timestamps.
    Building the rows took 5 s of a 41,200-project import, a call or two per value."""
    get = operator.attrgetter(*(field.attname for field in fields))
    own = [(i, f) for i, f in enumerate(fields) if type(f).pre_save is not models.Field.pre_save]
    memo: list[dict] = [{} for _field in fields]

    def prepare(index: int, value):
        field = fields[index]
        if value.__class__ is Decimal:  # taken as it is (db_value); values seldom repeat
            return db_value(field, value, db)
        try:
            key = (value.__class__, value)
            found = memo[index].get(key, memo)
        except TypeError:  # not hashable (a list for a JSON field): prepared each time
            return db_value(field, value, db)
        if found is memo:
            found = memo[index][key] = db_value(field, value, db)
        return found

    rows = []
    plain = PLAIN_TYPES
    for obj in objs:
        values = get(obj)
        if len(fields) == 1:
            values = (values,)
        if own:
            values = list(values)
            for index, field in own:
                values[index] = field.pre_save(obj, True)
        rows.append(
            [
                value if value is None or value.__class__ in plain else prepare(index, value)
                for index, value in enumerate(values)
            ]
        )
    return rows


def insert_objects(objs: Sequence[models.Model]) -> tuple[list, list[list], list[int]]:
    """Insert new objects of one model and set their pk, as ``bulk_create`` does (no
    signals) without preparing each value through the SQL compiler: one query and one COPY
    on PostgreSQL. Returns the fields written, the rows of prepared values and the pks."""
    if not objs:
        return [], [], []
    model = type(objs[0])
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    db = connections[DEFAULT_DB_ALIAS]  # not the proxy: it is read once per value
    rows = prepared_rows(objs, fields, db)
    pks = _insert_rows(db, model, fields, rows, returning=True)
    for obj, pk in zip(objs, pks, strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, db.alias
    return fields, rows, pks


def insert_with_history(objs: Sequence[models.Model], *, user, reason: str | None) -> None:
    """Insert new objects of one model (setting their pk) and one "+" history row each.
    One query and two COPYs on PostgreSQL, two queries per BATCH_SIZE rows on SQLite.
    Each value is prepared for the database once, for its row and its history row."""
    if not objs:
        return
    model = type(objs[0])
    fields, rows, pks = insert_objects(objs)
    if user is None:
        user = model.history.model.get_default_history_user(objs[0])
    db = connections[DEFAULT_DB_ALIAS]
    _insert_history_rows(db, model, fields, pks, rows, "+", user=user, reason=reason)


def create_with_history(
    model, names: Sequence[str], rows: Sequence[Sequence], *, user, reason: str | None
) -> list[int]:
    """Insert rows of values (as ``insert_rows`` takes them) for the fields named in
    ``names``, the other fields at the values of a new ``model()`` (computed once, the same
    for every row), and one "+" history row each (by ``user``, or as insert_history's
    default); returns the new pks in the rows' order. As ``insert_with_history``, without
    a model instance per row."""
    if not rows:
        return []
    db = connections[DEFAULT_DB_ALIAS]
    meta = model._meta
    named = [meta.get_field(name) for name in names]
    others = [f for f in meta.concrete_fields if not f.primary_key and f not in named]
    template = model()
    defaults = [db_value(field, field.pre_save(template, True), db) for field in others]
    fields = named + others
    rows = [[*row, *defaults] for row in rows]
    pks = _insert_rows(db, model, fields, rows, returning=True)
    if user is None:
        user = model.history.model.get_default_history_user(template)
    _insert_history_rows(db, model, fields, pks, rows, "+", user=user, reason=reason)
    return pks


def _insert_history_rows(db, model, fields, pks, rows, history_type, *, user, reason) -> None:
    """The history rows of rows just inserted (values prepared for ``fields``, new ``pks``):
    the history's tracked fields take the same prepared values."""
    history = model.history.model
    position = {field.name: index for index, field in enumerate([model._meta.pk, *fields])}
    tracked = [history._meta.get_field(field.name) for field in history.tracked_fields]
    order = [position[field.name] for field in tracked]
    extra = [
        history._meta.get_field(name)
        for name in ("history_date", "history_change_reason", "history_type", "history_user")
    ]
    tail = (db_value(extra[0], timezone.now(), db), reason, history_type)
    tail += (user.pk if user is not None else None,)
    # The tracked values picked in C: 0.2 s for the 240,000 actuals of a 41,200-project
    # import, against 0.6 s for a list built per row. The pk and at least one field are
    # tracked, so itemgetter gives a tuple.
    pick = operator.itemgetter(*order)
    history_rows = [(*pick((pk, *row)), *tail) for pk, row in zip(pks, rows, strict=True)]
    _insert_rows(db, history, tracked + extra, history_rows)


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
