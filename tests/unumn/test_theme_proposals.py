"""Theme governance: an editor proposes a theme from an entry's form; a network editor
approves it (as a new theme or as an existing one) or rejects it with a reason; the
proposer is told, and sees the decision on the entry's form. And the entry form's order:
what it is, who wrote it (moved in order), what it says, where it belongs, publishing."""

import pytest
from django.urls import reverse
from reversion.models import Version

from tests.editing import client_for, make_draft_with_links, post_change, url
from unumn import history
from unumn.models import Institute, Theme, ThemeProposal
from unumn.services import (
    theme_proposal_approve,
    theme_proposal_create,
    theme_proposal_edit,
    theme_proposal_reject,
)

pytestmark = pytest.mark.django_db

PROPOSAL_LIST = reverse("admin:unumn_themeproposal_changelist")


def change_url(proposal):
    return reverse("admin:unumn_themeproposal_change", args=[proposal.pk])


def propose(client, entry, name="Climate mobility", description="Moves driven by climate."):
    return post_change(client, entry, propose_theme=name, propose_theme_description=description)


@pytest.fixture
def proposed(users, entries, django_capture_on_commit_callbacks):
    """UNU-WIDER's editor proposed "Climate mobility" for their draft."""
    with django_capture_on_commit_callbacks(execute=True):
        response = propose(client_for(users["editor_a"]), entries["a"])
    assert response.status_code == 302
    return ThemeProposal.objects.get()


def test_an_editor_proposes_a_theme_from_the_entry_form(proposed, users, entries, mailoutbox):
    assert proposed.status == ThemeProposal.Status.PENDING
    assert proposed.proposed_by == users["editor_a"]
    assert list(proposed.entries.all()) == [entries["a"].entry_ptr]
    assert proposed.description == "Moves driven by climate."
    # The network editors hear of it, once.
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["network@unu.edu"], "Theme proposed: Climate mobility")
    ]
    assert change_url(proposed) in mailoutbox[0].body
    # The entry does not have the theme yet; its form says what was proposed.
    assert not entries["a"].themes.filter(name="Climate mobility").exists()
    page = client_for(users["editor_a"]).get(url("change", entries["a"].pk)).content.decode()
    assert "“Climate mobility” (Awaiting a decision)" in page


@pytest.mark.parametrize(
    "name, description, field, error",
    [
        ("diaspora", "…", "propose_theme", "There is already a theme “Diaspora”"),
        ("  DIASPÖRA ", "…", "propose_theme", "There is already a theme “Diaspora”"),
        ("Climate mobility", "", "propose_theme_description", "This field cannot be blank"),
        ("!!!", "Signs only.", "propose_theme", "needs letters or digits"),
        ("x" * 101, "Too long.", "propose_theme", "at most 100 characters"),
    ],
)
def test_a_bad_proposal_is_a_form_error_and_saves_nothing(
    users, entries, name, description, field, error
):
    before = entries["a"].title
    response = post_change(
        client_for(users["editor_a"]),
        entries["a"],
        title="Changed meanwhile",
        propose_theme=name,
        propose_theme_description=description,
    )
    assert response.status_code == 200
    assert any(error in message for message in response.context["adminform"].form.errors[field])
    assert not ThemeProposal.objects.exists()
    entries["a"].refresh_from_db()
    assert entries["a"].title == before


def test_the_same_name_proposed_again_joins_the_proposal(
    proposed, users, entries, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        propose(client_for(users["editor_b"]), entries["b"], name="climate  MOBILITY")
    assert ThemeProposal.objects.count() == 1
    assert set(proposed.entries.all()) == {entries["a"].entry_ptr, entries["b"].entry_ptr}
    assert len(mailoutbox) == 1  # no second mail to the network editors


def test_approving_as_a_new_theme_gives_it_to_the_entries(
    proposed, users, entries, mailoutbox, django_capture_on_commit_callbacks
):
    network = client_for(users["network"])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = network.post(
            change_url(proposed),
            {
                "name": "Climate mobility",
                "description": "Moves driven by climate.",
                "decision": "new",
            },
        )
    assert response.status_code == 302
    proposed.refresh_from_db()
    theme = Theme.objects.get(name="Climate mobility")
    assert (proposed.status, proposed.theme, proposed.decided_by) == (
        ThemeProposal.Status.APPROVED,
        theme,
        users["network"],
    )
    assert theme.slug == "climate-mobility"
    assert theme.description == "Moves driven by climate."
    assert entries["a"].themes.filter(pk=theme.pk).exists()
    latest = Version.objects.get_for_object(entries["a"]).first()
    assert latest.revision.comment == "Theme “Climate mobility” added (proposal approved)."
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["wider@unu.edu"], "Theme proposal approved: Climate mobility")
    ]
    assert "/themes/climate-mobility/" in mailoutbox[0].body
    # The theme page lists the entry once it is public; the proposer sees the decision.
    page = client_for(users["editor_a"]).get(url("change", entries["a"].pk)).content.decode()
    assert "“Climate mobility” (Approved as “Climate mobility”)" in page


def test_a_network_editor_may_correct_the_name_before_approving(proposed, users):
    client_for(users["network"]).post(
        change_url(proposed),
        {"name": "Climate-related mobility", "description": "Edited.", "decision": "new"},
    )
    theme = Theme.objects.get(slug="climate-related-mobility")
    assert theme.description == "Edited."
    assert entries_with(theme) == {"A draft of WIDER"}


def entries_with(theme):
    return set(theme.themed_entries.values_list("content_object__title", flat=True))


def test_approving_as_an_existing_theme(proposed, users):
    diaspora = Theme.objects.get(slug="diaspora")
    count = Theme.objects.count()
    network = client_for(users["network"])
    response = network.post(
        change_url(proposed),
        {"name": "Climate mobility", "description": "…", "decision": "existing"},
    )
    assert "Choose the theme to approve it as." in response.content.decode()
    network.post(
        change_url(proposed),
        {
            "name": "Climate mobility",
            "description": "…",
            "decision": "existing",
            "existing_theme": diaspora.pk,
        },
    )
    proposed.refresh_from_db()
    assert proposed.theme == diaspora
    assert Theme.objects.count() == count
    assert "A draft of WIDER" in entries_with(diaspora)


def test_a_new_theme_whose_name_exists_by_then_is_refused(proposed, users):
    Theme.objects.create(name="Climate Mobility", slug="climate-mobility-2")
    response = client_for(users["network"]).post(
        change_url(proposed), {"name": "Climate mobility", "description": "…", "decision": "new"}
    )
    assert response.status_code == 200
    assert "approve it as that one" in response.content.decode()
    assert ThemeProposal.objects.get().status == ThemeProposal.Status.PENDING


def test_rejecting_says_why_and_tells_the_proposer(
    proposed, users, entries, mailoutbox, django_capture_on_commit_callbacks
):
    network = client_for(users["network"])
    data = {"name": "Climate mobility", "description": "…", "decision": "reject"}
    response = network.post(change_url(proposed), data)
    assert "Say why" in response.content.decode()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        network.post(change_url(proposed), {**data, "note": "Use Environment and migration."})
    proposed.refresh_from_db()
    assert proposed.status == ThemeProposal.Status.REJECTED
    assert not Theme.objects.filter(name="Climate mobility").exists()
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["wider@unu.edu"], "Theme proposal rejected: Climate mobility")
    ]
    assert "Use Environment and migration." in mailoutbox[0].body
    page = client_for(users["editor_a"]).get(url("change", entries["a"].pk)).content.decode()
    assert "(Rejected: Use Environment and migration.)" in page


def test_only_network_editors_decide(proposed, users):
    editor = client_for(users["editor_a"])
    data = {"name": "Climate mobility", "description": "…", "decision": "new"}
    assert editor.post(change_url(proposed), data).status_code == 403
    assert editor.post(
        PROPOSAL_LIST, {"action": "approve_as_new", "_selected_action": [proposed.pk]}
    ).status_code in (200, 302)
    proposed.refresh_from_db()
    assert proposed.status == ThemeProposal.Status.PENDING
    assert not Theme.objects.filter(name="Climate mobility").exists()
    # They see their proposal, read-only, with what became of it.
    page = editor.get(change_url(proposed))
    assert page.status_code == 200
    assert b'name="decision"' not in page.content
    assert editor.get(reverse("admin:unumn_themeproposal_add")).status_code == 403


def test_a_decided_proposal_cannot_be_decided_again(proposed, users):
    theme_proposal_reject(proposal=proposed, user=users["network"], note="No.")
    network = client_for(users["network"])
    response = network.post(
        change_url(proposed), {"name": "Climate mobility", "description": "…", "decision": "new"}
    )
    assert response.status_code == 403
    assert not Theme.objects.filter(name="Climate mobility").exists()
    with pytest.raises(ValueError, match="decided on meanwhile"):
        theme_proposal_approve(proposal=proposed, user=users["network"])


def test_who_sees_which_proposals(proposed, users, entries, django_user_model):
    other = theme_proposal_create(
        name="Statelessness", description="…", entry=entries["b"], user=users["editor_b"]
    )
    seen = {
        actor: set(
            client_for(users[actor])
            .get(PROPOSAL_LIST)
            .context["cl"]
            .queryset.values_list("name", flat=True)
        )
        for actor in ("editor_a", "editor_b", "network")
    }
    assert seen == {
        "editor_a": {"Climate mobility"},
        "editor_b": {"Statelessness"},
        "network": {"Climate mobility", "Statelessness"},
    }
    response = client_for(users["editor_a"]).get(change_url(other))
    assert response.status_code == 302  # as if it did not exist, like any object out of scope


def test_a_joined_proposal_names_only_entries_the_viewer_may_see(proposed, users, entries):
    proposed.entries.add(entries["b"])  # GCM's draft: not WIDER's to see
    page = client_for(users["editor_a"]).get(change_url(proposed)).content.decode()
    assert "A draft of WIDER" in page
    assert "A draft of GCM" not in page
    assert history.HIDDEN_ENTRY in page
    page = client_for(users["network"]).get(change_url(proposed)).content.decode()
    assert "A draft of GCM" in page


def test_the_admin_index_lists_proposals_for_network_editors(proposed, users):
    page = client_for(users["network"]).get(reverse("admin:index")).content.decode()
    assert "Theme proposals awaiting your decision (1)" in page
    assert change_url(proposed) in page
    page = client_for(users["editor_a"]).get(reverse("admin:index")).content.decode()
    assert "Theme proposals awaiting your decision" not in page


def test_bulk_approve_skips_names_taken_and_there_is_no_bulk_reject(users, entries):
    wider = Institute.objects.get(slug="unu-wider")
    entry = make_draft_with_links("Another WIDER draft", wider)
    first = theme_proposal_create(name="Heat", description="…", entry=entries["a"])
    second = theme_proposal_create(name="Cold", description="…", entry=entry)
    Theme.objects.create(name="COLD", slug="cold-theme")
    network = client_for(users["network"])
    response = network.post(
        PROPOSAL_LIST,
        {"action": "approve_as_new", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    assert "Not approved: Cold" in response.content.decode()
    first.refresh_from_db(), second.refresh_from_db()
    assert first.status == ThemeProposal.Status.APPROVED
    assert second.status == ThemeProposal.Status.PENDING
    # A rejection says why: one at a time, on the proposal's page.
    network.post(PROPOSAL_LIST, {"action": "reject", "_selected_action": [second.pk]})
    second.refresh_from_db()
    assert second.status == ThemeProposal.Status.PENDING


def test_a_decision_taken_meanwhile_is_never_overwritten(proposed, users):
    """Two network editors open the proposal; one rejects it; the other's approval (or
    mere correction) then changes nothing and says so."""
    network = client_for(users["network"])
    form = {"name": "Climate mobility", "description": "…", "decision": "new"}
    theme_proposal_reject(proposal=proposed, user=users["network"], note="No.")
    stale = ThemeProposal.objects.get(pk=proposed.pk)
    stale.status = ThemeProposal.Status.PENDING  # what the other editor's page still shows
    with pytest.raises(ValueError, match="decided on meanwhile"):
        theme_proposal_approve(proposal=stale, user=users["network"])
    with pytest.raises(ValueError, match="decided on meanwhile"):
        theme_proposal_edit(proposal=stale, name="Renamed", description="…", note="")
    assert network.post(change_url(proposed), form).status_code == 403  # decided: read-only
    proposed.refresh_from_db()
    assert (proposed.status, proposed.name, proposed.theme) == (
        ThemeProposal.Status.REJECTED,
        "Climate mobility",
        None,
    )
    assert not Theme.objects.filter(name="Climate mobility").exists()


def test_markup_in_a_proposal_is_shown_as_text(users, entries):
    """A name or a reason is text: on the entry's form it cannot add a field (say a
    hidden "featured") that the next reviewer's save would send."""
    forged = '<input type="hidden" name="featured" value="on">'
    theme_proposal_create(name=f"Trap {forged}", description="…", entry=entries["a"])
    page = client_for(users["network"]).get(url("change", entries["a"].pk)).content.decode()
    assert forged not in page
    assert "Trap &lt;input" in page


def test_a_name_with_a_line_break_is_one_line(
    users, entries, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = theme_proposal_create(
            name="Climate\r\nmobility", description="…", entry=entries["a"], user=users["editor_a"]
        )
    assert proposal.name == "Climate mobility"
    assert mailoutbox[0].subject == "Theme proposed: Climate mobility"


def test_a_long_name_gets_a_free_slug_within_its_length(users, entries):
    from unumn.models import ThemeRedirect

    name = "Migration " * 9 + "and more"  # 98 characters
    slug = Theme(name=name).slugify(name)
    ThemeRedirect.objects.create(old_slug=slug, theme=Theme.objects.get(slug="diaspora"))
    proposal = theme_proposal_create(name=name, description="…", entry=entries["a"])
    theme = theme_proposal_approve(proposal=proposal, user=users["network"])
    assert len(theme.slug) <= 100 and theme.slug.endswith("_1")


def test_the_decision_is_mailed_to_the_editors_of_its_entries_not_to_the_inactive(
    proposed, users, entries, mailoutbox, django_capture_on_commit_callbacks
):
    proposed.entries.add(entries["b"])  # GCM's editor joined the proposal
    users["editor_a"].is_active = False
    users["editor_a"].save()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        theme_proposal_reject(proposal=proposed, user=users["network"], note="Too narrow.")
    assert [m.to for m in mailoutbox] == [["gcm@unu.edu"]]


def test_proposals_change_nothing_public(proposed, users):
    """The content version, the key of every kept page, stays as it is."""
    from unumn.models import ContentVersion

    before = ContentVersion.objects.get(pk=1).number
    theme_proposal_edit(proposal=proposed, name="Climate mobility", description="Edited.", note="")
    theme_proposal_reject(proposal=proposed, user=users["network"], note="No.")
    assert ContentVersion.objects.get(pk=1).number == before


def test_merging_the_theme_a_proposal_became_keeps_what_it_became(proposed, users):
    from unumn.services import themes_merge

    theme = theme_proposal_approve(proposal=proposed, user=users["network"])
    target = Theme.objects.get(slug="diaspora")
    themes_merge(source=theme, target=target)
    proposed.refresh_from_db()
    assert proposed.theme == target


def test_a_new_theme_never_takes_a_merged_themes_address(users, entries):
    from unumn.models import ThemeRedirect

    ThemeRedirect.objects.create(old_slug="heat", theme=Theme.objects.get(slug="diaspora"))
    proposal = theme_proposal_create(name="Heat", description="…", entry=entries["a"])
    theme = theme_proposal_approve(proposal=proposal, user=users["network"])
    assert theme.slug == "heat_1"


# --- the entry form's order ----------------------------------------------------------


def test_the_entry_form_follows_the_task(users, entries):
    page = client_for(users["editor_a"]).get(url("change", entries["a"].pk)).content.decode()
    order = [
        'id="id_title"',
        'id="id_publication_type"',
        'id="contributions-group"',
        'id="id_summary"',
        'id="id_institutes"',
        'id="involvements-group"',
        'id="id_related"',
        'id="id_status"',
    ]
    positions = [page.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert page.count('id="contributions-group"') == 1  # placed once, not again at the end
    assert "unumn/admin/ordered-inline.js" in page


def test_people_keep_the_order_given_by_their_numbers(users, entries):
    """Without JavaScript, the numbers decide the order (what the drag-and-drop sets)."""
    from unumn.models import Person

    entry = entries["a"]
    second = Person.objects.exclude(slug="finn-tarp").first()
    response = post_change(
        client_for(users["editor_a"]),
        entry,
        **{
            "contributions-TOTAL_FORMS": "2",
            "contributions-0-order": "2",
            "contributions-1-order": "1",
            "contributions-1-person": str(second.pk),
            "contributions-1-role": "author",
        },
    )
    assert response.status_code == 302
    names = list(entry.contributions.values_list("person__slug", flat=True))
    assert names == [second.slug, "finn-tarp"]


def test_two_editors_proposing_one_name_at_once_share_one_proposal(users, entries, monkeypatch):
    """The second editor's look-up ran before the first proposal was committed: the
    database's constraint catches it, and the second joins the first."""
    from unumn import services

    first = theme_proposal_create(name="Heat", description="…", entry=entries["a"])
    real, looked_up = services.same_folded, []

    def before_the_first_committed(name, candidates):
        looked_up.append(name)
        return None if len(looked_up) == 1 else real(name, candidates)

    monkeypatch.setattr(services, "same_folded", before_the_first_committed)
    second = theme_proposal_create(name="heat", description="…", entry=entries["b"])
    assert second == first
    assert ThemeProposal.objects.count() == 1
    assert first.entries.count() == 2
