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
import re

import django_filters
from django import forms
from django.db.models import CharField, Count, Exists, F, OuterRef, Value
from django.db.models.functions import Coalesce, ExtractYear, NullIf

from unumn import search
from unumn.models import (
    MAX_YEAR,
    MIN_YEAR,
    Country,
    Entry,
    EntryKind,
    Institute,
    Region,
    Theme,
    ThemedEntry,
)

MAX_VALUES = 20
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,120}$")


def strip_nul(value):
    return value.replace("\x00", "")


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
        kept, self.dropped = [], []
        for raw in values[: MAX_VALUES * 5]:
            item = self.normalise(strip_nul(str(raw)).strip())
            valid = bool(self.pattern.match(item)) and (
                self.choices is None or item in self.choices
            )
            if not valid:
                if item:
                    self.dropped.append(item[:60])
            elif item not in kept and len(kept) < MAX_VALUES:
                kept.append(item)
        return kept


def as_expression(path):
    return F(path) if isinstance(path, str) else path


def institute_label(prefix=""):
    """An institute's acronym, or its name when it has none (as ``Institute.short_name``)."""
    return Coalesce(NullIf(F(f"{prefix}acronym"), Value("")), F(f"{prefix}name"))


class FacetFilter(django_filters.Filter):
    """A repeatable filter whose values widen (OR), and that counts its values.

    Subclasses define ``filter()`` (the condition for the cleaned values),
    ``count_values()`` (``{value: count}`` over a queryset, remembering labels)
    and ``label_for()``.
    """

    field_class = ValueListField

    def __init__(self, *, label_plural="", **kwargs):
        super().__init__(**kwargs)
        self.label_plural = label_plural
        self.known_labels = {}

    def label_for(self, value):
        return self.known_labels.get(value, value)


class ChoiceFacetFilter(FacetFilter):
    """A facet over a field with fixed choices (kind, project type, …)."""

    def __init__(self, *, choices, **kwargs):
        super().__init__(choices=[value for value, _ in choices], **kwargs)
        self.known_labels = {value: str(label) for value, label in choices}

    def filter(self, qs, value):
        return qs.filter(**{f"{self.field_name}__in": value}) if value else qs

    def count_values(self, qs):
        counts = qs.order_by().values(self.field_name).annotate(n=Count("pk"))
        return {row[self.field_name]: row["n"] for row in counts}


class RelatedFacetFilter(FacetFilter):
    """A facet over a many-to-many vocabulary (themes, institutes, countries, regions).

    Filtering uses ``EXISTS`` on the link table, so a match never duplicates
    rows. ``vocabulary`` is ``(model, value field, label expression)`` when the
    values must be looked up (unknown ones are dropped before filtering).
    """

    def __init__(
        self, *, through, entry_field, value_path, label_path, vocabulary=None,
        count_distinct=False, **kwargs,
    ):  # fmt: skip
        self.through, self.entry_field = through, entry_field
        self.value_path, self.label_path = value_path, label_path
        self.vocabulary, self.count_distinct = vocabulary, count_distinct
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        links = self.through.objects.filter(
            **{self.entry_field: OuterRef("pk"), f"{self.value_path}__in": value}
        )
        return qs.filter(Exists(links))

    def count_values(self, qs):
        rows = (
            self.through.objects.filter(**{f"{self.entry_field}__in": qs.order_by().values("pk")})
            .values(value=F(self.value_path), label=as_expression(self.label_path))
            .annotate(n=Count(self.entry_field, distinct=self.count_distinct))
            .order_by()
        )
        counts = {}
        for row in rows:
            counts[row["value"]] = row["n"]
            self.known_labels.setdefault(row["value"], row["label"])
        return counts


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
        value = strip_nul(value or "").strip()
        return search.search_filter(qs, value) if value else qs


class EntryFilterSet(django_filters.FilterSet):
    """The shared filters of every list of entries.

    Subclasses (one per app) add their own facets; ``total_facet`` names a
    single-valued facet whose counts add up to the number of results, so the
    result count costs no extra query.
    """

    q = SearchFilter(label="Search")
    kind = ChoiceFacetFilter(
        field_name="kind", choices=EntryKind.choices, label="Type", label_plural="Types"
    )
    theme = RelatedFacetFilter(
        through=ThemedEntry,
        entry_field="content_object",
        value_path="tag__slug",
        label_path="tag__name",
        vocabulary=(Theme, "slug", F("name")),
        label="Theme",
        label_plural="Themes",
    )
    institute = RelatedFacetFilter(
        through=Entry.institutes.through,
        entry_field="entry",
        value_path="institute__slug",
        label_path=institute_label("institute__"),
        vocabulary=(Institute, "slug", institute_label()),
        label="Institute",
        label_plural="Institutes",
    )
    country = RelatedFacetFilter(
        through=Entry.countries.through,
        entry_field="entry",
        value_path="country_id",
        label_path="country__name",
        vocabulary=(Country, "code", F("name")),
        label="Country",
        label_plural="Countries",
        normalise=str.upper,
        pattern=re.compile(r"^[A-Z]{2}$"),
    )
    region = RelatedFacetFilter(
        through=Entry.countries.through,
        entry_field="entry",
        value_path="country__region",
        label_path="country__region",
        count_distinct=True,  # two countries of one region count the entry once
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
    total_facet = "kind"
    default_sort = "newest"

    class Meta:
        fields = []

    # --- reading the cleaned parameters ---------------------------------

    @property
    def cleaned(self):
        """The cleaned parameters: invalid ones left out, unknown vocabulary values
        dropped. Validates (and looks up vocabulary values) on first use."""
        if not hasattr(self, "_cleaned"):
            self.errors  # noqa: B018 - runs validation
            self._cleaned = dict(self.form.cleaned_data)
            self._resolve_vocabulary()
        return self._cleaned

    def _resolve_vocabulary(self):
        """Look up every theme, institute and country value asked for, in one query;
        unknown values are dropped (and reported), known ones get their labels."""
        lookups = []
        for name, flt in self.filters.items():
            values = self._cleaned.get(name)
            if values and isinstance(flt, RelatedFacetFilter) and flt.vocabulary:
                model, value_field, label = flt.vocabulary
                lookups.append(
                    model.objects.filter(**{f"{value_field}__in": values})
                    .values_list(
                        Value(name, output_field=CharField()),
                        value_field,
                        label,
                    )
                    .order_by()
                )
        if not lookups:
            return
        found = {}
        for name, value, label in lookups[0].union(*lookups[1:], all=True):
            found.setdefault(name, {})[value] = label
        for name, flt in self.filters.items():
            if not isinstance(flt, RelatedFacetFilter) or not flt.vocabulary:
                continue
            asked = self._cleaned.get(name) or []
            known = found.get(name, {})
            self._cleaned[name] = [value for value in asked if value in known]
            flt.known_labels.update(known)
            self.form.fields[name].dropped += [value for value in asked if value not in known]

    @property
    def query(self):
        return strip_nul(self.cleaned.get("q") or "").strip()

    @property
    def sort_order(self):
        sort = self.cleaned.get("sort") or ""
        if sort == "relevance" and not self.query:
            sort = ""
        return sort or ("relevance" if self.query else self.default_sort)

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
        return qs.order_by(F("date").desc(nulls_last=True), "-pk")

    def facet_groups(self):
        """Per facet: the queryset to count over (every filter but the facet's own)."""
        groups = {name: [name] for name in self.facet_names}
        groups["year"] = ["year_from", "year_to"]
        return groups

    def year_counts(self, qs):
        counts = (
            qs.order_by()
            .filter(date__isnull=False)
            .values(year=ExtractYear("date"))
            .annotate(n=Count("pk"))
        )
        return {row["year"]: row["n"] for row in counts}
