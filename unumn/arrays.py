"""Integer columns of a query as numpy arrays, read fast.

The facet index and the search read tens of thousands of ids per query. Row by row,
Python spends longer building tuples than the database spends finding them; on
PostgreSQL each column is aggregated into one ``bytea`` of big-endian 64-bit
integers (``int8send``), which numpy reads as it is. SQLite, the embedded default
for small catalogues, returns rows.
"""

import numpy as np
from django.db import connections

EMPTY = np.zeros(0, dtype=np.int64)


def int_columns(queryset, *fields, order_by=None):
    """The integer ``fields`` of ``queryset``'s rows as numpy int64 arrays, one per field,
    aligned, sorted by the field ``order_by`` (else in no particular order). NULLs are
    not allowed: filter them out first."""
    # The order is numpy's: sorting in the aggregate costs the database more, and a
    # model's default ordering may add a join.
    rows_of = queryset.order_by().values_list(*fields)
    sql, params = rows_of.query.sql_with_params()
    connection = connections[rows_of.db]  # the replica's, for a public request
    if connection.vendor == "postgresql":
        columns = [f"c{i}" for i in range(len(fields))]
        # One aggregate per column over the same rows: the arrays stay aligned.
        aggregates = ", ".join(f"string_agg(int8send(s.{c}::bigint), ''::bytea)" for c in columns)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {aggregates} FROM ({sql}) AS s({', '.join(columns)})", params)
            row = cursor.fetchone()
        arrays = [
            np.frombuffer(bytes(value), dtype=">i8").astype(np.int64) if value else EMPTY.copy()
            for value in row
        ]
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        table = np.array(rows, dtype=np.int64).reshape(-1, len(fields))
        arrays = [table[:, i].copy() for i in range(len(fields))]
    if order_by is not None and len(arrays[0]):
        order = np.argsort(arrays[fields.index(order_by)], kind="stable")
        arrays = [array[order] for array in arrays]
    return arrays


def ordered_ids(queryset):
    """The primary keys of ``queryset`` in its order, as one array."""
    ranked = queryset.values("pk").annotate(
        position=_row_number(queryset.query.order_by or queryset.model._meta.ordering)
    )
    ids, _ = int_columns(ranked, "pk", "position", order_by="position")
    return ids


def _row_number(order_by):
    from django.db.models import F, OrderBy, Window
    from django.db.models.functions import RowNumber

    expressions = []
    for item in order_by:
        if isinstance(item, str):
            descending = item.startswith("-")
            item = OrderBy(F(item.lstrip("-")), descending=descending)
        expressions.append(item)
    return Window(RowNumber(), order_by=expressions)
