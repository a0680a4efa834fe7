from django.contrib import admin

from events.models import Event
from unumn.admin import BaseEntryAdmin


@admin.register(Event)
class EventAdmin(BaseEntryAdmin):
    kind_fieldset = (
        "Event",
        {
            "fields": [
                "event_type",
                ("start_date", "end_date"),
                ("start_time", "end_time", "timezone"),
                "venue",
                ("city", "country"),
                "participants",
                ("registration_url", "programme_url"),
            ]
        },
    )
    list_display = ["title", "event_type", *BaseEntryAdmin.list_display[1:]]
    list_filter = ["event_type", *BaseEntryAdmin.list_filter]
    autocomplete_fields = [*BaseEntryAdmin.autocomplete_fields, "country"]
