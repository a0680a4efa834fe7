"""Statements that stay true: a project's state follows its dates when its end is known;
a state or stage that was reported says when; feeds date an entry by its own date."""

import datetime

import feedparser
import pytest
from django.utils import timezone

from projects.models import Project
from tests.factories import make_project, make_publication

pytestmark = pytest.mark.django_db


def listed(client, state):
    """The addresses of the projects list at ``state`` (its facet: the list's own)."""
    response = client.get("/projects/", {"state": state})
    return [entry.get_absolute_url() for entry in response.context["entries"]]


def at(time_machine, day):
    time_machine.move_to(datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC))


def test_a_project_with_an_end_date_is_in_the_state_its_dates_say(client, time_machine):
    at(time_machine, datetime.date(2026, 6, 1))
    project = make_project(
        title="Dated project",
        state="ongoing",  # as typed once; the dates say better
        start=datetime.date(2026, 7, 1),
        end=datetime.date(2026, 12, 31),
    )
    page = project.get_absolute_url()

    def shown():
        return client.get(page).content.decode()

    assert '<span class="state">Planned</span>' in shown()
    assert page in listed(client, "planned")
    at(time_machine, datetime.date(2026, 8, 1))
    assert '<span class="state">Ongoing</span>' in shown()
    assert page in listed(client, "ongoing")
    at(time_machine, datetime.date(2027, 1, 1))  # no write at all: the next day says it
    assert '<span class="state">Completed</span>' in shown()
    assert page in listed(client, "completed")
    assert page not in listed(client, "ongoing")
    assert "Completed" in client.get("/projects/").content.decode()


def test_a_reported_state_says_when_it_was_reported(client):
    project = make_project(
        title="Reported project", state="ongoing", reported_on=datetime.date(2018, 2, 15)
    )
    html = client.get(project.get_absolute_url()).content.decode()
    assert "Ongoing, as reported in February 2018" in html
    paper = make_publication(
        title="Reported paper",
        publication_status="under_review",
        reported_on=datetime.date(2018, 2, 15),
    )
    html = client.get(paper.get_absolute_url()).content.decode()
    assert "Under review, as reported in February 2018" in html
    assert (
        "Under review, as reported in February 2018"
        in client.get("/publications/").content.decode()
    )
    # Known, not reported: no such note.
    assert Project(state="ongoing", end=datetime.date(2030, 1, 1)).state_label == "Ongoing"


def test_feeds_date_an_entry_by_its_own_date(client):
    make_publication(title="An old paper", date=datetime.date(2017, 4, 1), date_precision="month")
    feed = feedparser.parse(client.get("/catalogue/feed.atom?q=old+paper").content)
    [item] = feed.entries
    assert item.published_parsed[:3] == (2017, 4, 1)
    assert item.updated_parsed[0] == timezone.now().year  # when it changed here


def test_the_papers_reported_states_say_when(client):
    """The seed's states and stages are the paper's of February 2018."""
    for path, text in [
        ("/projects/cd4d-impact-evaluation/", "Ongoing, as reported in February 2018"),
        (
            "/publications/forced-migration-inequality/",
            "Under review, as reported in February 2018",
        ),
        (
            "/publications/addressing-xenophobia-report/",
            "In preparation, as reported in February 2018",
        ),
    ]:
        assert text in client.get(path).content.decode(), path
