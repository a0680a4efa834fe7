from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import TemplateView

from publications import citations
from publications.filters import PublicationFilterSet
from publications.models import Publication
from unumn import cards
from unumn.catalogue import public_selection
from unumn.models import Entry
from unumn.views import EntryDetailView, SelectionMixin


class PublicationListView(SelectionMixin, TemplateView):
    model = Publication
    filterset_class = PublicationFilterSet
    template_name = "publications/publication_list.html"
    heading = "Publications"


class PublicationDetailView(EntryDetailView):
    model = Publication
    template_name = "publications/publication_detail.html"

    def get_context_data(self, **kwargs):
        url = self.request.build_absolute_uri(self.object.get_absolute_url())
        item = citations.csl_item(self.object, url=url)
        return super().get_context_data(
            citation=citations.formatted_reference(item), csl=item, **kwargs
        )


class CitationMixin:
    """Answers a citation file: ``format`` is ``bib``, ``ris`` or ``json``."""

    formats = {
        "bib": ("application/x-bibtex", citations.bibtex),
        "ris": ("application/x-research-info-systems", citations.ris),
        "json": ("application/vnd.citationstyles.csl+json", None),
    }

    def citation_response(self, publications, *, format, filename):
        pairs = [
            (publication, citations.csl_item(publication, url=self.absolute(publication)))
            for publication in publications
        ]
        content_type, render = self.formats[format]
        body = render(pairs) if render else citations.csl_json([item for _, item in pairs])
        response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{filename}.{format}"'
        return response

    def absolute(self, publication):
        return self.request.build_absolute_uri(publication.get_absolute_url())


class PublicationCitationView(CitationMixin, View):
    def get(self, request, slug, format):
        publication = get_object_or_404(
            citations.prepare(Publication.objects.published()), slug=slug
        )
        return self.citation_response([publication], format=format, filename=slug)


class SelectionCitationView(CitationMixin, View):
    """The publications of any catalogue selection, in its order (at most ``limit``)."""

    limit = 1000

    def get(self, request, format):
        selection = public_selection(request.GET, model=Publication)
        publications = selection.entries(
            limit=self.limit, model=Publication, prepare=citations.prepare
        )
        return self.citation_response(publications, format=format, filename="publications")


def latest_publications(count=6):
    """The newest public publications, as cards: the home page's section (a template
    global, registered in apps.py)."""
    latest = Entry.objects.published().filter(kind=Publication.KIND).newest_first()[:count]
    return cards.listed(("latest publications", count), latest)
