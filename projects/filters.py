from projects.models import ProjectState, ProjectType
from unumn.filters import ChoiceFacetFilter, EntryFilterSet


class ProjectFilterSet(EntryFilterSet):
    """The shared entry filters, plus project type and state."""

    project_type = ChoiceFacetFilter(
        field_name="project__project_type",
        choices=ProjectType.choices,
        label="Type",
        label_plural="Types",
    )
    state = ChoiceFacetFilter(
        field_name="project__state",
        choices=ProjectState.choices,
        label="State",
        label_plural="State",
    )

    facet_names = ["project_type", "state", *EntryFilterSet.SHARED_FACETS]
