from django.db.models import Case, Count, F, IntegerField, Value, When

from events.models import EventType, past_q, upcoming_q
from unumn.filters import ChoiceFacetFilter, EntryFilterSet, SortFilter

WHEN_CHOICES = [("upcoming", "Upcoming"), ("past", "Past")]


class WhenFacetFilter(ChoiceFacetFilter):
    """``when=upcoming`` / ``when=past``, counted in one query."""

    row_field = False  # computed from two dates, not a column

    def __init__(self, **kwargs):
        super().__init__(choices=WHEN_CHOICES, **kwargs)

    def filter(self, qs, value):
        if not value or set(value) == {"upcoming", "past"}:
            return qs
        return qs.filter(upcoming_q() if value == ["upcoming"] else past_q())

    def count_values(self, qs):
        counts = qs.order_by().aggregate(
            upcoming=Count("pk", filter=upcoming_q()), past=Count("pk", filter=past_q())
        )
        return {value: counts[value] for value, _ in WHEN_CHOICES if counts[value]}


class EventFilterSet(EntryFilterSet):
    """The shared entry filters, plus event type and upcoming/past; upcoming events
    come first (soonest first), then past ones (newest first)."""

    event_type = ChoiceFacetFilter(
        field_name="event_type", choices=EventType.choices, label="Type", label_plural="Types"
    )
    when = WhenFacetFilter(label="When", label_plural="When")
    sort = SortFilter(extra_choices=[("upcoming", "Upcoming first")], label="Sort by")

    facet_names = ["when", "event_type", "theme", "institute", "country", "region"]
    total_facet = "event_type"
    default_sort = "upcoming"

    def ordered(self, qs):
        if self.sort_order != "upcoming":
            return super().ordered(qs)
        is_upcoming = When(upcoming_q(), then=Value(0))
        return qs.annotate(
            is_past=Case(is_upcoming, default=Value(1), output_field=IntegerField())
        ).order_by(
            "is_past",
            Case(When(upcoming_q(), then=F("date"))).asc(),
            F("date").desc(nulls_last=True),
            "-pk",
        )
