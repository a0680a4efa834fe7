"""Public pages of the network core: home, institutes, themes, people, and the
shared base of every entry page."""

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut as contenttypes_shortcut
from django.db.models import Count, F, Prefetch, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from unumn import kinds, structured_data
from unumn.catalogue import public_selection
from unumn.filters import EntryFilterSet
from unumn.models import (
    NEWEST_FIRST,
    Contribution,
    Entry,
    Institute,
    Involvement,
    Person,
    Theme,
    published_q,
)
from unumn.permissions import visible_entries_q
from unumn.structured_data import entry_json_ld


def themes_with_counts():
    """Themes with the number of public entries each has."""
    return Theme.objects.annotate(
        entry_count=Count("themed_entries", filter=published_q("themed_entries__content_object__"))
    )


def institutes_with_counts():
    return Institute.objects.annotate(
        entry_count=Count("entries", filter=published_q("entries__"))
    ).select_related("country")


CARDS_PER_KIND = 12


def newest_by_kind(entries, *, catalogue_query, limit=CARDS_PER_KIND):
    """The newest public entries of each kind (at most ``limit``, so a page stays short
    however much an institute publishes), how many each kind has, and the catalogue
    address that lists them all. Three queries, plus the card prefetches."""
    totals = dict(entries.order_by().values_list("kind").annotate(n=Count("pk")))
    newest = (
        entries.annotate(
            rank=Window(RowNumber(), partition_by=F("kind"), order_by=list(NEWEST_FIRST))
        )
        .filter(rank__lte=limit)
        .for_cards()
        .newest_first()
    )
    groups = [
        {
            "kind": kind.name,
            "label": kind.label_plural,
            "entries": [],
            "total": totals.get(kind.name, 0),
            "catalogue": f"{reverse('catalogue')}?{catalogue_query}&kind={kind.name}",
        }
        for kind in kinds.all()
    ]
    by_kind = {group["kind"]: group for group in groups}
    for entry in newest:
        by_kind[entry.kind]["entries"].append(entry)
    return [group for group in groups if group["total"]]


class HomeView(TemplateView):
    """The network's front page. Each kind's own sections (latest publications,
    upcoming events…) come from its app, as template globals (``unumn/jinja2.py``)."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        public = Entry.objects.published().for_cards()
        return super().get_context_data(
            network=Institute.objects.filter(kind=Institute.Kind.NETWORK).first(),
            institutes=institutes_with_counts().exclude(kind=Institute.Kind.NETWORK),
            featured=public.filter(featured=True).newest_first()[:3],
            themes=themes_with_counts().filter(entry_count__gt=0).order_by("-entry_count", "name"),
            **kwargs,
        )


class InstituteListView(ListView):
    template_name = "unumn/institute_list.html"
    context_object_name = "institutes"

    def get_queryset(self):
        return institutes_with_counts()


class InstituteDetailView(DetailView):
    template_name = "unumn/institute_detail.html"
    context_object_name = "institute"

    def get_queryset(self):
        return Institute.objects.select_related("country")

    def get_context_data(self, **kwargs):
        entries = Entry.objects.published().filter(institutes=self.object)
        url = self.request.build_absolute_uri(self.object.get_absolute_url())
        return super().get_context_data(
            kinds=newest_by_kind(
                entries, catalogue_query=urlencode({"institute": self.object.slug})
            ),
            people=self.object.people.all(),
            json_ld=structured_data.document(structured_data.institute(self.object, url)),
            **kwargs,
        )


class ThemeListView(ListView):
    template_name = "unumn/theme_list.html"
    context_object_name = "themes"

    def get_queryset(self):
        return themes_with_counts().order_by("kind", "name")


class ThemeDetailView(DetailView):
    template_name = "unumn/theme_detail.html"
    context_object_name = "theme"
    model = Theme

    def get_context_data(self, **kwargs):
        entries = Entry.objects.published().filter(themes=self.object)
        groups = newest_by_kind(entries, catalogue_query=urlencode({"theme": self.object.slug}))
        return super().get_context_data(kinds=groups, **kwargs)


class PersonListView(ListView):
    template_name = "unumn/person_list.html"
    context_object_name = "people"

    def get_queryset(self):
        return Person.objects.select_related("institute").annotate(
            entry_count=Count(
                "contributions__entry",
                distinct=True,  # an author and editor of one entry counts it once
                filter=published_q("contributions__entry__"),
            )
        )


class PersonDetailView(DetailView):
    template_name = "unumn/person_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        return Person.objects.select_related("institute")

    def get_context_data(self, **kwargs):
        entries = Entry.objects.published().filter(
            pk__in=Contribution.objects.filter(person=self.object).values("entry")
        )
        person = self.object
        url = self.request.build_absolute_uri(person.get_absolute_url())
        data = structured_data.person(person, url)
        if person.institute:
            data["affiliation"] = structured_data.institute(person.institute)
        return super().get_context_data(
            # The catalogue finds a person's entries by their name, as a phrase.
            kinds=newest_by_kind(entries, catalogue_query=urlencode({"q": f'"{person.name}"'})),
            json_ld=structured_data.document(data),
            **kwargs,
        )


class EntryDetailView(DetailView):
    """Shared base of the project, publication and event pages.

    Loads everything the page shows in a fixed number of queries: people in
    order, organisations by role, countries, institutes, themes, the entries
    related to it in either direction, the collection it is part of and the
    parts it holds. Subclasses set ``model`` (and add their own
    ``select_related``).
    """

    context_object_name = "entry"
    select_related = ("part_of",)

    def get_queryset(self):
        # The public see published entries; an editor also previews the unpublished
        # entries they may edit (everyone else gets a 404 for those).
        return (
            self.model.objects.filter(visible_entries_q(self.request.user))
            .without_search_index()
            .select_related(*self.select_related)
            .prefetch_related(
                Prefetch("contributions", queryset=Contribution.objects.select_related("person")),
                Prefetch(
                    "involvements", queryset=Involvement.objects.select_related("organisation")
                ),
                "countries",
                "institutes",
                "themes",
            )
        )

    def get_context_data(self, **kwargs):
        entry = self.object
        public = Entry.objects.published().for_cards()
        absolute = self.request.build_absolute_uri
        return super().get_context_data(
            preview=not entry.is_public,
            json_ld=entry_json_ld(entry, url=absolute(entry.get_absolute_url()), absolute=absolute),
            kind=kinds.get(entry.kind),
            related_entries=public.filter(related=entry).order_by("kind", "-date", "title"),
            parts=public.filter(part_of=entry).order_by("kind", "title"),
            part_of=entry.part_of if entry.part_of and entry.part_of.is_public else None,
            involvements_by_role=self.group_involvements(entry),
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["preview"]:
            # A preview is for its editor only: never cached, never indexed.
            patch_cache_control(response, private=True, no_store=True)
            response["X-Robots-Tag"] = "noindex"
        return response

    @staticmethod
    def group_involvements(entry):
        """``[("Commissioned by", [IOM]), ("Funded by", [...]), ...]`` in role order."""
        groups = {}
        for involvement in entry.involvements.all():
            groups.setdefault(involvement.get_role_display(), []).append(involvement.organisation)
        return list(groups.items())


class SelectionMixin:
    """The one list mixin: a filtered, faceted, paginated selection of public entries.

    Used by the catalogue (all kinds) and the per-kind lists, which set
    ``model`` and their own ``filterset_class``.
    """

    model = Entry
    filterset_class = EntryFilterSet
    heading = "Catalogue"
    intro = ""

    def get_selection(self):
        return public_selection(
            self.request.GET, model=self.model, filterset_class=self.filterset_class
        )

    def get_context_data(self, **kwargs):
        selection = self.get_selection()
        page = selection.page(self.request.GET.get("page"))
        return super().get_context_data(
            heading=self.heading,
            intro=self.intro,
            selection=selection,
            filterset=selection.filterset,
            query=selection.filterset.query,
            facets=selection.facets(expand=self.request.GET.get("expand", "")),
            year_facet=selection.year_facet(),
            year_bounds=selection.year_bounds,
            chips=selection.chips(),
            notices=selection.messages(),
            sort_options=selection.sort_options(),
            total=selection.total,
            shown_total=selection.shown_total,
            total_estimated=selection.total_estimated,
            counts_estimated=selection.any_estimated,
            page_obj=page,
            entries=page.object_list,
            params=selection.canonical,
            export_params=selection.export_params(self.model.KIND),
            exports=kinds.exports_of(self.model.KIND),
            **kwargs,
        )


class CatalogueView(SelectionMixin, TemplateView):
    template_name = "unumn/catalogue.html"
    intro = (
        "Every project, publication and event of the network's institutes: search them, "
        "and filter by type, theme, institute, country, region and year."
    )


class KindsStylesheetView(View):
    """Each kind's colour on its cards and badges, from the registry: a new kind brings
    its colour with it. Cached for a year: its address carries a hash of the colours."""

    def get(self, request):
        rules = "".join(
            f".kind-badge--{kind.name}{{background:{kind.colour}}}"
            f".card--{kind.name}{{border-top-color:{kind.colour}}}\n"
            for kind in kinds.all()
        )
        rules = f"@media screen {{\n{rules}}}\n"  # print shows badges in black on white
        response = HttpResponse(rules, content_type="text/css; charset=utf-8")
        patch_cache_control(response, public=True, max_age=365 * 24 * 3600, immutable=True)
        return response


class RobotsView(TemplateView):
    """robots.txt: the admin and the endless combinations of catalogue filters stay out
    of search engines; everything else is in the sitemap."""

    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"


def scoped_shortcut(request, content_type_id, object_id):
    """The admin's "view on site" redirect, but 404 for an entry this user may not see."""
    content_type = get_object_or_404(ContentType, pk=content_type_id)
    model = content_type.model_class()
    if model is not None and issubclass(model, Entry):
        visible = model._default_manager.filter(visible_entries_q(request.user))
        get_object_or_404(visible, pk=_pk_or_404(object_id))
    return contenttypes_shortcut(request, content_type_id, object_id)


def _pk_or_404(value):
    try:
        return int(value)
    except ValueError as error:
        raise Http404 from error
