"""iCalendar (.ics) for events: one event, or any selection of the catalogue's events.

Each event has a stable UID, so a subscribed calendar updates its copy instead
of adding another. Events known to the day are all-day events (``DTEND`` is the
day after the last, as RFC 5545 asks); events with times are in their own time
zone, which the calendar describes (``VTIMEZONE``).

A selection's calendar holds up to a thousand events: each event's ``VEVENT`` is
written once per content version and kept in the process (as cards are,
``unumn/cards.py``), each time zone's ``VTIMEZONE`` once per process, so a calendar
costs the ids of its events and the joining of what is kept.
"""

import datetime
import functools
import zoneinfo

import icalendar
from django.utils import timezone

from events.models import Event
from unumn.versions import VersionedCache

PRODID = "-//United Nations University Migration Network//unumn//EN"
UID_DOMAIN = "migration.unu.edu"


def event_uid(event):
    return f"event-{event.pk}@{UID_DOMAIN}"


def event_component(event, *, url):
    """One ``VEVENT``; ``url`` is the event page's absolute address."""
    component = icalendar.Event()
    component.add("uid", event_uid(event))
    component.add("dtstamp", event.updated_at)
    component.add("last-modified", event.updated_at)
    component.add("summary", event.title)
    description = "\n\n".join(part for part in (event.summary, url) if part)
    component.add("description", description)
    component.add("url", url)
    if event.place_label:
        component.add("location", event.place_label)
    start, end = _start_end(event)
    component.add("dtstart", start)
    if end is not None:
        component.add("dtend", end)
    themes = [theme.name for theme in event.themes.all()]
    if themes:
        component.add("categories", themes)
    component.add("status", "CONFIRMED")
    return component


def _start_end(event):
    """All-day dates, or times in the event's time zone."""
    first = event.start_date
    last = event.end_date or first
    if event.start_time and event.timezone:
        zone = zoneinfo.ZoneInfo(event.timezone)
        start = datetime.datetime.combine(first, event.start_time, tzinfo=zone)
        end_time = event.end_time or event.start_time
        end = datetime.datetime.combine(last, end_time, tzinfo=zone)
        return start, max(end, start)
    return first, last + datetime.timedelta(days=1)


_written = VersionedCache(5_000)  # {(site, event id): (VEVENT bytes, its time zone)}
END = b"END:VCALENDAR\r\n"


def calendar(ids, *, absolute_url, name):
    """A ``VCALENDAR`` of the public events ``ids``, in that order, leaving out those
    without a first day (they cannot be placed in a calendar)."""
    site = absolute_url("/")
    keys = [(site, pk) for pk in ids]
    written = _written.get_many(keys)
    missing = [pk for key, pk in zip(keys, ids, strict=True) if key not in written]
    if missing:
        made = {(site, event.pk): _write(event, absolute_url) for event in _events(missing)}
        _written.set_many(made)
        written.update(made)
    events = [written[key] for key in keys if key in written]
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", timezone.get_default_timezone_name())
    head = cal.to_ical()
    zones = sorted({zone for _, zone in events if zone})
    # VTIMEZONEs first, as icalendar's add_missing_timezones() places them.
    return b"".join(
        [head.removesuffix(END), *map(_vtimezone, zones), *(text for text, _ in events), END]
    )


def _events(ids):
    return Event.objects.filter(pk__in=ids).select_related("country").prefetch_related("themes")


def _write(event, absolute_url):
    if not event.start_date:
        return b"", None
    component = event_component(event, url=absolute_url(event.get_absolute_url()))
    zone = event.timezone if event.start_time and event.timezone else None
    return component.to_ical(), zone


@functools.cache
def _vtimezone(tzid):
    return icalendar.Timezone.from_tzid(tzid).to_ical()
