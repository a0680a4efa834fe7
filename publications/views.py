from collections import namedtuple

from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from publications import citations, csl
from publications.filters import PublicationFilterSet
from publications.models import Publication, Series
from unumn import cards
from unumn.catalogue import public_selection
from unumn.models import NEWEST_FIRST, Entry
from unumn.versions import VersionedCache
from unumn.views import EntryDetailView, SelectionMixin


class PublicationListView(SelectionMixin, TemplateView):
    model = Publication
    filterset_class = PublicationFilterSet
    template_name = "publications/publication_list.html"
    heading = "Publications"


class PublicationDetailView(EntryDetailView):
    model = Publication
    template_name = "publications/publication_detail.html"
    select_related = ("part_of", "series")

    def get_context_data(self, **kwargs):
        url = self.request.build_absolute_uri(self.object.get_absolute_url())
        item = citations.csl_item(self.object, url=url)
        style = csl.style_from(self.request.GET)
        return super().get_context_data(
            citation=csl.reference(item, style),
            citation_style=style,
            citation_styles=csl.STYLES.values(),
            csl=item,
            **kwargs,
        )


Citation = namedtuple("Citation", "item bibtex ris")
# Each publication's citation in every format, made once per content version (and
# site address: a citation carries the page's address): an export of a thousand
# publications then costs its ids and a lookup each.
CITATIONS = VersionedCache(20_000)


class CitationMixin:
    """Answers a citation file: ``format`` is ``bib``, ``ris`` or ``json``, or a list of
    references in a CSL style (``style=``, APA by default) as ``html`` or ``txt``."""

    formats = {
        "bib": (
            "application/x-bibtex",
            lambda cited, style: citations.bibtex_file(c.bibtex for c in cited),
        ),
        "ris": (
            "application/x-research-info-systems",
            lambda cited, style: "".join(c.ris for c in cited),
        ),
        "json": (
            "application/vnd.citationstyles.csl+json",
            lambda cited, style: citations.csl_json([c.item for c in cited]),
        ),
        "html": ("text/html", lambda cited, style: reference_list(cited, style)),
        "txt": (
            "text/plain",
            lambda cited, style: "".join(
                f"{csl.plain(reference)}\n\n"
                for reference in csl.references([c.item for c in cited], style)
            ),
        ),
    }

    def citation_response(self, ids, *, format, filename):
        style = csl.style_from(self.request.GET)
        cited = self.citations(ids)
        content_type, render = self.formats[format]
        response = HttpResponse(render(cited, style), content_type=f"{content_type}; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{filename}.{format}"'
        return response

    def citations(self, ids):
        return cited(ids, site=self.request.build_absolute_uri("/"))


def cited(ids, *, site):
    """The ``Citation`` of each of the public publications ``ids``, in this order, with
    their addresses on ``site`` (``https://host/``)."""
    found = CITATIONS.get_many([(pk, site) for pk in ids])
    missing = [pk for pk in ids if (pk, site) not in found]
    if missing:
        made = {}
        for publication in citations.prepare(Publication.objects.filter(pk__in=missing)):
            url = site.rstrip("/") + publication.get_absolute_url()
            item = citations.csl_item(publication, url=url)
            made[(publication.pk, site)] = Citation(
                item,
                citations.bibtex_record(publication, item),
                citations.ris_record(publication, item),
            )
        CITATIONS.set_many(made)
        found.update(made)
    return [found[(pk, site)] for pk in ids if (pk, site) in found]


def cite(ids, *, site, style):
    """The public publications ``ids`` as references in ``style``, alphabetical (the
    kind's ``cite``: a report's bibliography)."""
    return csl.references([citation.item for citation in cited(ids, site=site)], style)


def reference_list(cited, style):
    """A reference list as a document of its own, to open or paste into a text."""
    return render_to_string(
        "publications/reference_list.html",
        {"references": csl.references([c.item for c in cited], style), "style": csl.STYLES[style]},
    )


class PublicationCitationView(CitationMixin, View):
    def get(self, request, slug, format):
        publication = get_object_or_404(Publication.objects.published(), slug=slug)
        return self.citation_response([publication.pk], format=format, filename=slug)


class SelectionCitationView(CitationMixin, View):
    """The publications of any catalogue selection, in its order (at most ``limit``)."""

    limit = 1000

    def get(self, request, format):
        selection = public_selection(request.GET, model=Publication)
        ids = selection.ids(self.limit)
        return self.citation_response(ids, format=format, filename="publications")


def latest_publications(count=6):
    """The newest public publications, as cards: the home page's section (a template
    global, registered in apps.py)."""
    return cards.listed(
        ("latest publications", count),
        lambda: Entry.objects.published().filter(kind=Publication.KIND).newest_first()[:count],
    )


class SeriesListView(ListView):
    """Every journal and series the network's publications appear in."""

    template_name = "publications/series_list.html"
    context_object_name = "series_list"

    def get_queryset(self):
        public = Publication.objects.published().filter(series=OuterRef("pk")).order_by()
        count = public.values("series").annotate(n=Count("pk")).values("n")
        # Only those with public publications: a series an import brought with its drafts
        # is not announced before they are.
        counted = Series.objects.annotate(count=Coalesce(Subquery(count), 0))
        return counted.filter(count__gt=0).order_by("name")


class SeriesDetailView(DetailView):
    """A series and its public numbers, newest first, a page at a time, with a feed."""

    template_name = "publications/series_detail.html"
    context_object_name = "series"
    paginate_by = 20

    def get_queryset(self):
        return Series.objects.select_related("publisher")

    def get_object(self, queryset=None):
        series = super().get_object(queryset)
        self.ids = series_ids(series)
        if not self.ids:
            raise Http404("No public publications in this series.")
        return series

    def get_context_data(self, **kwargs):
        ids = self.ids
        paginator = Paginator(ids, self.paginate_by)
        page = paginator.get_page(self.request.GET.get("page"))
        page.object_list = cards.for_ids(page.object_list)
        return super().get_context_data(page_obj=page, **kwargs)


SERIES_IDS = VersionedCache(1_000)


def series_ids(series, limit=None):
    """The ids of a series' public publications, newest first (by date, then by number),
    read once per content version (a page or its feed cuts its slice from them)."""

    def read():
        public = Publication.objects.published().filter(series=series)
        order = (NEWEST_FIRST[0], "-number", "-pk")
        return list(public.order_by(*order).values_list("pk", flat=True))

    return SERIES_IDS.get(series.pk, read)[:limit]
