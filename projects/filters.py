from django.db.models import Q
from django.utils import timezone

from projects.models import Project, ProjectState, ProjectType, state_expression
from unumn.facets.definitions import Dimension
from unumn.filters import ChoiceFacetFilter, EntryFilterSet


class StateFacetFilter(ChoiceFacetFilter):
    """A project's state as of today (``state_expression``): from its dates when its end
    is known, else as reported."""

    def __init__(self, **kwargs):
        super().__init__(choices=ProjectState.choices, **kwargs)

    def condition(self, values):
        projects = Project.objects.annotate(now=state_expression()).filter(now__in=values)
        return Q(pk__in=projects.values("pk"))

    def dimension(self):
        # Today is part of the name: the facet index reads it again the next day.
        def pairs(public):
            projects = public.filter(project__isnull=False)
            states = projects.annotate(now=state_expression("project__")).exclude(now="")
            return states.values_list("pk", "now")

        return Dimension(f"project-state-{timezone.localdate().isoformat()}", pairs)


class ProjectFilterSet(EntryFilterSet):
    """The shared entry filters, plus project type and state."""

    project_type = ChoiceFacetFilter(
        field_name="project__project_type",
        choices=ProjectType.choices,
        label="Type",
        label_plural="Types",
    )
    state = StateFacetFilter(
        field_name="project__state",
        label="State",
        label_plural="State",
    )

    facet_names = ["project_type", "state", *EntryFilterSet.SHARED_FACETS]
