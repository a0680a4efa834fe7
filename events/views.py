from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from events.calendar import calendar
from events.filters import EventFilterSet
from events.models import Event
from unumn import cards
from unumn.catalogue import public_selection
from unumn.views import EntryDetailView, SelectionMixin


class EventListView(SelectionMixin, TemplateView):
    model = Event
    filterset_class = EventFilterSet
    template_name = "events/event_list.html"
    heading = "Events"


class EventDetailView(EntryDetailView):
    model = Event
    template_name = "events/event_detail.html"
    select_related = ("part_of", "country")


def calendar_response(ids, request, *, name, filename):
    body = calendar(ids, absolute_url=request.build_absolute_uri, name=name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


class EventCalendarView(View):
    """One event as an .ics file."""

    def get(self, request, slug):
        event = get_object_or_404(Event.objects.published().only("pk", "title"), slug=slug)
        return calendar_response([event.pk], request, name=event.title, filename=f"{slug}.ics")


class SelectionCalendarView(View):
    """The events of any catalogue selection, upcoming unless ``when`` says otherwise."""

    limit = 1000

    def get(self, request):
        params = request.GET.copy()
        if not params.get("when"):
            # Upcoming ones, or, when the selection has none, the past ones.
            params["when"] = "upcoming"
            if not public_selection(params, model=Event).total:
                params["when"] = "past"
        selection = public_selection(params, model=Event, filterset_class=EventFilterSet)
        events = selection.ids(self.limit)
        described = ", ".join(chip.label for chip in selection.chips()) or "events"
        return calendar_response(
            events, request, name=f"UNU Migration Network — {described}", filename="events.ics"
        )


def upcoming_events(count=4):
    """The public events that have not ended yet, soonest first, as cards: a section of
    the home page (a template global, registered in apps.py)."""
    today = timezone.localdate()
    return cards.listed(
        ("upcoming events", count, today), lambda: Event.objects.published().upcoming()[:count]
    )


def recent_events(count=4):
    """The public events that are over, most recent first, as cards: a section of the
    home page (a template global, registered in apps.py)."""
    today = timezone.localdate()
    return cards.listed(
        ("recent events", count, today), lambda: Event.objects.published().past()[:count]
    )


def calendar_offer(selection):
    """What a selection's page offers of its events' calendar: the upcoming ones, or the
    past ones when none is to come, or nothing for a selection without events."""
    if selection.filterset.cleaned.get("when"):
        return ("Its events in your calendar (.ics)", {})
    index, chosen = selection.index, selection.narrowing.selection
    when = EventFilterSet.base_filters["when"].dimension()
    if (chosen & index.mask(when, ["upcoming"])).any():
        return ("Its events in your calendar (.ics)", {})
    if (chosen & index.mask(when, ["past"])).any():
        return ("Its past events in your calendar (.ics)", {"when": "past"})
    return None
