"""The one filtering layer of the site: ``EntryFilterSet`` and its facets.

The catalogue, the per-kind lists (and later the feeds, calendars and
citation exports of a selection) all read the same parameters through this
FilterSet, so a URL is the one address of a selection:

    q, kind, theme, institute, country, region, year_from, year_to, sort, page

``kind``, ``theme``, ``institute``, ``country`` and ``region`` are facets:
repeatable, several values of one facet widen (OR), different facets narrow
(AND). Each facet counts its values over the entries that match every
*other* active filter (disjunctive counts), so a visitor sees what ticking
one more box would give.

Bad input never reaches the ORM as keyword arguments and never breaks a
page: values are cleaned by form fields, malformed ones are dropped (with a
message for the visitor), and the number of values per parameter is capped.
"""

import datetime
import functools
import re
from functools import cached_property

import django_filters
from django import forms
from django.db.models import CharField, Count, F, Q, Value
from django.db.models.functions import Cast, Coalesce, NullIf

from unumn import kinds, search
from unumn.facets import FacetCounter
from unumn.models import (
    MAX_YEAR,
    MIN_YEAR,
    Country,
    Entry,
    Institute,
    Region,
    Theme,
    ThemedEntry,
)

MAX_VALUES = 20
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,120}$")


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_control(value):
    """Without NUL and the other control characters (PostgreSQL and XML refuse them)."""
    return CONTROL_CHARACTERS.sub("", value)


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


class Vocabulary:
    """Every theme, institute and country (slug or code → id, label, region), read in
    one small query per request. It turns the values a visitor asks for into ids
    (unknown ones are dropped), and ids counted by a facet back into labels."""

    def __init__(self):
        as_text = functools.partial(Cast, output_field=CharField())
        rows = (
            Theme.objects.order_by()
            .values_list(Value("theme"), "slug", as_text("id"), "name", Value(""))
            .union(
                Institute.objects.order_by().values_list(
                    Value("institute"),
                    "slug",
                    as_text("id"),
                    Coalesce(NullIf(F("acronym"), Value("")), F("name")),
                    Value(""),
                ),
                Country.objects.order_by().values_list(
                    Value("country"), "code", "code", "name", "region"
                ),
                all=True,
            )
            .order_by()
        )
        self.by_value, self.by_id = {}, {}
        for facet, value, pk, label, region in rows:
            pk = pk if facet == "country" else int(pk)
            self.by_value.setdefault(facet, {})[value] = (pk, label, region)
            self.by_id.setdefault(facet, {})[pk] = (value, label)
        self.countries_by_region = {}
        for code, (_, _, region) in self.by_value.get("country", {}).items():
            self.countries_by_region.setdefault(region, []).append(code)


class FacetFilter(django_filters.Filter):
    """A repeatable filter whose values widen (OR) and that counts its values.

    ``condition(values)`` is the ``Q`` an entry must meet. A *row* facet is a
    value of the entry row itself (kind, type, state…): it is counted with the
    other row facets in one grouped query, on ``row_expression()``. Any other
    facet counts itself with ``count_values()``.
    """

    field_class = ValueListField
    row_field = False

    def __init__(self, *, label_plural="", **kwargs):
        super().__init__(**kwargs)
        self.label_plural = label_plural

    def filter(self, qs, value):
        return qs.filter(self.condition(value)) if value else qs

    def known(self, values):
        """The values that exist; the filter set reports the others."""
        return values

    def label_for(self, value):
        return value


class ChoiceFacetFilter(FacetFilter):
    """A facet over a column of the entry with fixed choices (kind, project type, …).

    ``choices`` is a list of ``(value, label)``, or a callable answering one (the
    kinds, which are registered after the filter sets are defined)."""

    row_field = True

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

    def row_expression(self):
        return F(self.field_name)

    def label_for(self, value):
        return self.choice_labels.get(value, value)


class VocabularyFacetFilter(FacetFilter):
    """A facet over a many-to-many vocabulary: themes, institutes, countries.

    Values are slugs (codes for countries), turned into ids through the
    filter set's ``Vocabulary``. Filtering is a semi-join (``id IN (SELECT …)``)
    on the link table by id, so a match never duplicates rows; counting groups
    the links by id.
    """

    def __init__(self, *, relation, through, entry_field, id_field, **kwargs):
        self.relation, self.through = relation, through
        self.entry_field, self.id_field = entry_field, id_field
        super().__init__(**kwargs)

    @property
    def vocabulary(self):
        return self.parent.vocabulary

    def known(self, values):
        known = self.vocabulary.by_value.get(self.field_name, {})
        return [value for value in values if value in known]

    def condition(self, values):
        known = self.vocabulary.by_value.get(self.field_name, {})
        ids = [known[value][0] for value in values if value in known]
        links = self.through.objects.filter(**{f"{self.id_field}__in": ids})
        return Q(pk__in=links.values(self.entry_field))

    def count_values(self, qs):
        rows = qs.order_by().values(pk_=F(self.relation)).annotate(n=Count("pk"))
        by_id = self.vocabulary.by_id.get(self.field_name, {})
        return {by_id[row["pk_"]][0]: row["n"] for row in rows if row["pk_"] in by_id}

    def label_for(self, value):
        return self.vocabulary.by_value.get(self.field_name, {}).get(value, (None, value))[1]


class RegionFacetFilter(FacetFilter):
    """UN M49 regions: an entry is in a region when one of its countries is."""

    def condition(self, values):
        by_region = self.parent.vocabulary.countries_by_region
        codes = [code for region in values for code in by_region.get(region, [])]
        links = Entry.countries.through.objects.filter(country_id__in=codes)
        return Q(pk__in=links.values("entry"))

    def count_values(self, qs):
        # Two countries of one region count the entry once.
        rows = (
            qs.order_by()
            .values(region=F("countries__region"))
            .annotate(n=Count("pk", distinct=True))
        )
        return {row["region"]: row["n"] for row in rows if row["region"]}


class YearFacetFilter(django_filters.Filter):
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
        return qs  # ordering is applied by EntryFilterSet.ordered(), after facets are counted


class SearchFilter(django_filters.CharFilter):
    def __init__(self, **kwargs):
        super().__init__(max_length=search.MAX_QUERY_LENGTH, strip=True, **kwargs)

    def filter(self, qs, value):
        value = strip_control(value or "").strip()
        return search.search_filter(qs, value) if value else qs


class EntryFilterSet(django_filters.FilterSet):
    """The shared filters of every list of entries.

    Subclasses (one per app) add their own facets and list them in
    ``facet_names``.
    """

    q = SearchFilter(label="Search")
    kind = ChoiceFacetFilter(
        field_name="kind", choices=kinds.choices, label="Type", label_plural="Types"
    )
    theme = VocabularyFacetFilter(
        relation="themes",
        through=ThemedEntry,
        entry_field="content_object",
        id_field="tag_id",
        label="Theme",
        label_plural="Themes",
    )
    institute = VocabularyFacetFilter(
        relation="institutes",
        through=Entry.institutes.through,
        entry_field="entry",
        id_field="institute_id",
        label="Institute",
        label_plural="Institutes",
    )
    country = VocabularyFacetFilter(
        relation="countries",
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
    year_from = YearFacetFilter(bound="from", label="From year")
    year_to = YearFacetFilter(bound="to", label="To year")
    sort = SortFilter(label="Sort by")

    facet_names = ["kind", "theme", "institute", "country", "region"]
    default_sort = "newest"

    class Meta:
        fields = []

    # --- reading the cleaned parameters ---------------------------------

    @cached_property
    def vocabulary(self):
        return Vocabulary()

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

    @property
    def query(self):
        return strip_control(self.cleaned.get("q") or "").strip()

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

    def filtered(self, *, excluding=()):
        """The queryset with every active filter applied except those named."""
        qs = self.queryset.all()
        for name, value in self.cleaned.items():
            if name not in excluding and name in self.filters:
                qs = self.filters[name].filter(qs, value)
        return qs

    def ordered(self, qs):
        sort = self.sort_order
        if sort == "relevance":
            return search.order_by_relevance(qs, self.query)
        if sort == "oldest":
            return qs.order_by(F("date").asc(nulls_last=True), "pk")
        if sort == "title":
            return qs.order_by("title", "pk")
        return qs.newest_first()

    def facet_counts(self):
        """Every facet's disjunctive counts and the number of results (see facets.py)."""
        return FacetCounter(self).count()
