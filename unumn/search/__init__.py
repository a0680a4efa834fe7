"""Full-text search over entries, with one meaning on PostgreSQL and on SQLite.

- ``query.py``: a visitor's text, parsed once per request (every clause must
  match; quoted phrases; ``-word``; ``or``; the last word also as a prefix;
  editors' synonyms).
- ``backends.py``: one backend per database, chosen once: PostgreSQL tsvectors in
  a narrow table with GIN indexes, SQLite's FTS5 table. Relevance is the tier of
  the match (title, then names, then anywhere), then recency.
- ``indexing.py``: keeping the index current after every write.

``Entry.objects.search(q)`` and ``.by_relevance(q)`` are the queryset vocabulary;
the catalogue reads ``backend().matches(query)`` to count and order in memory.
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from unumn.search.backends import MARK_END, MARK_START, backend, plain
from unumn.search.indexing import (
    MAX_INDEXED_BODY,
    entries_reindex,
    entry_keywords,
    reindex_once,
    reindex_suspended,
)
from unumn.search.query import MAX_QUERY_LENGTH, ParsedQuery, clean, parse, strip_control

SNIPPET_LENGTH = 220

__all__ = [
    "MAX_INDEXED_BODY",
    "MAX_QUERY_LENGTH",
    "ParsedQuery",
    "backend",
    "clean",
    "entries_reindex",
    "entry_keywords",
    "parse",
    "reindex_once",
    "reindex_suspended",
    "snippet",
    "strip_control",
]


def snippet(entry, query):
    """The highlighted snippet of an entry for a parsed query, as safe HTML: from
    ``ts_headline`` when the backend made one, else from the text, here."""
    raw = getattr(entry, "headline", None)
    if raw is None:
        raw = _headline(f"{entry.summary} {getattr(entry, 'body', '')}", query)
    if MARK_START not in raw:
        return None
    html = escape(plain(raw)).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above; only our own marks are markup


def _headline(text, query):
    words = [word for word in query.words if len(word) > 1]
    text = plain(text)
    lowered = text.lower()
    positions = [p for p in (lowered.find(word.lower()) for word in words) if p >= 0]
    if not positions:
        return text[:SNIPPET_LENGTH]
    start = max(0, min(positions) - 60)
    if start:  # begin at a word
        start = text.find(" ", start) + 1 or start
    window = text[start : start + SNIPPET_LENGTH]
    pattern = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    marked = re.sub(f"({pattern})", f"{MARK_START}\\1{MARK_END}", window, flags=re.IGNORECASE)
    return ("… " if start else "") + marked + (" …" if start + SNIPPET_LENGTH < len(text) else "")
