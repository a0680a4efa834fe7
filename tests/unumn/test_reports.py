"""Contribution reports (``unumn/reports.py``): the network's contribution to the
Sixteenth Coordination Meeting made again from the loaded content, checked against the
seed paper; periods, stages and drafts; freezing; who may see, edit and finalise."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from lxml import html as lxml_html

from tests.editing import client_for, make_user
from tests.factories import make_draft, make_event, make_project, make_publication
from unumn.models import Entry, Institute, Report
from unumn.permissions import INSTITUTE_EDITORS, NETWORK_EDITORS

pytestmark = pytest.mark.django_db

SLUG = "contribution-again"  # the loaded one is final: make it again under another name
PERIOD = ["--from", "2017-01-01", "--until", "2018-02-15"]

# What the seed paper names, under whom it names it.
NAMED = {
    "unu-mn": [
        "gmg-chairmanship-2017",
        "unu-panel-series-academic-thinking-migration",
        "panel-series-summary-report",
        "addressing-xenophobia-report",
    ],
    "unu-merit": [
        "cd4d-impact-evaluation",
        "congolese-refugees-rwanda",
        "unu-merit-capacity-building",
        "migration-management-diploma-programme",
        "mimak-kosovo",
        "icmpd-enigmma-mobilaze",
        "icmpd-summer-autumn-schools",
    ],
    "unu-wider": [
        "wider-development-conference-migration-mobility-2017",
        "migration-governance-global-south",
        "migration-those-left-behind",
        "forced-migration-inequality",
        "forced-migration-contributors-workshop-2017",
    ],
    "unu-gcm": ["migration-and-crises", "international-migration-international-security"],
}
UNFINISHED = {
    "migration-governance-global-south",
    "migration-those-left-behind",
    "forced-migration-inequality",
    "addressing-xenophobia-report",
}


def make(*options, slug=SLUG):
    call_command("make_report", slug, *PERIOD, *options, "--site", "http://testserver")
    return Report.objects.get(slug=slug)


def page(client, report):
    response = client.get(report.get_absolute_url())
    assert response.status_code == 200
    return lxml_html.fromstring(response.content)


def sections(tree):
    """``{institute slug: [listed entry slugs]}`` of a report page."""
    found = {}
    for section in tree.xpath('//section[contains(@class, "report__section")]'):
        slug = section.xpath("./h2/@id")[0].removeprefix("section-")
        links = section.xpath('.//li[contains(@class, "report-item")]/h4/a/@href')
        found[slug] = [link.rstrip("/").rsplit("/", 1)[-1] for link in links]
    return found


def text(tree):
    return " ".join(tree.text_content().split())


@pytest.fixture
def network_editor(django_user_model):
    return make_user(django_user_model, "network", NETWORK_EDITORS)


@pytest.mark.parametrize("loaded", [True, False], ids=["as loaded", "made again"])
def test_the_networks_contribution_lists_what_the_paper_names_under_its_institute(loaded):
    if loaded:  # by load_network_content, from the content data file
        report = Report.objects.get(slug="network-contribution-2018")
        assert report.is_final and report.introduction.startswith("This document is")
    else:
        report = make("--include-unfinished", "--finalise")
    tree = page(client_for(None), report)
    listed = sections(tree)
    assert list(listed)[:4] == ["unu-mn", "unu-merit", "unu-wider", "unu-gcm"]
    for institute, slugs in NAMED.items():
        assert set(slugs) <= set(listed[institute]), institute
    every = [slug for slugs in listed.values() for slug in slugs]
    assert len(every) == len(set(every))  # each entry once
    said = text(tree)
    for figure in (
        "6 countries: Afghanistan, Ethiopia, Ghana, Morocco, Sierra Leone, Somalia",
        "3.5 years",
        "221 participants",
        "5–6 October 2017",
        "Commissioned by: International Organization for Migration",
        "Funded by: Dutch Ministry of Foreign Affairs",
        "Under review, as reported in February 2018",
        "In preparation, as reported in February 2018",
        "Publications still in preparation or under review are included",
    ):
        assert figure in said, figure
    # The counts and the bibliography (APA) follow the sections.
    counts = tree.xpath('//section[contains(@class, "report__counts")]//tfoot//td')
    assert int(counts[-1].text) == len(every)
    references = tree.xpath('//section[contains(@class, "report__bibliography")]//li')
    assert any("Bello, V., & Bloom, T. (Eds.). (2017)" in r.text_content() for r in references)


def test_a_report_leaves_out_work_not_yet_done_unless_asked(network_editor):
    report = make()
    listed = {
        s for slugs in sections(page(client_for(network_editor), report)).values() for s in slugs
    }
    assert not listed & UNFINISHED
    assert "cd4d-impact-evaluation" in listed
    assert "not included" in text(page(client_for(network_editor), report))


def test_only_public_entries_in_the_period(network_editor):
    wider = Institute.objects.get(slug="unu-wider")
    inside = make_event(title="Inside", start_date=datetime.date(2017, 6, 1), institutes=[wider])
    before = make_event(title="Before", start_date=datetime.date(2016, 12, 31), institutes=[wider])
    after = make_publication(
        title="After", date=datetime.date(2018, 3, 1), date_precision="month", institutes=[wider]
    )
    running = make_project(
        title="Running", start=datetime.date(2015, 1, 1), state="ongoing", institutes=[wider]
    )
    draft = make_draft(title="Draft", date=datetime.date(2017, 6, 1), institutes=[wider])
    undated = make_publication(title="Undated", institutes=[wider])
    report = make()
    listed = sections(page(client_for(network_editor), report))["unu-wider"]
    assert inside.slug in listed and running.slug in listed and undated.slug in listed
    assert before.slug not in listed and after.slug not in listed and draft.slug not in listed
    without_undated = make("--exclude-undated", slug="dated-only")
    listed = sections(page(client_for(network_editor), without_undated))["unu-wider"]
    assert undated.slug not in listed and inside.slug in listed


def test_a_report_of_some_institutes_and_a_selection(network_editor):
    report = make("--institute", "unu-gcm", "--selection", "kind=publication")
    listed = sections(page(client_for(network_editor), report))
    assert set(listed["unu-gcm"]) == set(NAMED["unu-gcm"])
    # The contribution paper is the network's and UNU-GCM's: listed under the network.
    assert listed == {**listed, "unu-mn": ["unu-contribution-sixteenth-coordination-meeting"]}
    assert set(listed) == {"unu-mn", "unu-gcm"}


def test_a_final_report_does_not_change_when_its_entries_do(client, network_editor):
    report = make("--include-unfinished", "--finalise")
    before = client.get(report.get_absolute_url()).content
    entry = Entry.objects.get(slug="cd4d-impact-evaluation")
    entry.title = "A new title"
    entry.summary = "A new summary."
    entry.save()
    Entry.objects.get(slug="migration-and-crises").delete()
    after = client.get(report.get_absolute_url()).content.decode()
    assert "Impact Evaluation of Connecting Diaspora for Development" in after
    assert "A new title" not in after and "Migration and crises" in after
    assert client.get(report.get_absolute_url()).content == before
    # The next report starts from it and is made from the catalogue as it is now.
    draft = Report.objects.get(pk=call_next(report).pk)
    assert draft.based_on == report and draft.period_start == datetime.date(2018, 2, 16)
    draft.period_start = datetime.date(2017, 1, 1)
    draft.save()
    assert (
        "A new title" in client_for(network_editor).get(draft.get_absolute_url()).content.decode()
    )


def call_next(report):
    from unumn import reports

    return reports.next_draft(report)


def test_a_draft_is_seen_by_its_editors_only(client, django_user_model, network_editor):
    report = make("--institute", "unu-wider")
    assert client.get(report.get_absolute_url()).status_code == 404
    assert client.get(reverse("reports")).content.decode().count(report.title) == 0
    wider = make_user(django_user_model, "wider", INSTITUTE_EDITORS, ["unu-wider"])
    gcm = make_user(django_user_model, "gcm", INSTITUTE_EDITORS, ["unu-gcm"])
    assert client_for(wider).get(report.get_absolute_url()).status_code == 200
    assert client_for(gcm).get(report.get_absolute_url()).status_code == 404
    network_wide = make(slug="network-wide")
    assert client_for(wider).get(network_wide.get_absolute_url()).status_code == 404
    assert client_for(network_editor).get(network_wide.get_absolute_url()).status_code == 200
    call_command("make_report", "network-wide", *PERIOD, "--finalise")
    listing = client.get(reverse("reports")).content.decode()
    assert "network-wide" in listing and report.get_absolute_url() not in listing


def admin_form(**changes):
    data = {
        "title": "WIDER's contribution",
        "slug": "wider-contribution",
        "audience": "",
        "introduction": "",
        "selection": "",
        "institutes": [Institute.objects.get(slug="unu-wider").pk],
        "period_start": "2017-01-01",
        "period_end": "2018-02-15",
        "include_undated": "on",
        "citation_style": "apa",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_institute_editors_make_reports_of_their_institutes_only(django_user_model):
    wider = client_for(make_user(django_user_model, "wider", INSTITUTE_EDITORS, ["unu-wider"]))
    add = reverse("admin:unumn_report_add")
    gcm = Institute.objects.get(slug="unu-gcm").pk
    response = wider.post(add, admin_form(institutes=[gcm]))
    assert response.status_code == 200 and not made()
    response = wider.post(add, admin_form(institutes=None))
    assert response.status_code == 200 and not made()
    response = wider.post(add, admin_form())
    assert response.status_code == 302
    report = made().get()
    # Finalising publishes: only a reviewer of its institutes (or a network editor).
    changelist = reverse("admin:unumn_report_changelist")
    wider.post(changelist, {"action": "finalise", "_selected_action": [report.pk]})
    report.refresh_from_db()
    assert not report.is_final
    Institute.objects.get(slug="unu-wider").reviewers.add(report_user("wider"))
    wider.post(changelist, {"action": "finalise", "_selected_action": [report.pk]})
    report.refresh_from_db()
    assert report.is_final
    # A final report is read, not edited.
    change = reverse("admin:unumn_report_change", args=[report.pk])
    wider.post(change, admin_form(title="Changed"))
    report.refresh_from_db()
    assert report.title == "WIDER's contribution"


def made():
    return Report.objects.filter(slug="wider-contribution")


def report_user(username):
    from django.contrib.auth.models import User

    return User.objects.get(username=username)


def test_an_editor_does_not_see_other_institutes_reports(django_user_model, network_editor):
    others = make("--institute", "unu-gcm", slug="gcm-report")
    wider = client_for(make_user(django_user_model, "wider", INSTITUTE_EDITORS, ["unu-wider"]))
    assert wider.get(reverse("admin:unumn_report_change", args=[others.pk])).status_code in {
        302,
        404,
    }
    listing = wider.get(reverse("admin:unumn_report_changelist")).content.decode()
    assert "gcm-report" not in listing


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"selection": "nope=1"}, "selection"),
        ({"selection": "theme=no-such-theme"}, "selection"),
        ({"selection": "year_from=abc"}, "selection"),
        ({"period_start": "2019-01-01"}, "period_end"),
        ({"citation_style": "mla"}, "citation_style"),
        ({"slug": "not a slug"}, "slug"),
    ],
)
def test_a_bad_report_form_is_answered_with_its_error(network_editor, changes, field):
    response = client_for(network_editor).post(
        reverse("admin:unumn_report_add"), admin_form(**changes)
    )
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not made()


def test_a_report_costs_a_fixed_number_of_queries(network_editor):
    from unumn import reports

    def counted():
        reports.render_body(report)  # the first after a change reads the vocabulary once
        with CaptureQueriesContext(connection) as queries:
            made = reports.render_body(report)
        return len(queries), made.count('class="report-item"')

    report = make("--include-unfinished")
    small, small_items = counted()
    wider = Institute.objects.get(slug="unu-wider")
    for n in range(15):
        make_event(title=f"Event {n}", start_date=datetime.date(2017, 5, n + 1), institutes=[wider])
        make_publication(
            title=f"Paper {n}", date=datetime.date(2017, 5, 1), date_precision="month",
            institutes=[wider],
        )  # fmt: skip
    large, large_items = counted()
    assert large_items == small_items + 30
    assert large == small <= 30


def test_the_sitemap_lists_final_reports_only(client):
    make("--institute", "unu-wider", slug="a-draft")
    sitemap = client.get(reverse("sitemap-section", args=["pages"])).content.decode()
    assert "/reports/network-contribution-2018/</loc><lastmod>" in sitemap
    assert "/reports/</loc>" in sitemap
    assert "/reports/a-draft/" not in sitemap


def test_a_final_report_is_taken_down_only_by_who_may_publish_it(django_user_model):
    from django.contrib.auth.models import User

    report = make("--institute", "unu-wider", "--finalise", slug="wider-final")
    editor = make_user(django_user_model, "wider", INSTITUTE_EDITORS, ["unu-wider"])
    wider = client_for(editor)
    delete = reverse("admin:unumn_report_delete", args=[report.pk])
    assert wider.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:unumn_report_changelist")
    wider.post(changelist, {"action": "delete_selected", "_selected_action": [report.pk],
                            "post": "yes"})  # fmt: skip
    assert Report.objects.filter(pk=report.pk).exists()
    Institute.objects.get(slug="unu-wider").reviewers.add(User.objects.get(username="wider"))
    assert client_for(editor).post(delete, {"post": "yes"}).status_code == 302
    assert not Report.objects.filter(pk=report.pk).exists()


def test_the_next_draft_of_a_report_with_the_longest_title_and_slug():
    from unumn import reports

    report = make("--finalise", slug="x" * 120)
    report.title = "T" * 300
    report.save()
    draft = reports.next_draft(report)
    draft.full_clean()
    assert draft.title.endswith(" (next)") and len(draft.slug) <= 120
    assert reports.next_draft(report).slug != draft.slug


def test_making_a_draft_again_keeps_what_is_not_given(network_editor):
    report = make("--selection", "kind=publication", "--institute", "unu-gcm", "--style",
                  "chicago", slug="again")  # fmt: skip
    again = make(slug="again")
    assert again.pk == report.pk and again.selection == "kind=publication"
    assert again.citation_style == "chicago"
    assert [i.slug for i in again.institutes.all()] == ["unu-gcm"]


def test_a_file_being_made_is_not_made_twice(client):
    from django.core.cache import cache

    report = Report.objects.get(slug="network-contribution-2018")
    site = "http://testserver"
    key = f"report-file:{report.pk}:{report.finalised_at.timestamp()}:docx:{site}"
    cache.add(f"{key}:making", True, 60)
    response = client.get(reverse("report-file", args=[report.slug, "docx"]))
    assert response.status_code == 503 and response["Retry-After"] == "60"
    cache.delete(f"{key}:making")
    assert client.get(reverse("report-file", args=[report.slug, "docx"])).status_code == 200
