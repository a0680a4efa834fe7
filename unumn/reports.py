"""Contribution reports (``Report``): the entries of one catalogue selection in a period,
in the shape of the network's contributions to UN meetings.

The network's own activities come first, then one section per institute in institute
order, each grouped by kind (the registry's order: projects, publications, events);
then a table of counts (institute × kind) and a bibliography of the publications in
the report's citation style. An entry of several institutes is listed once: under the
network if it is among them, else under the first of them in institute order, naming
the others.

The selection is read by the catalogue itself (``public_selection``): the report, the
catalogue page, its feed, calendar and citation export are one selection. Only public
entries are ever listed.
"""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone

from unumn import kinds, vocabulary
from unumn.catalogue import public_selection
from unumn.models import Entry, Institute, Involvement, Report

# A publication's stages that a report leaves out unless it asks for them.
UNFINISHED = {"in_preparation", "under_review"}
# What a report names of an entry's organisations, in this order.
ROLES = ("commissioned_by", "funded_by", "partner", "co_organiser", "organiser")
LIMIT = 100_000


def selection_errors(selection):
    """What is wrong with a report's selection (the catalogue's parameters), as messages."""
    params = QueryDict(selection or "")
    selected = public_selection(params)
    unknown = sorted(set(params) - set(selected.filterset.base_filters) - {"q", "sort"})
    messages = [f"Not a parameter of the catalogue: {', '.join(unknown)}."] if unknown else []
    filterset = selected.filterset
    for name in filterset.facet_names:
        kept = {str(value) for value in filterset.cleaned.get(name) or []}
        dropped = [value for value in params.getlist(name) if value and value not in kept]
        if dropped:
            label = filterset.filters[name].label or name
            messages.append(f"Unknown {str(label).lower()}: {', '.join(dropped)}.")
    return messages + [str(message) for message in filterset.messages()]


@dataclass
class Group:
    kind: kinds.Kind
    entries: list = field(default_factory=list)


@dataclass
class Section:
    institute: Institute
    groups: dict = field(default_factory=dict)  # kind name: Group

    @property
    def anchor(self):
        return f"section-{self.institute.slug}"

    @property
    def total(self):
        return sum(len(group.entries) for group in self.groups.values())

    def count(self, kind):
        group = self.groups.get(kind.name)
        return len(group.entries) if group else 0


def span(entry):
    """``(first day, last day)`` of an entry, or ``None`` when it has no date: an event's
    days, a project's period (open-ended while it runs), a publication's year, month or
    day."""
    specific = entry.specific
    start = getattr(specific, "start_date", None) or getattr(specific, "start", None)
    end = getattr(specific, "end_date", None) or getattr(specific, "end", None)
    if start:
        if end:
            return start, end
        running = getattr(specific, "current_state", None) in {"ongoing", "planned"}
        return start, datetime.date.max if running else start
    if entry.date is None:
        return None
    first = entry.date
    if entry.date_precision == "year":
        return first.replace(month=1, day=1), first.replace(month=12, day=31)
    if entry.date_precision == "month":
        last_day = calendar.monthrange(first.year, first.month)[1]
        return first.replace(day=1), first.replace(day=last_day)
    return first, first


def in_period(report, entry):
    dates = span(entry)
    if dates is None:
        return report.include_undated
    first, last = dates
    if report.period_start and last < report.period_start:
        return False
    return not (report.period_end and first > report.period_end)


def entries_of(report):
    """The public entries a report lists, each as its own kind, with what it shows: a
    fixed number of queries whatever their number."""
    ids = public_selection(QueryDict(report.selection or "")).ids(LIMIT)
    entries = list(
        Entry.objects.published()
        .filter(pk__in=ids)
        .without_search_index()
        .defer("body")
        .with_specific()
        .order_by("date", "title", "pk")
    )
    vocabulary.attach_links(entries)  # one query, as rows (no queryset per entry)
    chosen = {institute.pk for institute in report.institutes.all()}
    listed = []
    for entry in entries:
        if chosen and not chosen & {institute.pk for institute in entry.institutes.all()}:
            continue
        if not report.include_unfinished:
            if getattr(entry.specific, "publication_status", None) in UNFINISHED:
                continue
        if in_period(report, entry):
            listed.append(entry)
    _read_references(listed)
    return listed


def _read_references(entries):
    """What each kind's own row names (an event's country), one query per reference."""
    by_model = defaultdict(list)
    for entry in entries:
        by_model[type(entry.specific)].append(entry.specific)
    for model, objects in by_model.items():
        names = [
            f.name
            for f in model._meta.concrete_fields
            if f.many_to_one and not f.is_cached(objects[0])
        ]
        prefetch_related_objects(objects, *names)


def _order(institute):
    return (institute.kind != Institute.Kind.NETWORK, institute.order, institute.name)


def _sections(report):
    """``{institute id: Section}`` in the report's order: the network first, then the
    institutes (only those of the report, if it names some)."""
    chosen = {institute.pk for institute in report.institutes.all()}
    return {
        institute.pk: Section(institute)
        for institute in sorted(Institute.objects.all(), key=_order)
        if not chosen or institute.pk in chosen or institute.kind == Institute.Kind.NETWORK
    }


def _place(entry, sections):
    """The section an entry is listed under (the network's, else its first institute's
    among the report's), with the other institutes and its organisations by role."""
    institutes = sorted(entry.institutes.all(), key=_order)
    home = next((i for i in institutes if i.pk in sections), None)
    entry.also = [i for i in institutes if i != home]
    entry.named_organisations = []
    for role in ROLES:
        named = [i.organisation.name for i in entry.involvements.all() if i.role == role]
        if named:
            entry.named_organisations.append((Involvement.Role(role).label, named))
    entry.facts = facts(entry)
    return sections[home.pk] if home else next(iter(sections.values()))


def facts(entry):
    """What a report says of an entry besides its title and summary, in words: its type,
    dates, its kind's details (a project's period and state, a publication's stage and
    journal), an event's place and participants, its countries."""
    specific = entry.specific
    said = [
        getattr(specific, f"get_{f.name}_display")()
        for f in specific._meta.concrete_fields
        if f.name.endswith("_type") and f.choices
    ]
    place = getattr(specific, "place_label", "")
    said += [specific.date_label, *specific.card_details(), place]
    participants = getattr(specific, "participants", None)
    if participants:
        said.append(f"{participants:,} participants")
    countries = [c.name for c in entry.countries.all() if c.name not in place]
    if countries:
        count = f"{len(countries)} countries: " if len(countries) > 1 else ""
        said.append(count + ", ".join(countries))
    return [fact for fact in said if fact]


def contents(report, absolute):
    """What the report says, for its template (``absolute(path)``: its links)."""
    entries = entries_of(report)
    sections = _sections(report)
    registry = kinds.all()
    by_id = {entry.pk: entry for entry in entries}
    for entry in entries:
        kind = kinds.get(entry.kind)
        _place(entry, sections).groups.setdefault(kind.name, Group(kind)).entries.append(entry)
        if entry.part_of_id in by_id:  # listed too, maybe in another group
            entry.facts.append(f"part of “{by_id[entry.part_of_id].title}”")
    for section in sections.values():
        section.groups = {
            kind.name: section.groups[kind.name] for kind in registry if kind.name in section.groups
        }
    filled = [section for section in sections.values() if section.total]
    used_kinds = [kind for kind in registry if any(s.count(kind) for s in filled)]
    return {
        "report": report,
        "sections": filled,
        "kinds": used_kinds,
        "totals": {kind.name: sum(s.count(kind) for s in filled) for kind in used_kinds},
        "total": len(entries),
        "references": kinds.cite(entries, site=absolute("/"), style=report.citation_style),
        "style_name": kinds.citation_styles().get(report.citation_style, report.citation_style),
        "generated_at": timezone.now(),
        "absolute": absolute,
    }


def render_body(report, *, absolute=None):
    """The report's text as HTML (headings from level 2): what a final report keeps. Its
    links are the site's paths (the page, the PDF and the DOCX resolve them against the
    site's address); ``absolute(path)`` gives the addresses its references print."""
    return render_to_string("unumn/report_body.html", contents(report, absolute or str))


def body(report, *, absolute=None):
    """The frozen text of a final report, or a draft's text made now."""
    return report.final_html if report.is_final else render_body(report, absolute=absolute)


def site_address(path):
    """The site's public address of ``path`` (``SITE_URL``): what a frozen text cites."""
    return settings.SITE_URL + path


def finalise(report, *, absolute=site_address):
    """Freeze the report's text as it is now and make it public."""
    report.final_html = render_body(report, absolute=absolute)
    report.status = Report.Status.FINAL
    report.finalised_at = timezone.now()
    report.save(update_fields=["final_html", "status", "finalised_at", "updated_at"])
    return report


def next_draft(report):
    """A new draft for the next meeting: a copy of ``report``, its period to be set."""
    institutes = list(report.institutes.all())
    limit = Report._meta.get_field("slug").max_length
    base = report.slug[: limit - len("-next-999")]
    slug, n = f"{base}-next", 1
    while Report.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-next-{n}"
    title_limit = Report._meta.get_field("title").max_length
    draft = Report.objects.create(
        title=f"{report.title[: title_limit - len(' (next)')]} (next)",
        slug=slug,
        audience=report.audience,
        introduction=report.introduction,
        selection=report.selection,
        period_start=report.period_end + datetime.timedelta(days=1) if report.period_end else None,
        include_undated=report.include_undated,
        include_unfinished=report.include_unfinished,
        citation_style=report.citation_style,
        based_on=report,
    )
    draft.institutes.set(institutes)
    return draft


REPORT_FIELDS = ("title", "audience", "introduction", "selection", "include_undated",
                 "include_unfinished", "citation_style")  # fmt: skip


def load(rows, *, absolute):
    """The reports of the content data file (``[[reports]]``) that do not exist yet, made
    from the loaded entries (finalised if ``final``): an existing one is left as it is."""
    made = []
    for row in rows:
        if Report.objects.filter(slug=row["slug"]).exists():
            continue
        report = Report(slug=row["slug"], **{k: row[k] for k in REPORT_FIELDS if k in row})
        for bound in ("period_start", "period_end"):
            if row.get(bound):
                setattr(report, bound, datetime.date.fromisoformat(row[bound]))
        report.introduction = report.introduction.strip()
        report.full_clean()
        report.save()
        report.institutes.set(Institute.objects.filter(slug__in=row.get("institutes", [])))
        if row.get("final"):
            finalise(report, absolute=absolute)
        made.append(report)
    return made
