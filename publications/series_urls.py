"""``/series/``: the journals and series publications appear in (mounted at the site's
root by the publications kind)."""

from django.urls import path

from publications import feeds, views

app_name = "series"

urlpatterns = [
    path("series/", views.SeriesListView.as_view(), name="list"),
    path("series/<slug:slug>/", views.SeriesDetailView.as_view(), name="detail"),
    path("series/<slug:slug>/feed.atom", feeds.SeriesFeed(), name="atom"),
]
