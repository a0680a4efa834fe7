"""A selection of entries, as a page: results, facet counts, active-filter chips.

``Selection`` orchestrates; it holds no logic of its own about filters or counts:

1. the filter set (``unumn/filters.py``) cleans the parameters and parses the query;
2. the search backend (``unumn/search/``) lists every match, with its tier, when
   there is a query;
3. the facet index (``unumn/facets/``) turns the selection into a mask, counts every
   facet over it and orders it;
4. the page's rows are read by id, in one query (plus the cards' prefetches).

So a catalogue page costs a fixed, small number of queries, and the work in memory
is a few vectorised operations, whatever the filters.
"""

from functools import cached_property

import numpy as np
from django.core.paginator import Paginator
from django.http import QueryDict
from django.utils import timezone

from unumn import cards, kinds, search
from unumn.facets import counting, presentation
from unumn.facets.index import FacetIndex
from unumn.filters import EntryFilterSet, SortFilter, catalogue_filterset, year_dimension
from unumn.models import Entry
from unumn.search import suggestions
from unumn.versions import VersionedCache

PAGE_SIZE = 20
# The entries matching recent queries, as masks over the facet index: about 32 MB.
MATCHES = VersionedCache(32 * 2**20, weigh=lambda mask: mask.nbytes)
SNIPPETS = VersionedCache(10_000)
SUGGESTIONS = VersionedCache(1_000)
# Each selection's facet counts and total (small dicts, no masks), kept per content
# version: a selection asked again (its next page, the same link followed) is not
# counted again.
COUNTS = VersionedCache(2_000)
SHARED_SORTS = {value for value, _ in SortFilter.CHOICES}
YEAR = year_dimension()


def _page_number(number, num_pages):
    """The page asked for, as ``Paginator.get_page`` reads it: the first for junk, the
    last for a number past the end."""
    try:
        return min(max(int(number), 1), num_pages)
    except (TypeError, ValueError):
        return 1


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
    """
    kind = kinds.for_model(model) if model is not None else None
    if filterset_class is None and kind is None:
        asked = set(params.getlist("kind"))
        if len(asked) == 1:
            kind = kinds.find(next(iter(asked)))
    if filterset_class is None:
        filterset_class = kind.filterset if kind else catalogue_filterset()
    return Selection(filterset_class, params, kind=kind.name if kind else None)


class Selection:
    """One selection of public entries (of one kind, or of all)."""

    def __init__(self, filterset_class, params, *, kind=None, page_size=PAGE_SIZE):
        queryset = Entry.objects.published()
        if kind:
            queryset = queryset.filter(kind=kind)
        self.kind = kind
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

    def toggle_url(self, name, value):
        """The address with ``value`` added to facet ``name``, or removed if present."""
        selected = self.filterset.cleaned.get(name) or []
        toggled = [v for v in selected if v != value] if value in selected else [*selected, value]
        return self.url_with(**{name: toggled, "page": None})

    def messages(self):
        return self.filterset.messages()

    @property
    def year_bounds(self):
        """The year range asked for, as form values (empty when absent)."""
        cleaned = self.filterset.cleaned
        return {
            bound: "" if cleaned.get(f"year_{bound}") is None else cleaned[f"year_{bound}"]
            for bound in ("from", "to")
        }

    # --- the index: counts and order ---------------------------------------

    @cached_property
    def index(self):
        return FacetIndex.current()

    def matching(self, scope=None):
        """The public entries matching the query (in ``scope``: ``"title"``, ``"names"``),
        as a mask over the index. Kept per query and content version: a query asked
        again (the next page, another filter) does not search again."""
        query, index = self.filterset.parsed_query, self.index
        backend = search.backend()

        def search_it():
            ids = backend.scoped(query, scope) if scope else backend.matches(query)
            return index.positions_of(ids)

        return MATCHES.get((query.key, scope, index.version), search_it)

    @cached_property
    def base(self):
        """The entries this selection chooses from: the public ones of its kind that
        match the query, as a mask over the index."""
        index, mask = self.index, self.index.everything()
        if self.kind:
            mask &= index.mask(EntryFilterSet.base_filters["kind"].dimension(), [self.kind])
        if self.filterset.query:
            mask &= self.matching()
        return mask

    @cached_property
    def narrowing(self):
        """The selection's masks over the facet index (no counting)."""
        # Without a query, the base is a fixed set (a kind's entries, or all): the index
        # keeps its counts, and only what the filters leave out of it is counted.
        key = None if self.filterset.query else ("kind", self.kind)
        return counting.narrow(
            self.index, self.filterset, self.base, year_dimension=YEAR, base_key=key
        )

    @cached_property
    def facet_counts(self):
        """Every facet's counts (each over every filter but its own) and the total."""

        def count():
            counted = counting.count(
                self.index, self.filterset, self.narrowing, year_dimension=YEAR
            )
            return counted.counts, counted.total

        params = tuple((name, tuple(values)) for name, values in sorted(self.canonical.lists()))
        key = (type(self.filterset), self.kind, params, self.index.version)
        counts, total = COUNTS.get(key, count)
        return counting.FacetCounts(counts=counts, total=total, mask=self.narrowing.selection)

    @property
    def counts(self):
        return self.facet_counts.counts

    @property
    def total(self):
        return self.facet_counts.total

    def facets(self, expand=""):
        return presentation.facets(self, expand)

    def year_facet(self):
        return presentation.year_facet(self)

    def chips(self):
        return presentation.chips(self)

    def ordered_positions(self, limit=None):
        """The selection's entries (positions in the index) in the order asked for: at
        least the first ``limit`` of them (all when ``None``)."""
        mask, sort = self.narrowing.selection, self.filterset.sort_order
        if sort != "relevance":
            positions = self._order(sort)
            return positions[mask[positions]]
        # Relevance: the title matches (newest first), then the matches in the names,
        # then the rest; a narrower tier is read only when the page reaches it.
        newest, remaining, tiers = self._order("newest"), mask.copy(), []
        for scope in search.backends.SCOPES:
            if limit is not None and sum(len(tier) for tier in tiers) >= limit:
                break
            within = self.matching(scope) & remaining
            tiers.append(newest[within[newest]])
            remaining &= ~within
        else:
            tiers.append(newest[remaining[newest]])
        return np.concatenate(tiers) if tiers else newest[:0]

    def _order(self, sort):
        """Every entry of the index (of this kind, for a kind's own order) in ``sort``."""
        fs = self.filterset
        if sort in SHARED_SORTS:
            return self.index.order((sort,), lambda: fs.ordered(self.index.public, sort))
        # A kind's own order may depend on the day (upcoming events first).
        key = (sort, self.kind, timezone.localdate())
        return self.index.order(key, lambda: fs.ordered(fs.queryset, sort))

    # --- results --------------------------------------------------------

    def ids(self, limit=None, *, kind=None):
        """The ids of the selection's entries, in its order (the first ``limit``; of one
        ``kind`` only, if given)."""
        positions = self.ordered_positions(None if kind else limit)
        if kind:
            of_kind = self.index.mask(EntryFilterSet.base_filters["kind"].dimension(), [kind])
            positions = positions[of_kind[positions]]
        return [int(pk) for pk in self.index.ids[positions[:limit]]]

    def entries(self, *, limit, model=None, prepare=None):
        """The selection's entries in its order, at most ``limit`` of them, as
        ``model`` objects (a kind's own model), for exports: feeds, calendars,
        citations. ``prepare`` adds what the export reads (``select_related``,
        ``prefetch_related``). A fixed number of queries."""
        ids = self.ids(limit)
        objects = (model or Entry).objects.filter(pk__in=ids).without_search_index()
        by_id = {obj.pk: obj for obj in (prepare(objects) if prepare else objects)}
        return [by_id[pk] for pk in ids if pk in by_id]

    def page(self, number):
        """The page of results, clamped to the pages that exist: its ids come from the
        index, its rows from one query by id."""
        paginator = KnownCountPaginator([], self.page_size, count=self.total)
        number = _page_number(number, paginator.num_pages)
        paginator.object_list = self.ordered_positions(number * self.page_size)
        page = paginator.page(number)
        ids = [int(pk) for pk in self.index.ids[page.object_list]]
        model = kinds.get(self.kind).model if self.kind else Entry
        by_id = {entry.pk: entry for entry in model.objects.filter(pk__in=ids).for_cards()}
        page.object_list = [by_id[pk] for pk in ids if pk in by_id]
        snippets = self.snippets(ids)
        for entry in page.object_list:
            entry.snippet = snippets.get(entry.pk)
        cards.attach(page.object_list)
        return page

    def snippets(self, ids):
        """``{id: highlighted snippet}`` of the entries ``ids`` for the query (none without
        one): ``ts_headline`` on PostgreSQL, made in Python on SQLite; each kept per
        query and content version."""
        query = self.filterset.parsed_query
        if not query:
            return {}
        found = SNIPPETS.get_many([(query.key, pk) for pk in ids])
        missing = [pk for pk in ids if (query.key, pk) not in found]
        if missing:
            backend = search.backend()
            text = ("summary",) if backend.makes_headlines else ("summary", "body")
            rows = Entry.objects.filter(pk__in=missing).only("pk", *text)
            made = {
                (query.key, entry.pk): search.snippet(entry, query)
                for entry in backend.with_headline(rows, query)
            }
            SNIPPETS.set_many(made)
            found.update(made)
        return {pk: found.get((query.key, pk)) for pk in ids}

    @cached_property
    def suggestions(self):
        """``(did you mean, vocabulary hits)`` for the query (``unumn/search/suggestions.py``),
        kept per query and content version."""
        query = self.filterset.parsed_query
        if not query:
            return None, []

        def suggest():
            return suggestions.did_you_mean(query), suggestions.vocabulary_hits(query)

        return SUGGESTIONS.get(query.key, suggest)

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
