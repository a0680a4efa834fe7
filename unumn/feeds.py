"""Atom and RSS feeds of any selection of the catalogue.

``/catalogue/feed.atom?<the catalogue's parameters>`` (and ``feed.rss``) is the
feed of exactly that selection, newest first unless the parameters sort
otherwise; theme and institute pages have their own feed, which is the
catalogue's for that theme or institute.
"""

import dataclasses
import datetime
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape

from unumn.catalogue import public_selection
from unumn.filters import strip_control
from unumn.models import Contribution, Entry, Institute, Theme
from unumn.reversing import reverse
from unumn.versions import VersionedCache

FEED_SIZE = 50


@dataclass(frozen=True)
class FeedItem:
    """What a feed says of an entry, made once per content version (``ITEMS``)."""

    pk: int
    title: str
    description: str
    path: str
    publish_at: datetime.datetime
    updated_at: datetime.datetime
    authors: list
    categories: list
    files: tuple = ()  # (path, size, MIME type, is the full text): the full text first
    site: str = ""  # the address the request came to, set per request

    @classmethod
    def of(cls, entry):
        return cls(
            pk=entry.pk,
            title=strip_control(entry.title),
            # Feeds carry HTML descriptions; a summary is plain text.
            description=escape(strip_control(entry.summary)),
            path=entry.get_absolute_url(),
            # Dated by its own date when it has one (a 2017 paper loaded in 2026 is not news
            # of 2026), else by when it went public.
            publish_at=own_date(entry) or entry.publish_at,
            updated_at=entry.updated_at,
            authors=[strip_control(c.person.name) for c in entry.contributions.all()],
            categories=[strip_control(theme.name) for theme in entry.themes.all()],
            files=tuple(
                (file.get_absolute_url(), file.size, file.type.mime, file.full_text)
                for file in sorted(entry.files.all(), key=lambda f: not f.full_text)
            ),
        )

    def get_absolute_url(self):
        return self.path


ITEMS = VersionedCache(5_000)


def own_date(entry):
    """The entry's own date as a time (midnight, in the site's time zone), if known."""
    if entry.date is None:
        return None
    return datetime.datetime.combine(
        entry.date, datetime.time(), tzinfo=timezone.get_default_timezone()
    )


def feed_items(ids, *, site):
    """``[FeedItem]`` of the public entries ``ids``, in that order, for a request to
    ``site``: each made once per content version, in a fixed number of queries."""
    found = ITEMS.get_many(ids)
    missing = [pk for pk in ids if pk not in found]
    if missing:
        entries = (
            Entry.objects.filter(pk__in=missing)
            .for_cards()
            .prefetch_related(
                "themes",
                Prefetch("contributions", queryset=Contribution.objects.select_related("person")),
                "files",
            )
        )
        made = {entry.pk: FeedItem.of(entry) for entry in entries}
        ITEMS.set_many(made)
        found.update(made)
    return [dataclasses.replace(found[pk], site=site) for pk in ids if pk in found]


class AtomWithAuthors(Atom1Feed):
    """Atom lists every author of an entry, not only the first."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item.get("other_authors", ()):
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")


class SelectionFeed(Feed):
    """The feed of a catalogue selection; subclasses fix a theme or an institute."""

    feed_type = AtomWithAuthors
    description = (
        "Projects, publications and events of the United Nations University Migration Network."
    )

    def get_object(self, request, *args, **kwargs):
        params = request.GET.copy()
        self.fix(params, **kwargs)
        selection = public_selection(params)
        # Kept on the selection, not on this feed: one feed object serves every request.
        selection.feed_path = request.get_full_path()
        selection.site = request.build_absolute_uri("/").removesuffix("/")
        return selection

    def fix(self, params, **kwargs):
        """Narrow the parameters to this feed's theme or institute (scopes below)."""

    def title(self, selection):
        described = ", ".join(chip.label for chip in selection.chips())
        return strip_control(f"UNU Migration Network — {described or 'latest entries'}")

    def link(self, selection):
        return f"{reverse('catalogue')}?{selection.canonical.urlencode()}".rstrip("?")

    def feed_url(self, selection):
        return selection.feed_path

    def items(self, selection):
        return feed_items(selection.ids(FEED_SIZE), site=selection.site)

    def item_title(self, entry):
        return entry.title

    def item_description(self, entry):
        return entry.description

    def item_pubdate(self, entry):
        return entry.publish_at

    def item_updateddate(self, entry):
        return entry.updated_at

    def item_guid(self, entry):
        return f"tag:migration.unu.edu,2018:entry-{entry.pk}"

    item_guid_is_permalink = False

    def item_author_name(self, entry):
        names = self._authors(entry)
        return names[0] if names else None

    def item_extra_kwargs(self, entry):
        return {"other_authors": self._authors(entry)[1:]}

    def item_categories(self, entry):
        return entry.categories

    def item_enclosures(self, entry):
        return [
            Enclosure(f"{entry.site}{path}", str(size), mime) for path, size, mime, _ in entry.files
        ]

    @staticmethod
    def _authors(entry):
        return entry.authors


class RssSelectionFeed(SelectionFeed):
    feed_type = Rss201rev2Feed

    def item_author_name(self, entry):
        # RSS has one author field: every name, in order.
        return ", ".join(self._authors(entry)) or None

    def item_extra_kwargs(self, entry):
        return {}

    def item_enclosures(self, entry):
        # RSS has one enclosure: the full text, if there is one.
        full_text = [file for file in entry.files if file[3]]
        return super().item_enclosures(dataclasses.replace(entry, files=tuple(full_text)))


class ThemeScope:
    def fix(self, params, slug):
        params.setlist("theme", [get_object_or_404(Theme, slug=slug).slug])


class InstituteScope:
    def fix(self, params, slug):
        params.setlist("institute", [get_object_or_404(Institute, slug=slug).slug])


class ThemeFeed(ThemeScope, SelectionFeed):
    pass


class ThemeRssFeed(ThemeScope, RssSelectionFeed):
    pass


class InstituteFeed(InstituteScope, SelectionFeed):
    pass


class InstituteRssFeed(InstituteScope, RssSelectionFeed):
    pass
