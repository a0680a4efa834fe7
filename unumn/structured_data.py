"""schema.org descriptions (JSON-LD) of the site's pages, for search engines.

The core describes what every page shares: institutes, people, organisations
and the properties common to every entry (``common``). Each kind describes its
own entries (``projects/structured_data.py``…) and registers that builder with
its kind; ``entry_json_ld`` dispatches through the registry.
"""

from unumn import kinds

CONTEXT = "https://schema.org"
UNU = {"@type": "Organization", "name": "United Nations University", "url": "https://unu.edu"}


def document(data):
    """A top-level JSON-LD document."""
    return {"@context": CONTEXT, **data}


def compact(data):
    """Without the empty values."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def partial_date(entry):
    """The entry's date as precisely as it is known: 2017, 2017-04 or 2017-04-05."""
    if not entry.date:
        return None
    iso = entry.date.isoformat()
    return {"year": iso[:4], "month": iso[:7]}.get(entry.date_precision, iso)


def person(p, url=None):
    return compact(
        {
            "@type": "Person",
            "name": p.name,
            "givenName": p.given_name,
            "familyName": p.family_name,
            "url": url,
            "sameAs": p.orcid_url,
        }
    )


def organisation(o):
    return compact(
        {"@type": "Organization", "name": o.name, "alternateName": o.acronym, "sameAs": o.ror_url}
    )


def institute(i, url=None):
    return compact(
        {
            "@type": "ResearchOrganization",
            "name": i.name,
            "alternateName": i.acronym,
            "url": url,
            "description": i.summary,
            "parentOrganization": UNU,
            "address": compact(
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


def people(entry, role, absolute):
    """The entry's people in one role, in order, as schema.org ``Person``s."""
    return [
        person(c.person, absolute(c.person.get_absolute_url()))
        for c in entry.contributions.all()
        if c.role == role
    ]


def organisations(entry, *roles):
    """The organisations involved in the entry in any of ``roles``."""
    return [organisation(i.organisation) for i in entry.involvements.all() if i.role in roles]


def institutes(entry, absolute):
    return [institute(i, absolute(i.get_absolute_url())) for i in entry.institutes.all()]


def countries(entry):
    return [{"@type": "Country", "name": c.name} for c in entry.countries.all()]


def media(files, absolute):
    """Files as ``MediaObject``s."""
    return [
        compact(
            {
                "@type": "MediaObject",
                "name": file.label,
                "contentUrl": absolute(file.get_absolute_url()),
                "encodingFormat": file.type.mime,
                "contentSize": str(file.size),
                "inLanguage": file.language,
            }
        )
        for file in files
    ]


def common(entry, url, absolute):
    """What every entry's description holds, whatever its kind: its files are what it
    is the subject of (a publication says better: ``publications/structured_data.py``)."""
    return {
        "@context": CONTEXT,
        "name": entry.title,
        "url": url,
        "description": entry.summary,
        "keywords": ", ".join(theme.name for theme in entry.themes.all()),
        "inLanguage": "en",
        "sourceOrganization": institutes(entry, absolute),
        "subjectOf": media(entry.files.all(), absolute),
    }


def entry_json_ld(entry, *, url, absolute):
    """The JSON-LD of an entry, by its kind's builder; ``absolute`` makes paths URLs."""
    return kinds.get(entry.kind).json_ld(entry, url, absolute)
