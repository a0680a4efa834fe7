"""Events: conferences, workshops, panels, courses, schools and meetings."""

import zoneinfo

import reversion
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from unumn.dates import format_date_range
from unumn.models import Country, DatePrecision, Entry, EntryQuerySet, choices_constraint


def validate_timezone(value):
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a time zone name such as Africa/Accra.")


def upcoming_q(today=None, prefix=""):
    """Events that have not ended yet: their last day (or only day) is today or later.
    An event without dates is never upcoming. ``prefix`` reaches the event from
    another model (``"event__"`` from ``Entry``)."""
    today = today or timezone.localdate()
    end, start = f"{prefix}end_date", f"{prefix}start_date"
    return Q(**{f"{end}__gte": today}) | Q(**{f"{end}__isnull": True, f"{start}__gte": today})


def past_q(today=None, prefix=""):
    today = today or timezone.localdate()
    end, start = f"{prefix}end_date", f"{prefix}start_date"
    return Q(**{f"{end}__lt": today}) | Q(**{f"{end}__isnull": True}) & (
        Q(**{f"{start}__lt": today}) | Q(**{f"{start}__isnull": True})
    )


class EventQuerySet(EntryQuerySet):
    def upcoming(self, today=None):
        """Events that have not ended yet, soonest first."""
        return self.filter(upcoming_q(today)).order_by("start_date", "title")

    def past(self, today=None):
        """Events that are over (or undated), most recent first."""
        return self.filter(past_q(today)).newest_first()


class EventType(models.TextChoices):
    CONFERENCE = "conference", "Conference"
    WORKSHOP = "workshop", "Workshop"
    PANEL = "panel", "Panel"
    PANEL_SERIES = "panel_series", "Panel series"
    COURSE = "course", "Course"
    SUMMER_SCHOOL = "summer_school", "Summer school"
    MEETING = "meeting", "Meeting"


# History follows the parent row (and through it themes, people, organisations).
@reversion.register(follow=("entry_ptr",))
class Event(Entry):
    """Something that happens on given days: a conference, a course, a panel series…

    Dates are whole days in the event's own time zone; times are optional.
    A panel is ``part_of`` its panel series.
    """

    EventType = EventType

    event_type = models.CharField(
        "type", max_length=15, choices=EventType.choices, default=EventType.CONFERENCE
    )
    start_date = models.DateField(null=True, blank=True, help_text="First day.")
    end_date = models.DateField(
        null=True, blank=True, help_text="Last day; leave empty for a one-day event."
    )
    start_time = models.TimeField(null=True, blank=True, help_text="Local time, optional.")
    end_time = models.TimeField(null=True, blank=True, help_text="Local time, optional.")
    timezone = models.CharField(
        "time zone",
        max_length=50,
        blank=True,
        validators=[validate_timezone],
        help_text="Where the event takes place, e.g. Africa/Accra or America/New_York.",
    )
    venue = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="events_held"
    )
    participants = models.PositiveIntegerField("number of participants", null=True, blank=True)
    registration_url = models.URLField("registration link", blank=True)
    programme_url = models.URLField("programme link", blank=True)

    objects = EventQuerySet.as_manager()

    KIND = "event"

    class Meta:
        ordering = [models.F("date").desc(nulls_last=True), "title"]
        constraints = [
            choices_constraint("event_type", EventType, name="event_type_valid"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=False, end_date__gte=F("start_date")),
                name="event_end_not_before_start",
            ),
        ]

    def derive_fields(self):
        super().derive_fields()
        if self.start_date:
            self.date, self.date_precision = self.start_date, DatePrecision.DAY

    @property
    def date_label(self):
        if self.start_date:
            return format_date_range(self.start_date, self.end_date)
        return super().date_label

    @property
    def is_past(self):
        """Over (or undated): the reading of ``past_q`` for one event."""
        last = self.end_date or self.start_date
        return last is None or last < timezone.localdate()

    @property
    def place_label(self):
        return ", ".join(str(part) for part in (self.venue, self.city, self.country) if part)
