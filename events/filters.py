from django.db.models import Case, CharField, F, IntegerField, Q, Value, When
from django.utils import timezone

from events.models import EventType, past_q, upcoming_q
from unumn.facets.definitions import Dimension
from unumn.filters import ChoiceFacetFilter, EntryFilterSet, SortFilter
from unumn.models import NEWEST_FIRST

WHEN_CHOICES = [("upcoming", "Upcoming"), ("past", "Past")]


class WhenFacetFilter(ChoiceFacetFilter):
    """``when=upcoming`` / ``when=past``: computed from the event's dates and today."""

    def __init__(self, **kwargs):
        super().__init__(choices=WHEN_CHOICES, **kwargs)

    def condition(self, values):
        if set(values) == {"upcoming", "past"}:
            return Q()
        return upcoming_q(prefix="event__") if values == ["upcoming"] else past_q(prefix="event__")

    def dimension(self):
        # Today is part of the name: the facet index reads it again the next day.
        def pairs(public):
            when = Case(
                When(upcoming_q(prefix="event__"), then=Value("upcoming")),
                default=Value("past"),
                output_field=CharField(),
            )
            events = public.filter(event__isnull=False)
            return events.annotate(when=when).values_list("pk", "when")

        return Dimension(f"event-when-{timezone.localdate().isoformat()}", pairs)


class EventFilterSet(EntryFilterSet):
    """The shared entry filters, plus event type and upcoming/past; upcoming events
    come first (soonest first), then past ones (newest first)."""

    event_type = ChoiceFacetFilter(
        field_name="event__event_type",
        choices=EventType.choices,
        label="Type",
        label_plural="Types",
    )
    when = WhenFacetFilter(label="When", label_plural="When")
    sort = SortFilter(extra_choices=[("upcoming", "Upcoming first")], label="Sort by")

    facet_names = ["when", "event_type", *EntryFilterSet.SHARED_FACETS]
    default_sort = "upcoming"

    def ordered(self, qs, sort=None):
        if (sort or self.sort_order) != "upcoming":
            return super().ordered(qs, sort)
        is_upcoming = When(upcoming_q(prefix="event__"), then=Value(0))
        return qs.annotate(
            is_past=Case(is_upcoming, default=Value(1), output_field=IntegerField())
        ).order_by(
            "is_past",
            Case(When(upcoming_q(prefix="event__"), then=F("date"))).asc(),
            *NEWEST_FIRST,
        )
