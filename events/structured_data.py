"""An event as a schema.org ``Event``."""

from unumn.structured_data import common, compact, institutes, organisations, partial_date, people


def event(entry, url, absolute):
    place = compact(
        {
            "@type": "Place",
            "name": entry.venue or entry.city,
            "address": compact(
                {
                    "@type": "PostalAddress",
                    "addressLocality": entry.city,
                    "addressCountry": entry.country_id,
                }
            ),
        }
    )
    return compact(
        {
            **common(entry, url, absolute),
            "@type": "Event",
            "startDate": entry.start_date.isoformat() if entry.start_date else partial_date(entry),
            "endDate": entry.end_date.isoformat() if entry.end_date else None,
            "eventStatus": "https://schema.org/EventScheduled",
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
            "location": place if place.get("name") or place.get("address") else None,
            "organizer": institutes(entry, absolute)
            + organisations(entry, "organiser", "co_organiser"),
            "performer": people(entry, "speaker", absolute),
        }
    )
