"""The kind registry (``unumn/kinds.py``): a fourth kind that lives in ``tests/fourth_kind/``
only appears everywhere the three shipped kinds do, and the core names no kind."""

import ast
import io
import json
import random
import re
from pathlib import Path

import feedparser
import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from tests.fourth_kind.models import Dataset
from unumn import kinds
from unumn.management.commands.seed_benchmark import Command as SeedCommand
from unumn.models import Entry, Institute
from unumn.permissions import INSTITUTE_EDITORS, NETWORK_EDITORS

pytestmark = pytest.mark.django_db

CORE = Path(__file__).resolve().parents[2] / "unumn"
FEATURE_APPS = {"projects", "publications", "events"}
SLUG = "example-dataset-fourth-kind"


@pytest.fixture
def dataset(every_kind):
    return Dataset.objects.get(slug=SLUG)


def core_modules():
    return [path for path in CORE.rglob("*.py") if "migrations" not in path.parts]


def test_the_core_imports_no_feature_app():
    for path in core_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in FEATURE_APPS, f"{path}: imports {name}"


def test_the_core_names_no_kind():
    kind_names = {"project", "publication", "event"}
    literals = kind_names | {f"{name}s" for name in kind_names}
    for path in core_modules():
        if path.name == "settings.py":  # INSTALLED_APPS names the apps: that is its job
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert node.value not in literals, f"{path}:{node.lineno}: {node.value!r}"


def test_registry_follows_the_installed_apps():
    assert kinds.names() == ["project", "publication", "event", "dataset"]
    dataset = kinds.get("dataset")
    assert (dataset.label, dataset.label_plural) == ("Dataset", "Datasets")
    assert dataset.list_url == "/datasets/"
    assert kinds.for_model(Dataset) is dataset
    assert kinds.find("podcast") is None
    assert ("dataset", "Dataset") in kinds.choices()


def test_it_loads_from_its_own_table_of_a_content_file(dataset):
    assert (dataset.licence, dataset.data_format) == ("cc0", "CSV")
    assert (dataset.date.isoformat(), dataset.date_precision) == ("2017-10-01", "month")
    assert [i.slug for i in dataset.institutes.all()] == ["unu-wider"]
    assert Entry.objects.get(slug=SLUG).specific == dataset


def test_catalogue_counts_filters_and_searches_it(client, dataset):
    page = client.get("/catalogue/")
    kind_facet = next(f for f in page.context["facets"] if f.name == "kind")
    assert {o.value: o.count for o in kind_facet.options}["dataset"] == 1
    only = client.get("/catalogue/", {"kind": "dataset"})
    assert [e.slug for e in only.context["entries"]] == [SLUG]
    found = client.get("/catalogue/", {"q": "fourth kind"})
    assert SLUG in [e.slug for e in found.context["entries"]]


def test_its_list_has_its_own_facet(client, dataset):
    page = client.get("/datasets/")
    assert page.status_code == 200
    licence = next(f for f in page.context["facets"] if f.name == "licence")
    assert {o.value: o.count for o in licence.options} == {"cc0": 1}
    assert client.get("/datasets/", {"licence": "cc-by"}).context["total"] == 0
    assert client.get("/datasets/", {"licence": "cc0"}).context["total"] == 1


def test_its_page_json_ld_and_navigation(client, dataset):
    response = client.get(dataset.get_absolute_url())
    html = response.content.decode()
    assert "CC0 1.0" in html
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', html).group(1))
    assert data["@type"] == "Dataset"
    assert data["license"] == "CC0 1.0"
    assert '<a href="/datasets/">Datasets</a>' in html  # navigation and breadcrumbs
    css = client.get(reverse("kinds-css")).content.decode()
    assert ".kind-badge--dataset{background:#5b2a86}" in css


def test_sitemap_and_feeds(client, dataset):
    index = client.get("/sitemap.xml").content.decode()
    assert "/sitemap-datasets.xml" in index
    assert dataset.get_absolute_url() in client.get("/sitemap-datasets.xml").content.decode()
    feed = feedparser.parse(client.get("/catalogue/feed.atom", {"kind": "dataset"}).content)
    assert [e.title for e in feed.entries] == [dataset.title]


def test_admin_with_institute_scope(client, django_user_model, dataset):
    wider = django_user_model.objects.create_user("w", password="pw", is_staff=True)
    wider.groups.add(Group.objects.get(name=INSTITUTE_EDITORS))
    Institute.objects.get(slug="unu-wider").editors.add(wider)
    gcm = django_user_model.objects.create_user("g", password="pw", is_staff=True)
    gcm.groups.add(Group.objects.get(name=INSTITUTE_EDITORS))
    Institute.objects.get(slug="unu-gcm").editors.add(gcm)
    change = reverse("admin:datasets_dataset_change", args=[dataset.pk])
    client.force_login(wider)
    assert client.get(change).status_code == 200
    institutes = client.get(reverse("admin:datasets_dataset_add")).context["adminform"]
    choices = institutes.form.fields["institutes"].queryset
    assert list(choices.values_list("slug", flat=True)) == ["unu-wider"]
    client.force_login(gcm)
    assert client.get(change).status_code == 403
    assert (
        dataset.title
        not in client.get(reverse("admin:datasets_dataset_changelist")).content.decode()
    )


def test_network_editors_reach_it_through_the_all_entries_admin(client, django_user_model, dataset):
    editor = django_user_model.objects.create_user("n", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name=NETWORK_EDITORS))
    client.force_login(editor)
    response = client.get(reverse("admin:unumn_entry_change", args=[dataset.pk]))
    assert response["Location"] == reverse("admin:datasets_dataset_change", args=[dataset.pk])


def test_setup_roles_gives_every_kind_to_both_roles():
    out = io.StringIO()
    call_command("setup_roles", stdout=out)
    for name in (NETWORK_EDITORS, INSTITUTE_EDITORS):
        codenames = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert {"add_dataset", "change_dataset", "delete_dataset"} <= codenames


def test_benchmark_seeder_writes_its_rows():
    entries = Entry.objects.bulk_create(
        Entry(title=f"Seeded {i}", slug=f"seeded-{i}", kind="dataset") for i in range(3)
    )
    command = SeedCommand()
    command.rng = random.Random(1)
    command.make_kind_rows(entries)
    assert Dataset.objects.filter(slug__startswith="seeded-").count() == 3


def test_migrations_of_the_fourth_kind_are_complete():
    call_command("makemigrations", "datasets", check=True, dry_run=True, stdout=io.StringIO())
