"""Events (``events/models.py``): dates in order, a valid time zone, the date of an event."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from events.models import Event
from tests.assertions import assert_integrity_error
from tests.factories import make_event

pytestmark = pytest.mark.django_db


class TestConstraints:
    def test_event_end_not_before_start_in_database(self):
        event = make_event(start_date=datetime.date(2018, 2, 15))
        assert_integrity_error(
            lambda: Event.objects.filter(pk=event.pk).update(end_date=datetime.date(2018, 2, 14))
        )

    def test_event_end_not_before_start_in_forms(self):
        event = Event(title="x", slug="x", start_date=datetime.date(2018, 2, 15))
        event.end_date = datetime.date(2018, 2, 1)
        with pytest.raises(ValidationError, match="event_end_not_before_start"):
            event.full_clean()

    def test_invalid_time_zone_is_a_form_error(self):
        event = Event(title="x", slug="tz-test", timezone="Mars/Olympus")
        with pytest.raises(ValidationError, match="time zone"):
            event.full_clean()


class TestEntry:
    def test_event_date_follows_its_first_day(self):
        event = make_event(
            start_date=datetime.date(2017, 10, 5), end_date=datetime.date(2017, 10, 6)
        )
        assert event.date == datetime.date(2017, 10, 5)
        assert event.date_label == "5–6 October 2017"
