"""Facet counts: exact when they are cheap, estimated from a sample when a selection
is too large to count within a page's time budget.

Every facet is counted over the entries that match every active filter but
its own (disjunctive counts). Counting a facet reads every link of every
entry it counts, so its cost grows with the size of its base: at 100,000
entries an exact count takes about 100 ms per facet on PostgreSQL. So:

1. A *probe* reads a fixed sample of the entries matching the search
   (2.5 %, by ``id % 1000``; PostgreSQL has an index on that expression),
   grouped by the row facets (kind or type, state, year) and by whether each
   other active facet filter holds. From it every facet's base size, and the
   number of results, is estimated.
2. A facet whose base has at most ``EXACT_LIMIT`` entries (and, with a
   search, whose search has at most that many matches) is counted exactly.
   A larger one is counted over a sample of about
   ``SAMPLE_TARGET`` entries of its base and scaled up; the page says the
   counts are estimates (``≈``).
3. The row facets are counted together in one grouped query (or taken from
   the probe when their base is large). The number of results comes from
   them; when it is an estimate but small, it is counted exactly.

A catalogue of a few thousand entries is always counted exactly.
"""

import math
from dataclasses import dataclass, field

from django.db.models import BooleanField, Count, ExpressionWrapper, Func, IntegerField
from django.db.models.functions import ExtractYear

EXACT_LIMIT = 5_000
SAMPLE_TARGET = 2_500
BUCKETS = 1_000
PROBE_BUCKETS = 25


class Year(ExtractYear):
    """The year of a date; on SQLite read from the stored ISO text, which is much
    faster than Django's generic date-extract function."""

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"CAST(SUBSTR({sql}, 1, 4) AS INTEGER)", params


class SampleBucket(Func):
    """``id % 1000``: the entries in the first *k* buckets are a *k*/1000 sample.
    Written as PostgreSQL's index on the same expression expects (migration 0005)."""

    output_field = IntegerField()

    def __init__(self, expression="id", **extra):
        super().__init__(expression, template=f"(%(expressions)s %%%% {BUCKETS})", **extra)


def sample(queryset, buckets):
    """The entries of ``queryset`` in the first ``buckets`` buckets."""
    if buckets >= BUCKETS:
        return queryset
    return queryset.alias(sample_bucket=SampleBucket()).filter(sample_bucket__lt=buckets)


@dataclass
class FacetCounts:
    counts: dict = field(default_factory=dict)  # {facet: {value: count}}
    estimated: set = field(default_factory=set)  # facets whose counts are estimates
    total: int = 0
    total_estimated: bool = False


class FacetCounter:
    """Counts the facets of one ``EntryFilterSet``."""

    def __init__(self, filterset):
        self.fs = filterset
        self.row = [n for n in filterset.facet_names if filterset.filters[n].row_field]
        self.other = [n for n in filterset.facet_names if n not in self.row]
        self.active = [n for n in self.other if filterset.cleaned.get(n)]
        self.tests = {name: self.row_test(name) for name in [*self.row, "year"]}
        for name in self.active:
            self.tests[name] = lambda cell, name=name: cell[f"in_{name}"]

    def count(self):
        fs, result = self.fs, FacetCounts()
        base = fs.filtered(excluding=[*fs.facet_names, "year_from", "year_to"])
        conditions = {n: fs.filters[n].condition(fs.cleaned[n]) for n in self.active}
        self.probe = list(self.grid(sample(base, PROBE_BUCKETS), conditions))
        self.probe_scale = BUCKETS / PROBE_BUCKETS

        # Row facets and year, together.
        row_names = [*self.row, "year"]
        if self.estimate(excluding=row_names) <= EXACT_LIMIT:
            row_filters = [*self.row, "year_from", "year_to"]
            cells, scale = list(self.grid(fs.filtered(excluding=row_filters), {})), 1
        else:
            cells = [c for c in self.probe if all(self.tests[n](c) for n in self.active)]
            scale = self.probe_scale
            result.estimated.update(row_names)
        for name in row_names:
            result.counts[name] = {}
        for cell in cells:
            failed = [name for name in row_names if not self.tests[name](cell)]
            for name in row_names:
                value = cell[self.column(name)]
                if value not in (None, "") and (not failed or failed == [name]):
                    counts = result.counts[name]
                    counts[value] = counts.get(value, 0) + cell["n"] * scale
            if not failed:
                result.total += cell["n"] * scale

        # The number of results: exact unless it is both estimated and large.
        if result.estimated:
            estimate = self.estimate(excluding=())
            if estimate <= EXACT_LIMIT:
                result.total = fs.filtered().count()
            else:
                result.total, result.total_estimated = round(estimate), True

        # Every other facet, exactly or over a sample of its base. With a search, each
        # count reads every match of the search, whatever the other filters: the
        # number of matches bounds its cost from below.
        matches = self.estimate(excluding=list(self.tests)) if fs.query else 0
        for name in self.other:
            flt, qs = fs.filters[name], fs.filtered(excluding=[name])
            size = max(matches, self.estimate(excluding=[name]))
            if size <= EXACT_LIMIT:
                result.counts[name] = flt.count_values(qs)
                continue
            buckets = min(BUCKETS, max(1, math.ceil(SAMPLE_TARGET * BUCKETS / size)))
            counts = flt.count_values(sample(qs, buckets))
            result.counts[name] = {v: round(n * BUCKETS / buckets) for v, n in counts.items()}
            if buckets < BUCKETS:
                result.estimated.add(name)
        for name, counts in result.counts.items():
            result.counts[name] = {v: round(n) for v, n in counts.items()}
        result.total = round(result.total)
        return result

    # --- helpers --------------------------------------------------------

    @staticmethod
    def column(name):
        return "year" if name == "year" else f"row_{name}"

    def grid(self, queryset, conditions):
        """Counts grouped by every row facet and year (and whether each condition holds)."""
        columns = {self.column(n): self.fs.filters[n].row_expression() for n in self.row}
        columns["year"] = Year("date")
        for name, condition in conditions.items():
            columns[f"in_{name}"] = ExpressionWrapper(condition, output_field=BooleanField())
        return queryset.order_by().values(**columns).annotate(n=Count("pk"))

    def estimate(self, *, excluding):
        """The estimated number of entries passing every active filter not excluded."""
        tests = [test for name, test in self.tests.items() if name not in excluding]
        return self.probe_scale * sum(c["n"] for c in self.probe if all(t(c) for t in tests))

    def row_test(self, name):
        """Does a grid cell pass this row facet's active filter?"""
        cleaned = self.fs.cleaned
        if name == "year":
            start, end = cleaned.get("year_from"), cleaned.get("year_to")
            if start is None and end is None:
                return lambda cell: True
            return lambda cell: (
                cell["year"] is not None
                and (
                    (start is None or cell["year"] >= start)
                    and (end is None or cell["year"] <= end)
                )
            )
        selected, column = cleaned.get(name), self.column(name)
        return lambda cell: not selected or cell[column] in selected
