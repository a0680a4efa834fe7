from publications.models import Publication
from unumn.views import EntryDetailView, EntryListView


class PublicationListView(EntryListView):
    model = Publication
    template_name = "publications/publication_list.html"
    heading = "Publications"


class PublicationDetailView(EntryDetailView):
    model = Publication
    template_name = "publications/publication_detail.html"
