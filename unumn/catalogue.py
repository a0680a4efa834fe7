"""A selection of entries, as a page: results, facet counts, active-filter chips.

``Selection`` runs an ``EntryFilterSet`` against a base queryset and answers
everything a catalogue page shows in a fixed number of queries (at most 10),
whatever the page size, the number of themes or the size of the catalogue:

1. one query for the vocabulary (every theme, institute and country), which
   resolves the values asked for and labels the values counted;
2. the facet counts and the number of results (``unumn/facets.py``): a
   sampled probe, one grouped query for the facets of the entry row (kind or
   type, state, year), one per other facet (themes, institutes, countries,
   regions), and a COUNT only when an estimated total is small;
3. one query for the page of results (with the highlighted snippets on
   PostgreSQL), and one prefetch each for institutes and themes.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.core.paginator import Paginator
from django.http import QueryDict

from unumn import kinds, search
from unumn.filters import EntryFilterSet
from unumn.models import Entry

PAGE_SIZE = 20
TOP_OPTIONS = 12


def approximately(count):
    """An estimated count, rounded to two significant figures: 12,345 → 12,000."""
    if count < 100:
        return count
    digits = len(str(count)) - 2
    return round(count, -digits)


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    toggle: Callable[[], str]
    estimated: bool = False

    @property
    def shown_count(self):
        return f"≈ {approximately(self.count):,}" if self.estimated else f"{self.count:,}"

    @cached_property
    def url(self):
        """The address that ticks or unticks this option (built only when a page uses it)."""
        return self.toggle()


@dataclass
class Facet:
    name: str
    label: str
    options: list = field(default_factory=list)

    expanded: bool = False
    expand_url: str = ""
    estimated: bool = False

    @property
    def shown(self):
        """The options listed: all when expanded, else the busiest and every selected one."""
        if self.expanded:
            return self.options
        top = self.options[:TOP_OPTIONS]
        return top + [o for o in self.options[TOP_OPTIONS:] if o.selected]

    @property
    def hidden_count(self):
        return len(self.options) - len(self.shown)

    @property
    def selected(self):
        return [o for o in self.options if o.selected]


@dataclass
class Chip:
    label: str
    url: str


class KnownCountPaginator(Paginator):
    """A paginator told the number of objects, so it never runs a COUNT query."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self.count = count


def public_selection(params, *, model=None, filterset_class=None):
    """The selection of public entries that ``params`` asks for: the one way every list,
    feed, calendar and citation export reads a URL.

    The kind is ``model``'s, or, when no FilterSet is given (the exports), the one
    kind ``params`` names; a selection of one kind reads that kind's own filters too
    (its registered FilterSet: ``/publications/?publication_type=book`` exports the
    books only).
    Always a queryset of ``Entry`` (a kind is a filter on the denormalised column),
    so counts and samples read the entry table and its indexes.
    """
    kind = kinds.for_model(model) if model is not None else None
    if filterset_class is None and kind is None:
        asked = set(params.getlist("kind"))
        if len(asked) == 1:
            kind = kinds.find(next(iter(asked)))
    if filterset_class is None:
        filterset_class = kind.filterset if kind else EntryFilterSet
    entries = Entry.objects.published()
    if kind:
        entries = entries.filter(kind=kind.name)
    return Selection(filterset_class, params, entries)


class Selection:
    """One selection of entries: ``Selection(filterset_class, params, queryset)``."""

    def __init__(self, filterset_class, params, queryset, *, page_size=PAGE_SIZE):
        self.filterset = filterset_class(data=params, queryset=queryset)
        self.page_size = page_size

    # --- parameters -----------------------------------------------------

    @cached_property
    def canonical(self):
        """The cleaned parameters as a query string source: junk left out, so every
        link built from it (facets, chips, pages, exports) is a clean address."""
        cleaned = self.filterset.cleaned
        params = QueryDict(mutable=True)
        if self.filterset.query:
            params["q"] = self.filterset.query
        for name in self.filterset.facet_names:
            if cleaned.get(name):
                params.setlist(name, cleaned[name])
        for name in ("year_from", "year_to"):
            if cleaned.get(name) is not None:
                params[name] = str(cleaned[name])
        if self.filterset.sort_order != self.filterset.natural_sort:
            params["sort"] = self.filterset.sort_order
        return params

    def export_params(self, kind=None):
        """The parameters of this selection for its exports (feeds, calendar, citations),
        with the kind of a per-kind list made explicit."""
        params = self.canonical.copy()
        if kind:
            params.setlist("kind", [kind])
        return params

    def url_with(self, **changes):
        """The canonical query string with some parameters replaced (``None`` removes)."""
        params = self.canonical.copy()
        for name, values in changes.items():
            if values is None or values == []:
                params.pop(name, None)
            elif isinstance(values, list):
                params.setlist(name, values)
            else:
                params[name] = values
        encoded = params.urlencode()
        return f"?{encoded}" if encoded else "?"

    def messages(self):
        return self.filterset.messages()

    # --- facets ---------------------------------------------------------

    @cached_property
    def facet_counts(self):
        """Every facet's counts (each over every filter but its own) and the total."""
        return self.filterset.facet_counts()

    @property
    def counts(self):
        return self.facet_counts.counts

    @property
    def total(self):
        return self.facet_counts.total

    @property
    def total_estimated(self):
        return self.facet_counts.total_estimated

    @property
    def shown_total(self):
        return f"{approximately(self.total):,}" if self.total_estimated else f"{self.total:,}"

    @property
    def any_estimated(self):
        return bool(self.facet_counts.estimated)

    def facets(self, expand=""):
        """The facets, each listing its busiest values (all of them for ``expand``)."""
        fs = self.filterset
        facets = []
        for name in fs.facet_names:
            flt = fs.filters[name]
            selected = fs.cleaned.get(name) or []
            counts = self.counts[name]
            values = [v for v in counts if v not in ("", None)]
            values += [v for v in selected if v not in counts]
            fixed_order = getattr(flt, "choice_labels", None) or flt.extra.get("choices")
            if fixed_order:
                position = {v: i for i, v in enumerate(fixed_order)}
                values.sort(key=lambda v: position.get(v, len(position)))
            else:
                values.sort(key=lambda v: (-counts.get(v, 0), str(flt.label_for(v)).lower()))
            estimated = name in self.facet_counts.estimated
            facet = Facet(
                name=name,
                label=flt.label_plural or flt.label,
                expanded=expand == name,
                expand_url=f"{self.url_with(expand=name)}#facet-{name}",
                estimated=estimated,
            )
            facet.options = [
                FacetOption(
                    value=value,
                    label=flt.label_for(value),
                    count=counts.get(value, 0),
                    selected=value in selected,
                    toggle=functools.partial(self.toggle_url, name, value),
                    estimated=estimated,
                )
                for value in values
            ]
            facets.append(facet)
        return facets

    def toggle_url(self, name, value):
        """The address with ``value`` added to facet ``name``, or removed if present."""
        selected = self.filterset.cleaned.get(name) or []
        toggled = [v for v in selected if v != value] if value in selected else [*selected, value]
        return self.url_with(**{name: toggled, "page": None})

    @property
    def year_bounds(self):
        """The year range asked for, as form values (empty when absent)."""
        cleaned = self.filterset.cleaned
        return {
            bound: "" if cleaned.get(f"year_{bound}") is None else cleaned[f"year_{bound}"]
            for bound in ("from", "to")
        }

    def year_facet(self):
        cleaned = self.filterset.cleaned
        start, end = cleaned.get("year_from"), cleaned.get("year_to")
        estimated = "year" in self.facet_counts.estimated
        facet = Facet(name="year", label="Year", estimated=estimated)
        for year, count in sorted(self.counts["year"].items(), reverse=True):
            chosen = start == year and end == year
            facet.options.append(
                FacetOption(
                    value=str(year),
                    label=str(year),
                    count=count,
                    selected=chosen,
                    toggle=functools.partial(
                        self.url_with,
                        year_from=None if chosen else str(year),
                        year_to=None if chosen else str(year),
                        page=None,
                    ),
                    estimated=estimated,
                )
            )
        return facet

    def chips(self):
        """Each active filter as a removable chip."""
        fs, chips = self.filterset, []
        if fs.query:
            chips.append(Chip(f"“{fs.query}”", self.url_with(q=None, page=None)))
        for name in fs.facet_names:
            flt = fs.filters[name]
            for value in fs.cleaned.get(name) or []:
                label = f"{flt.label}: {flt.label_for(value)}"
                chips.append(Chip(label, self.toggle_url(name, value)))
        start, end = fs.cleaned.get("year_from"), fs.cleaned.get("year_to")
        if start is not None or end is not None:
            span = str(start) if start == end else f"{start or '…'}–{end or '…'}"
            chips.append(
                Chip(f"Year: {span}", self.url_with(year_from=None, year_to=None, page=None))
            )
        return chips

    # --- results --------------------------------------------------------

    def results_queryset(self):
        """The ordered, filtered queryset of results (no pagination)."""
        fs = self.filterset
        return fs.ordered(fs.filtered())

    def entries(self, *, limit, model=None, prepare=None):
        """The selection's entries in its order, at most ``limit`` of them, as
        ``model`` objects (a kind's own model), for exports: feeds,
        calendars, citations. ``prepare`` adds what the export reads
        (``select_related``, ``prefetch_related``). A fixed number of queries."""
        ids = list(self.results_queryset().values_list("pk", flat=True)[:limit])
        objects = (model or self.filterset.queryset.model).objects.filter(pk__in=ids)
        objects = objects.without_search_index()
        by_id = {obj.pk: obj for obj in (prepare(objects) if prepare else objects)}
        return [by_id[pk] for pk in ids if pk in by_id]

    def page(self, number):
        """The page of results, clamped to the pages that exist.

        The page is chosen on the ids alone (the sort reads only the index and
        the narrow columns), then its rows are read in full by id: wide rows
        (bodies, snippets) are only touched for the entries shown.
        """
        ordered = self.results_queryset()
        paginator = KnownCountPaginator(ordered.values("pk"), self.page_size, count=self.total)
        page = paginator.get_page(number)
        query = self.filterset.query
        # Snippets: ts_headline on PostgreSQL; on SQLite from the body, in Python.
        python_snippets = bool(query) and not search.is_postgresql()
        rows = self.filterset.ordered(
            self.filterset.queryset.filter(pk__in=page.object_list)
        ).for_cards(with_body=python_snippets)
        if query and not python_snippets:
            rows = search.with_headline(rows, query)
        page.object_list = list(rows)
        for entry in page.object_list:
            entry.snippet = search.snippet(entry, query) if query else None
        return page

    def sort_options(self):
        """The sort choices; the natural order's value is empty, so a form that keeps it
        lets a new search sort by relevance."""
        fs = self.filterset
        choices = fs.filters["sort"].sort_choices
        options = [c for c in choices if c[0] != "relevance" or fs.query]
        return [
            {
                "value": "" if value == fs.natural_sort else value,
                "label": label,
                "selected": value == fs.sort_order,
            }
            for value, label in options
        ]
