"""Citations of publications: CSL-JSON, BibTeX (biblatex types) and RIS; references in
CSL styles are made from the same CSL-JSON item (``publications/csl.py``).

Everything is derived from one CSL-JSON item per publication (``csl_item``), so
the formats agree: the same authors and editors in the same order, the same
date, container, publisher and identifiers.
"""

import json
import re
import unicodedata

from django.db.models import Prefetch

from publications.models import PublicationStatus, PublicationType, SeriesKind
from unumn.models import Contribution, Involvement

T = PublicationType

CSL_TYPES = {
    T.BOOK: "book",
    T.JOURNAL_ARTICLE: "article-journal",
    T.SPECIAL_ISSUE: "periodical",
    T.SPECIAL_SECTION: "periodical",
    T.EDITED_COLLECTION: "book",
    T.WORKING_PAPER: "report",
    T.REPORT: "report",
    T.SUMMARY_REPORT: "report",
}
BIBTEX_TYPES = {
    T.BOOK: "book",
    T.JOURNAL_ARTICLE: "article",
    T.SPECIAL_ISSUE: "periodical",
    T.SPECIAL_SECTION: "periodical",
    T.EDITED_COLLECTION: "collection",
    T.WORKING_PAPER: "techreport",
    T.REPORT: "techreport",
    T.SUMMARY_REPORT: "techreport",
}
RIS_TYPES = {
    T.BOOK: "BOOK",
    T.JOURNAL_ARTICLE: "JOUR",
    T.SPECIAL_ISSUE: "JFULL",
    T.SPECIAL_SECTION: "JFULL",
    T.EDITED_COLLECTION: "EDBOOK",
    T.WORKING_PAPER: "RPRT",
    T.REPORT: "RPRT",
    T.SUMMARY_REPORT: "RPRT",
}
GENRES = {
    T.WORKING_PAPER: "Working paper",
    T.SUMMARY_REPORT: "Summary report",
    T.SPECIAL_ISSUE: "Special issue",
    T.SPECIAL_SECTION: "Special section",
    T.EDITED_COLLECTION: "Edited collection",
}
# What a reader should know of a publication not (yet) published.
STATUS_NOTES = {
    PublicationStatus.IN_PREPARATION: "in preparation",
    PublicationStatus.UNDER_REVIEW: "under review",
    PublicationStatus.ACCEPTED: "accepted",
    PublicationStatus.FORTHCOMING: "forthcoming",
}


def prepare(queryset):
    """What citing reads, in a fixed number of queries."""
    return queryset.select_related("series").prefetch_related(
        Prefetch("contributions", queryset=Contribution.objects.select_related("person")),
        Prefetch("involvements", queryset=Involvement.objects.select_related("organisation")),
        "institutes",
        "themes",
    )


def _names(publication, role):
    """The people of ``role``, then the organisations of that role (an institutional
    author such as "United Nations University", a CSL ``literal`` name)."""
    people = [
        {"family": c.person.family_name, "given": c.person.given_name}
        for c in publication.contributions.all()
        if c.role == role
    ]
    bodies = [
        {"literal": i.organisation.name} for i in publication.involvements.all() if i.role == role
    ]
    return people + bodies


def csl_item(publication, *, url):
    """The CSL-JSON item of a publication (https://citeproc-js.readthedocs.io/)."""
    kind = publication.publication_type
    item = {
        "id": publication.slug,
        "type": CSL_TYPES.get(kind, "document"),
        "title": publication.title,
        "URL": publication.url or url,
    }
    authors, editors = _names(publication, "author"), _names(publication, "editor")
    if authors:
        item["author"] = authors
    if editors:
        item["editor"] = editors
    if publication.date:
        parts = [publication.date.year]
        if publication.date_precision in {"month", "day"}:
            parts.append(publication.date.month)
        if publication.date_precision == "day":
            parts.append(publication.date.day)
        item["issued"] = {"date-parts": [parts]}
    # A journal contains the work; a numbered series collects it ("WIDER Working Paper").
    in_journal = not publication.series_id or publication.series.kind == SeriesKind.JOURNAL
    optional = {
        "container-title" if in_journal else "collection-title": publication.container_title,
        "number": publication.number,
        "volume": publication.volume,
        "issue": publication.issue,
        "page": publication.pages,
        "publisher-place": publication.place,
        "DOI": publication.doi,
        "ISBN": publication.isbn,
        "abstract": publication.summary,
        "genre": GENRES.get(kind, ""),
        "status": STATUS_NOTES.get(publication.publication_status, ""),
    }
    item.update({key: value for key, value in optional.items() if value})
    publishers = [
        i.organisation.name for i in publication.involvements.all() if i.role == "publisher"
    ]
    if publishers:
        item["publisher"] = "; ".join(publishers)
    elif kind in {T.WORKING_PAPER, T.REPORT, T.SUMMARY_REPORT}:
        # A report is issued by its institutes.
        item["publisher"] = "; ".join(i.name for i in publication.institutes.all())
    keywords = [theme.name for theme in publication.themes.all()]
    if keywords:
        item["keyword"] = ", ".join(keywords)
    return item


def csl_json(items):
    return json.dumps(items, ensure_ascii=False, indent=2)


# --- BibTeX ----------------------------------------------------------------

BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "^": r"\^{}",
    "~": r"\~{}",
    **{char: "\\" + char for char in "{}%&$#_"},
}


def _bibtex_escape(text):
    return re.sub(r"[\\{}%&$#_^~]", lambda m: BIBTEX_ESCAPES[m.group(0)], text)


def _bibtex_title(text):
    """Escaped, with acronyms and capitalised words braced so styles keep their case."""
    return re.sub(r"\b([A-Z][\w-]*[A-Z0-9][\w-]*)\b", r"{\1}", _bibtex_escape(text))


def _bibtex_name(name):
    if "literal" in name:  # braced: an institution's name is not split into a person's parts
        return "{" + _bibtex_escape(name["literal"]) + "}"
    return _bibtex_escape(f"{name['family']}, {name['given']}".strip(", "))


def _bibtex_names(names):
    return " and ".join(_bibtex_name(n) for n in names)


def _base_key(item):
    """``gisselquist2017migration``: first person, year, first long word of the title."""
    people = item.get("author") or item.get("editor") or [{"family": "unu"}]
    year = str(item.get("issued", {}).get("date-parts", [[""]])[0][0]) or "nd"
    word = next((w for w in re.findall(r"\w+", item["title"]) if len(w) > 3), "entry")
    first = people[0].get("family") or people[0].get("literal", "")
    base = f"{first}{year}{word}"
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", base)


def _unique(base, taken):
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}{chr(ord('a') + n - 2)}"
    taken.add(key)
    return key


KEY = "\ue003"  # where a record's citation key goes: keys are unique within a file


def bibtex(entries):
    """``entries``: ``(publication, csl item)`` pairs."""
    return bibtex_file([bibtex_record(publication, item) for publication, item in entries])


def bibtex_file(records):
    """One file of ``(base key, record)`` pairs, each record given a unique key."""
    taken = set()
    return "\n".join(record.replace(KEY, _unique(base, taken), 1) for base, record in records)


def bibtex_record(publication, item):
    """``(base key, record)``: one BibTeX record, its key to be filled in (``KEY``)."""
    kind = publication.publication_type
    fields = {}
    if "author" in item:
        fields["author"] = _bibtex_names(item["author"])
    if "editor" in item:
        fields["editor"] = _bibtex_names(item["editor"])
    if BIBTEX_TYPES.get(kind) == "periodical":
        fields["title"] = _bibtex_title(item.get("container-title", item["title"]))
        fields["issuetitle"] = _bibtex_title(item["title"])
    else:
        fields["title"] = _bibtex_title(item["title"])
        if "container-title" in item:
            fields["journal"] = _bibtex_escape(item["container-title"])
    if "collection-title" in item:
        fields["series"] = _bibtex_escape(item["collection-title"])
    parts = item.get("issued", {}).get("date-parts", [[]])[0]
    if parts:
        fields["year"] = str(parts[0])
    if len(parts) > 1:
        fields["month"] = str(parts[1])
    mapping = {"volume": "volume", "issue": "number", "number": "number", "page": "pages",
               "DOI": "doi", "ISBN": "isbn", "URL": "url", "publisher-place": "address",
               "abstract": "abstract", "keyword": "keywords"}  # fmt: skip
    for key, name in mapping.items():
        if key in item:
            fields[name] = _bibtex_escape(item[key])
    if "publisher" in item:
        name = "institution" if BIBTEX_TYPES[kind] == "techreport" else "publisher"
        fields[name] = _bibtex_escape(item["publisher"])
    if kind in GENRES and BIBTEX_TYPES[kind] == "techreport":
        fields["type"] = GENRES[kind]
    if "status" in item:
        fields["pubstate"] = item["status"]
        fields["note"] = item["status"].capitalize()
    lines = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
    return _base_key(item), f"@{BIBTEX_TYPES.get(kind, 'misc')}{{{KEY},\n{lines}\n}}\n"


# --- RIS -------------------------------------------------------------------


def _ris_date(parts):
    """RIS dates are YYYY/MM/DD/other, empty where unknown: 2017/04//."""
    cells = [str(parts[0]), *(f"{p:02d}" for p in parts[1:])]
    return "/".join(cells + [""] * (3 - len(cells))) + "/"


def ris(entries):
    return "".join(ris_record(publication, item) for publication, item in entries)


def _ris_name(name):
    return name.get("literal") or f"{name['family']}, {name['given']}".rstrip(", ")


def ris_record(publication, item):
    """One RIS record, ending with its blank line."""
    lines = []
    lines.append(f"TY  - {RIS_TYPES.get(publication.publication_type, 'GEN')}")
    for person in item.get("author", []):
        lines.append(f"AU  - {_ris_name(person)}")
    for person in item.get("editor", []):
        lines.append(f"ED  - {_ris_name(person)}")
    lines.append(f"TI  - {item['title']}")
    parts = item.get("issued", {}).get("date-parts", [[]])[0]
    if parts:
        lines.append(f"PY  - {parts[0]}")
        lines.append(f"DA  - {_ris_date(parts)}")
    mapping = {"container-title": "T2", "collection-title": "T2", "volume": "VL", "issue": "IS",
               "publisher": "PB", "publisher-place": "CY", "DOI": "DO", "ISBN": "SN", "URL": "UR",
               "abstract": "AB", "genre": "M3", "status": "N1"}  # fmt: skip
    for key, tag in mapping.items():
        if key in item:
            lines.append(f"{tag}  - {item[key]}")
    if "page" in item:
        start, _, end = item["page"].replace("–", "-").partition("-")
        lines.append(f"SP  - {start}")
        if end:
            lines.append(f"EP  - {end}")
    for theme in publication.themes.all():
        lines.append(f"KW  - {theme.name}")
    lines.append("ER  - ")
    lines.append("")
    return "\n".join(lines) + "\n"
