"""The sitemap: every public page, with when it last changed.

``/sitemap.xml`` is an index of sections: the site's own pages, each kind's public
entries in pages of ``ENTRIES_PER_PAGE`` (``/sitemap-publications.xml?p=2``), and the
institutes, themes and people. A kind's pages are cut from the facet index by
position, so a deep page costs what the first does; what the index shows (how many
pages each kind has, when each page last changed) is read once per content version.
A kind with no public entries has no section: an empty ``urlset`` is not valid.
"""

import datetime

from django.db import connections
from django.db.models import F, Window
from django.db.models.functions import RowNumber, TruncDate
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.html import escape

from unumn import kinds
from unumn.facets.index import FacetIndex
from unumn.filters import EntryFilterSet
from unumn.models import Entry, Institute, Organisation, Person, Report, Theme
from unumn.versions import VersionedCache

ENTRIES_PER_PAGE = 2_000
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
VOCABULARIES = {
    "institutes": Institute,
    "themes": Theme,
    "people": Person,
    "organisations": Organisation,
}
_pages = VersionedCache(8)


def vocabularies():
    """``{section: model}``: the core's vocabularies and the kinds' own (series), those
    with something to list (an empty ``urlset`` is not valid), read once per version."""
    every = {**VOCABULARIES}
    for kind in kinds.all():
        every.update({str(model._meta.verbose_name_plural): model for model in kind.vocabulary})
    names = _pages.get(
        ("vocabularies",), lambda: [name for name, model in every.items() if model.objects.exists()]
    )
    return {name: every[name] for name in names}


def index(request):
    base = request.build_absolute_uri("/").rstrip("/")
    pages = _pages.get(("pages", ENTRIES_PER_PAGE), entry_pages)
    items = [(reverse("sitemap-section", args=["pages"]), None)]
    for kind in kinds.all():
        section = reverse("sitemap-section", args=[kind.namespace])
        for number, lastmod in enumerate(pages.get(kind.name, []), start=1):
            items.append((section if number == 1 else f"{section}?p={number}", lastmod))
    items += [(reverse("sitemap-section", args=[name]), None) for name in vocabularies()]
    body = "".join(
        f"<sitemap><loc>{escape(base + location)}</loc>{_lastmod(lastmod)}</sitemap>"
        for location, lastmod in items
    )
    return _xml(f'<sitemapindex xmlns="{NAMESPACE}">{body}</sitemapindex>')


def section(request, section):
    base = request.build_absolute_uri("/").rstrip("/")
    if section == "pages":
        names = ["home", "catalogue", "institutes:list", "themes:list", "people:list"]
        names.append("organisations:list")
        urls = [(reverse(name), None) for name in names]
        urls += [(kind.list_url, None) for kind in kinds.all()]
        urls.append((reverse("reports"), None))
        final = Report.objects.filter(status=Report.Status.FINAL).only("slug", "finalised_at")
        urls += [(report.get_absolute_url(), report.finalised_at) for report in final]
    elif section in vocabularies():
        urls = [(obj.get_absolute_url(), None) for obj in vocabularies()[section].objects.all()]
    else:
        kind = next((k for k in kinds.all() if k.namespace == section), None)
        if kind is None:
            raise Http404("No such sitemap.")
        urls = _entry_urls(kind, _page_number(request.GET.get("p")))
    body = "".join(
        f"<url><loc>{escape(base + location)}</loc>{_lastmod(lastmod)}</url>"
        for location, lastmod in urls
    )
    return _xml(f'<urlset xmlns="{NAMESPACE}">{body}</urlset>')


def entry_pages():
    """``{kind: [lastmod of each page]}``: when the entries of each page last changed."""
    public = Entry.objects.published()
    numbered = public.annotate(
        number=Window(RowNumber(), partition_by=F("kind"), order_by=F("pk").asc())
    ).values("kind", "number", "updated_at")
    pages = {}
    sql, params = numbered.query.sql_with_params()
    with connections[numbered.db].cursor() as cursor:
        cursor.execute(
            f"SELECT kind, (number - 1) / {ENTRIES_PER_PAGE}, max(updated_at) "
            f"FROM ({sql}) AS numbered GROUP BY 1, 2 ORDER BY 1, 2",
            params,
        )
        for kind, _, lastmod in cursor.fetchall():
            if isinstance(lastmod, str):  # SQLite answers text, in UTC
                lastmod = parse_datetime(lastmod).replace(tzinfo=datetime.UTC)
            pages.setdefault(kind, []).append(lastmod)
    return pages


def _entry_urls(kind, number):
    index = FacetIndex.current()
    of_kind = index.mask(EntryFilterSet.base_filters["kind"].dimension(), [kind.name])
    ids = index.ids[of_kind][(number - 1) * ENTRIES_PER_PAGE : number * ENTRIES_PER_PAGE]
    if not len(ids):
        raise Http404("No such page of the sitemap.")
    # The page's entries by their range of ids (a range scan), its last-modified days.
    rows = (
        Entry.objects.published()
        .filter(kind=kind.name, pk__gte=int(ids[0]), pk__lte=int(ids[-1]))
        .order_by("pk")
        .values_list("slug", TruncDate("updated_at"))
    )
    prefix = reverse(kind.detail_url_name, kwargs={"slug": "-"})[:-2]
    return [(f"{prefix}{slug}/", day) for slug, day in rows]


def _page_number(value):
    try:
        number = int(value or 1)
    except ValueError:
        raise Http404("No such page of the sitemap.") from None
    if not 1 <= number <= 100_000:
        raise Http404("No such page of the sitemap.")
    return number


def _lastmod(when):
    if isinstance(when, datetime.datetime):
        return f"<lastmod>{when.isoformat(timespec='seconds')}</lastmod>"
    return f"<lastmod>{when.isoformat()}</lastmod>" if when else ""


def _xml(body):
    response = HttpResponse(
        f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n',
        content_type="application/xml; charset=utf-8",
    )
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response
