from django.urls import path, re_path

from publications import views

app_name = "publications"

urlpatterns = [
    path("", views.PublicationListView.as_view(), name="list"),
    path("<slug:slug>/", views.PublicationDetailView.as_view(), name="detail"),
    re_path(
        r"^(?P<slug>[-\w]+)/cite\.(?P<format>bib|ris|json|html|txt)$",
        views.PublicationCitationView.as_view(),
        name="cite",
    ),
]
