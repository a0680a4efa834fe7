"""The projects list's own facets (``projects/filters.py``)."""

import pytest
from django.urls import reverse

from tests.catalogue import titles

pytestmark = pytest.mark.django_db


def test_project_state_facet(client):
    response = client.get(reverse("projects:list"), {"state": "completed"})
    assert titles(response) == ["UNU Chairmanship of the Global Migration Group, 2017"]
