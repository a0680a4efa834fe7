from django.contrib import admin
from django.urls import include, path, re_path

from unumn import downloads, feeds, health, kinds, sitemaps, views

institute_patterns = (
    [
        path("", views.InstituteListView.as_view(), name="list"),
        path("<slug:slug>/", views.InstituteDetailView.as_view(), name="detail"),
        path("<slug:slug>/feed.atom", feeds.InstituteFeed(), name="atom"),
        path("<slug:slug>/feed.rss", feeds.InstituteRssFeed(), name="rss"),
    ],
    "institutes",
)
theme_patterns = (
    [
        path("", views.ThemeListView.as_view(), name="list"),
        path("<slug:slug>/", views.ThemeDetailView.as_view(), name="detail"),
        path("<slug:slug>/feed.atom", feeds.ThemeFeed(), name="atom"),
        path("<slug:slug>/feed.rss", feeds.ThemeRssFeed(), name="rss"),
    ],
    "themes",
)
people_patterns = (
    [
        path("", views.PersonListView.as_view(), name="list"),
        path("<slug:slug>/", views.PersonDetailView.as_view(), name="detail"),
    ],
    "people",
)

organisation_patterns = (
    [
        path("", views.OrganisationListView.as_view(), name="list"),
        path("<slug:slug>/", views.OrganisationDetailView.as_view(), name="detail"),
    ],
    "organisations",
)

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("catalogue/", views.CatalogueView.as_view(), name="catalogue"),
    path("catalogue/feed.atom", feeds.SelectionFeed(), name="catalogue-atom"),
    path("catalogue/feed.rss", feeds.RssSelectionFeed(), name="catalogue-rss"),
    # The selection exports a kind serves under /catalogue/ (citations…).
    *[path("catalogue/", include(kind.export_urls)) for kind in kinds.all() if kind.export_urls],
    path("institutes/", include(institute_patterns)),
    path("themes/", include(theme_patterns)),
    path("people/", include(people_patterns)),
    path("organisations/", include(organisation_patterns)),
    # Each kind's list and pages: /projects/, /publications/, /events/…, and the pages of
    # its own vocabulary (/series/…).
    *[path("", include(kind.root_urls)) for kind in kinds.all() if kind.root_urls],
    *[path(f"{kind.namespace}/", include(kind.urls)) for kind in kinds.all()],
    path("reports/", views.ReportListView.as_view(), name="reports"),
    path("reports/<slug:slug>/", views.ReportView.as_view(), name="report"),
    re_path(
        r"^reports/(?P<slug>[-\w]+)\.(?P<format>pdf|docx)$",
        views.ReportFileView.as_view(),
        name="report-file",
    ),
    path("files/<int:pk>/<str:name>", downloads.download, name="file"),
    path("kinds.css", views.KindsStylesheetView.as_view(), name="kinds-css"),
    # Before the admin's own: "view on site" by content type and id, refused for an
    # entry the editor may not see (it would reveal another institute's draft).
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(views.scoped_shortcut),
        name="view-on-site",
    ),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap-section"),
    path("robots.txt", views.RobotsView.as_view(), name="robots"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

admin.site.site_header = "UNU Migration Network — editors"
admin.site.site_title = "UNU-MN editors"
admin.site.index_title = "Curate the network's research"
# Its own title on the sign-in page (as admin/login.html, the admin's own would win:
# django.contrib.admin comes first in INSTALLED_APPS).
admin.site.login_template = "admin/unumn/login.html"
# The index with a reviewer's queue ("Awaiting your review") above the apps.
admin.site.index_template = "admin/unumn/index.html"

handler400 = "unumn.errors.bad_request"
handler403 = "unumn.errors.permission_denied"
handler404 = "unumn.errors.page_not_found"
handler500 = "unumn.errors.server_error"
