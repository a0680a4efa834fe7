"""Entry cards: each rendered once per content version, and kept in this process.

A card shows an entry's kind, dates, title, people, institutes, summary, themes
and its kind's own details (a publication's stage and journal, a project's
period): several related tables and a dozen links. Rendered once, it is kept
under the content version (``unumn/versions.py``), so a list of cards costs the
rows of the list and a lookup each, and a change of content renders them anew.
Only the summary varies (a search shows its snippet there instead): the card is
kept with a slot for it.
"""

from django.template.loader import get_template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from unumn import vocabulary
from unumn.models import Entry
from unumn.versions import VersionedCache

SLOT = "\ue002"  # where the summary, or a search's snippet, goes
MAX_CARDS = 5_000  # per process: the cards of the busiest pages stay

_cards = VersionedCache(MAX_CARDS)


def attach(entries):
    """Give each entry its card (``entry.card``, safe HTML), with ``entry.snippet`` in
    place of the summary when it has one. Cards not yet rendered in this content
    version are rendered together, in a fixed number of queries."""
    entries = list(entries)
    found = _cards.get_many([entry.pk for entry in entries])
    missing = [entry.pk for entry in entries if entry.pk not in found]
    if missing:
        found.update(rendered := _render(missing))
        _cards.set_many(rendered)
    for entry in entries:
        html, summary = found[entry.pk]
        snippet = getattr(entry, "snippet", None)
        if snippet:
            summary = format_html('<p class="card__summary card__snippet">{}</p>', snippet)
        entry.card = mark_safe(html.replace(SLOT, summary))  # noqa: S308 - both parts escaped
    return entries


class Card:
    """An entry known by its id only, with its card."""

    snippet = None

    def __init__(self, pk):
        self.pk = pk


_lists = VersionedCache(256)


def listed(key, entries):
    """Cards of ``entries()`` (a short list of public entries, such as a section of the
    home page), the ids read once per content version and ``key`` (which names the
    list, and the day if it depends on it): the query is not even built when kept."""
    return for_ids(_lists.get(key, lambda: list(entries().values_list("pk", flat=True))))


def for_ids(ids):
    """``[Card]`` of the entries ``ids`` (public ones: the caller chose them), each with
    ``.card``: no query at all when their cards are rendered already."""
    return attach(Card(pk) for pk in dict.fromkeys(ids))


def _render(ids):
    """``{id: (card with a slot, summary paragraph)}`` of the entries ``ids``."""
    rows = vocabulary.attach_links(
        Entry.objects.filter(pk__in=ids).without_search_index().defer("body").with_specific()
    )
    card = get_template("includes/cards.html").template.module.entry_card
    rendered = {}
    for entry in rows:
        summary = format_html('<p class="card__summary">{}</p>', entry.summary)
        html = str(card(entry, _specific(entry), SLOT))
        rendered[entry.pk] = (html, summary if entry.summary else "")
    return rendered


def _specific(entry):
    """The entry as its kind, from the row ``select_related`` read with it: its own
    table's fields, and the entry's (which the kind's row does not carry)."""
    item = entry.specific
    if item is not entry:
        for field in Entry._meta.concrete_fields:
            if field.attname in entry.__dict__:
                item.__dict__[field.attname] = entry.__dict__[field.attname]
    return item
