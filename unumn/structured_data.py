"""schema.org descriptions (JSON-LD) of the site's pages, for search engines.

``json_ld(obj, url=...)`` answers a dictionary for an institute, a person, or
a project (ResearchProject), publication (ScholarlyArticle, Book, Report,
PublicationIssue, Collection) or event (Event).
"""

CONTEXT = "https://schema.org"
UNU = {"@type": "Organization", "name": "United Nations University", "url": "https://unu.edu"}

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


def document(data):
    """A top-level JSON-LD document."""
    return {"@context": CONTEXT, **data}


def _compact(data):
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def _date(entry):
    if not entry.date:
        return None
    iso = entry.date.isoformat()
    return {"year": iso[:4], "month": iso[:7]}.get(entry.date_precision, iso)


def person(p, url=None):
    return _compact(
        {
            "@type": "Person",
            "name": p.name,
            "givenName": p.given_name,
            "familyName": p.family_name,
            "url": url,
        }
    )


def organisation(o):
    return _compact({"@type": "Organization", "name": o.name, "alternateName": o.acronym})


def institute(i, url=None):
    return _compact(
        {
            "@type": "ResearchOrganization",
            "name": i.name,
            "alternateName": i.acronym,
            "url": url,
            "description": i.summary,
            "parentOrganization": UNU,
            "address": _compact(
                {
                    "@type": "PostalAddress",
                    "addressLocality": i.city,
                    "addressCountry": i.country_id,
                }
            )
            if i.city
            else None,
        }
    )


def _people(entry, role, absolute):
    return [
        person(c.person, absolute(c.person.get_absolute_url()))
        for c in entry.contributions.all()
        if c.role == role
    ]


def _organisations(entry, *roles):
    return [organisation(i.organisation) for i in entry.involvements.all() if i.role in roles]


def _common(entry, url, absolute):
    return {
        "@context": CONTEXT,
        "name": entry.title,
        "url": url,
        "description": entry.summary,
        "keywords": ", ".join(theme.name for theme in entry.themes.all()),
        "inLanguage": "en",
        "sourceOrganization": [
            institute(i, absolute(i.get_absolute_url())) for i in entry.institutes.all()
        ],
    }


def publication(entry, url, absolute):
    kind = PUBLICATION_TYPES.get(entry.publication_type, "CreativeWork")
    data = {
        **_common(entry, url, absolute),
        "@type": kind,
        "headline": entry.title[:110],
        "author": _people(entry, "author", absolute),
        "editor": _people(entry, "editor", absolute),
        "datePublished": _date(entry),
        "publisher": _organisations(entry, "publisher"),
        "creativeWorkStatus": STATUS.get(entry.publication_status),
        "genre": entry.get_publication_type_display(),
        "about": [{"@type": "Country", "name": c.name} for c in entry.countries.all()],
    }
    if entry.container_title:
        data["isPartOf"] = _compact(
            {"@type": "Periodical", "name": entry.container_title, "volumeNumber": entry.volume}
        )
    if kind == "PublicationIssue":
        data["issueNumber"] = entry.issue
    if entry.doi:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": entry.doi}
        data["sameAs"] = f"https://doi.org/{entry.doi}"
    if entry.isbn:
        data["isbn"] = entry.isbn
    if entry.pages:
        data["pagination"] = entry.pages
    if entry.item_count and kind == "Collection":
        data["numberOfItems"] = entry.item_count
    return _compact(data)


def event(entry, url, absolute):
    place = _compact(
        {
            "@type": "Place",
            "name": entry.venue or entry.city,
            "address": _compact(
                {
                    "@type": "PostalAddress",
                    "addressLocality": entry.city,
                    "addressCountry": entry.country_id,
                }
            ),
        }
    )
    return _compact(
        {
            **_common(entry, url, absolute),
            "@type": "Event",
            "startDate": entry.start_date.isoformat() if entry.start_date else _date(entry),
            "endDate": entry.end_date.isoformat() if entry.end_date else None,
            "eventStatus": "https://schema.org/EventScheduled",
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
            "location": place if place.get("name") or place.get("address") else None,
            "organizer": [
                institute(i, absolute(i.get_absolute_url())) for i in entry.institutes.all()
            ]
            + _organisations(entry, "organiser", "co_organiser"),
            "performer": _people(entry, "speaker", absolute),
        }
    )


def project(entry, url, absolute):
    return _compact(
        {
            **_common(entry, url, absolute),
            "@type": "ResearchProject",
            "funder": _organisations(entry, "funded_by"),
            "sponsor": _organisations(entry, "commissioned_by"),
            "member": _organisations(entry, "partner"),
            "parentOrganization": [
                institute(i, absolute(i.get_absolute_url())) for i in entry.institutes.all()
            ],
            "foundingDate": entry.start.isoformat() if entry.start else _date(entry),
            "dissolutionDate": entry.end.isoformat() if entry.end else None,
            "areaServed": [{"@type": "Country", "name": c.name} for c in entry.countries.all()],
        }
    )


def entry_json_ld(entry, *, url, absolute):
    """The JSON-LD of a project, publication or event; ``absolute`` makes paths URLs."""
    return {"project": project, "publication": publication, "event": event}[entry.kind](
        entry, url, absolute
    )
