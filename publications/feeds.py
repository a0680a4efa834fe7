"""The feed of a series: its newest public numbers."""

from django.shortcuts import get_object_or_404

from publications.models import Series
from publications.views import series_ids
from unumn.feeds import FEED_SIZE, SelectionFeed, feed_items
from unumn.filters import strip_control


class SeriesFeed(SelectionFeed):
    def get_object(self, request, slug):
        series = get_object_or_404(Series, slug=slug)
        series.site = request.build_absolute_uri("/").removesuffix("/")
        series.feed_path = request.get_full_path()
        return series

    def title(self, series):
        return strip_control(f"UNU Migration Network — {series.name}")

    def link(self, series):
        return series.get_absolute_url()

    def description(self, series):
        return strip_control(f"The network's publications in {series.name}, newest first.")

    def items(self, series):
        return feed_items(series_ids(series, FEED_SIZE), site=series.site)
