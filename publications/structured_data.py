"""A publication as a schema.org ``ScholarlyArticle``, ``Book``, ``Report``,
``PublicationIssue`` or ``Collection``."""

from unumn.structured_data import common, compact, countries, organisations, partial_date, people

PUBLICATION_TYPES = {
    "book": "Book",
    "journal_article": "ScholarlyArticle",
    "special_issue": "PublicationIssue",
    "special_section": "PublicationIssue",
    "edited_collection": "Collection",
    "working_paper": "Report",
    "report": "Report",
    "summary_report": "Report",
}
STATUS = {
    "in_preparation": "Draft",
    "under_review": "Draft",
    "accepted": "Forthcoming",
    "forthcoming": "Forthcoming",
    "published": "Published",
}


def publication(entry, url, absolute):
    kind = PUBLICATION_TYPES.get(entry.publication_type, "CreativeWork")
    data = {
        **common(entry, url, absolute),
        "@type": kind,
        "headline": entry.title[:110],
        # People, then institutional authors ("United Nations University").
        "author": people(entry, "author", absolute) + organisations(entry, "author"),
        "editor": people(entry, "editor", absolute),
        "datePublished": partial_date(entry),
        "publisher": organisations(entry, "publisher"),
        "creativeWorkStatus": STATUS.get(entry.publication_status),
        "genre": entry.get_publication_type_display(),
        "about": countries(entry),
    }
    # Its full text encodes the work itself; the other files go with it.
    files = data.pop("subjectOf", [])
    data["encoding"] = [m for m, f in zip(files, entry.files.all(), strict=True) if f.full_text]
    data["associatedMedia"] = [
        m for m, f in zip(files, entry.files.all(), strict=True) if not f.full_text
    ]
    if entry.series:
        series_type = "Periodical" if entry.series.kind == "journal" else "CreativeWorkSeries"
        data["isPartOf"] = compact(
            {
                "@type": series_type,
                "name": entry.series.name,
                "issn": entry.series.issn,
                "url": absolute(entry.series.get_absolute_url()),
                "volumeNumber": entry.volume if series_type == "Periodical" else None,
            }
        )
    if kind == "PublicationIssue":
        data["issueNumber"] = entry.issue
    if entry.doi:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": entry.doi}
        data["sameAs"] = entry.doi_url
    if entry.isbn:
        data["isbn"] = entry.isbn
    if entry.pages:
        data["pagination"] = entry.pages
    if entry.item_count and kind == "Collection":
        data["numberOfItems"] = entry.item_count
    return compact(data)
