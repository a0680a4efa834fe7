"""The events list (``events/filters.py``): upcoming events first, then past ones."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.catalogue import counts, titles
from tests.factories import make_event

pytestmark = pytest.mark.django_db


def test_events_list_upcoming_first_then_past(client):
    soon = make_event(title="Soon", start_date=timezone.localdate() + datetime.timedelta(days=10))
    later = make_event(title="Later", start_date=timezone.localdate() + datetime.timedelta(days=90))
    response = client.get(reverse("events:list"))
    names = titles(response)
    assert names[:2] == [soon.title, later.title]
    assert names[2] == "Sixteenth Coordination Meeting on International Migration"
    html = response.content.decode()
    assert html.index("Upcoming events") < html.index("Past events")
    upcoming = client.get(reverse("events:list"), {"when": "upcoming"})
    assert titles(upcoming) == ["Soon", "Later"]
    past = client.get(reverse("events:list"), {"when": "past"})
    assert "Soon" not in titles(past) and len(titles(past)) == 6
    assert counts(response, "when") == {"upcoming": 2, "past": 6}
