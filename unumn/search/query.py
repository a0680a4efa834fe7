"""A visitor's query, parsed once per request into what every backend understands.

The meaning is the same on every database: every clause must match (AND); a
clause is one term or several alternatives (``a or b``, or the synonyms an editor
listed: "JEMS" finds "Journal of Ethnic and Migration Studies"); a term is a word
or a "quoted phrase"; ``-word`` excludes; the last word, typed plainly, also
matches as a prefix (``migr`` finds migration), so results follow the typing.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from unumn.text import clean_text

MAX_QUERY_LENGTH = 200
MAX_CLAUSES = 12
TOKENS = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Term:
    text: str
    phrase: bool = False  # several words, in this order
    prefix: bool = False  # the last word may be the beginning of a longer one

    @property
    def words(self):
        return re.findall(r"\w+", self.text)


@dataclass
class ParsedQuery:
    text: str
    clauses: list = field(default_factory=list)  # [[Term, ...], ...]: AND of ORs
    excluded: list = field(default_factory=list)  # [Term, ...]

    def __bool__(self):
        return bool(self.clauses)

    @property
    def key(self):
        """What the query means, as a hashable value (two spellings of one query share
        it: extra spaces, the case of ``OR``)."""
        return (
            tuple(tuple(clause) for clause in self.clauses),
            tuple(self.excluded),
        )

    @property
    def terms(self):
        """Every term the visitor typed or that a synonym added."""
        return [term for clause in self.clauses for term in clause]

    @property
    def words(self):
        return [word for term in self.terms for word in term.words]


def fold(text):
    """Lower case, without accents: how names are compared with what was typed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def strip_control(text):
    """Without NUL and the other control characters (PostgreSQL and XML refuse them)."""
    return clean_text(text or "")


def clean(text):
    """Without control characters, with single spaces, at most ``MAX_QUERY_LENGTH`` long."""
    return " ".join(strip_control(text).split())[:MAX_QUERY_LENGTH]


def parse(text, synonyms=None):
    """``text`` as a ``ParsedQuery``; ``synonyms`` (``{lower-case term: [terms]}``) adds
    alternatives to the terms that have some. A query with nothing to look for (only
    punctuation, or only exclusions) has no clauses and matches nothing."""
    text = clean(text)
    query = ParsedQuery(text=text)
    tokens = TOKENS.findall(text)
    pending_or = False
    for position, (minus, quoted, word) in enumerate(tokens):
        if word.lower() == "or" and query.clauses and position + 1 < len(tokens):
            pending_or = True
            continue
        if quoted or minus:
            term = Term(quoted.strip(), phrase=len(re.findall(r"\w+", quoted)) > 1)
        elif word.startswith("-") and len(word) > 1:
            minus, term = "-", Term(word[1:])
        else:
            last = position == len(tokens) - 1
            term = Term(word, prefix=last and bool(re.fullmatch(r"\w+", word)))
        if not term.words:
            pending_or = False
            continue
        if minus:
            query.excluded.append(term)
        elif pending_or:
            query.clauses[-1].append(term)
        else:
            query.clauses.append([term])
        pending_or = False
    clauses = _synonym_phrases(query.clauses, synonyms)
    query.clauses = [_with_synonyms(c, synonyms) for c in clauses[:MAX_CLAUSES]]
    query.excluded = query.excluded[:MAX_CLAUSES]
    return query


def _synonym_phrases(clauses, synonyms):
    """Consecutive plain words that together are a synonym ("global compact for
    migration") become one phrase, so the synonym applies to them."""
    if not synonyms:
        return clauses
    merged, i = [], 0
    while i < len(clauses):
        for j in range(len(clauses), i + 1, -1):  # the longest run first
            run = clauses[i:j]
            if all(len(c) == 1 and not c[0].phrase for c in run):
                words = [word for c in run for word in c[0].words]
                if " ".join(words).lower() in synonyms:
                    merged.append([Term(" ".join(words), phrase=True)])
                    i = j
                    break
        else:
            merged.append(clauses[i])
            i += 1
    return merged


def _with_synonyms(clause, synonyms):
    if not synonyms:
        return clause
    alternatives, seen = list(clause), {_words_key(term) for term in clause}
    for term in clause:
        for other in synonyms.get(_words_key(term), ()):
            if _words_key(other) not in seen:
                seen.add(_words_key(other))
                alternatives.append(other)
    return alternatives


def _words_key(term):
    return " ".join(term.words).lower()
