"""Public pages of the network core: home, institutes, themes, people, and the
shared base of every entry page."""

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut as contenttypes_shortcut
from django.core.cache import cache
from django.db.models import Value, prefetch_related_objects
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView
from django.views.generic.detail import SingleObjectMixin

from unumn import cards, kinds, report_files, reports, structured_data, vocabulary
from unumn.catalogue import public_selection
from unumn.facets.index import FacetIndex
from unumn.filters import EntryFilterSet, catalogue_filterset
from unumn.models import (
    Entry,
    Institute,
    Organisation,
    Person,
    Report,
    Theme,
    ThemeRedirect,
)
from unumn.permissions import may_edit_report, visible_entries_q
from unumn.reversing import reverse
from unumn.structured_data import entry_json_ld
from unumn.versions import VersionedCache


def with_entry_counts(objects, facet):
    """``objects`` (themes, institutes, people…) as a list, each with ``entry_count``:
    how many public entries it has, read from the facet index, not counted in SQL."""
    dimension = EntryFilterSet.base_filters[facet].dimension()
    totals = FacetIndex.current().totals(dimension)
    objects = list(objects)
    for obj in objects:
        obj.entry_count = totals.get(obj.pk, 0)
    return objects


CARDS_PER_KIND = 12


_newest = VersionedCache(2_000)


def newest_by_kind(facet, value, *, limit=CARDS_PER_KIND):
    """The public entries that have ``value`` in ``facet`` (an institute's, a theme's, a
    person's), by kind: the newest of each (at most ``limit``, so a page stays short
    however much an institute publishes), how many each kind has, and the catalogue
    address that lists them all. From the facet index, once per content version (the
    ids and totals: ordering a busy theme's entries reads all of them); the cards not
    yet rendered cost a few queries."""

    def newest():
        selection = public_selection(QueryDict(urlencode({facet: value})))
        shown = {kind.name: selection.ids(limit, kind=kind.name) for kind in kinds.all()}
        return selection.counts["kind"], shown

    totals, shown = _newest.get((facet, value, limit), newest)
    by_id = {card.pk: card for card in cards.for_ids([pk for ids in shown.values() for pk in ids])}
    groups = []
    for kind in kinds.all():
        if totals.get(kind.name):
            groups.append(
                {
                    "kind": kind.name,
                    "label": kind.label_plural,
                    "entries": [by_id[pk] for pk in shown[kind.name]],
                    "total": totals[kind.name],
                    "catalogue": reverse("catalogue")
                    + "?"
                    + urlencode({facet: value, "kind": kind.name}),
                }
            )
    return groups


class HomeView(TemplateView):
    """The network's front page. Each kind's own sections (latest publications,
    upcoming events…) come from its app (template globals registered in its
    ``AppConfig.ready()``). What it shows is read once per content version."""

    template_name = "home.html"
    contents = VersionedCache(4)

    def get_context_data(self, **kwargs):
        contents = self.contents.get("home", self.read_contents)
        return super().get_context_data(
            **{**contents, "featured": cards.for_ids(contents["featured"])}, **kwargs
        )

    @staticmethod
    def read_contents():
        institutes = Institute.objects.order_by("order", "name")
        featured = Entry.objects.published().filter(featured=True).newest_first()[:3]
        return {
            "network": institutes.filter(kind=Institute.Kind.NETWORK).first(),
            "institutes": with_entry_counts(
                institutes.exclude(kind=Institute.Kind.NETWORK), "institute"
            ),
            "featured": list(featured.values_list("pk", flat=True)),
            "themes": sorted(
                (t for t in with_entry_counts(Theme.objects.all(), "theme") if t.entry_count),
                key=lambda theme: (-theme.entry_count, theme.name),
            ),
        }


class InstituteListView(ListView):
    template_name = "unumn/institute_list.html"
    context_object_name = "institutes"

    def get_queryset(self):
        institutes = Institute.objects.select_related("country").order_by("order", "name")
        return with_entry_counts(institutes, "institute")


class InstituteDetailView(DetailView):
    template_name = "unumn/institute_detail.html"
    context_object_name = "institute"

    def get_queryset(self):
        return Institute.objects.select_related("country")

    def get_context_data(self, **kwargs):
        url = self.request.build_absolute_uri(self.object.get_absolute_url())
        return super().get_context_data(
            kinds=newest_by_kind("institute", self.object.slug),
            people=self.object.people.all(),
            json_ld=structured_data.document(structured_data.institute(self.object, url)),
            **kwargs,
        )


class ThemeListView(ListView):
    template_name = "unumn/theme_list.html"
    context_object_name = "themes"

    def get_queryset(self):
        return with_entry_counts(Theme.objects.order_by("kind", "name"), "theme")


class ThemeDetailView(DetailView):
    template_name = "unumn/theme_detail.html"
    context_object_name = "theme"
    model = Theme

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A theme merged into another: its address leads there for good.
            moved = ThemeRedirect.objects.filter(old_slug=kwargs.get("slug")).first()
            if moved is None:
                raise
            return HttpResponsePermanentRedirect(moved.theme.get_absolute_url())

    def get_context_data(self, **kwargs):
        groups = newest_by_kind("theme", self.object.slug)
        return super().get_context_data(kinds=groups, **kwargs)


class PersonListView(ListView):
    template_name = "unumn/person_list.html"
    context_object_name = "people"

    def get_queryset(self):
        people = Person.objects.select_related("institute").order_by(
            "family_name", "given_name", "slug"
        )
        return with_entry_counts(people, "person")


class PersonDetailView(DetailView):
    template_name = "unumn/person_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        return Person.objects.select_related("institute")

    def get_context_data(self, **kwargs):
        person = self.object
        url = self.request.build_absolute_uri(person.get_absolute_url())
        data = structured_data.person(person, url)
        if person.institute:
            data["affiliation"] = structured_data.institute(person.institute)
        return super().get_context_data(
            kinds=newest_by_kind("person", person.slug),
            json_ld=structured_data.document(data),
            **kwargs,
        )


class OrganisationListView(ListView):
    """The partners, funders, commissioners and publishers of the network's work."""

    template_name = "unumn/organisation_list.html"
    context_object_name = "organisations"

    def get_queryset(self):
        organisations = Organisation.objects.select_related("country").order_by("name")
        return with_entry_counts(organisations, "organisation")


class OrganisationDetailView(DetailView):
    """An organisation and the network's work it took part in, by kind."""

    template_name = "unumn/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self):
        return Organisation.objects.select_related("country")

    def get_context_data(self, **kwargs):
        organisation = self.object
        url = self.request.build_absolute_uri(organisation.get_absolute_url())
        data = {**structured_data.organisation(organisation), "url": url}
        if organisation.website:
            data["sameAs"] = organisation.website
        return super().get_context_data(
            kinds=newest_by_kind("organisation", organisation.slug),
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
    # A public entry, as loaded for its page (its links, the ids of its related entries
    # and parts), is kept for the content version: the page is rendered anew for every
    # request, but the nine queries that load it are not repeated. Never a preview.
    loaded = VersionedCache(2_000)

    def get_object(self, queryset=None):
        if self.request.user.is_authenticated:  # an editor may preview: read afresh
            return self.load(queryset)
        key = (self.model, self.kwargs.get(self.slug_url_kwarg))
        return self.loaded.get(key, lambda: self.load(queryset))

    def load(self, queryset=None):
        """The entry, its links (one query: ``attach_links``), and the ids of the public
        entries related to it and of its parts (one query for both)."""
        entry = super().get_object(queryset)
        vocabulary.attach_links([entry])
        prefetch_related_objects([entry], "files")
        public = Entry.objects.published().order_by()
        related = public.filter(related=entry).annotate(part=Value(False))
        parts = public.filter(part_of=entry).annotate(part=Value(True))
        linked = related.union(parts, all=True).values_list("pk", "part", "kind", "date", "title")
        rows = list(linked)
        entry.linked_ids = [
            [pk for pk, *_ in sorted((r for r in rows if not r[1]), key=_related_order)],
            [(pk, kind) for pk, _, kind, *_ in sorted((r for r in rows if r[1]), key=_part_order)],
        ]
        return entry

    def get_queryset(self):
        # The public see published entries; an editor also previews the unpublished
        # entries they may edit (everyone else gets a 404 for those).
        return (
            self.model.objects.filter(visible_entries_q(self.request.user))
            .without_search_index()
            .select_related(*self.select_related)
        )

    def get_context_data(self, **kwargs):
        entry = self.object
        absolute = self.request.build_absolute_uri
        return super().get_context_data(
            preview=not entry.is_public,
            json_ld=entry_json_ld(entry, url=absolute(entry.get_absolute_url()), absolute=absolute),
            kind=kinds.get(entry.kind),
            **self.linked_cards(entry),
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
    def linked_cards(entry):
        """The public entries related to this one and the parts it holds, as cards:
        ``parts`` all of them, ``part_groups`` ``[(kind, cards)]`` by kind, the entry's
        own kind first. (A workshop held for a special issue is one of its events, not
        one of its papers: pages head each kind of part apart.)"""
        related_ids, part_rows = entry.linked_ids
        part_ids = [pk for pk, _ in part_rows]
        linked = {card.pk: card for card in cards.for_ids([*related_ids, *part_ids])}
        groups = {}
        for pk, kind in sorted(part_rows, key=lambda row: row[1] != entry.kind):
            groups.setdefault(kind, []).append(linked[pk])
        return {
            "related_entries": [linked[pk] for pk in related_ids],
            "parts": [linked[pk] for pk in part_ids],
            "part_groups": [(kinds.get(kind), group) for kind, group in groups.items()],
        }

    @staticmethod
    def group_involvements(entry):
        """``[("Commissioned by", [IOM]), ("Funded by", [...]), ...]`` in role order."""
        groups = {}
        for involvement in entry.involvements.all():
            groups.setdefault(involvement.get_role_display(), []).append(involvement.organisation)
        return list(groups.items())


def _related_order(row):
    """Related entries: by kind, newest first (undated last), then title."""
    _, _, kind, date, title = row
    return (kind, date is None, -(date.toordinal() if date else 0), title)


def _part_order(row):
    """Parts: by kind, then title."""
    return (row[2], row[4])


class SelectionMixin:
    """The one list mixin: a filtered, faceted, paginated selection of public entries.

    Used by the catalogue (all kinds) and the per-kind lists, which set
    ``model`` and their own ``filterset_class``.
    """

    model = Entry
    filterset_class = None  # the catalogue's: the shared filters and those kinds offer it
    heading = "Catalogue"
    intro = ""

    def get_selection(self):
        return public_selection(
            self.request.GET,
            model=self.model,
            filterset_class=self.filterset_class or catalogue_filterset(),
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
            suggestion=selection.suggestions[0],
            vocabulary_hits=selection.suggestions[1],
            sort_options=selection.sort_options(),
            total=selection.total,
            page_obj=page,
            entries=page.object_list,
            params=selection.canonical,
            export_params=selection.export_params(self.model.KIND),
            exports=[
                offer
                for export in kinds.exports_of(self.model.KIND)
                if (offer := export.offer(selection, selection.export_params(self.model.KIND)))
            ],
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


class ReportListView(ListView):
    """The network's final contribution reports, newest first."""

    template_name = "unumn/report_list.html"
    context_object_name = "reports"

    def get_queryset(self):
        return Report.objects.filter(status=Report.Status.FINAL).order_by("-finalised_at")


class ReportAccessMixin:
    """A final report for everyone; a draft for the editors who may edit it (else 404)."""

    model = Report

    def get_object(self, queryset=None):
        report = super().get_object(queryset)
        if not report.is_final:
            user = self.request.user
            institute_ids = [i.pk for i in report.institutes.all()]
            if not (user.is_staff and may_edit_report(user, institute_ids)):
                raise Http404("No such report.")
        return report


class ReportView(ReportAccessMixin, DetailView):
    """A final report, frozen as it was finalised; a draft, made now, for its editors."""

    template_name = "unumn/report.html"
    context_object_name = "report"

    def get_context_data(self, **kwargs):
        report = self.object
        return super().get_context_data(
            preview=not report.is_final,
            body=reports.body(report, absolute=self.request.build_absolute_uri),
            **kwargs,
        )


REPORT_FILES = {
    "pdf": ("application/pdf", report_files.pdf),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        report_files.docx,
    ),
}
REPORT_FILE_TTL = 60 * 60 * 24 * 30
REPORT_FILE_MAKING = 60 * 5  # how long another request waits for one being made


class ReportFileView(ReportAccessMixin, SingleObjectMixin, View):
    """A report as PDF or DOCX. A final report's file is made once (per site address)
    and kept in the shared cache: its text never changes."""

    def get(self, request, slug, format):
        report = self.get_object()
        content_type, make = REPORT_FILES[format]
        site = request.build_absolute_uri("/").rstrip("/")
        if report.is_final:
            key = f"report-file:{report.pk}:{report.finalised_at.timestamp()}:{format}:{site}"
            content = cache.get(key)
            if content is None:
                # One request makes it (a long report's PDF takes a minute); the others
                # are asked to come back rather than make it again side by side.
                if not cache.add(f"{key}:making", True, REPORT_FILE_MAKING):
                    response = HttpResponse(
                        "This report's file is being made: try again in a minute.",
                        status=503,
                        content_type="text/plain; charset=utf-8",
                    )
                    response["Retry-After"] = "60"
                    return response
                try:
                    content = make(report, base_url=site)
                    cache.set(key, content, REPORT_FILE_TTL)
                finally:
                    cache.delete(f"{key}:making")
        else:
            content = make(report, base_url=site)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{report.slug}.{format}"'
        if not report.is_final:
            patch_cache_control(response, private=True, no_store=True)
        return response
