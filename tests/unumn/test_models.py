"""The core's models (``unumn/models.py``): database constraints, entries and their kinds,
visibility, themes."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from events.models import Event
from projects.models import Project
from publications.models import Publication
from tests.assertions import assert_integrity_error
from tests.factories import (
    in_future,
    make_draft,
    make_event,
    make_institute,
    make_project,
    make_publication,
    make_theme,
)
from unumn.models import Contribution, Entry, Institute, Theme

pytestmark = pytest.mark.django_db


class TestConstraints:
    def test_unique_slug_across_kinds(self):
        make_project(slug="same")
        with pytest.raises(ValidationError):
            make_publication(slug="same")

    def test_year_must_be_plausible(self):
        entry = make_publication()
        assert_integrity_error(
            lambda: Entry.objects.filter(pk=entry.pk).update(date=datetime.date(1066, 1, 1))
        )

    def test_kind_is_well_formed_in_the_database(self):
        # Which kinds exist is the registry's (unumn/kinds.py); the database keeps the
        # value a lower-case name, and validation keeps it a registered one.
        entry = make_publication()
        assert_integrity_error(lambda: Entry.objects.filter(pk=entry.pk).update(kind=""))
        assert_integrity_error(lambda: Entry.objects.filter(pk=entry.pk).update(kind="Pod cast"))

    def test_kind_must_be_registered(self):
        entry = Entry(title="A podcast", slug="a-podcast", kind="podcast")
        with pytest.raises(ValidationError) as error:
            entry.full_clean(exclude=["institutes"])
        assert "kind" in error.value.message_dict

    def test_status_is_constrained(self):
        entry = make_publication()
        assert_integrity_error(lambda: Entry.objects.filter(pk=entry.pk).update(status="live"))

    def test_published_entry_always_has_a_publish_time(self):
        entry = make_publication()
        assert entry.publish_at is not None
        assert_integrity_error(lambda: Entry.objects.filter(pk=entry.pk).update(publish_at=None))

    def test_choice_fields_of_subclasses_are_constrained(self):
        project, publication, event = make_project(), make_publication(), make_event()
        assert_integrity_error(
            lambda: Project.objects.filter(pk=project.pk).update(project_type="x")
        )
        assert_integrity_error(
            lambda: Publication.objects.filter(pk=publication.pk).update(publication_status="x")
        )
        assert_integrity_error(lambda: Event.objects.filter(pk=event.pk).update(event_type="x"))

    def test_contributor_listed_once_per_role(self):
        from tests.factories import make_person

        entry, person = make_publication(), make_person()
        Contribution.objects.create(entry=entry, person=person, role="editor")
        Contribution.objects.create(entry=entry, person=person, role="author")
        assert_integrity_error(
            lambda: Contribution.objects.create(entry=entry, person=person, role="editor")
        )

    def test_institute_acronym_unique_but_optional(self):
        make_institute(acronym="")
        make_institute(acronym="")
        make_institute(acronym="UNU-X")
        assert_integrity_error(lambda: make_institute(acronym="UNU-X"))


class TestEntry:
    def test_kind_follows_the_subclass(self):
        assert make_project().kind == "project"
        assert make_publication().kind == "publication"
        assert make_event().kind == "event"

    def test_specific_returns_the_subclass(self):
        event = make_event(venue="Hall")
        entry = Entry.objects.get(pk=event.pk)
        assert type(entry.specific) is Event
        assert entry.specific.venue == "Hall"

    def test_absolute_url_by_kind(self):
        event = make_event(slug="an-event")
        assert Entry.objects.get(pk=event.pk).get_absolute_url() == "/events/an-event/"

    @pytest.mark.parametrize(
        ("precision", "label"),
        [("day", "1 April 2017"), ("month", "April 2017"), ("year", "2017")],
    )
    def test_date_shown_as_precisely_as_known(self, precision, label):
        entry = make_publication(date=datetime.date(2017, 4, 1), date_precision=precision)
        assert entry.date_label == label


class TestVisibility:
    def test_drafts_and_reviews_are_not_published(self):
        draft = make_draft()
        review = make_publication(status=Entry.Status.REVIEW)
        assert not Entry.objects.published().filter(pk__in=[draft.pk, review.pk]).exists()

    def test_future_publish_time_stays_hidden_until_it_passes(self):
        scheduled = make_publication(publish_at=in_future(hours=2))
        assert not Entry.objects.published().filter(pk=scheduled.pk).exists()
        later = timezone.now() + datetime.timedelta(hours=3)
        assert Entry.objects.published(now=later).filter(pk=scheduled.pk).exists()


class TestTheme:
    def test_theme_is_the_tag_of_entries(self):
        theme = make_theme(name="Remittances")
        entry = make_publication(themes=[theme])
        assert list(entry.themes.all()) == [theme]
        assert list(
            Theme.objects.get(pk=theme.pk).themed_entries.values_list("content_object", flat=True)
        ) == [entry.pk]

    def test_institute_str_falls_back_to_name(self):
        assert str(Institute(name="UNU Office", acronym="")) == "UNU Office"


@pytest.mark.parametrize("name", ["integration", "INTEGRATION", " Intégration  ", "Integratión"])
def test_no_second_theme_that_differs_only_by_case_accents_or_spacing(name):
    theme = Theme(name=name, slug="integration-again")
    with pytest.raises(ValidationError, match="already a theme “Integration”"):
        theme.full_clean()


def test_a_theme_may_be_saved_again_and_renamed_by_case():
    theme = Theme.objects.get(name="Integration")
    theme.full_clean()
    theme.name = "integration"
    theme.full_clean()
