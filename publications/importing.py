"""Bringing publications in: BibTeX, RIS, CSL-JSON or CSV, each record read into a
CSL-JSON item (as the exports write them: ``citations.py``), matched against what the
site holds, then created as drafts of an institute.

- Parsing is the maintained libraries' (bibtexparser, rispy, json, csv); a record that
  cannot be read is reported with its line or number and the reason, never a 500.
- Matching: by DOI, by ISBN, then by title and year compared without accents, case or
  punctuation. A match is a *duplicate* (nothing to add) or an *update* (the record
  fills fields the entry leaves empty; an editor's values are never overwritten).
  People are matched by ORCID, then by name compared the same way.
- ``plan(records)`` says what would happen; ``apply(plan, institute=…)`` does it in one
  transaction: a bad file never leaves half an import behind, and importing the same
  file again creates nothing.

CSV columns (a header row; any order; unknown columns are refused): ``type`` (a
publication type: ``journal_article``, ``book``, ``working_paper``… or its label),
``title``, ``authors`` and ``editors`` ("Family, Given; Family, Given"), ``date``
(``2017``, ``2017-04`` or ``2017-04-05``), ``series`` (journal or series), ``number``,
``volume``, ``issue``, ``pages``, ``publisher``, ``place``, ``doi``, ``isbn``, ``url``,
``stage`` (``published``, ``under review``…), ``summary``.
"""

import csv
import datetime
import io
import json
import re
from dataclasses import dataclass, field

import bibtexparser
import rispy
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from publications.citations import BIBTEX_TYPES, CSL_TYPES, GENRES, RIS_TYPES
from publications.models import Publication, PublicationStatus, PublicationType, Series
from unumn.identifiers import normalise_doi, normalise_isbn
from unumn.models import Entry, Person
from unumn.search import reindex_once
from unumn.text import folded

FORMATS = ("bib", "ris", "json", "csv")
CSV_COLUMNS = (
    "type", "title", "authors", "editors", "date", "series", "number", "volume", "issue",
    "pages", "publisher", "place", "doi", "isbn", "url", "stage", "summary",
)  # fmt: skip
MAX_RECORDS = 5_000
TOO_MANY = f"At most {MAX_RECORDS:,} records at a time; split the file."


class ImportError_(ValueError):  # noqa: N801 - not the builtin
    """The file as a whole cannot be read (the reason, for the editor)."""


@dataclass
class Record:
    """One record of the file: where it is (``"line 12"``, ``"record 3"``), the CSL item
    read from it, or why it was refused."""

    where: str
    item: dict | None = None
    error: str = ""


@dataclass
class Step:
    """What importing one record does: ``new``, ``duplicate``, ``update`` or ``error``."""

    record: Record
    action: str
    fields: dict = field(default_factory=dict)
    match: Publication | None = None
    reason: str = ""

    @property
    def title(self):
        return (self.record.item or {}).get("title", "")


# --- reading -----------------------------------------------------------------


def detect(name, data):
    """The format of an uploaded file, by its name's extension, else by its content."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in {"bib", "bibtex"}:
        return "bib"
    if extension in {"ris", "json", "csv"}:
        return extension
    head = data.lstrip()[:200]
    if head.startswith("@"):
        return "bib"
    if head.startswith(("[", "{")):
        return "json"
    if head.startswith("TY  -"):
        return "ris"
    return "csv"


def read(data, fmt):
    """``[Record]`` of ``data`` (text) in format ``fmt``; ``ImportError_`` when the file
    as a whole is not of that format."""
    if "\x00" in data:
        raise ImportError_("This file holds binary data: it is not a text file of references.")
    records = {"bib": _read_bibtex, "ris": _read_ris, "json": _read_csl_json, "csv": _read_csv}[
        fmt
    ](data)
    if len(records) > MAX_RECORDS:
        raise ImportError_(TOO_MANY)
    if not records:
        raise ImportError_("No records found in this file.")
    for record in records:
        if record.item is not None:
            record.item = sanitised(record.item)
    return records


TEXT_KEYS = (
    "type", "genre", "title", "container-title", "collection-title", "volume", "issue",
    "number", "page", "publisher", "publisher-place", "DOI", "ISBN", "URL", "abstract",
    "status",
)  # fmt: skip


def _text(value):
    """A CSL value as text: strings and numbers only (a file may put anything anywhere)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return str(value)[:2000]


def sanitised(item):
    """The CSL item with only what a publication reads, each of the expected type: text
    fields as text, names as lists of ``{family, given, literal, ORCID}`` texts, the date
    as up to three integer parts."""
    clean = {key: _text(item.get(key)) for key in TEXT_KEYS}
    for role in ("author", "editor"):
        names = item.get(role) if isinstance(item.get(role), list) else []
        clean[role] = [
            named
            for name in names
            if isinstance(name, dict)
            for named in [
                {k: _text(name.get(k)).strip() for k in ("family", "given", "literal", "ORCID")}
            ]
            if named["family"] or named["literal"]
        ]
    issued = item.get("issued")
    parts = issued.get("date-parts") if isinstance(issued, dict) else None
    first = parts[0] if isinstance(parts, list) and parts and isinstance(parts[0], list) else []
    numbers = [int(p) for p in first[:3] if isinstance(p, int | str) and str(p).isdigit()]
    clean["issued"] = {"date-parts": [numbers]} if numbers else None
    return clean


def _names(text, separator, *, uncommaed="literal"):
    """CSL names of "Family, Given" parts; a part without a comma is an institution
    ("United Nations University", as RIS and CSV write one), or, with
    ``uncommaed="split"``, a person's "Given Family" (BibTeX's other order)."""
    names = []
    for part in (p.strip() for p in re.split(separator, text or "") if p.strip()):
        if part.startswith("{") and part.endswith("}"):  # BibTeX's institution
            names.append({"literal": _clean(part)})
            continue
        family, comma, given = _clean(part).partition(",")
        if comma:
            names.append({"family": family.strip(), "given": given.strip()})
        elif uncommaed == "split" and len(part.split()) > 1:
            words = _clean(part).split()
            names.append({"family": words[-1], "given": " ".join(words[:-1])})
        else:
            names.append({"literal": _clean(part)})
    return names


def _date_parts(text):
    match = re.match(r"^\s*(\d{4})(?:[-/](\d{1,2}))?(?:[-/](\d{1,2}))?", str(text or ""))
    if not match:
        return None
    return {"date-parts": [[int(part) for part in match.groups() if part]]}


def _type_from(mapping, value, genre=""):
    """The publication type a format's type names (reverse of the export's mapping)."""
    for kind, label in GENRES.items():
        if genre and genre.lower() == label.lower():
            return kind
    for kind, name in mapping.items():
        if name == value:
            return kind
    return PublicationType.REPORT


def _clean(text):
    return re.sub(r"\s+", " ", re.sub(r"(?<!\\)[{}]", "", str(text or ""))).strip()


def _read_bibtex(data):
    library = bibtexparser.parse_string(data)
    records = [
        Record(f"line {block.start_line + 1}", error=f"not BibTeX: {_first_line(block.raw)}")
        for block in library.failed_blocks
    ]
    for entry in library.entries:
        raw = {key.lower(): str(found.value) for key, found in entry.fields_dict.items()}
        f = {key: _clean(value) for key, value in raw.items()}
        kind = _type_from(BIBTEX_TYPES, entry.entry_type.lower(), f.get("type", ""))
        periodical = BIBTEX_TYPES.get(kind) == "periodical"
        item = {
            "type": CSL_TYPES[kind],
            "genre": GENRES.get(kind, ""),
            "title": f.get("issuetitle") if periodical and f.get("issuetitle") else f.get("title"),
            "author": _names(raw.get("author"), r"\s+and\s+", uncommaed="split"),
            "editor": _names(raw.get("editor"), r"\s+and\s+", uncommaed="split"),
            "issued": _date_parts(f"{f.get('year', '')}-{f.get('month', '')}".strip("-")),
            "container-title": f.get("title") if periodical else f.get("journal"),
            "collection-title": f.get("series"),
            "volume": f.get("volume"),
            "issue": f.get("number") if kind != PublicationType.WORKING_PAPER else "",
            "number": f.get("number") if kind == PublicationType.WORKING_PAPER else "",
            "page": f.get("pages"),
            "publisher": f.get("publisher") or f.get("institution"),
            "publisher-place": f.get("address"),
            "DOI": f.get("doi"),
            "ISBN": f.get("isbn"),
            "URL": f.get("url"),
            "abstract": f.get("abstract"),
            "status": f.get("pubstate"),
        }
        records.append(Record(f"line {entry.start_line + 1}", item=item))
    return sorted(records, key=lambda r: int(r.where.split()[1]))


def _first_line(text):
    return (text or "").strip().splitlines()[0][:80] if (text or "").strip() else "empty"


def _read_ris(data):
    records = []
    for number, chunk in enumerate(re.split(r"(?m)^ER\s+-.*$", data), start=1):
        if not chunk.strip():
            continue
        try:
            [entry] = rispy.loads(chunk + "\nER  - \n")
        except (ValueError, KeyError, IndexError) as error:
            records.append(Record(f"record {number}", error=f"not RIS: {str(error)[:80]}"))
            continue
        kind = _type_from(
            RIS_TYPES, entry.get("type_of_reference", ""), entry.get("type_of_work", "")
        )
        title = entry.get("title") or entry.get("primary_title")
        if not title:
            records.append(Record(f"record {number}", error="no title (TI)"))
            continue
        pages = "–".join(p for p in (entry.get("start_page"), entry.get("end_page")) if p)
        date = entry.get("date") or entry.get("publication_year") or entry.get("year")
        item = {
            "type": CSL_TYPES[kind],
            "genre": GENRES.get(kind, ""),
            "title": title,
            "author": _names("; ".join(entry.get("authors", [])), ";"),
            # RIS's ED tag (the exports write editors there) is not in rispy's map.
            "editor": _names("; ".join(entry.get("unknown_tag", {}).get("ED", [])), ";"),
            "issued": _date_parts(date),
            "container-title": entry.get("secondary_title") or entry.get("journal_name"),
            "volume": entry.get("volume"),
            "issue": entry.get("number"),
            "page": pages,
            "publisher": entry.get("publisher"),
            "publisher-place": entry.get("place_published"),
            "DOI": entry.get("doi"),
            "ISBN": _isbn_or_nothing(entry.get("issn")),  # RIS's SN: an ISBN or an ISSN
            "URL": (entry.get("urls") or [""])[0],
            "abstract": entry.get("abstract"),
            "status": (entry.get("notes") or [""])[0] if entry.get("notes") else "",
        }
        records.append(Record(f"record {number}", item=item))
    return records


def _isbn_or_nothing(value):
    try:
        return normalise_isbn(value or "")
    except ValidationError:
        return ""  # a journal's ISSN: its series', not the publication's


def _read_csl_json(data):
    try:
        items = json.loads(data)
    except json.JSONDecodeError as error:
        raise ImportError_(f"Not CSL-JSON: {error.msg} at line {error.lineno}.") from None
    except (ValueError, RecursionError):
        raise ImportError_("Not CSL-JSON: nested too deep, or a number too long.") from None
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        raise ImportError_("Not CSL-JSON: a list of items was expected.")
    records = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not _text(item.get("title")).strip():
            records.append(Record(f"item {number}", error="not a CSL item with a title"))
        else:
            records.append(Record(f"item {number}", item=item))
    return records


def _read_csv(data):
    try:
        return _read_csv_rows(data)
    except csv.Error as error:
        raise ImportError_(f"Not CSV this site reads: {error}.") from None


def _read_csv_rows(data):
    reader = csv.DictReader(io.StringIO(data.lstrip("\ufeff"), newline=""))
    columns = [name.strip().lower() for name in reader.fieldnames or []]
    unknown = [name for name in columns if name not in CSV_COLUMNS]
    if "title" not in columns or unknown:
        raise ImportError_(
            "A CSV file needs a header row with a title column"
            + (f"; unknown columns: {', '.join(unknown[:5])}" if unknown else "")
            + f". Columns: {', '.join(CSV_COLUMNS)}."
        )
    records = []
    for row in reader:
        if len(records) == MAX_RECORDS:  # no need to read the rest of a file refused
            raise ImportError_(TOO_MANY)
        where = f"line {reader.line_num}"
        row = {key.strip().lower(): (value or "").strip() for key, value in row.items() if key}
        if not row.get("title"):
            records.append(Record(where, error="no title"))
            continue
        kind = _csv_type(row.get("type", ""))
        records.append(
            Record(
                where,
                item={
                    "type": CSL_TYPES[kind],
                    "genre": GENRES.get(kind, ""),
                    "title": row["title"],
                    "author": _names(row.get("authors"), ";"),
                    "editor": _names(row.get("editors"), ";"),
                    "issued": _date_parts(row.get("date")),
                    "container-title": row.get("series"),
                    "number": row.get("number"),
                    "volume": row.get("volume"),
                    "issue": row.get("issue"),
                    "page": row.get("pages"),
                    "publisher": row.get("publisher"),
                    "publisher-place": row.get("place"),
                    "DOI": row.get("doi"),
                    "ISBN": row.get("isbn"),
                    "URL": row.get("url"),
                    "status": row.get("stage"),
                    "abstract": row.get("summary"),
                },
            )
        )
    return records


def _csv_type(value):
    return _choice(PublicationType, value) or PublicationType.REPORT


def _choice(choices, text):
    """The choice whose value or label ``text`` names (case, spaces and underscores
    aside), or ``None``."""

    def plain(words):
        return re.sub(r"[\s_]+", " ", str(words).strip().lower())

    wanted = plain(text)
    return next((c.value for c in choices if wanted in {plain(c.value), plain(c.label)}), None)


# --- from a CSL item to a publication ------------------------------------------


def publication_type(item):
    return _type_from(CSL_TYPES, item.get("type", ""), item.get("genre", ""))


def stage(item):
    status = item.get("status") or ""
    if status.strip().lower() == "in press":
        return PublicationStatus.FORTHCOMING
    return _choice(PublicationStatus, status) or PublicationStatus.PUBLISHED


def fields_of(item):
    """The publication's own fields from a CSL item (identifiers normalised: a wrong
    one is a ``ValidationError``)."""
    parts = (item.get("issued") or {}).get("date-parts") or [[]]
    parts = [int(p) for p in parts[0] if str(p).isdigit()][:3]
    fields = {
        "title": _clean(item["title"])[:255],
        "publication_type": publication_type(item),
        "publication_status": stage(item),
        "volume": str(item.get("volume") or "")[:20],
        "issue": str(item.get("issue") or "")[:20],
        "number": str(item.get("number") or "")[:30],
        "pages": str(item.get("page") or "").replace("--", "–")[:30],
        "place": str(item.get("publisher-place") or "")[:100],
        "doi": normalise_doi(item.get("DOI") or ""),
        "isbn": normalise_isbn(item.get("ISBN") or ""),
        "url": _url(item.get("URL")),
        "summary": _clean(item.get("abstract"))[:400],
    }
    if parts:
        padded = [*parts, 1, 1][:3]
        fields["date"] = datetime.date(*padded)
        fields["date_precision"] = {1: "year", 2: "month", 3: "day"}[len(parts)]
    return fields


# --- planning and applying -------------------------------------------------------


def _url(value):
    """A link to the full text, if it is a valid address (else none: an export's own
    page address on a test host, a DOI resolver's, are not worth an error)."""
    value = str(value or "").strip()[:200]
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return ""
    return value


def _title_key(title, year):
    return (re.sub(r"[\W_]+", "", folded(title)), year)


def plan(records, *, editable=None):
    """``[Step]``: what importing each record would do, matched against the site's
    publications (and against the file's own earlier records). ``editable``: the
    publications the importer may change (``None``: all); a record matching another
    is reported as already on the site, without saying which."""
    existing = list(Publication.objects.only("pk", "title", "date", "doi", "isbn"))
    allowed = None if editable is None else set(editable.values_list("pk", flat=True))
    by_doi = {p.doi.lower(): p for p in existing if p.doi}
    by_isbn = {p.isbn: p for p in existing if p.isbn}
    by_title = {_title_key(p.title, p.date.year if p.date else None): p for p in existing}
    seen = set()
    steps = []
    for record in records:
        if record.error:
            steps.append(Step(record, "error", reason=record.error))
            continue
        try:
            fields = fields_of(record.item)
        except ValidationError as error:
            steps.append(Step(record, "error", reason=" ".join(error.messages)))
            continue
        except (TypeError, ValueError, AttributeError) as error:
            steps.append(Step(record, "error", reason=f"unreadable field: {error}"))
            continue
        refused = _refused(fields)
        if refused:
            steps.append(Step(record, "error", reason=refused))
            continue
        year = fields["date"].year if "date" in fields else None
        keys = [("doi", fields["doi"].lower()), ("isbn", fields["isbn"])]
        keys.append(("title", _title_key(fields["title"], year)))
        match = (
            (fields["doi"] and by_doi.get(fields["doi"].lower()))
            or (fields["isbn"] and by_isbn.get(fields["isbn"]))
            or by_title.get(_title_key(fields["title"], year))
        )
        if any(key in seen for key in keys if key[1]):
            steps.append(Step(record, "duplicate", fields, reason="repeats an earlier record"))
            continue
        seen.update(key for key in keys if key[1])
        if match is None:
            steps.append(Step(record, "new", fields))
            continue
        if allowed is not None and match.pk not in allowed:
            steps.append(Step(record, "duplicate", fields, reason="already on the site"))
            continue
        missing = {
            name: value
            for name, value in fields.items()
            if value
            and name in {"doi", "isbn", "volume", "issue", "pages", "number", "url"}
            and not getattr(match, name, "")
        }
        if missing:
            steps.append(Step(record, "update", missing, match, reason=", ".join(missing)))
        else:
            steps.append(Step(record, "duplicate", fields, match))
    return steps


def _refused(fields):
    """Why a publication with these fields could not be saved ('' if it could)."""
    candidate = Publication(**fields, slug="import-check", status=Entry.Status.DRAFT)
    try:
        candidate.full_clean(
            exclude=["slug", "institutes"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        return "; ".join(f"{name}: {' '.join(m)}" for name, m in error.message_dict.items())
    return ""


@transaction.atomic
def apply(steps, *, institute, by=None, source="a file"):
    """Create the new publications (drafts of ``institute``, their history started by
    ``by``) and fill the updates, in one transaction, each record in a savepoint of its
    own: one that cannot be saved is reported (its step becomes an error) and the others
    are kept. Answers ``{action: count}``."""
    people = People()
    with reindex_once():  # the search index updated once, at the end
        _apply(steps, institute, people, by=by, source=source)
    counts = dict.fromkeys(("new", "update", "duplicate", "error"), 0)
    for step in steps:
        counts[step.action] += 1
    return counts


def _apply(steps, institute, people, *, by, source):
    for step in steps:
        if step.action not in {"new", "update"}:
            continue
        try:
            with transaction.atomic():
                if step.action == "update":
                    _fill(step, by=by, source=source)
                else:
                    _create(step, institute, people, by=by, source=source)
        except (ValidationError, IntegrityError) as error:
            messages = getattr(error, "messages", None) or [str(error)]
            step.action, step.reason = "error", " ".join(messages)[:300]


def _fill(step, *, by, source):
    """Fill the fields the matched publication leaves empty, as an edit (its history,
    its search index, the content version follow)."""
    from unumn.services import record_version

    publication = Publication.objects.get(pk=step.match.pk)
    for name, value in step.fields.items():
        setattr(publication, name, value)
    publication.full_clean(exclude=["institutes"])
    publication.save()
    record_version(publication, f"Filled in from {source}.", by)


def _create(step, institute, people, *, by, source):
    from unumn.services import entry_links_set, record_version

    item, fields = step.record.item, dict(step.fields)
    series_name = _clean(item.get("container-title") or item.get("collection-title"))
    if series_name:
        fields["series"] = _series(series_name[:200], fields["publication_type"])
    publication = Publication(**fields, slug=_free_slug(fields["title"]), status=Entry.Status.DRAFT)
    publication.full_clean(exclude=["institutes"])
    publication.save()
    contributions = {
        (people.get(name), role): None  # a name listed twice counts once
        for role in ("author", "editor")
        for name in item.get(role) or []
        if not name.get("literal")
    }
    entry_links_set(entry=publication, institutes=[institute], contributions=list(contributions))
    record_version(publication, f"Imported from {source}.", by)


def _series(name, kind):
    found = Series.objects.filter(name__iexact=name).first()
    if found:
        return found
    series_kind = {
        PublicationType.WORKING_PAPER: Series.Kind.WORKING_PAPERS,
        PublicationType.BOOK: Series.Kind.BOOKS,
        PublicationType.REPORT: Series.Kind.REPORTS,
    }.get(kind, Series.Kind.JOURNAL)
    slug = _free(Series, slugify(name)[:100])
    return Series.objects.create(name=name, slug=slug, kind=series_kind)


class People:
    """The site's people, found by ORCID or by name compared without case or accents,
    and created when missing (once per import)."""

    def __init__(self):
        people = list(Person.objects.all())
        self.by_orcid = {p.orcid: p for p in people if p.orcid}
        self.by_name = {folded(p.name): p for p in people}

    def get(self, name):
        orcid = (name.get("ORCID") or "").rstrip("/").rsplit("/", 1)[-1]
        if orcid in self.by_orcid:
            return self.by_orcid[orcid]
        family, given = name.get("family", "").strip(), name.get("given", "").strip()
        full = f"{given} {family}".strip()
        if folded(full) not in self.by_name:
            slug = _free(Person, slugify(full)[:100])
            person = Person(name=full, given_name=given, family_name=family, slug=slug)
            person.full_clean()
            person.save()
            self.by_name[folded(full)] = person
        return self.by_name[folded(full)]


def _free(model, base):
    base = base or "item"
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _free_slug(title):
    return _free(Entry, slugify(title)[:100])
