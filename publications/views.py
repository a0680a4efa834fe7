from django.views.generic import TemplateView

from publications.filters import PublicationFilterSet
from publications.models import Publication
from unumn.views import EntryDetailView, SelectionMixin


class PublicationListView(SelectionMixin, TemplateView):
    model = Publication
    filterset_class = PublicationFilterSet
    template_name = "publications/publication_list.html"
    heading = "Publications"


class PublicationDetailView(EntryDetailView):
    model = Publication
    template_name = "publications/publication_detail.html"
