"""Projects (``projects/models.py``): dates in order, the duration in words."""

import datetime

import pytest

from projects.models import Project
from tests.assertions import assert_integrity_error
from tests.factories import make_project

pytestmark = pytest.mark.django_db


class TestConstraints:
    def test_project_end_not_before_start(self):
        project = make_project()
        assert_integrity_error(
            lambda: Project.objects.filter(pk=project.pk).update(
                start=datetime.date(2018, 1, 1), end=datetime.date(2017, 1, 1)
            )
        )


class TestEntry:
    def test_duration_label(self):
        assert make_project(duration_months=42).duration_label == "3.5 years"
        assert make_project(duration_months=12).duration_label == "1 year"
        assert make_project(duration_months=7).duration_label == "7 months"
