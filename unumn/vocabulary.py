"""The vocabulary of the current content version, in memory: every theme, institute,
country, person and organisation (URL value, id, label, group), and the editors'
synonyms.

Facets turn the slugs a visitor asks for into ids and counted ids back into
labels; the search reads the synonyms and matches names. Read in a few small
queries once per content version and process (``unumn/versions.py``), not per
request.
"""

import threading
from collections import namedtuple

from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf

from unumn import versions
from unumn.models import Country, Institute, Organisation, Person, SynonymGroup, Theme
from unumn.search.query import Term

Item = namedtuple("Item", "id value label group")

_lock = threading.Lock()
_current = None


class Vocabulary:
    @classmethod
    def current(cls):
        """The vocabulary of the content version of this request."""
        global _current
        version = versions.current()
        vocabulary = _current
        if vocabulary is None or vocabulary.version != version:
            with _lock:
                if _current is None or _current.version != version:
                    _current = cls(version)
                vocabulary = _current
        return vocabulary

    def __init__(self, version):
        self.version = version
        sources = {
            "theme": Theme.objects.values_list("pk", "slug", "name", "kind"),
            "institute": Institute.objects.values_list(
                "pk", "slug", Coalesce(NullIf(F("acronym"), Value("")), F("name")), Value("")
            ),
            "country": Country.objects.values_list("code", "code", "name", "region"),
            "person": Person.objects.values_list("pk", "slug", "name", Value("")),
            "organisation": Organisation.objects.values_list("pk", "slug", "name", "acronym"),
        }
        self._by_value, self._by_id = {}, {}
        for facet, rows in sources.items():
            items = [Item(*row) for row in rows.order_by()]
            self._by_value[facet] = {item.value: item for item in items}
            self._by_id[facet] = {item.id: item for item in items}
        self.synonyms = self._synonyms()

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
