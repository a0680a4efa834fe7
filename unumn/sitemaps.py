"""The sitemap: every public page, with when it last changed; one section per kind."""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.urls import reverse

from unumn import kinds
from unumn.models import Entry, Institute, Person, Theme


class PagesSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        core = ["home", "catalogue", "institutes:list", "themes:list", "people:list"]
        return core + [kind.list_url_name for kind in kinds.all()]

    def location(self, name):
        return reverse(name)


class EntrySitemap(Sitemap):
    """The published entries of one kind; the page of an entry changes when it is edited."""

    changefreq = "weekly"
    priority = 0.6
    limit = 10_000

    def __init__(self, kind):
        self.kind = kind

    def items(self):
        return (
            Entry.objects.published()
            .filter(kind=self.kind)
            .only("slug", "kind", "updated_at")
            .order_by("pk")
        )

    def lastmod(self, entry):
        return entry.updated_at

    def has_items(self):
        return self.items().exists()


class VocabularySitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.order_by("pk")


def sitemaps():
    """The sections of the sitemap index: pages, each kind's entries, the vocabularies."""
    return {
        "pages": PagesSitemap,
        **{kind.namespace: EntrySitemap(kind.name) for kind in kinds.all()},
        "institutes": VocabularySitemap(Institute),
        "themes": VocabularySitemap(Theme),
        "people": VocabularySitemap(Person),
    }


def index(request, sitemaps, **kwargs):
    """Django's sitemap index, without the sections that have nothing to list yet (a kind
    with no public entries): an empty ``urlset`` is not a valid sitemap."""
    listed = {
        name: section
        for name, section in sitemaps.items()
        if getattr(section, "has_items", lambda: True)()
    }
    return sitemap_views.index(request, listed, **kwargs)
