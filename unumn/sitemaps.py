"""The sitemap: every public page, with when it last changed."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from unumn.models import Entry, Institute, Person, Theme


class PagesSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return [
            "home",
            "catalogue",
            "institutes:list",
            "themes:list",
            "people:list",
            "projects:list",
            "publications:list",
            "events:list",
        ]

    def location(self, name):
        return reverse(name)


class EntrySitemap(Sitemap):
    """Published entries only; the page of an entry changes when it is edited."""

    changefreq = "weekly"
    priority = 0.6
    limit = 10_000

    def items(self):
        return Entry.objects.published().only("slug", "kind", "updated_at").order_by("pk")

    def lastmod(self, entry):
        return entry.updated_at


class VocabularySitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.order_by("pk")


SITEMAPS = {
    "pages": PagesSitemap,
    "entries": EntrySitemap,
    "institutes": VocabularySitemap(Institute),
    "themes": VocabularySitemap(Theme),
    "people": VocabularySitemap(Person),
}
