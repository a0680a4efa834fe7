from django.apps import AppConfig


class EventsConfig(AppConfig):
    """Events: conferences, workshops, panels, courses, schools and meetings, and the
    calendar of any selection of them."""

    name = "events"

    def ready(self):
        from events.filters import EventFilterSet
        from events.models import Event, EventType
        from events.structured_data import event
        from events.views import calendar_offer, recent_events, upcoming_events
        from unumn import kinds
        from unumn.jinja2 import register_global

        def benchmark_row(rng, entry):
            return {
                "event_type": rng.choice(EventType.values),
                "start_date": entry.date,
                "participants": rng.randint(10, 400),
            }

        kinds.register(
            kinds.Kind(
                model=Event,
                filterset=EventFilterSet,
                urls="events.urls",
                namespace="events",
                json_ld=event,
                colour="#8a4500",
                content=kinds.ContentTable(
                    "events",
                    fields=(
                        "event_type",
                        "timezone",
                        "venue",
                        "city",
                        "participants",
                        "registration_url",
                        "programme_url",
                    ),
                    dates=("start_date", "end_date"),
                    references=(("country", "countries"),),
                ),
                benchmark=benchmark_row,
                benchmark_weight=2,
                exports=(
                    kinds.SelectionExport(
                        "Its events in your calendar (.ics)",
                        (("", "events:calendar", ()),),
                        follow_label="Calendar of upcoming events (.ics)",
                        site_label="Events calendar (.ics)",
                        adapt=calendar_offer,
                    ),
                ),
            )
        )
        register_global("upcoming_events", upcoming_events)
        register_global("recent_events", recent_events)
