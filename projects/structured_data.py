"""A project as a schema.org ``ResearchProject``."""

from unumn.structured_data import (
    common,
    compact,
    countries,
    institutes,
    organisations,
    partial_date,
)


def project(entry, url, absolute):
    return compact(
        {
            **common(entry, url, absolute),
            "@type": "ResearchProject",
            "funder": organisations(entry, "funded_by"),
            "sponsor": organisations(entry, "commissioned_by"),
            "member": organisations(entry, "partner"),
            "parentOrganization": institutes(entry, absolute),
            "foundingDate": entry.start.isoformat() if entry.start else partial_date(entry),
            "dissolutionDate": entry.end.isoformat() if entry.end else None,
            "areaServed": countries(entry),
        }
    )
