"""Large writes as plain rows: INSERT many tuples without building a model instance for each.

An annual update writes tens of thousands of rows (themes, their links, the text of each theme
in the edition, history). Building a Django model instance per row and letting the query
compiler prepare every value costs more than the database does; for rows of plain values
(strings, numbers, booleans, ids) that is work without a purpose. ``insert_rows`` sends the
same INSERT statements with the values as they are, in batches (``executemany``: one round
trip per batch on PostgreSQL with psycopg's pipeline, one C loop on SQLite). Fields whose
values need the database's own form (dates, times, JSON) are prepared by the field as usual.
"""

import time
from itertools import islice

from django.db import connection, models

BATCH_SIZE = 1000
PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
    models.AutoField,
)


def insert_rows(model, field_names, rows):
    """Insert ``rows`` (tuples in the order of ``field_names``) into the model's table."""
    fields = [model._meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {table} ({columns}) VALUES ({values})".format(
        table=quote(model._meta.db_table),
        columns=", ".join(quote(field.column) for field in fields),
        values=", ".join(["%s"] * len(fields)),
    )
    prepared = [_preparer(field) for field in fields]
    needs_preparing = any(prepare is not None for prepare in prepared)
    if connection.vendor == "postgresql":
        _copy_rows(model, fields, rows, prepared if needs_preparing else None)
        return
    with connection.cursor() as cursor:
        for batch in batched(rows, BATCH_SIZE):
            if needs_preparing:
                batch = [_prepare(prepared, row) for row in batch]
            cursor.executemany(sql, batch)


def _copy_rows(model, fields, rows, prepared):
    """PostgreSQL's COPY: the rows streamed in one statement, the fastest way in."""
    quote = connection.ops.quote_name
    statement = "COPY {table} ({columns}) FROM STDIN".format(
        table=quote(model._meta.db_table),
        columns=", ".join(quote(field.column) for field in fields),
    )
    started, count = time.monotonic(), 0

    def copy_all(sql, params, many, context):
        nonlocal count
        connection.validate_no_broken_transaction()
        # As Django's own execute: psycopg's errors become Django's (an IntegrityError).
        with connection.wrap_database_errors, context["cursor"].cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row if prepared is None else _prepare(prepared, row))
                count += 1

    with connection.cursor() as cursor:
        # Through Django's wrappers, so that ``connection.execute_wrapper`` sees the COPY too.
        cursor._execute_with_wrappers(statement, None, False, copy_all)
    if connection.queries_logged:
        # Django logs what goes through its cursor; COPY goes to psycopg's directly.
        connection.queries_log.append(
            {"sql": f"{statement} -- {count} rows", "time": f"{time.monotonic() - started:.3f}"}
        )


def update_rows(model, field_names, rows):
    """UPDATE each record: ``rows`` are tuples of the new values in the order of
    ``field_names``, followed by the record's primary key."""
    fields = [model._meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    sql = "UPDATE {table} SET {assignments} WHERE {pk} = %s".format(
        table=quote(model._meta.db_table),
        assignments=", ".join(f"{quote(field.column)} = %s" for field in fields),
        pk=quote(model._meta.pk.column),
    )
    prepared = [*(_preparer(field) for field in fields), None]
    with connection.cursor() as cursor:
        for batch in batched(rows, BATCH_SIZE):
            cursor.executemany(sql, [_prepare(prepared, row) for row in batch])


def insert_records(model, records):
    """Insert unsaved model instances as plain rows, and give each its new primary key.

    The keys are read back by the records' natural key, among the rows with a key above the
    highest one before the insert (both PostgreSQL's sequences and SQLite hand out rising keys).
    """
    records = list(records)
    if not records:
        return
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    key_fields = [model._meta.get_field(name).attname for name in natural_key_fields(model)]
    start = model._base_manager.aggregate(last=models.Max("pk"))["last"] or 0
    insert_rows(
        model,
        [field.attname for field in fields],
        (tuple(getattr(record, field.attname) for field in fields) for record in records),
    )
    new = model._base_manager.filter(pk__gt=start).values_list(*key_fields, "pk")
    pks = {tuple(row[:-1]): row[-1] for row in new.iterator(chunk_size=5000)}
    for record in records:
        record.pk = pks[tuple(getattr(record, name) for name in key_fields)]
        record._state.adding, record._state.db = False, connection.alias


def natural_key_fields(model):
    """The fields of the model's natural key: its first unique constraint, or a unique field."""
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.condition is None:
            return list(constraint.fields)
    return [
        next(
            field.name
            for field in model._meta.concrete_fields
            if field.unique and not field.primary_key
        )
    ]


def _prepare(prepared, row):
    return tuple(
        value if prepare is None else prepare(value)
        for prepare, value in zip(prepared, row, strict=True)
    )


def _preparer(field):
    if isinstance(field, PLAIN_FIELDS) and not isinstance(field, models.DateField):
        return None
    return lambda value: field.get_db_prep_save(value, connection)


def batched(items, size):
    """Lists of at most ``size`` items (itertools.batched arrives with Python 3.12)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
