"""What visitors and editors do, in a real browser (see conftest.py)."""

import os
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.factories import make_publication
from unumn.models import Institute, Theme

pytestmark = pytest.mark.django_db(transaction=True)


def query(page):
    return parse_qs(urlsplit(page.url).query)


def count(page):
    return int(page.locator("#result-count").inner_text().replace(",", ""))


# --- visitors ------------------------------------------------------------------


def test_home_institute_publication_related_event(page):
    page.goto("/")
    expect(page.locator("h1")).to_have_count(1)
    page.get_by_role("link", name="UNU-WIDER", exact=True).first.click()
    expect(page.locator("h1")).to_have_text("UNU-WIDER")
    page.get_by_role(
        "link", name="Migration Governance and Policy in the Global South"
    ).first.click()
    expect(page.locator("h1")).to_have_text("Migration Governance and Policy in the Global South")
    expect(page.get_by_text("Cite this")).to_be_visible()
    related = page.locator("#related-heading + ul")
    related.get_by_role("link", name=re.compile("WIDER Development Conference")).click()
    expect(page.locator("h1")).to_contain_text("WIDER Development Conference")
    expect(page.get_by_text("5–6 October 2017", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Add to your calendar (.ics)")).to_be_visible()


@pytest.fixture
def many(site):
    """Enough entries on two themes for a second page of results."""
    wider = Institute.objects.get(slug="unu-wider")
    merit = Institute.objects.get(slug="unu-merit")
    diaspora, integration = (
        Theme.objects.get(slug="diaspora"),
        Theme.objects.get(slug="integration"),
    )
    for i in range(60):
        make_publication(
            title=f"Migration working paper {i:02}",
            institutes=[wider if i % 2 else merit],
            themes=[diaspora if i % 3 else integration],
        )


def catalogue_flow(page, *, narrow=False):
    page.goto("/catalogue/")
    total = count(page)
    page.get_by_label("Search catalogue").fill("migration")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"q=migration"))
    searched = count(page)
    assert 0 < searched <= total

    if narrow:
        # On a phone the filters are folded away until asked for.
        panel = page.locator("[data-filters-panel]")
        expect(panel).not_to_have_attribute("open", "")
        panel.locator("summary").click()
    page.get_by_label(re.compile(r"^Diaspora")).check()
    expect(page).to_have_url(re.compile(r"theme=diaspora"))
    page.get_by_label(re.compile(r"^Integration")).check()
    expect(page).to_have_url(re.compile(r"theme=integration"))
    two_themes = count(page)
    page.get_by_label(re.compile(r"^UNU-WIDER")).check()
    expect(page).to_have_url(re.compile(r"institute=unu-wider"))
    narrowed = count(page)
    assert narrowed < two_themes
    assert query(page) == {
        "q": ["migration"],
        "theme": ["diaspora", "integration"],
        "institute": ["unu-wider"],
    }

    assert narrowed > 20, "enough results for a second page"
    page.get_by_role("link", name=re.compile("Next")).click()
    expect(page).to_have_url(re.compile(r"page=2"))
    assert query(page)["theme"] == ["diaspora", "integration"]
    assert query(page)["institute"] == ["unu-wider"]
    expect(page.locator("#results article")).to_have_count(min(20, narrowed - 20))

    page.get_by_role("link", name=re.compile(r"Theme: Integration")).click()
    expect(page).not_to_have_url(re.compile(r"theme=integration"))
    assert query(page)["theme"] == ["diaspora"]
    assert "page" not in query(page)

    page.locator(".chips").get_by_role("link", name="Clear all").click()
    expect(page).to_have_url(re.compile(r"/catalogue/$"))
    assert count(page) == total

    page.go_back()
    expect(page).to_have_url(re.compile(r"theme=diaspora"))
    expect(page.get_by_label(re.compile(r"^Diaspora"))).to_be_checked()
    assert query(page)["theme"] == ["diaspora"]


def test_catalogue_on_a_desktop(page, many):
    catalogue_flow(page)


def test_catalogue_on_a_phone(make_page, many):
    page = make_page(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True)
    catalogue_flow(page, narrow=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "the catalogue must not scroll sideways on a phone"


def test_catalogue_without_javascript(make_page, many):
    page = make_page(java_script_enabled=False)
    page.goto("/catalogue/")
    page.get_by_label(re.compile(r"^Diaspora")).check()
    page.get_by_label(re.compile(r"^UNU-WIDER")).check()
    page.get_by_role("button", name="Apply filters").click()
    assert query(page) == {"theme": ["diaspora"], "institute": ["unu-wider"]}
    cards = page.locator("#results article")
    assert cards.count() == min(20, count(page)) > 0
    for card in cards.all():
        expect(card).to_contain_text("UNU-WIDER")
        expect(card).to_contain_text("Diaspora")
    page.get_by_role("link", name=re.compile(r"Theme: Diaspora")).click()
    assert query(page) == {"institute": ["unu-wider"]}


# --- editors -------------------------------------------------------------------


PASSWORD = "a-long-test-password-1"


def make_editor(django_user_model, username, *grant):
    """A user signed up with ``PASSWORD`` and given a role: ``grant_editor``'s options."""
    from django.core.management import call_command

    django_user_model.objects.create_user(username, password=PASSWORD)
    with open(os.devnull, "w") as quiet:
        call_command("grant_editor", username, *grant, stdout=quiet)


def select2(page, field, text):
    """Pick ``text`` in the admin's autocomplete for ``field``."""
    page.locator(f".field-{field} .select2-selection").click()
    page.locator(".select2-search__field").last.fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_editor_writes_previews_publishes_and_finds_a_publication(page, django_user_model):
    # A reviewer of her institute: she may publish.
    make_editor(django_user_model, "amina", "--reviewer", "--institute", "unu-wider")

    page.goto("/admin/")
    page.get_by_label("Username").fill("amina")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#publications-publication")).to_be_visible()

    page.goto("/admin/publications/publication/add/")
    page.get_by_label("Title").fill("Remittance corridors between Ghana and Europe")
    page.locator("#id_summary").fill("A working paper on remittances sent home to Ghana.")
    # The form top to bottom: what it is, who wrote it, where it belongs.
    page.locator("#id_publication_type").select_option("working_paper")
    page.locator("#contributions-group .add-row a").click()
    expect(page.locator("#id_contributions-0-order")).to_have_value("1")  # numbered by JS
    page.locator(".dynamic-contributions .select2-selection").first.click()
    page.locator(".select2-search__field").last.fill("Gisselquist")
    page.locator(".select2-results__option", has_text="Gisselquist").first.click()
    select2(page, "institutes", "UNU-WIDER")
    select2(page, "themes", "Diaspora")
    page.locator("#id_status").select_option("draft")
    page.get_by_role("button", name="Save and view on site").click()

    # The draft opens as a preview only editors see.
    expect(page.locator("h1")).to_have_text("Remittance corridors between Ghana and Europe")
    expect(page.get_by_text("Draft — not public.")).to_be_visible()
    expect(page.get_by_text("Rachel M. Gisselquist")).to_be_visible()

    # Publish it, then find it in the catalogue like any visitor.
    page.goto("/admin/publications/publication/?q=remittance")
    expect(page.locator("#result_list")).to_contain_text("Draft")
    page.get_by_role("link", name="Remittance corridors between Ghana and Europe").click()
    page.locator("#id_status").select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.goto("/catalogue/?q=remittance+corridors")
    expect(page.locator("#results")).to_contain_text(
        "Remittance corridors between Ghana and Europe"
    )
    page.get_by_role("link", name="Remittance corridors between Ghana and Europe").click()
    expect(page.get_by_text("Draft — not public.")).to_have_count(0)


def test_catalogue_page_weight_is_under_200_kb(page, many, record_property):
    sizes = {}
    page.on("response", lambda response: sizes.__setitem__(response.url, len(response.body())))
    page.goto("/catalogue/")
    page.wait_for_load_state("networkidle")
    weight = sum(size for url, size in sizes.items() if not url.endswith((".png", ".svg", ".jpg")))
    record_property("catalogue_page_weight_kb", round(weight / 1024, 1))
    assert weight < 200 * 1024, f"{weight / 1024:.1f} KB"


def sign_in(make_page, username):
    page = make_page()
    page.goto("/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#publications-publication")).to_be_visible()
    return page


def test_editor_submits_reviewer_returns_with_a_note_then_publishes(make_page, django_user_model):
    from unumn.models import Entry

    make_editor(django_user_model, "amina", "--institute", "unu-wider")
    make_editor(django_user_model, "rosa", "--reviewer", "--institute", "unu-wider")
    title = "Diaspora bonds and return migration"
    entry = make_publication(
        title=title,
        status=Entry.Status.DRAFT,
        institutes=[Institute.objects.get(slug="unu-wider")],
    )
    change = f"/admin/publications/publication/{entry.pk}/change/"

    editor = sign_in(make_page, "amina")
    editor.goto(change)
    expect(editor.locator("#id_status option[value=published]")).to_have_count(1)
    editor.locator("#id_status").select_option("review")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator(".messagelist")).to_contain_text("was changed successfully")

    reviewer = sign_in(make_page, "rosa")
    queue = reviewer.locator("#review-queue")
    expect(queue).to_contain_text("Awaiting your review (1)")
    queue.get_by_role("link", name=title).click()
    reviewer.locator("#id_status").select_option("draft")
    reviewer.get_by_label("Note to the editors").fill("Add the year of the survey to the summary.")
    reviewer.get_by_role("button", name="Save", exact=True).click()
    expect(reviewer.locator(".messagelist")).to_contain_text("was changed successfully")

    editor.goto(change)
    expect(editor.locator(".messagelist")).to_contain_text("Add the year of the survey")
    editor.locator("#id_summary").fill("Survey of 2017: diaspora bonds and who returns.")
    # Publishing is not hers: the form says so and keeps her text.
    editor.locator("#id_status").select_option("published")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator(".errorlist")).to_contain_text("submit it for review")
    editor.locator("#id_status").select_option("review")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator(".messagelist")).to_contain_text("was changed successfully")

    reviewer.goto("/admin/")
    reviewer.locator("#review-queue").get_by_role("link", name=title).click()
    reviewer.locator("#id_status").select_option("published")
    reviewer.get_by_role("button", name="Save", exact=True).click()
    expect(reviewer.locator(".messagelist")).to_contain_text("was changed successfully")

    visitor = make_page()
    visitor.goto("/catalogue/?q=diaspora+bonds")
    expect(visitor.locator("#results")).to_contain_text(title)


def test_editor_orders_authors_by_dragging_and_by_keyboard(make_page, django_user_model):
    from tests.factories import make_person
    from unumn.models import Contribution

    make_editor(django_user_model, "amina", "--institute", "unu-wider")
    entry = make_publication(institutes=[Institute.objects.get(slug="unu-wider")])
    for order, family in enumerate(["Adeyemi", "Bauer", "Chen"], start=1):
        person = make_person(family_name=family)
        Contribution.objects.create(entry=entry, person=person, order=order)

    page = sign_in(make_page, "amina")
    page.goto(f"/admin/publications/publication/{entry.pk}/change/")
    # The people come right after what the entry is, before its summary.
    people = page.locator("#contributions-group")
    summary = page.locator("#id_summary")
    assert people.bounding_box()["y"] < summary.bounding_box()["y"]
    assert page.locator("#id_title").bounding_box()["y"] < people.bounding_box()["y"]

    rows = people.locator("tbody tr.has_original")
    rows.nth(2).locator(".ordered-inline-handle").drag_to(
        rows.nth(0), target_position={"x": 5, "y": 2}
    )
    expect(rows.nth(0)).to_contain_text("Chen")
    bauer = people.get_by_role("button", name="Move up: Given Bauer")
    bauer.press("Enter")  # by keyboard: Bauer above Adeyemi
    expect(people.locator(".ordered-inline-status")).to_have_text("Given Bauer: position 2 of 3.")
    expect(bauer).to_be_focused()
    rows.nth(0).get_by_role("button", name="Move up").press("Enter")
    expect(people.locator(".ordered-inline-status")).to_have_text("Given Chen is already first.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    names = entry.contributions.order_by("order").values_list("person__family_name", flat=True)
    assert list(names) == ["Chen", "Bauer", "Adeyemi"]


def test_editor_proposes_a_theme_network_editor_approves_it(make_page, django_user_model):
    make_editor(django_user_model, "amina", "--institute", "unu-wider")
    make_editor(django_user_model, "nadia", "--network")
    entry = make_publication(
        title="Climate and mobility", institutes=[Institute.objects.get(slug="unu-wider")]
    )
    change = f"/admin/publications/publication/{entry.pk}/change/"

    editor = sign_in(make_page, "amina")
    editor.goto(change)
    editor.get_by_label("Propose a new theme").fill("Climate mobility")
    editor.get_by_label("What the proposed theme covers").fill("Moves driven by climate.")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator(".messagelist")).to_contain_text("“Climate mobility” proposed")

    network = sign_in(make_page, "nadia")
    queue = network.locator("#theme-proposals")
    expect(queue).to_contain_text("Theme proposals awaiting your decision (1)")
    queue.get_by_role("link", name="Climate mobility").click()
    expect(network.get_by_role("link", name="Climate and mobility")).to_be_visible()
    network.get_by_label("Approve as a new theme").check()
    network.get_by_role("button", name="Save", exact=True).click()
    expect(network.locator(".messagelist")).to_contain_text("was changed successfully")

    editor.goto(change)
    expect(editor.locator(".field-themes")).to_contain_text("Climate mobility")
    expect(editor.locator(".field-propose_theme")).to_contain_text("Approved")
    editor.goto("/themes/climate-mobility/")
    expect(editor.locator("h1")).to_contain_text("Climate mobility")
