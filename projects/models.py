"""Projects: research, evaluations, capacity building and the programmes that hold them."""

import reversion
from django.db import models
from django.db.models import Case, CharField, F, Q, Value, When
from django.utils import timezone

from unumn.models import DatePrecision, Entry, EntryQuerySet, choices_constraint


class ProjectType(models.TextChoices):
    RESEARCH = "research", "Research project"
    IMPACT_EVALUATION = "impact_evaluation", "Impact evaluation"
    CAPACITY_BUILDING = "capacity_building", "Capacity building"
    RESEARCH_PROGRAMME = "research_programme", "Programme"
    POLICY_ENGAGEMENT = "policy_engagement", "Policy engagement"


class ProjectState(models.TextChoices):
    PLANNED = "planned", "Planned"
    ONGOING = "ongoing", "Ongoing"
    COMPLETED = "completed", "Completed"


def state_expression(prefix=""):
    """The state as the database computes it today: from the dates when the end date is
    known (past it: completed; before the start: planned; else ongoing), else as
    reported (``state``). ``Project.current_state`` is the same rule in Python."""
    today = timezone.localdate()
    end, start = f"{prefix}end", f"{prefix}start"
    return Case(
        When(**{f"{end}__lt": today}, then=Value(ProjectState.COMPLETED)),
        When(**{f"{end}__isnull": False, f"{start}__gt": today}, then=Value(ProjectState.PLANNED)),
        When(**{f"{end}__isnull": False}, then=Value(ProjectState.ONGOING)),
        default=F(f"{prefix}state"),
        output_field=CharField(),
    )


# History follows the parent row (and through it themes, people, organisations).
@reversion.register(follow=("entry_ptr",))
class Project(Entry):
    """A piece of the network's work that runs over time.

    A programme is a project that others are ``part_of`` (UNU-MERIT's capacity
    building holds MIMAK, ENIGMMA and MOBILAZE).
    """

    ProjectType = ProjectType

    State = ProjectState

    project_type = models.CharField(
        "type", max_length=20, choices=ProjectType.choices, default=ProjectType.RESEARCH
    )
    state = models.CharField(
        max_length=10,
        choices=State.choices,
        blank=True,
        help_text="As reported (with the date it was reported, below), when the dates do not "
        "say it: a project with an end date is planned, ongoing or completed by its dates. "
        "Leave empty if not known.",
    )
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True, help_text="Not before the start.")
    duration_months = models.PositiveSmallIntegerField(
        "duration (months)",
        null=True,
        blank=True,
        help_text="Planned length when the exact dates are not known, e.g. 42 for 3.5 years.",
    )
    url = models.URLField("external link", blank=True)

    objects = EntryQuerySet.as_manager()

    KIND = "project"

    class Meta:
        ordering = [models.F("date").desc(nulls_last=True), "title"]
        constraints = [
            choices_constraint("project_type", ProjectType, name="project_type_valid"),
            choices_constraint("state", ProjectState, name="project_state_valid", allow_blank=True),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gte=F("start")),
                name="project_end_not_before_start",
            ),
        ]

    def derive_fields(self):
        super().derive_fields()
        if self.start:
            self.date, self.date_precision = self.start, DatePrecision.DAY

    def card_details(self):
        """Its period ("2016–2019", "from 2017", "3.5 years") and state ("Ongoing")."""
        details = []
        if self.start and self.end:
            details.append(
                f"{self.start.year}–{self.end.year}"
                if self.start.year != self.end.year
                else str(self.start.year)
            )
        elif self.start:
            details.append(f"from {self.start.year}")
        elif self.duration_months:
            details.append(self.duration_label)
        if self.current_state:
            details.append(self.state_label)
        return details

    @property
    def current_state(self):
        """From its dates when its end date is known, else as reported (``state``)."""
        if self.end is None:
            return self.state
        today = timezone.localdate()
        if self.end < today:
            return ProjectState.COMPLETED
        if self.start and self.start > today:
            return ProjectState.PLANNED
        return ProjectState.ONGOING

    @property
    def state_label(self):
        """ "Completed"; a reported state says when it was reported ("Ongoing, as reported
        in February 2018")."""
        if not self.current_state:
            return ""
        label = ProjectState(self.current_state).label
        if self.end is None and self.reported_on:
            return f"{label}, {self.reported_label}"
        return label

    @property
    def duration_label(self):
        """'3.5 years', '18 months'."""
        months = self.duration_months
        if not months:
            return ""
        if months % 6 == 0 and months >= 12:
            years = months / 12
            return f"{years:g} year{'s' if years != 1 else ''}"
        return f"{months} month{'s' if months != 1 else ''}"
