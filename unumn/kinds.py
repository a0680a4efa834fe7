"""The kinds of entry: each feature app registers its own, the core reads the registry.

The core knows an abstract ``Entry`` and this registry, never a kind by name. A
feature app (``projects``, ``publications``, ``events``, or a fourth one) defines
an ``Entry`` subclass and registers a ``Kind`` for it in its ``AppConfig.ready()``:

    kinds.register(Kind(model=Dataset, filterset=DatasetFilterSet, urls="datasets.urls",
                        json_ld=structured_data.dataset, content=ContentTable("datasets", ...),
                        benchmark=benchmark_row))

Everything that lists kinds reads ``kinds.all()``: the catalogue's kind facet and
FilterSet map, the URLconf, navigation, the exports block, JSON-LD, sitemaps,
permissions, the content loader, the benchmark seeder and the admin's redirects.
``manage.py check`` (``unumn/checks.py``) fails when an ``Entry`` subclass is not
registered or a registered kind lacks a piece, so a forgotten piece is an error
at deploy time, never a visitor's 500.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.functional import cached_property
from django.utils.html import strip_tags

from unumn.reversing import reverse

_registry = {}


@dataclass(frozen=True)
class SelectionExport:
    """An output of a catalogue selection that a kind offers besides the feeds: the
    calendar of its events, the citations of its publications.

    ``formats`` are ``(text, URL name, URL args)``: one format is one link labelled
    ``label``; several are listed after ``label`` ("Cite its publications: BibTeX,
    RIS, CSL-JSON"). ``follow_label`` offers it on institute and theme pages,
    ``site_label`` in the site's footer, for the whole catalogue.
    """

    label: str
    formats: tuple
    follow_label: str = ""
    site_label: str = ""
    # ``adapt(selection)``: ``(label, parameters to set)`` for a given selection, or
    # ``None`` to leave the export out (a calendar of a selection without events).
    adapt: Callable | None = None

    def links(self):
        """``[(text, address)]`` of its formats (a format may add parameters of its own:
        ``(text, URL name, URL args, {name: value})``)."""
        return [
            (text, reverse(name, args=args) + (f"?{urlencode(query[0])}" if query else ""))
            for text, name, args, *query in self.formats
        ]

    @property
    def url(self):
        return self.links()[0][1]

    def offer(self, selection, params):
        """What a selection's page offers of this export: ``(label, [(text, address)])``
        with the selection's parameters, or ``None``."""
        label, params = self.label, params.copy()
        if self.adapt is not None:
            adapted = self.adapt(selection)
            if adapted is None:
                return None
            label, changes = adapted
            for name, value in changes.items():
                params[name] = value
        return label, [
            (text, f"{address}{'&' if '?' in address else '?'}{params.urlencode()}")
            if params
            else (text, address)
            for text, address in self.links()
        ]


@dataclass(frozen=True)
class VocabularyTable:
    """A table of the data file that holds vocabulary: the keys copied as they are
    (when present; the model's defaults otherwise), and the keys naming another
    table's object (``references``: ``(key, table)``, by slug; a country by its code)."""

    table: str
    model: type
    fields: tuple
    references: tuple = ()


@dataclass(frozen=True)
class ContentTable:
    """How the content data file (``unumn/content/network.toml``) lists a kind's entries:
    the table's name, the plain fields it may give, the ones that are ISO dates, and
    the keys naming another table's object (``references``: ``(key, table)``: a
    country by its code, a series by its slug). ``vocabularies`` are the kind's own
    vocabulary tables (``VocabularyTable``), loaded before the entries."""

    table: str
    fields: tuple = ()
    dates: tuple = ()
    references: tuple = ()
    vocabularies: tuple = ()


@dataclass(frozen=True)
class Kind:
    """One kind of entry, with every piece the core needs to show it.

    - ``model``: the ``Entry`` subclass; its ``KIND`` is the value stored in ``Entry.kind``.
    - ``filterset``: its FilterSet (a subclass of ``EntryFilterSet``), used by its list,
      by the catalogue when a selection is of this kind only, and by its exports.
    - ``urls``: its URLconf module, mounted at ``<namespace>/``; its ``app_name`` is
      ``namespace`` and it names a ``list`` and a ``detail`` view.
    - ``json_ld``: ``(entry, url, absolute) -> dict``, the schema.org description.
    - ``content``: its table in the content data file.
    - ``benchmark``: ``(rng, entry) -> {column: value}``, a synthetic row of its own
      table for ``seed_benchmark``; ``benchmark_weight`` is its share of the entries.
    - ``exports``: the selection exports it offers; ``export_urls`` the URLconf that
      serves them under ``/catalogue/`` (the calendar lives in its own URLconf).
    - ``colour``: its colour on cards and badges (a CSS colour with 4.5:1 contrast
      against white).
    - ``catalogue_facets``: facets of its FilterSet that the whole catalogue offers
      too (a publication's type and stage).
    - ``vocabulary``: models of its own vocabulary (a publication's series): part of
      the public content (a change bumps the content version), loaded from the content
      file's ``content.vocabularies``; ``root_urls`` is the URLconf of their pages,
      mounted at the site's root (``/series/…``).
    """

    model: type
    filterset: type
    urls: str
    namespace: str
    json_ld: Callable
    content: ContentTable
    benchmark: Callable
    colour: str
    benchmark_weight: int = 1
    exports: tuple = ()
    export_urls: str | None = None
    catalogue_facets: tuple = ()
    vocabulary: tuple = ()
    root_urls: str | None = None
    # ``cite(ids, *, site, style) -> [reference]``: its entries ``ids`` as references
    # (safe HTML) in one of its ``citation_styles`` (``{key: name}``), alphabetical: a
    # report's bibliography.
    cite: Callable | None = None
    citation_styles: tuple = ()

    @property
    def name(self):
        return self.model.KIND

    @cached_property
    def vocabulary_fields(self):
        """The names of its model's foreign keys to its own vocabulary (``series``)."""
        return tuple(
            field.name
            for field in self.model._meta.concrete_fields
            if field.is_relation and field.related_model in self.vocabulary
        )

    @cached_property
    def label(self):
        return str(self.model._meta.verbose_name).capitalize()

    @cached_property
    def label_plural(self):
        return str(self.model._meta.verbose_name_plural).capitalize()

    @property
    def list_url_name(self):
        return f"{self.namespace}:list"

    @property
    def detail_url_name(self):
        return f"{self.namespace}:detail"

    @property
    def list_url(self):
        return reverse(self.list_url_name)

    def admin_url_name(self, view):
        """``admin:<app>_<model>_<view>``: the admin's own name for one of its views
        (as its ``admin_urlname`` filter builds it)."""
        opts = self.model._meta
        return f"admin:{opts.app_label}_{opts.model_name}_{view}"

    @property
    def model_label(self):
        """``app_label.model_name``, as permissions name a model."""
        return self.model._meta.label_lower


def register(kind):
    """Add a kind (from its app's ``AppConfig.ready()``). Registering the same kind
    again replaces it; two kinds with one name or namespace are an error."""
    for other in _registry.values():
        if other.name != kind.name and other.namespace == kind.namespace:
            raise ValueError(f"Kinds {other.name!r} and {kind.name!r} share a namespace.")
    _registry[kind.name] = kind
    return kind


def unregister(name):
    _registry.pop(name, None)


def all():
    """Every registered kind, in the order the apps are installed."""
    return list(_registry.values())


def names():
    return list(_registry)


def get(name):
    """The kind called ``name``; ``KeyError`` when there is none."""
    return _registry[name]


def find(name):
    """The kind called ``name``, or ``None``."""
    return _registry.get(name)


def for_model(model):
    """The kind of an ``Entry`` subclass, or ``None``."""
    return next((kind for kind in _registry.values() if kind.model is model), None)


def choices():
    """``[(name, label)]`` of every kind: the choices of ``Entry.kind``."""
    return [(kind.name, kind.label) for kind in _registry.values()]


def citation_styles():
    """``{key: name}`` of the citation styles the kinds offer (the first kind's first)."""
    return {key: name for kind in all() for key, name in kind.citation_styles}


def cite(entries, *, site, style):
    """The references of ``entries`` that their kinds cite, in ``style``, alphabetical."""
    made = []
    for kind in all():
        ids = [entry.pk for entry in entries if entry.kind == kind.name]
        if kind.cite and ids:
            made += kind.cite(ids, site=site, style=style)
    return sorted(made, key=lambda reference: strip_tags(reference).casefold())


def exports_of(name=None):
    """The selection exports of one kind, or of every kind (``None``: the catalogue)."""
    chosen = [get(name)] if name else all()
    return [export for kind in chosen for export in kind.exports]
