from django.views.generic import TemplateView

from events.filters import EventFilterSet
from events.models import Event
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
