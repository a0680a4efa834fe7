from django.contrib import admin
from django.urls import include, path

from unumn import views

institute_patterns = (
    [
        path("", views.InstituteListView.as_view(), name="list"),
        path("<slug:slug>/", views.InstituteDetailView.as_view(), name="detail"),
    ],
    "institutes",
)
theme_patterns = (
    [
        path("", views.ThemeListView.as_view(), name="list"),
        path("<slug:slug>/", views.ThemeDetailView.as_view(), name="detail"),
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

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("catalogue/", views.CatalogueView.as_view(), name="catalogue"),
    path("institutes/", include(institute_patterns)),
    path("themes/", include(theme_patterns)),
    path("people/", include(people_patterns)),
    path("projects/", include("projects.urls")),
    path("publications/", include("publications.urls")),
    path("events/", include("events.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "UNU Migration Network — editors"
admin.site.site_title = "UNU-MN editors"
admin.site.index_title = "Curate the network's research"
