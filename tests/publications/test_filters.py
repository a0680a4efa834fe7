"""The publications list's own facets (``publications/filters.py``)."""

import pytest
from django.urls import reverse

from tests.catalogue import titles

pytestmark = pytest.mark.django_db


def test_publication_status_facet(client):
    # The paper: proposals accepted or under review, the articles under review (issue 13).
    response = client.get(reverse("publications:list"), {"publication_status": "under_review"})
    assert sorted(titles(response)) == [
        "Forced Migration and Inequality: National- and Local-level Factors Influencing "
        "Integration",
        "Migration Governance and Policy in the Global South",
        "Migration and Those Left Behind",
    ]
    response = client.get(reverse("publications:list"), {"publication_status": "accepted"})
    assert titles(response) == []
