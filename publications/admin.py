from django.contrib import admin

from publications.models import Publication
from unumn.admin import BaseEntryAdmin


@admin.register(Publication)
class PublicationAdmin(BaseEntryAdmin):
    kind_fieldset = (
        "Publication",
        {
            "fields": [
                "publication_type",
                "publication_status",
                ("container_title", "volume", "issue", "pages"),
                "place",
                ("doi", "isbn"),
                "url",
                "item_count",
            ]
        },
    )
    list_display = [
        "title",
        "publication_type",
        "publication_status",
        *BaseEntryAdmin.list_display[1:],
    ]
    list_filter = ["publication_type", "publication_status", *BaseEntryAdmin.list_filter]
    search_fields = [*BaseEntryAdmin.search_fields, "doi", "isbn", "container_title"]
