"""What the facet index reads: one ``Dimension`` per facet."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Dimension:
    """How the facet index reads one facet.

    ``pairs(public)`` answers, for a queryset of the public entries, a queryset of
    ``(entry id, stored value)``: one pair per entry and value it has (none for an
    entry without a value), each pair once. ``name`` identifies the dimension: two
    facets that read the same pairs (every filter set's ``theme``) share it.
    """

    name: str
    pairs: Callable
