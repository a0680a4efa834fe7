"""Keeping the search index current.

``Entry.search_keywords`` holds the names an entry is found by (its themes,
people, institutes, organisations and countries); SQLite's FTS5 table follows the
entry table by triggers (migration 0004); PostgreSQL's vectors live in
``EntrySearch`` and are rebuilt here (with the pairs of adjacent lexemes that phrases
are found by: migration 0024). ``entries_reindex()`` is called by the
signal handlers of ``unumn/signals.py`` whenever an entry or a name it depends on
changes, and in bulk by ``manage.py rebuild_search_index``.
"""

import contextlib
import re
import threading

from django.db import connection
from django.db.models import Prefetch
from django.utils import timezone

from unumn import versions
from unumn.models import Contribution, Entry, Involvement, SearchWord

CONFIG = "english"
FTS_TABLE = "unumn_entry_fts"
# PostgreSQL refuses a tsvector over 1 MB: the index reads at most this much of a
# body (the entry form says so); the page shows all of it.
MAX_INDEXED_BODY = 200_000

_batch = threading.local()

UPSERT_VECTORS = f"""
INSERT INTO unumn_entrysearch (entry_id, vector, names_vector, title_vector)
SELECT id,
       unumn_with_pairs(to_tsvector('{CONFIG}', title || ' ' || search_keywords || ' '
                        || summary || ' ' || left(body, {MAX_INDEXED_BODY}))),
       unumn_with_pairs(to_tsvector('{CONFIG}', title || ' ' || search_keywords)),
       unumn_with_pairs(to_tsvector('{CONFIG}', title))
FROM unumn_entry WHERE id = ANY(%s)
ON CONFLICT (entry_id) DO UPDATE SET vector = EXCLUDED.vector,
    names_vector = EXCLUDED.names_vector, title_vector = EXCLUDED.title_vector
"""


ADD_WORDS = """
INSERT INTO unumn_searchword (word)
SELECT DISTINCT word FROM unumn_entry,
  regexp_split_to_table(lower(title || ' ' || search_keywords), '[^[:alnum:]]+') AS word
WHERE id = ANY(%s) AND status = 'published' AND publish_at <= %s
  AND length(word) BETWEEN 3 AND 60
ON CONFLICT DO NOTHING
"""


def words_of(text):
    """The words of ``text`` that "Did you mean …?" may suggest: three letters or more."""
    return {word for word in re.findall(r"\w+", text.lower()) if 3 <= len(word) <= 60}


def _add_words(ids):
    """The words of the public ones among entries ``ids`` (a word of a draft never shows)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The clock of this process, as for every public query (a transaction's
            # now() is when it began: an entry published within it would not count).
            cursor.execute(ADD_WORDS, [ids, timezone.now()])
        return
    words = set()
    for title, keywords in (
        Entry.objects.published().filter(pk__in=ids).values_list("title", "search_keywords")
    ):
        words |= words_of(f"{title} {keywords}")
    SearchWord.objects.bulk_create([SearchWord(word=w) for w in words], ignore_conflicts=True)


# The names an entry is found by, computed by PostgreSQL for many entries at once (the
# same names as ``entry_keywords``; for bulk rebuilds of large catalogues).
KEYWORDS_SQL = """
UPDATE unumn_entry e SET search_keywords = concat_ws(' ',
  (SELECT string_agg(t.name, ' ') FROM unumn_themedentry te
     JOIN unumn_theme t ON t.id = te.tag_id WHERE te.content_object_id = e.id),
  (SELECT string_agg(p.name, ' ' ORDER BY c."order", c.id) FROM unumn_contribution c
     JOIN unumn_person p ON p.id = c.person_id WHERE c.entry_id = e.id),
  (SELECT string_agg(trim(i.acronym || ' ' || i.name), ' ') FROM unumn_entry_institutes ei
     JOIN unumn_institute i ON i.id = ei.institute_id WHERE ei.entry_id = e.id),
  (SELECT string_agg(trim(o.acronym || ' ' || o.name), ' ' ORDER BY v."order", v.id)
     FROM unumn_involvement v JOIN unumn_organisation o ON o.id = v.organisation_id
     WHERE v.entry_id = e.id),
  (SELECT string_agg(co.name, ' ') FROM unumn_entry_countries ec
     JOIN unumn_country co ON co.code = ec.country_id WHERE ec.entry_id = e.id))
WHERE e.id = ANY(%s)
"""


def entry_keywords(entry):
    """The names an entry is found by, from its prefetched relations."""
    names = [theme.name for theme in entry.themes.all()]
    names += [c.person.name for c in entry.contributions.all()]
    names += [f"{i.acronym} {i.name}" for i in entry.institutes.all()]
    names += [f"{i.organisation.acronym} {i.organisation.name}" for i in entry.involvements.all()]
    names += [country.name for country in entry.countries.all()]
    return " ".join(name.strip() for name in names if name.strip())


def entries_reindex(*, entry_ids=None, batch_size=1000, progress=None, bulk=False):
    """Recompute the search index of the given entries (all when ``None``).

    Returns the number of entries indexed. ``progress`` is called with
    ``(done, total)`` after each batch. ``bulk`` (for large rebuilds) lets PostgreSQL
    compute the names of each batch in one statement.
    """
    if getattr(_batch, "suspended", False) or _batch_collect(entry_ids):
        return 0
    queryset = Entry.objects.order_by("pk")
    if entry_ids is not None:
        queryset = queryset.filter(pk__in=list(entry_ids))
    ids = list(queryset.values_list("pk", flat=True))
    if entry_ids is None and connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # a full rebuild also rebuilds the FTS5 table
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        if bulk and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(KEYWORDS_SQL, [chunk])
        else:
            _update_keywords(chunk)
        _add_words(chunk)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(UPSERT_VECTORS, [chunk])
        if progress:
            progress(min(start + batch_size, len(ids)), len(ids))
    versions.bump()  # what searches find has changed: results kept for them are not current
    return len(ids)


def _update_keywords(ids):
    entries = (
        Entry.objects.filter(pk__in=ids)
        .only("pk", "search_keywords")
        .prefetch_related(
            "themes",
            "institutes",
            "countries",
            Prefetch("contributions", queryset=Contribution.objects.select_related("person")),
            Prefetch("involvements", queryset=Involvement.objects.select_related("organisation")),
        )
    )
    changed = []
    for entry in entries:
        keywords = entry_keywords(entry)
        if keywords != entry.search_keywords:
            entry.search_keywords = keywords
            changed.append(entry)
    Entry.objects.bulk_update(changed, ["search_keywords"])


@contextlib.contextmanager
def reindex_suspended():
    """No index updates in this block (a fixture load, which writes rows in any order:
    an entry's links may come before or after it); the caller rebuilds after."""
    _batch.suspended = True
    try:
        yield
    finally:
        _batch.suspended = False


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
