"""What a search suggests besides its results: "Did you mean …?" for a word nothing
contains (``Gisselquest`` → ``Gisselquist``), and the institutes, themes, people,
organisations and countries whose names match the query, to go straight to them.

Words come from ``SearchWord`` (the public entries' titles and names): on
PostgreSQL the closest by trigram similarity (pg_trgm, with its index); on SQLite by
``difflib`` among the words with the same first letter.
"""

import difflib

from django.db import connection, connections, router, transaction

from unumn.models import SearchWord
from unumn.reversing import reverse
from unumn.search.query import fold
from unumn.vocabulary import Vocabulary

CANDIDATE_SIMILARITY = 0.2  # pg_trgm's similarity of a candidate to the word typed, at least
MAX_HITS = 6
# The vocabularies a query may name, in the order their hits are shown, with the page
# of each (a country has none: its entries in the catalogue).
PAGES = {
    "institute": lambda item: reverse("institutes:detail", args=[item.value]),
    "theme": lambda item: reverse("themes:detail", args=[item.value]),
    "person": lambda item: reverse("people:detail", args=[item.value]),
    "organisation": lambda item: reverse("organisations:detail", args=[item.value]),
    "country": lambda item: f"{reverse('catalogue')}?country={item.value}",
}
FACET_LABELS = {
    "institute": "Institute",
    "theme": "Theme",
    "person": "Person",
    "organisation": "Organisation",
    "country": "Country",
}


def did_you_mean(query):
    """The query with each word that no entry contains replaced by the closest word
    that some do, or ``None`` if every word is known (or nothing close is)."""
    words = [word.lower() for word in query.words if len(word) >= 4]
    if not words:
        return None
    known = set(SearchWord.objects.filter(word__in=words).values_list("word", flat=True))
    replacements = {}
    for word in dict.fromkeys(words):
        if word in known or _is_prefix(query, word):
            continue
        closest = _closest(word)
        if closest and closest != word:
            replacements[word] = closest
    if not replacements:
        return None
    return " ".join(_as_typed(part, replacements.get(part.lower())) for part in query.text.split())


def _as_typed(typed, replacement):
    """The replacement for a word, in the case it was typed in ("Gisselquist")."""
    if replacement is None:
        return typed
    if typed.isupper():
        return replacement.upper()
    return replacement.capitalize() if typed[:1].isupper() else replacement


def _is_prefix(query, word):
    """The last word typed plainly may be the beginning of a longer one (``migr``)."""
    last = query.clauses[-1][0] if query.clauses else None
    return bool(
        last
        and last.prefix
        and last.words
        and last.words[-1].lower() == word
        and SearchWord.objects.filter(word__startswith=word).exists()
    )


def _closest(word):
    """The known word closest to ``word`` (``difflib``'s ratio of 0.75 at least), among
    candidates: on PostgreSQL those pg_trgm finds similar (by its trigram index); on
    SQLite those with the same first letter."""
    if connection.vendor == "postgresql":
        using = router.db_for_read(SearchWord)  # the replica, for a public request
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            # Low: a swap of two letters in a short word shares few trigrams.
            cursor.execute("SET LOCAL pg_trgm.similarity_threshold = %s", [CANDIDATE_SIMILARITY])
            cursor.execute(
                "SELECT word FROM unumn_searchword WHERE word %% %s "
                "ORDER BY similarity(word, %s) DESC, word LIMIT 30",
                [word, word],
            )
            candidates = [row[0] for row in cursor.fetchall()]
    else:
        candidates = list(
            SearchWord.objects.filter(word__startswith=word[0]).values_list("word", flat=True)
        )
    found = difflib.get_close_matches(word, candidates, n=1, cutoff=0.75)
    return found[0] if found else None


def vocabulary_hits(query, limit=MAX_HITS):
    """``[(kind label, name, address)]``: the institutes, themes, people, organisations
    and countries whose names hold every word of the query (as the beginning of a
    word: "unu-gcm", "gissel"), or whose description holds a query of several words
    as a phrase ("human security")."""
    words = [fold(word) for word in query.words]
    if not words:
        return []
    vocabulary, named, described = Vocabulary.current(), [], []
    for facet, page in PAGES.items():
        for item in vocabulary.items(facet).values():
            names, about = vocabulary.words_of(facet, item)
            if all(any(name.startswith(word) for name in names) for word in words):
                named.append((FACET_LABELS[facet], item.label, page(item)))
            elif len(words) > 1 and f" {' '.join(words)} " in about:
                described.append((FACET_LABELS[facet], item.label, page(item)))
    return (named + described)[:limit]
