"""The one filtering layer of the site: ``EntryFilterSet`` and its facet filters.

The catalogue, the per-kind lists, the feeds, calendars and citation exports of
a selection all read the same parameters through this FilterSet, so a URL is the
one address of a selection:

    q, kind, theme, institute, country, region, person, organisation,
    year_from, year_to, sort, page   (and each kind's own: publication_type…)

Facets are repeatable: several values of one facet widen (OR), different facets
narrow (AND). Each facet filter states its meaning twice, kept in step by tests:
as a ``Q`` (``condition``), so ``filterset.qs`` is an ordinary queryset, and as a
``Dimension`` of the in-memory facet index (``unumn/facets/``), which counts and
selects the catalogue's pages.

Bad input never reaches the ORM as keyword arguments and never breaks a page:
values are cleaned by form fields, malformed ones are dropped (with a message for
the visitor), and the number of values per parameter is capped.
"""

import copy
import datetime
import functools
import re
from functools import cached_property

import django_filters
from django import forms
from django.db.models import F, Q
from django.db.models.functions import ExtractYear

from unumn import kinds, search
from unumn.facets.definitions import Dimension
from unumn.models import (
    MAX_YEAR,
    MIN_YEAR,
    NEWEST_FIRST,
    Contribution,
    Entry,
    Involvement,
    Region,
    ThemedEntry,
    ThemeKind,
)
from unumn.vocabulary import Vocabulary

MAX_VALUES = 20
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,120}$")
strip_control = search.strip_control


class ValueListField(forms.Field):
    """A repeatable parameter, cleaned leniently: unusable values are dropped (and
    reported in ``dropped``), duplicates removed, at most ``MAX_VALUES`` kept."""

    widget = forms.SelectMultiple

    def __init__(self, *, pattern=SLUG_RE, choices=None, normalise=str.lower, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.pattern, self.choices, self.normalise = pattern, choices, normalise
        self.dropped = []

    def to_python(self, value):
        if value in self.empty_values:
            return []
        values = [value] if isinstance(value, str) else list(value)
        allowed = self.choices() if callable(self.choices) else self.choices
        kept, self.dropped = [], []
        for raw in values[: MAX_VALUES * 5]:
            item = self.normalise(strip_control(str(raw)).strip())
            valid = bool(self.pattern.match(item)) and (allowed is None or item in allowed)
            if not valid:
                if item:
                    self.dropped.append(item[:60])
            elif item not in kept and len(kept) < MAX_VALUES:
                kept.append(item)
        return kept


class FacetFilter(django_filters.Filter):
    """A repeatable filter whose values widen (OR) and that counts its values.

    ``condition(values)`` is the ``Q`` an entry must meet; ``dimension()`` how the
    facet index reads every public entry's values of this facet (``(entry id,
    stored value)`` pairs); ``stored(values)`` and ``value_of(stored)`` translate
    between the values of the URL (slugs, codes) and the stored ones (ids).
    """

    field_class = ValueListField

    def __init__(self, *, label_plural="", **kwargs):
        super().__init__(**kwargs)
        self.label_plural = label_plural

    def __deepcopy__(self, memo):
        # A filter set copies its filters for every request: a facet filter holds no
        # state of its own worth a deep copy (only what it read of the vocabulary).
        copied = copy.copy(self)
        for cached in ("items", "by_id"):
            copied.__dict__.pop(cached, None)
        return copied

    def filter(self, qs, value):
        return qs.filter(self.condition(value)) if value else qs

    def known(self, values):
        """The values that exist; the filter set reports the others."""
        return values

    def stored(self, values):
        return list(values)

    def value_of(self, stored):
        return stored

    def label_for(self, value):
        return value

    @property
    def fixed_order(self):
        """Values shown in this order (choices), or ``None`` to sort by count."""
        return None


class ChoiceFacetFilter(FacetFilter):
    """A facet over a column of the entry or of its kind's table, with fixed choices
    (kind, publication type, project state…).

    ``choices`` is a list of ``(value, label)``, or a callable answering one (the
    kinds, which are registered after the filter sets are defined)."""

    def __init__(self, *, choices, **kwargs):
        self.choices = choices
        super().__init__(choices=lambda: list(self.choice_labels), **kwargs)

    @property
    def choice_labels(self):
        """``{value: label}`` in the choices' order."""
        choices = self.choices() if callable(self.choices) else self.choices
        return {value: str(label) for value, label in choices}

    def condition(self, values):
        return Q(**{f"{self.field_name}__in": values})

    def dimension(self):
        field = self.field_name

        def pairs(public):
            return public.filter(**{f"{field}__isnull": False}).values_list("pk", field)

        return Dimension(f"{self.field_name}", pairs)

    def label_for(self, value):
        return self.choice_labels.get(value, value)

    @property
    def fixed_order(self):
        return list(self.choice_labels)


class VocabularyFacetFilter(FacetFilter):
    """A facet over a many-to-many vocabulary: themes, institutes, countries, people,
    organisations.

    Values are slugs (codes for countries), turned into ids through the
    ``Vocabulary`` of the current content version. Filtering is a semi-join
    (``id IN (SELECT …)``) on the link table by id, so a match never duplicates
    rows.
    """

    def __init__(self, *, through, entry_field, id_field, group_labels=None, **kwargs):
        self.through, self.entry_field, self.id_field = through, entry_field, id_field
        self.group_labels = group_labels  # the facet's values shown in groups, by these names
        super().__init__(**kwargs)

    @cached_property
    def items(self):
        """``{URL value: Item}`` of this facet's vocabulary (a filter set, and its copies
        of the filters, serve one request)."""
        return Vocabulary.current().items(self.field_name)

    def known(self, values):
        return [value for value in values if value in self.items]

    def stored(self, values):
        items = self.items
        return [items[value].id for value in values if value in items]

    @cached_property
    def by_id(self):
        return Vocabulary.current().by_id(self.field_name)

    def value_of(self, stored):
        item = self.by_id.get(stored)
        return item.value if item else None

    def condition(self, values):
        links = self.through.objects.filter(**{f"{self.id_field}__in": self.stored(values)})
        return Q(pk__in=links.values(self.entry_field))

    def dimension(self):
        through, entry_field, id_field = self.through, self.entry_field, self.id_field

        def pairs(public):
            links = through.objects.filter(**{f"{entry_field}__in": public.values("pk")})
            return links.values_list(entry_field, id_field).distinct()

        return Dimension(self.field_name, pairs)

    def label_for(self, value):
        item = self.items.get(value)
        return item.label if item else value

    def group_of(self, value):
        """The name of the group a value is shown in (``""``: the facet is not grouped)."""
        item = self.items.get(value)
        if not self.group_labels or item is None:
            return ""
        return self.group_labels.get(item.group, "")


class RegionFacetFilter(FacetFilter):
    """UN M49 regions: an entry is in a region when one of its countries is."""

    def condition(self, values):
        links = Entry.countries.through.objects.filter(country__region__in=values)
        return Q(pk__in=links.values("entry"))

    def dimension(self):
        def pairs(public):
            links = Entry.countries.through.objects.filter(entry__in=public.values("pk"))
            links = links.exclude(country__region="")
            return links.values_list("entry", "country__region").distinct()

        return Dimension("region", pairs)

    @property
    def fixed_order(self):
        return list(Region.values)


class YearFilter(django_filters.Filter):
    """``year_from``/``year_to``: entries dated within the range, inclusive."""

    field_class = forms.IntegerField

    def __init__(self, *, bound, **kwargs):
        self.bound = bound
        super().__init__(
            field_name="date",
            min_value=MIN_YEAR,
            max_value=MAX_YEAR,
            required=False,
            **kwargs,
        )

    def filter(self, qs, value):
        if value is None:
            return qs
        if self.bound == "from":
            return qs.filter(date__gte=datetime.date(value, 1, 1))
        return qs.filter(date__lte=datetime.date(value, 12, 31))


def year_dimension():
    """The year of each dated entry: the year facet, and the range filters."""

    def pairs(public):
        dated = public.filter(date__isnull=False)
        return dated.annotate(year=ExtractYear("date")).values_list("pk", "year")

    return Dimension("year", pairs)


class SortFilter(django_filters.ChoiceFilter):
    """``sort``: relevance (only with a query), newest, oldest or title."""

    CHOICES = [
        ("relevance", "Relevance"),
        ("newest", "Newest first"),
        ("oldest", "Oldest first"),
        ("title", "Title A–Z"),
    ]

    def __init__(self, *, extra_choices=(), **kwargs):
        self.sort_choices = [*extra_choices, *self.CHOICES]
        super().__init__(choices=self.sort_choices, empty_label=None, required=False, **kwargs)

    def filter(self, qs, value):
        return qs  # the order is the selection's (EntryFilterSet.ordered), not a filter


class SearchFilter(django_filters.CharFilter):
    def __init__(self, **kwargs):
        super().__init__(max_length=search.MAX_QUERY_LENGTH * 5, strip=True, **kwargs)

    def filter(self, qs, value):
        query = self.parent.parsed_query
        return search.backend().filter(qs, query) if query.text else qs


class EntryFilterSet(django_filters.FilterSet):
    """The shared filters of every list of entries.

    Subclasses (one per kind) add their own facets and list them in
    ``facet_names``; the catalogue's filter set adds the facets each kind offers
    to the whole catalogue (``catalogue_filterset()``).
    """

    q = SearchFilter(label="Search")
    kind = ChoiceFacetFilter(
        field_name="kind", choices=kinds.choices, label="Type", label_plural="Types"
    )
    theme = VocabularyFacetFilter(
        through=ThemedEntry,
        entry_field="content_object",
        id_field="tag_id",
        label="Theme",
        label_plural="Themes",
        group_labels={ThemeKind.TOPIC: "Topics", ThemeKind.FRAMEWORK: "Policy frameworks"},
    )
    institute = VocabularyFacetFilter(
        through=Entry.institutes.through,
        entry_field="entry",
        id_field="institute_id",
        label="Institute",
        label_plural="Institutes",
    )
    country = VocabularyFacetFilter(
        through=Entry.countries.through,
        entry_field="entry",
        id_field="country_id",
        label="Country",
        label_plural="Countries",
        normalise=str.upper,
        pattern=re.compile(r"^[A-Z]{2}$"),
    )
    region = RegionFacetFilter(
        label="Region",
        label_plural="Regions",
        normalise=str.title,
        choices=Region.values,
        pattern=re.compile(r"^[A-Za-z]{1,12}$"),
    )
    person = VocabularyFacetFilter(
        through=Contribution,
        entry_field="entry",
        id_field="person_id",
        label="Person",
        label_plural="People",
    )
    organisation = VocabularyFacetFilter(
        through=Involvement,
        entry_field="entry",
        id_field="organisation_id",
        label="Organisation",
        label_plural="Organisations",
    )
    year_from = YearFilter(bound="from", label="From year")
    year_to = YearFilter(bound="to", label="To year")
    sort = SortFilter(label="Sort by")

    # The facets every list shows, after a kind's own (``[*own, *SHARED_FACETS]``).
    SHARED_FACETS = ["theme", "institute", "country", "region", "person", "organisation"]
    facet_names = ["kind", *SHARED_FACETS]
    default_sort = "newest"

    class Meta:
        fields = []

    # --- reading the cleaned parameters ---------------------------------

    @property
    def cleaned(self):
        """The cleaned parameters: invalid ones left out, unknown vocabulary values
        dropped (and reported). Validates on first use."""
        if not hasattr(self, "_cleaned"):
            self.errors  # noqa: B018 - runs validation
            self._cleaned = dict(self.form.cleaned_data)
            for name, flt in self.filters.items():
                asked = self._cleaned.get(name)
                if asked and isinstance(flt, FacetFilter):
                    self._cleaned[name] = known = flt.known(asked)
                    self.form.fields[name].dropped += [v for v in asked if v not in known]
        return self._cleaned

    @cached_property
    def parsed_query(self):
        """The visitor's query, parsed once (with the editors' synonyms)."""
        return search.parse(self.cleaned.get("q") or "", Vocabulary.current().synonyms)

    @property
    def query(self):
        return self.parsed_query.text

    @property
    def facets(self):
        """``[(name, facet filter)]`` of the facets this filter set shows, in order."""
        return [(name, self.filters[name]) for name in self.facet_names]

    def active_facet_filters(self):
        """``{name: (facet filter, values)}`` of every facet filter asked for, shown or
        not (a per-kind list also honours ``kind=`` from an export's address)."""
        return {
            name: (flt, self.cleaned[name])
            for name, flt in self.filters.items()
            if isinstance(flt, FacetFilter) and self.cleaned.get(name)
        }

    @property
    def natural_sort(self):
        """The order a selection has unless asked otherwise: by relevance when searching."""
        return "relevance" if self.query else self.default_sort

    @property
    def sort_order(self):
        sort = self.cleaned.get("sort") or ""
        if sort == "relevance" and not self.query:
            sort = ""
        return sort or self.natural_sort

    def messages(self):
        """What was ignored, in words a visitor understands."""
        notes = []
        for name, errors in self.form.errors.items():
            label = self.filters[name].label if name in self.filters else name
            notes.append(f"{label}: {' '.join(errors)} This part of the request was ignored.")
        for name, field in self.form.fields.items():
            if isinstance(field, ValueListField) and field.dropped:
                shown = ", ".join(f"“{value}”" for value in field.dropped[:5])
                notes.append(f"Unknown {self.filters[name].label.lower()} {shown} ignored.")
        return notes

    # --- querying -------------------------------------------------------

    def filtered(self):
        """The queryset with every active filter applied (the ORM's reading of the
        selection; the catalogue pages read the facet index instead)."""
        qs = self.queryset.all()
        for name, value in self.cleaned.items():
            if name in self.filters:
                qs = self.filters[name].filter(qs, value)
        return qs

    def ordered(self, qs, sort=None):
        """``qs`` in the order asked for (or in ``sort``). Relevance (the tier of the
        match, then recency) is the search backend's."""
        sort = sort or self.sort_order
        if sort == "relevance":
            tier = search.backend().relevance(self.parsed_query)
            return qs.annotate(tier=tier).order_by("tier", *NEWEST_FIRST)
        if sort == "oldest":
            return qs.order_by(F("date").asc(nulls_last=True), "pk")
        if sort == "title":
            return qs.order_by("title", "pk")
        return qs.newest_first()


def catalogue_filterset():
    """The catalogue's filter set: the shared one, and the facets every kind offers to
    the whole catalogue (``Kind.catalogue_facets``: a publication's type and stage)."""
    return _catalogue_filterset(tuple((k.filterset, k.catalogue_facets) for k in kinds.all()))


@functools.cache
def _catalogue_filterset(offered):
    shared = {name: filterset.base_filters[name] for filterset, names in offered for name in names}
    if not shared:
        return EntryFilterSet
    names = [*EntryFilterSet.facet_names[:1], *shared, *EntryFilterSet.facet_names[1:]]
    attrs = {"facet_names": names, "__module__": __name__, **shared}
    return type("CatalogueFilterSet", (EntryFilterSet,), attrs)
