"""Counting a selection's facets over the facet index.

Every facet is counted over the entries that match every active filter but its own
(disjunctive counts), so a visitor sees what ticking one more box would give; the
year facet is counted without the year range. All counts are exact.
"""

from dataclasses import dataclass, field
from functools import reduce

import numpy as np

from unumn.facets.index import Positions


@dataclass
class FacetCounts:
    counts: dict = field(default_factory=dict)  # {facet: {URL value: count}}; "year": {year: n}
    total: int = 0
    mask: np.ndarray | None = None  # the selection's entries, over the index's positions


@dataclass
class Narrowing:
    """A selection as masks: each active facet's, the year range's (``None``: none),
    the base narrowed by every facet, and the selection itself."""

    base: np.ndarray
    base_key: object  # names the base when it is a fixed set (a kind's entries), else None
    active: dict
    years: np.ndarray | None
    narrowed: np.ndarray
    selection: np.ndarray


def narrow(index, filterset, base, *, year_dimension, base_key=None):
    """The entries of ``base`` (a mask: the public entries of the list's kind that match
    the search) that ``filterset``'s facets and year range choose."""
    cleaned = filterset.cleaned
    active = {
        name: index.mask(facet.dimension(), facet.stored(values))
        for name, (facet, values) in filterset.active_facet_filters().items()
    }
    years = _year_range(index, year_dimension, cleaned.get("year_from"), cleaned.get("year_to"))
    narrowed = reduce(np.logical_and, active.values(), base)
    selection = narrowed & years if years is not None else narrowed
    return Narrowing(base, base_key, active, years, narrowed, selection)


def count(index, filterset, narrowing, *, year_dimension):
    """The counts of every facet of ``filterset`` and the number of results."""
    base, active, years = narrowing.base, narrowing.active, narrowing.years
    selection, narrowed = narrowing.selection, narrowing.narrowed
    result = FacetCounts(total=int(selection.sum()), mask=selection)
    within = Positions(base, key=narrowing.base_key) if narrowing.base_key else None

    def positions(mask):
        return Positions(mask, within=within)

    chosen = positions(selection)  # read once for every facet counted over it
    for name, facet in filterset.facets:
        mask = chosen
        if name in active:  # every filter but its own
            others = [m for other, m in active.items() if other != name]
            mask = reduce(np.logical_and, others, base)
            if years is not None:
                mask = mask & years
            mask = positions(mask)
        stored = index.count(facet.dimension(), mask)
        values = ((facet.value_of(value), n) for value, n in stored.items())
        result.counts[name] = {value: n for value, n in values if value is not None}
    result.counts["year"] = index.count(year_dimension, positions(narrowed))
    return result


def _year_range(index, dimension, start, end):
    if start is None and end is None:
        return None
    arrays = index.dimension(dimension)
    years = [
        year
        for year in arrays.values
        if (start is None or year >= start) and (end is None or year <= end)
    ]
    return arrays.mask(index.size, years)
