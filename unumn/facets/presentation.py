"""What a page shows of a selection's facets: each facet's options with their counts
and the address that ticks or unticks each, and the active filters as chips."""

import functools
import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

TOP_OPTIONS = 12


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    toggle: Callable[[], str]
    group: str = ""

    @cached_property
    def url(self):
        """The address that ticks or unticks this option (built only when a page uses it)."""
        return self.toggle()


@dataclass
class Facet:
    """A facet as a page lists it: ``options`` are the values shown (all when expanded,
    else the busiest and every selected one), of ``option_count`` values in all."""

    name: str
    label: str
    options: list = field(default_factory=list)
    option_count: int = 0
    expanded: bool = False
    expand_url: str = ""

    @property
    def shown(self):
        return self.options

    @property
    def groups(self):
        """``[(group name, options)]``: the options in their groups (topics, policy
        frameworks), in the order of their busiest option; one unnamed group if the
        facet is not grouped."""
        groups = {}
        for option in self.options:
            groups.setdefault(option.group, []).append(option)
        return list(groups.items())

    @property
    def hidden_count(self):
        return self.option_count - len(self.options)

    @property
    def selected(self):
        return [o for o in self.options if o.selected]


@dataclass
class Chip:
    label: str
    url: str


def facets(selection, expand=""):
    """The facets of a selection, each listing its busiest values (all for ``expand``);
    facets with a fixed order (choices, regions) keep it."""
    fs, result = selection.filterset, []
    for name, flt in fs.facets:
        selected = fs.cleaned.get(name) or []
        counts = selection.counts[name]
        values = [v for v in counts if v not in ("", None)]
        values += [v for v in selected if v not in counts]
        facet = Facet(
            name=name,
            label=flt.label_plural or flt.label,
            option_count=len(values),
            expanded=expand == name,
            expand_url=f"{selection.url_with(expand=name)}#facet-{name}",
        )
        order = flt.fixed_order
        if order:
            position = {v: i for i, v in enumerate(order)}
            values.sort(key=lambda v: position.get(v, len(position)))
        else:

            def busiest(v, counts=counts, flt=flt):
                return (-counts.get(v, 0), str(flt.label_for(v)).lower())

            if facet.expanded:
                values.sort(key=busiest)
            else:  # the busiest, and the selected ones that are not among them
                # Labels only break ties: compare them only among the values that count
                # at least as much as the twelfth busiest.
                counted = heapq.nlargest(TOP_OPTIONS, (counts.get(v, 0) for v in values))
                least = counted[-1] if counted else 0
                candidates = [v for v in values if counts.get(v, 0) >= least]
                top = heapq.nsmallest(TOP_OPTIONS, candidates, key=busiest)
                values = top + sorted((v for v in selected if v not in top), key=busiest)
        if order and not facet.expanded:
            values = values[:TOP_OPTIONS] + [v for v in values[TOP_OPTIONS:] if v in selected]
        group_of = getattr(flt, "group_of", lambda value: "")
        facet.options = [
            FacetOption(
                value=value,
                label=flt.label_for(value),
                count=counts.get(value, 0),
                selected=value in selected,
                toggle=functools.partial(selection.toggle_url, name, value),
                group=group_of(value),
            )
            for value in values
        ]
        result.append(facet)
    return result


def year_facet(selection):
    cleaned = selection.filterset.cleaned
    start, end = cleaned.get("year_from"), cleaned.get("year_to")
    facet = Facet(name="year", label="Year")
    for year, count in sorted(selection.counts["year"].items(), reverse=True):
        chosen = start == year and end == year
        facet.options.append(
            FacetOption(
                value=str(year),
                label=str(year),
                count=count,
                selected=chosen,
                toggle=functools.partial(
                    selection.url_with,
                    year_from=None if chosen else str(year),
                    year_to=None if chosen else str(year),
                    page=None,
                ),
            )
        )
    return facet


def chips(selection):
    """Each active filter as a removable chip."""
    fs, result = selection.filterset, []
    if fs.query:
        result.append(Chip(f"“{fs.query}”", selection.url_with(q=None, page=None)))
    for name, flt in fs.facets:
        for value in fs.cleaned.get(name) or []:
            label = f"{flt.label}: {flt.label_for(value)}"
            result.append(Chip(label, selection.toggle_url(name, value)))
    start, end = fs.cleaned.get("year_from"), fs.cleaned.get("year_to")
    if start is not None or end is not None:
        span = str(start) if start == end else f"{start or '…'}–{end or '…'}"
        result.append(
            Chip(f"Year: {span}", selection.url_with(year_from=None, year_to=None, page=None))
        )
    return result
