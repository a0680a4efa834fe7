"""iCalendar (.ics) for events: one event, or any selection of the catalogue's events.

Each event has a stable UID, so a subscribed calendar updates its copy instead
of adding another. Events known to the day are all-day events (``DTEND`` is the
day after the last, as RFC 5545 asks); events with times are in their own time
zone, which the calendar describes (``VTIMEZONE``).
"""

import datetime
import zoneinfo

import icalendar
from django.utils import timezone

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


def calendar(events, *, absolute_url, name):
    """A ``VCALENDAR`` of the events that have a first day (others cannot be placed
    in a calendar)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", timezone.get_default_timezone_name())
    for event in events:
        if event.start_date:
            cal.add_component(event_component(event, url=absolute_url(event.get_absolute_url())))
    cal.add_missing_timezones()
    return cal.to_ical()
