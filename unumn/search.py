"""Full-text search over entries, on PostgreSQL and on SQLite.

The index lives on ``Entry``: ``search_keywords`` holds the names of the
entry's themes, people, institutes, organisations and countries, so a
visitor finds an entry by an editor's surname or an institute's acronym.

- PostgreSQL: ``search_vector`` is a stored tsvector with a GIN index,
  weighted A (title), B (themes, people, institutes, organisations,
  countries), C (summary) and D (body); queries use ``websearch`` syntax
  (quotes, ``-word``, ``or``). Matches are ranked on ``search_rank_vector``
  (the same without the body, small enough to stay in the row), ties broken
  by recency; highlighted snippets are computed by ``ts_headline`` for the
  rows of the page only.
- SQLite: an FTS5 table over title, keywords, summary and body (Porter
  stemming, kept in step by triggers: migration 0004). Every word must
  match, case-insensitive, the last one also as a prefix; ``-word``
  excludes, quotes keep a phrase together: the same meaning as on
  PostgreSQL.

The index is kept current by ``entries_reindex()``, called from the signal
handlers in ``unumn/signals.py`` whenever an entry or a name it depends on
changes, and rebuilt in bulk by ``manage.py rebuild_search_index``.
"""

import contextlib
import re
import threading

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection
from django.db.models import Case, F, IntegerField, Prefetch, Q, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import mark_safe

from unumn.models import NEWEST_FIRST, Contribution, Entry, Involvement

CONFIG = "english"
FTS_TABLE = "unumn_entry_fts"
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
# Private-use characters mark highlights in ts_headline output, so the text
# around them can be escaped before the marks become <mark> elements.
MARK_START, MARK_END = "\ue000", "\ue001"
SNIPPET_LENGTH = 220

_batch = threading.local()


def is_postgresql():
    return connection.vendor == "postgresql"


# --- Building the index ----------------------------------------------------


def entry_keywords(entry):
    """The names an entry is found by, from its prefetched relations."""
    names = [theme.name for theme in entry.themes.all()]
    names += [c.person.name for c in entry.contributions.all()]
    names += [f"{i.acronym} {i.name}" for i in entry.institutes.all()]
    names += [f"{i.organisation.acronym} {i.organisation.name}" for i in entry.involvements.all()]
    names += [country.name for country in entry.countries.all()]
    return " ".join(name.strip() for name in names if name.strip())


def weighted_vector(*, body=True):
    vector = (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("search_keywords", weight="B", config=CONFIG)
        + SearchVector("summary", weight="C", config=CONFIG)
    )
    return vector + SearchVector("body", weight="D", config=CONFIG) if body else vector


def entries_reindex(*, entry_ids=None, batch_size=1000, progress=None):
    """Recompute the search index of the given entries (all when ``None``).

    Returns the number of entries indexed. ``progress`` is called with
    ``(done, total)`` after each batch.
    """
    if _batch_collect(entry_ids):
        return 0
    queryset = Entry.objects.order_by("pk")
    if entry_ids is not None:
        queryset = queryset.filter(pk__in=list(entry_ids))
    ids = list(queryset.values_list("pk", flat=True))
    if entry_ids is None and not is_postgresql():
        with connection.cursor() as cursor:  # a full rebuild also rebuilds the FTS5 table
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        entries = (
            Entry.objects.filter(pk__in=chunk)
            .only("pk", "search_keywords")
            .prefetch_related(
                "themes",
                "institutes",
                "countries",
                Prefetch("contributions", queryset=Contribution.objects.select_related("person")),
                Prefetch(
                    "involvements", queryset=Involvement.objects.select_related("organisation")
                ),
            )
        )
        changed = []
        for entry in entries:
            keywords = entry_keywords(entry)
            if keywords != entry.search_keywords:
                entry.search_keywords = keywords
                changed.append(entry)
        Entry.objects.bulk_update(changed, ["search_keywords"])
        if is_postgresql():
            Entry.objects.filter(pk__in=chunk).update(
                search_vector=weighted_vector(), search_rank_vector=weighted_vector(body=False)
            )
        if progress:
            progress(min(start + batch_size, len(ids)), len(ids))
    return len(ids)


@contextlib.contextmanager
def reindex_once():
    """Collect the index updates of a block of writes and do them once at its end
    (an admin save touches an entry, its themes, people and organisations)."""
    if getattr(_batch, "ids", None) is not None:  # already collecting: the outer block indexes
        yield
        return
    _batch.ids = set()
    try:
        yield
        ids = _batch.ids
    finally:
        _batch.ids = None
    if ids:
        entries_reindex(entry_ids=ids)


def _batch_collect(entry_ids):
    pending = getattr(_batch, "ids", None)
    if pending is None or entry_ids is None:
        return False
    pending.update(entry_ids)
    return True


# --- Querying --------------------------------------------------------------


def parse_terms(query):
    """Split a visitor's query into ``(terms, excluded, prefix_last)``: quoted phrases
    stay whole, ``-word`` excludes, ``or`` is dropped (every word must match), and
    ``prefix_last`` says whether the last word was typed plain (so it may be a prefix)."""
    terms, excluded, prefix_last = [], [], False
    for phrase, word in re.findall(r'"([^"]*)"|(\S+)', query):
        text = (phrase or word).strip().strip('"')
        prefix_last = False
        if not re.search(r"\w", text) or text.lower() == "or":
            continue
        if word and word.startswith("-"):
            excluded.append(text.lstrip("-"))
        else:
            terms.append(text)
            prefix_last = bool(word)
    return terms[:MAX_TERMS], excluded[:MAX_TERMS], prefix_last


def _fts_quote(term):
    return '"' + term.replace('"', '""') + '"'


def _fts_matching(match):
    """Ids of the entries the SQLite FTS5 index matches (see migration 0004)."""
    return RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])


def pg_query(query):
    """The PostgreSQL query for a visitor's text: ``websearch`` syntax, with the last
    word also matching as a prefix (``migr`` finds migration), as on SQLite."""
    tokens = query.split()
    last = tokens[-1] if tokens else ""
    plain_last = re.fullmatch(r"\w+", last) and "or" not in {t.lower() for t in tokens}
    if not plain_last or last.lower() == "or":
        return SearchQuery(query, search_type="websearch", config=CONFIG)
    prefix = SearchQuery(f"{last}:*", search_type="raw", config=CONFIG)
    rest = " ".join(tokens[:-1])
    if rest.count('"') % 2:  # the last word closes nothing: keep the quotes balanced
        return SearchQuery(query, search_type="websearch", config=CONFIG)
    return SearchQuery(rest, search_type="websearch", config=CONFIG) & prefix if rest else prefix


def search_filter(queryset, query):
    """Entries matching the query (see the module docstring for its meaning)."""
    if is_postgresql():
        return queryset.filter(search_vector=pg_query(query))
    terms, excluded, prefix_last = parse_terms(query)
    if not terms and not excluded:
        return queryset.none()
    if terms:
        match = " AND ".join(_fts_quote(term) for term in terms)
        queryset = queryset.filter(pk__in=_fts_matching(match + ("*" if prefix_last else "")))
    if excluded:
        queryset = queryset.exclude(
            pk__in=_fts_matching(" OR ".join(_fts_quote(term) for term in excluded))
        )
    return queryset


def order_by_relevance(queryset, query):
    """Best matches first; among equals, the newest."""
    if is_postgresql():
        rank = SearchRank(F("search_rank_vector"), pg_query(query))
    else:
        terms, _, _ = parse_terms(query)
        # SQLite: entries with every word in the title first, then in the keywords.
        rank = (
            Value(0)
            if not terms
            else Case(
                When(Q(*[Q(title__icontains=t) for t in terms]), then=Value(2)),
                When(Q(*[Q(search_keywords__icontains=t) for t in terms]), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    return queryset.annotate(rank=rank).order_by("-rank", *NEWEST_FIRST)


def with_headline(queryset, query):
    """Annotate each row with a highlighted snippet. On PostgreSQL ``ts_headline``
    is costly, and the planner evaluates it after the sort and limit, so only the
    rows of the page pay for it."""
    if not is_postgresql():
        return queryset
    return queryset.annotate(
        headline=SearchHeadline(
            Concat("summary", Value(" "), "body", output_field=TextField()),
            pg_query(query),
            config=CONFIG,
            start_sel=MARK_START,
            stop_sel=MARK_END,
            max_fragments=2,
            max_words=25,
            min_words=10,
            fragment_delimiter=" … ",
        )
    )


def snippet(entry, query):
    """The highlighted snippet of an entry for a query, as safe HTML."""
    raw = getattr(entry, "headline", None)
    if raw is None:
        raw = _python_headline(f"{entry.summary} {getattr(entry, 'body', '')}", query)
    if MARK_START not in raw:
        return None
    html = escape(_plain(raw)).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above; only our own marks are markup


def _plain(text):
    """Markdown punctuation out, whitespace folded: a snippet reads as plain text."""
    text = re.sub(r"^\s*(>|#+)\s*", "", text, flags=re.MULTILINE)
    return re.sub(r"\s+", " ", re.sub(r"[*_`\[\]]", "", text)).strip()


def _python_headline(text, query):
    terms, _, _ = parse_terms(query)
    text = _plain(text)
    lowered = text.lower()
    positions = [lowered.find(term.lower()) for term in terms]
    positions = [p for p in positions if p >= 0]
    if not positions:
        return text[:SNIPPET_LENGTH]
    start = max(0, min(positions) - 60)
    if start:  # begin at a word
        start = text.find(" ", start) + 1 or start
    window = text[start : start + SNIPPET_LENGTH]
    pattern = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    marked = re.sub(f"({pattern})", f"{MARK_START}\\1{MARK_END}", window, flags=re.IGNORECASE)
    return ("… " if start else "") + marked + (" …" if start + SNIPPET_LENGTH < len(text) else "")
