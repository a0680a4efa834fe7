"""``manage.py check`` (``unumn/checks.py``): a kind that is not registered, or that lacks a
piece the site needs, is a check error, never a visitor's 500."""

import dataclasses
import io

import pytest
from django.contrib import admin
from django.core.management import call_command

from tests.fourth_kind.models import Dataset
from tests.fourth_kind.views import DatasetListView
from unumn import kinds
from unumn.checks import check_kinds


@pytest.fixture
def replace_dataset_kind():
    """Register a changed copy of the fourth kind for one test."""
    original = kinds.get("dataset")

    def replace(**changes):
        kinds.register(dataclasses.replace(original, **changes))

    yield replace
    kinds.register(original)


def ids():
    return sorted({error.id for error in check_kinds()})


def test_the_site_passes():
    call_command("check", stdout=io.StringIO())
    assert check_kinds() == []


def test_an_unregistered_entry_subclass():
    original = kinds.get("dataset")
    kinds.unregister("dataset")
    try:
        errors = check_kinds()
    finally:
        kinds.register(original)
    assert [(e.id, e.obj) for e in errors] == [("unumn.E001", Dataset)]


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"filterset": object}, "unumn.E003"),
        ({"json_ld": None}, "unumn.E004"),
        ({"benchmark": "not callable"}, "unumn.E004"),
        ({"content": None}, "unumn.E005"),
        ({"namespace": "no-such-namespace"}, "unumn.E007"),
        (
            {"exports": (kinds.SelectionExport("Its data", (("CSV", "no:such-url", ()),)),)},
            "unumn.E009",
        ),
    ],
)
def test_a_kind_missing_a_piece(replace_dataset_kind, changes, error):
    replace_dataset_kind(**changes)
    assert ids() == [error]


def test_a_kind_without_its_admin(monkeypatch):
    monkeypatch.delitem(admin.site._registry, Dataset)
    assert ids() == ["unumn.E006"]


def test_a_kind_without_its_template(monkeypatch):
    monkeypatch.setattr(DatasetListView, "template_name", "datasets/no_such_template.html")
    assert ids() == ["unumn.E008"]


def test_a_kind_with_a_malformed_name(monkeypatch):
    monkeypatch.setattr(Dataset, "KIND", "Data Set")
    original = kinds.get("dataset")
    kinds.unregister("dataset")
    kinds.register(original)  # now registered under its malformed name
    try:
        assert "unumn.E002" in ids()
    finally:
        kinds.unregister("Data Set")
        monkeypatch.undo()
        kinds.register(original)
