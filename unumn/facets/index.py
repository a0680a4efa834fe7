"""The facet index: every public entry's facet values, in memory, per process.

Counting a facet in SQL reads every link of every entry it counts, and a page shows
a dozen facets, each counted without its own filter: at 100,000 entries that is
hundreds of milliseconds per page. Here each facet is read once per content
version (``unumn/versions.py``) into numpy arrays, and any selection's counts are a
few vectorised operations over them:

- ``ids``: the public entries' ids, sorted; an entry is its position in ``ids``;
- per dimension (``definitions.Dimension``), the pairs ``(position, code)`` of the
  entries' values, and the same positions grouped by code (postings);
- orders (newest first, by title…) as arrays of positions.

A selection is a boolean mask over positions: a facet's selected values widen it
(the union of their postings), different facets narrow it (AND), a search keeps
the positions of its matches. Counting a facet is a ``bincount`` of its codes over
a mask. Memory is a few bytes per entry and link (about 10 MB at 100,000 entries).
Dimensions and orders are read on first use, so a process only holds what its
pages ask for.
"""

import threading
from functools import cached_property

import numpy as np
from django.db.models import F, Window
from django.db.models.functions import DenseRank

from unumn import versions
from unumn.arrays import int_columns, ordered_ids
from unumn.models import Entry
from unumn.versions import VersionedCache

_lock = threading.RLock()
_current = VersionedCache(1)


class DimensionArrays:
    """One dimension of the index: its values, which entries have each (postings, by
    value), and which values each entry has (codes, by entry)."""

    def __init__(self, values, positions, codes, size):
        self.values = values  # code → stored value
        self.code_of = {value: code for code, value in enumerate(values)}
        order = np.argsort(codes, kind="stable")
        self.postings = positions[order]
        self.offsets = np.searchsorted(codes[order], np.arange(len(values) + 1))
        order = np.argsort(positions, kind="stable")
        self.codes_by_entry = codes[order]
        self.entry_offsets = np.searchsorted(positions[order], np.arange(size + 1))
        self.totals = np.bincount(codes, minlength=len(values))
        self._within = {}
        # A facet with at most one value per entry (kind, type, year) is counted from
        # one code per entry (-1: none), without going through the pairs.
        self.single = None
        if len(np.unique(positions)) == len(positions):
            self.single = np.full(size, len(values), dtype=np.int64)
            self.single[positions] = codes

    def mask(self, size, stored):
        """Entries having any of the ``stored`` values."""
        mask = np.zeros(size, dtype=bool)
        for value in stored:
            code = self.code_of.get(value)
            if code is not None:
                mask[self.postings[self.offsets[code] : self.offsets[code + 1]]] = True
        return mask

    def count(self, mask):
        """``{stored value: number of entries in mask having it}`` (zeros left out).

        ``mask`` is a ``Positions``. Reads the values of the entries in the mask, or,
        when the mask holds more than half the entries, those of the entries outside
        it (taken from the totals): the cost follows the smaller side."""
        if mask.within is not None and mask.mostly_within:
            counts = self.totals_within(mask.within) - self._count(mask.left_within)
        elif mask.mostly_chosen:
            counts = self.totals - self._count(mask.left_out)
        else:
            counts = self._count(mask.chosen)
        return {self.values[code]: int(counts[code]) for code in np.flatnonzero(counts)}

    def totals_within(self, within):
        """The counts over the entries of a ``Positions`` that lists pages start from
        (a kind's public entries), counted once per index."""
        totals = self._within.get(within.key)
        if totals is None:
            totals = self._within[within.key] = self._count(within.chosen)
        return totals

    def _count(self, entries):
        if self.single is not None:
            return np.bincount(self.single[entries], minlength=len(self.values) + 1)[:-1]
        starts = self.entry_offsets[entries]
        lengths = self.entry_offsets[entries + 1] - starts
        # The positions of the entries' values in codes_by_entry, run after run.
        runs = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        picked = self.codes_by_entry[runs + np.arange(len(runs))]
        return np.bincount(picked, minlength=len(self.values))


class Positions:
    """A mask over the index's positions, with the positions it chooses and leaves out
    (computed once, for every facet counted over it). ``within`` is the ``Positions``
    of the entries it was chosen from, when those are a fixed set (a kind's, ``key``
    naming it), whose counts the index keeps: then only what it leaves out of them
    is counted."""

    def __init__(self, mask, *, within=None, key=None):
        self.mask, self.within, self.key = mask, within, key

    @cached_property
    def mostly_within(self):
        return len(self.chosen) > int(self.within.mask.sum()) // 2

    @cached_property
    def left_within(self):
        return np.flatnonzero(self.within.mask & ~self.mask)

    @cached_property
    def chosen(self):
        return np.flatnonzero(self.mask)

    @cached_property
    def mostly_chosen(self):
        return len(self.chosen) > len(self.mask) // 2

    @cached_property
    def left_out(self):
        return np.flatnonzero(~self.mask)


class FacetIndex:
    """The facet index of one content version (see the module docstring)."""

    @classmethod
    def current(cls):
        """The index of this request's content version (built or rebuilt if needed)."""
        return _current.get("index", lambda: cls(versions.current()))

    def __init__(self, version):
        self.version = version
        self.public = Entry.objects.published()
        (self.ids,) = int_columns(self.public.order_by(), "pk", order_by="pk")
        self.size = len(self.ids)
        self._dimensions, self._orders = {}, {}

    def everything(self):
        return np.ones(self.size, dtype=bool)

    def locate(self, ids):
        """``(positions, found)``: where each of ``ids`` is in the index, and whether it
        is there at all (an entry not public, or public since the index was built)."""
        ids = np.asarray(ids, dtype=np.int64)
        positions = np.minimum(np.searchsorted(self.ids, ids), max(self.size - 1, 0))
        found = self.ids[positions] == ids if self.size else np.zeros(len(ids), dtype=bool)
        return positions, found

    def positions_of(self, ids):
        """A mask of the entries among ``ids``."""
        mask = np.zeros(self.size, dtype=bool)
        positions, found = self.locate(ids)
        mask[positions[found]] = True
        return mask

    def dimension(self, dimension):
        """The arrays of a ``Dimension`` (read from the database on first use)."""
        arrays = self._dimensions.get(dimension.name)
        if arrays is None:
            with _lock:
                arrays = self._dimensions.get(dimension.name)
                if arrays is None:
                    arrays = self._dimensions[dimension.name] = self._read(dimension)
        return arrays

    def _read(self, dimension):
        pairs = dimension.pairs(self.public).order_by()
        entry_field, value_field = _output_names(pairs)
        values = list(pairs.values_list(value_field, flat=True).distinct().order_by(value_field))
        coded = pairs.values(entry_field, value_field).annotate(
            code=Window(DenseRank(), order_by=F(value_field).asc())
        )
        entry_ids, codes = int_columns(coded, entry_field, "code")
        positions, found = self.locate(entry_ids)  # an entry published since is not here yet
        return DimensionArrays(
            values, positions[found].astype(np.int64), codes[found] - 1, self.size
        )

    def mask(self, dimension, stored):
        return self.dimension(dimension).mask(self.size, stored)

    def count(self, dimension, mask):
        """Counts of a dimension's values over ``mask`` (an array, or ``Positions``)."""
        if not isinstance(mask, Positions):
            mask = Positions(mask)
        return self.dimension(dimension).count(mask)

    def totals(self, dimension):
        """``{stored value: number of public entries}``."""
        arrays = self.dimension(dimension)
        return {arrays.values[c]: int(arrays.totals[c]) for c in np.flatnonzero(arrays.totals)}

    def order(self, key, ordered_queryset):
        """Positions of every entry in an order, read once per key from
        ``ordered_queryset()`` (a callable answering the public entries in that order)."""
        positions = self._orders.get(key)
        if positions is None:
            positions, found = self.locate(ordered_ids(ordered_queryset()))
            positions = self._orders[key] = positions[found].astype(np.int32)
        return positions


def _output_names(pairs):
    """The two field names of a ``values_list`` queryset of pairs."""
    names = [*pairs.query.values_select, *pairs.query.annotation_select]
    return names[0], names[1]
