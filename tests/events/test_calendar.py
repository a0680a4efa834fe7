"""Calendars (``events/calendar.py`` and the .ics views), parsed by icalendar: an event's,
and a selection's, which holds the catalogue's dated events."""

import datetime

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from tests.catalogue import catalogue_results, path_of
from tests.factories import make_event

pytestmark = pytest.mark.django_db


def ics(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_accra_conference_calendar(client):
    event = Event.objects.get(slug="wider-development-conference-migration-mobility-2017")
    calendar = ics(client, reverse("events:ics", args=[event.slug]))
    [vevent] = calendar.walk("VEVENT")
    assert vevent.decoded("dtstart") == datetime.date(2017, 10, 5)
    assert vevent.decoded("dtend") == datetime.date(2017, 10, 7)  # all-day: the day after
    assert "Accra" in str(vevent["location"]) and "Ghana" in str(vevent["location"])
    assert str(vevent["url"]).endswith(event.get_absolute_url())
    assert "221 participants" in str(vevent["description"])
    # The same UID every time, so subscribed calendars update rather than duplicate.
    again = ics(client, reverse("events:ics", args=[event.slug])).walk("VEVENT")[0]
    assert str(vevent["uid"]) == str(again["uid"]) == f"event-{event.pk}@migration.unu.edu"


def test_timed_event_has_its_time_zone(client):
    event = make_event(
        title="Evening panel",
        start_date=datetime.date(2030, 3, 4),
        start_time=datetime.time(18, 30),
        end_time=datetime.time(20, 0),
        timezone="America/New_York",
        city="New York",
    )
    calendar = ics(client, reverse("events:ics", args=[event.slug]))
    [vevent] = calendar.walk("VEVENT")
    start = vevent.decoded("dtstart")
    assert (start.hour, start.minute, str(start.tzinfo)) == (18, 30, "America/New_York")
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]


def test_calendar_of_a_selection_is_upcoming_by_default(client):
    soon = make_event(title="Soon", start_date=timezone.localdate() + datetime.timedelta(days=5))
    calendar = ics(client, reverse("events:calendar"))
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == [soon.title]


@pytest.mark.parametrize("params", [{"when": "past"}, {"when": "past", "institute": "unu-wider"}])
def test_calendar_of_a_selection_is_the_catalogues_dated_events(client, params):
    calendar = ics(client, reverse("events:calendar"), params)
    listed = [path_of(str(e["url"])) for e in calendar.walk("VEVENT")]
    dated = [
        url
        for url in catalogue_results(client, {**params, "kind": "event"})
        if Event.objects.get(slug=url.strip("/").split("/")[-1]).start_date
    ]
    assert listed == dated


def test_a_selection_without_upcoming_events_offers_its_past_ones(client):
    page = client.get(reverse("catalogue"), {"institute": "unu-wider"})
    offers = dict(page.context["exports"])
    assert "Its past events in your calendar (.ics)" in offers
    ((_, address),) = offers["Its past events in your calendar (.ics)"]
    assert "when=past" in address
    past = ics(client, address)
    assert "Migration and Mobility" in " ".join(str(e["summary"]) for e in past.walk("VEVENT"))
    # The calendar itself gives the past events when none is to come.
    default = ics(client, reverse("events:calendar") + "?institute=unu-wider")
    assert len(default.walk("VEVENT")) == len(past.walk("VEVENT")) > 0


def test_a_selection_without_events_offers_no_calendar(client):
    offers = dict(client.get(reverse("catalogue"), {"kind": "project"}).context["exports"])
    assert not any("calendar" in label for label in offers)


def test_a_kept_event_is_written_anew_after_an_edit(client, django_assert_max_num_queries):
    """Each event's VEVENT is kept per content version: a second calendar reads no event
    rows, and an edit shows at once."""
    event = make_event(title="Before", start_date=timezone.localdate() + datetime.timedelta(days=3))
    ics(client, reverse("events:calendar"))
    with django_assert_max_num_queries(1):  # the content version; no event row
        ics(client, reverse("events:calendar"))
    event.title = "After"
    event.save()
    assert [str(e["summary"]) for e in ics(client, reverse("events:calendar")).walk("VEVENT")] == [
        "After"
    ]
