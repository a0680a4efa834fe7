"""One search backend per database, with the same meaning (``query.py``) on both.

Each answers, for a parsed query:

- ``filter(queryset, query)``: the entries of ``queryset`` that match;
- ``matches(query)``: the ids of every matching entry, as a numpy array: the
  catalogue counts and orders them in memory;
- ``scoped(query, scope)``: the ids of the entries whose title (``"title"``) or
  whose title and names (``"names"``: themes, people, institutes, organisations,
  countries) match every clause: the relevance tiers, asked for only as far as a
  page needs them;
- ``relevance(query)``: the tier as an expression, for ordering a queryset;
- ``with_headline(queryset, query)``: highlighted snippets of the rows of a page.

Relevance is the tier, then recency: an entry with your words in its title first.
"""

import re

import numpy as np
from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.db import connection, connections, transaction
from django.db.models import Case, IntegerField, Q, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat

from unumn.arrays import EMPTY, int_columns
from unumn.models import EntrySearch

CONFIG = "english"
FTS_TABLE = "unumn_entry_fts"
# Private-use characters mark highlights in ts_headline output, so the text
# around them can be escaped before the marks become <mark> elements.
MARK_START, MARK_END = "\ue000", "\ue001"


SCOPES = ("title", "names")  # the relevance tiers, narrowest first; then anywhere


def tier(within):
    """The relevance tier as an expression: 0 within the title, 1 within the names,
    else 2. ``within(scope)`` is the ``Q`` of the entries matching in a scope."""
    return Case(
        When(within("title"), then=Value(0)),
        When(within("names"), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


class PairsQuery(SearchQuery):
    """A phrase as the pairs of its adjacent lexemes (``unumn_phrase``, migration 0024)."""

    SEARCH_TYPES = {"pairs": "unumn_phrase"}

    def __init__(self, value, *, config):
        super().__init__(value, config=config, search_type="pairs")


class PostgresSearch:
    """tsvectors in ``EntrySearch`` with GIN indexes; the english configuration (stems)."""

    makes_headlines = True

    def tsquery(self, query, *, exclusions=True, pairs=False):
        """``pairs``: asked of the stored vectors, which hold the pairs of adjacent lexemes:
        a phrase is found from the index alone (migration 0024). Not for a text's
        headline, made from the text itself."""
        combined = None
        for clause in query.clauses:
            alternatives = None
            for term in clause:
                if pairs and term.phrase:
                    part = PairsQuery(term.text, config=CONFIG)
                else:
                    part = self._term(term)
                alternatives = part if alternatives is None else alternatives | part
            combined = alternatives if combined is None else combined & alternatives
        if exclusions:
            for term in query.excluded:
                combined = combined & ~self._term(term)
        return combined

    @staticmethod
    def _term(term):
        if term.phrase:
            return SearchQuery(term.text, search_type="phrase", config=CONFIG)
        if term.prefix:
            return SearchQuery(f"{term.words[-1]}:*", search_type="raw", config=CONFIG)
        return SearchQuery(" ".join(term.words), search_type="plain", config=CONFIG)

    def _matching(self, query, column="vector", *, exclusions=True):
        tsquery = self.tsquery(query, exclusions=exclusions, pairs=True)
        return EntrySearch.objects.filter(**{column: tsquery})

    def filter(self, queryset, query):
        if not query:
            return queryset.none()
        return queryset.filter(pk__in=self._matching(query).values("entry_id"))

    def matches(self, query):
        return self._ids(self._matching(query)) if query else EMPTY.copy()

    def scoped(self, query, scope):
        if not query:
            return EMPTY.copy()
        return self._ids(self._matching(query, f"{scope}_vector", exclusions=False))

    @staticmethod
    def _ids(matching):
        using = matching.db  # the replica, for a public request
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            # A broad word matches most entries: reading their ids from the GIN
            # index beats the sequential scan the planner would pick (it does not
            # count the cost of unpacking every stored vector).
            cursor.execute("SET LOCAL enable_seqscan = off")
            return int_columns(matching, "entry_id")[0]

    def relevance(self, query):
        def within(scope):
            matching = self._matching(query, f"{scope}_vector", exclusions=False)
            return Q(pk__in=matching.values("entry_id"))

        return tier(within)

    def with_headline(self, queryset, query):
        """``ts_headline`` is costly: only the rows of the page pay for it."""
        return queryset.annotate(
            headline=SearchHeadline(
                Concat("summary", Value(" "), "body", output_field=TextField()),
                self.tsquery(query, exclusions=False),
                config=CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_END,
                max_fragments=2,
                max_words=25,
                min_words=10,
                fragment_delimiter=" … ",
            )
        )


class SqliteSearch:
    """An FTS5 table over title, keywords, summary and body (migration 0004): Porter
    stemming, diacritics removed. Snippets are made in Python."""

    COLUMNS = {"title": "{title}", "names": "{title search_keywords}"}
    makes_headlines = False

    @staticmethod
    def _quote(term):
        phrase = '"' + " ".join(term.words).replace('"', '""') + '"'
        return phrase + "*" if term.prefix else phrase

    def expression(self, query):
        clauses = [
            "(" + " OR ".join(self._quote(term) for term in clause) + ")"
            for clause in query.clauses
        ]
        return " AND ".join(clauses)

    def _matching_sql(self, match):
        return f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match]

    def _ids(self, match):
        sql, params = self._matching_sql(match)
        with connection.cursor() as cursor:  # SQLite: no replica
            cursor.execute(sql, params)
            return np.array([row[0] for row in cursor.fetchall()], dtype=np.int64)

    def _excluded(self, query):
        return " OR ".join(self._quote(term) for term in query.excluded)

    def filter(self, queryset, query):
        if not query:
            return queryset.none()
        queryset = queryset.filter(pk__in=RawSQL(*self._matching_sql(self.expression(query))))
        if query.excluded:
            queryset = queryset.exclude(pk__in=RawSQL(*self._matching_sql(self._excluded(query))))
        return queryset

    def matches(self, query):
        if not query:
            return EMPTY.copy()
        ids = self._ids(self.expression(query))
        if query.excluded:
            ids = ids[~np.isin(ids, self._ids(self._excluded(query)))]
        return ids

    def scoped(self, query, scope):
        if not query:
            return EMPTY.copy()
        return self._ids(f"{self.COLUMNS[scope]} : ({self.expression(query)})")

    def relevance(self, query):
        expression = self.expression(query)

        def within(scope):
            match = f"{self.COLUMNS[scope]} : ({expression})"
            return Q(pk__in=RawSQL(*self._matching_sql(match)))

        return tier(within)

    def with_headline(self, queryset, query):
        return queryset


_backends = {"postgresql": PostgresSearch(), "sqlite": SqliteSearch()}


def backend():
    """The search backend of the database in use."""
    return _backends[connection.vendor]


def plain(text):
    """Markdown punctuation out, whitespace folded: a snippet reads as plain text."""
    text = re.sub(r"^\s*(>|#+)\s*", "", text, flags=re.MULTILINE)
    return re.sub(r"\s+", " ", re.sub(r"[*_`\[\]]", "", text)).strip()
