from django.contrib import admin

from projects.models import Project
from unumn.admin import BaseEntryAdmin


@admin.register(Project)
class ProjectAdmin(BaseEntryAdmin):
    kind_fieldset = (
        "Project",
        {
            "fields": [
                "project_type",
                ("state", "reported_on"),
                ("start", "end"),
                "duration_months",
                "url",
            ]
        },
    )
    list_display = ["title", "project_type", "state", *BaseEntryAdmin.list_display[1:]]
    list_filter = ["project_type", "state", *BaseEntryAdmin.list_filter]
