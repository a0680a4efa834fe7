"""Fixtures of the core's tests: a small known catalogue, and editors with their drafts."""

import datetime

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper

from tests.editing import make_draft_with_links, make_user
from tests.factories import (
    make_draft,
    make_event,
    make_institute,
    make_project,
    make_publication,
    make_theme,
)
from unumn.models import Country, Entry, Institute
from unumn.permissions import INSTITUTE_EDITORS, NETWORK_EDITORS


@pytest.fixture
def known():
    """Four public entries (and a draft) with known themes, institutes, countries, years.

    e1 project      A   t1      GH         2017
    e2 publication  A   t1 t2   GH ET      2018
    e3 publication  B   t2      DE         2018
    e4 event        B   t3      -          2016
    draft           A   t1      GH         2018  (never shown or counted)
    """
    Entry.objects.all().delete()
    a, b = make_institute(slug="inst-a", acronym="A"), make_institute(slug="inst-b", acronym="B")
    t1, t2, t3 = (make_theme(slug=f"t{i}", name=f"Theme {i}") for i in (1, 2, 3))
    gh, et, de = (Country.objects.get(code=c) for c in ("GH", "ET", "DE"))

    def day(year):
        return datetime.date(year, 6, 1)

    return {
        "e1": make_project(
            title="Alpha", institutes=[a], themes=[t1], countries=[gh], start=day(2017)
        ),
        "e2": make_publication(
            title="Bravo", institutes=[a], themes=[t1, t2], countries=[gh, et], date=day(2018)
        ),
        "e3": make_publication(
            title="Charlie", institutes=[b], themes=[t2], countries=[de], date=day(2018)
        ),
        "e4": make_event(title="Delta", institutes=[b], themes=[t3], start_date=day(2016)),
        "draft": make_draft(
            title="Echo", institutes=[a], themes=[t1], countries=[gh], date=day(2018)
        ),
    }


@pytest.fixture
def users(django_user_model):
    return {
        "anonymous": None,
        "editor_a": make_user(django_user_model, "wider", INSTITUTE_EDITORS, ["unu-wider"]),
        "editor_b": make_user(django_user_model, "gcm", INSTITUTE_EDITORS, ["unu-gcm"]),
        "network": make_user(django_user_model, "network", NETWORK_EDITORS),
    }


@pytest.fixture
def entries():
    """A draft of each institute (A: UNU-WIDER, B: UNU-GCM)."""
    wider, gcm = Institute.objects.get(slug="unu-wider"), Institute.objects.get(slug="unu-gcm")
    return {
        "a": make_draft_with_links("A draft of WIDER", wider),
        "b": make_draft_with_links("A draft of GCM", gcm),
    }


def refuse_connection(wrapper):
    raise OperationalError("connection refused: is the server running?")


@pytest.fixture
def unreachable_database(monkeypatch):
    """Every query fails as it does when the database is down or restarting."""
    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse_connection)
