"""The vocabulary of the current content version, in memory: every theme, institute,
country, person and organisation (URL value, id, label, group), and the editors'
synonyms.

Facets turn the slugs a visitor asks for into ids and counted ids back into
labels; the search reads the synonyms and matches names. Read in a few small
queries once per content version and process (``unumn/versions.py``), not per
request.
"""

import functools
import re
from collections import namedtuple

from django.db.models import CharField, F, TextField, Value
from django.db.models.functions import Cast, Coalesce, Concat, NullIf

from unumn.models import (
    Contribution,
    Country,
    Entry,
    Institute,
    Involvement,
    Organisation,
    Person,
    SynonymGroup,
    Theme,
    ThemedEntry,
)
from unumn.search.query import Term, fold
from unumn.versions import VersionedCache

Item = namedtuple("Item", "id value label group names about")
_current = VersionedCache(1)


class Vocabulary:
    @classmethod
    def current(cls):
        """The vocabulary of the content version of this request."""
        return _current.get("vocabulary", cls)

    def __init__(self):
        name_or_acronym = Coalesce(NullIf(F("acronym"), Value("")), F("name"))
        with_acronym = Concat(F("name"), Value(" "), F("acronym"), output_field=TextField())
        about = Concat(F("summary"), Value(" "), F("description"), output_field=TextField())
        sources = {
            "theme": Theme.objects.values_list("pk", "slug", "name", "kind", "name", "description"),
            "institute": Institute.objects.values_list(
                "pk", "slug", name_or_acronym, Value(""), with_acronym, about
            ),
            "country": Country.objects.values_list(
                "code", "code", "name", "region", "name", Value("")
            ),
            "person": Person.objects.values_list("pk", "slug", "name", Value(""), "name", "bio"),
            "organisation": Organisation.objects.values_list(
                "pk", "slug", "name", Value(""), with_acronym, "description"
            ),
        }
        self._by_value, self._by_id = {}, {}
        for facet, rows in sources.items():
            items = [Item(*row) for row in rows.order_by()]
            self._by_value[facet] = {item.value: item for item in items}
            self._by_id[facet] = {item.id: item for item in items}
        self.synonyms = self._synonyms()

    def words_of(self, facet, item):
        """``(words of its names, its description)`` of an item, in lower case without
        accents: what a visitor's query is compared with
        (``unumn/search/suggestions.py``)."""
        cache = self.__dict__.setdefault("_words", {})
        key = (facet, item.id)
        if key not in cache:
            about = " ".join(re.findall(r"\w+", fold(item.about or "")))
            cache[key] = (re.findall(r"\w+", fold(item.names or "")), f" {about} ")
        return cache[key]

    def items(self, facet):
        """``{URL value: Item}`` of one facet's vocabulary."""
        return self._by_value.get(facet, {})

    def by_id(self, facet):
        return self._by_id.get(facet, {})

    @staticmethod
    def _synonyms():
        """``{lower-case term: [Term, …]}``: each term's alternatives (itself included)."""
        synonyms = {}
        for group in SynonymGroup.objects.all():
            terms = [Term(text, phrase=" " in text) for text in group.term_list]
            for term in terms:
                synonyms.setdefault(" ".join(term.words).lower(), []).extend(
                    t for t in terms if t not in synonyms.get(term.text.lower(), [])
                )
        return synonyms


# --- entries' links, without a query per relation ---------------------------

_objects = VersionedCache(8)
LINKS = {  # code: (link model's values: entry, linked id, role, order), the prefetch name
    "institutes": ("i", "institute"),
    "themes": ("t", "theme"),
    "countries": ("c", "country"),
    "contributions": ("p", "person"),
    "involvements": ("o", "organisation"),
}


def objects(model):
    """``{pk: instance}`` of a vocabulary model (institutes, themes, countries, people,
    organisations), read once per content version."""

    def read():
        related = [f.name for f in model._meta.concrete_fields if f.is_relation]
        return {obj.pk: obj for obj in model.objects.select_related(*related)}

    return _objects.get(model._meta.label, read)


def attach_links(entries):
    """Give ``entries`` their institutes, themes, countries, people (contributions) and
    organisations (involvements), as ``prefetch_related`` would, in one query: the
    links are read, the linked objects are this content version's vocabulary."""
    entries = [entry for entry in entries if entry is not None]
    by_id = {entry.pk: entry for entry in entries}
    if not by_id:
        return entries
    rows = {name: {pk: [] for pk in by_id} for name in LINKS}
    for code, entry_id, linked, role, order, pk in _link_rows(list(by_id)):
        rows[_NAMES[code]][entry_id].append((linked, role, order, pk))
    vocabulary = {name: objects(_MODELS[name]) for name in ("institutes", "themes", "countries")}
    people, organisations = objects(Person), objects(Organisation)
    for entry_id, entry in by_id.items():
        cache = entry.__dict__.setdefault("_prefetched_objects_cache", {})
        for name, found in vocabulary.items():
            keys = (_key(name, linked) for linked, _, _, _ in rows[name][entry_id])
            linked = sorted((found[k] for k in keys if k in found), key=_ORDER[name])
            cache[name] = _prefetched(_MODELS[name], linked)
        cache["contributions"] = _prefetched(
            Contribution,
            [
                Contribution(
                    pk=pk, entry_id=entry_id, person=people[int(linked)], role=role, order=order
                )
                for linked, role, order, pk in sorted(
                    rows["contributions"][entry_id], key=_by_order
                )
                if int(linked) in people
            ],
        )
        cache["involvements"] = _prefetched(
            Involvement,
            [
                Involvement(
                    pk=pk,
                    entry_id=entry_id,
                    organisation=organisations[int(linked)],
                    role=role,
                    order=order,
                )
                for linked, role, order, pk in sorted(rows["involvements"][entry_id], key=_by_order)
                if int(linked) in organisations
            ],
        )
    return entries


def _link_rows(ids):
    text = functools.partial(Cast, output_field=CharField())
    sources = [
        Entry.institutes.through.objects.filter(entry_id__in=ids).values_list(
            Value("i"), "entry_id", text("institute_id"), Value(""), Value(0), "id"
        ),
        ThemedEntry.objects.filter(content_object_id__in=ids).values_list(
            Value("t"), "content_object_id", text("tag_id"), Value(""), Value(0), "id"
        ),
        Entry.countries.through.objects.filter(entry_id__in=ids).values_list(
            Value("c"), "entry_id", "country_id", Value(""), Value(0), "id"
        ),
        Contribution.objects.filter(entry_id__in=ids).values_list(
            Value("p"), "entry_id", text("person_id"), "role", "order", "id"
        ),
        Involvement.objects.filter(entry_id__in=ids).values_list(
            Value("o"), "entry_id", text("organisation_id"), "role", "order", "id"
        ),
    ]
    first, *rest = (source.order_by() for source in sources)
    return first.union(*rest, all=True)


def _prefetched(model, objects_):
    """A queryset that answers ``objects_`` without a query, as a prefetch leaves it."""
    queryset = model._default_manager.all()
    queryset._result_cache, queryset._prefetch_done = list(objects_), True
    return queryset


def _key(name, linked):
    return linked if name == "countries" else int(linked)


def _by_order(row):
    return (row[2], row[3])


_NAMES = {code: name for name, (code, _) in LINKS.items()}
_MODELS = {"institutes": Institute, "themes": Theme, "countries": Country}
# Each in its model's order (the prefetch of themes had none: alphabetical now).
_ORDER = {
    "institutes": lambda i: (i.order, i.name),
    "themes": lambda t: t.name,
    "countries": lambda c: c.name,
}
