from events.models import Event
from unumn.views import EntryDetailView, EntryListView


class EventListView(EntryListView):
    model = Event
    template_name = "events/event_list.html"
    heading = "Events"

    def get_queryset(self):
        return super().get_queryset().past()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            upcoming=Event.objects.published().upcoming().for_cards(), **kwargs
        )


class EventDetailView(EntryDetailView):
    model = Event
    template_name = "events/event_detail.html"
    select_related = ("part_of", "country")
