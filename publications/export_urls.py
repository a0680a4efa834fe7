"""Citation exports of any catalogue selection: ``/catalogue/cite.bib?<parameters>``."""

from django.urls import re_path

from publications import views

app_name = "citations"

urlpatterns = [
    re_path(
        r"^cite\.(?P<format>bib|ris|json|html|txt)$",
        views.SelectionCitationView.as_view(),
        name="selection",
    ),
]
