"""Writes that span several models.

Each service is a keyword-only ``<entity>_<action>()`` function that validates
with ``full_clean()`` before saving. (Loading the network's content is
``unumn/content/loader.py``.)
"""

import itertools

import reversion
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from unumn import review
from unumn.models import (
    Contribution,
    Entry,
    Involvement,
    Theme,
    ThemedEntry,
    ThemeProposal,
    ThemeRedirect,
)
from unumn.search import reindex_once
from unumn.text import same_folded


def record_version(obj, comment, user=None):
    """Start or continue ``obj``'s history with its current state, in a revision of its
    own (reverting one object must never revert another)."""
    with reversion.create_revision():
        if user is not None:
            reversion.set_user(user)
        reversion.set_comment(comment)
        reversion.add_to_revision(obj)


def entry_links_set(
    *,
    entry,
    institutes,
    themes=(),
    countries=(),
    contributions=(),
    involvements=(),
    related=(),
    part_of=None,
):
    """Give an entry its institutes, themes, countries, people (in order, with
    roles), organisations (with roles), related entries and containing entry."""
    entry.institutes.set(institutes)
    entry.themes.set(list(themes))
    entry.countries.set(countries)
    entry.contributions.all().delete()
    for order, (person, role) in enumerate(contributions, start=1):
        contribution = Contribution(entry=entry, person=person, role=role, order=order)
        contribution.full_clean()
        contribution.save()
    entry.involvements.all().delete()
    for order, (organisation, role) in enumerate(involvements, start=1):
        involvement = Involvement(entry=entry, organisation=organisation, role=role, order=order)
        involvement.full_clean()
        involvement.save()
    entry.related.add(*related)
    if part_of is not None and entry.part_of_id != part_of.pk:
        entry.part_of = part_of
        entry.full_clean()
        entry.save(update_fields=["part_of", "updated_at"])


def entries_set_status(*, entries, status, user=None):
    """Move entries to a workflow status (draft, in review, published), each saved and
    recorded in its own history. Publishing now makes a scheduled entry public now."""
    count, now = 0, timezone.now()
    comment = f"Status set to {Entry.Status(status).label.lower()}."
    with transaction.atomic(), reindex_once():
        for entry in entries:
            entry = entry.specific
            before, entry.status = entry.status, status
            if status == Entry.Status.PUBLISHED and entry.publish_at and entry.publish_at > now:
                entry.publish_at = now
            entry.full_clean()
            entry.save()
            record_version(entry, comment, user)
            review.status_changed(entry, before, status, by=user)
            count += 1
    return count


def themes_merge(*, source, target, user=None):
    """Merge the theme ``source`` into ``target``: its entries get ``target`` (each
    change recorded in the entry's history), its address and any that led to it answer
    301 to ``target``, and ``source`` is deleted (its last version kept, so it can be
    seen in the deleted themes' history)."""
    from unumn.search import entries_reindex

    if source.pk == target.pk:
        raise ValueError("A theme cannot be merged into itself.")
    comment = f"Theme “{source.name}” merged into “{target.name}”."
    with transaction.atomic():
        links = ThemedEntry.objects.filter(tag=source)
        entry_ids = list(links.values_list("content_object_id", flat=True))
        links.filter(content_object__themed_links__tag=target).delete()  # has both
        links.update(tag=target)
        ThemeRedirect.objects.filter(theme=source).update(theme=target)
        ThemeProposal.objects.filter(theme=source).update(theme=target)
        ThemeRedirect.objects.update_or_create(old_slug=source.slug, defaults={"theme": target})
        record_version(source, f"Merged into “{target.name}”.", user)
        source.delete()
        for entry in Entry.objects.filter(pk__in=entry_ids).with_specific():
            record_version(entry.specific, comment, user)
        entries_reindex(entry_ids=entry_ids)
    return len(entry_ids)


def theme_proposal_create(*, name, description, entry, user=None):
    """Propose the theme ``name`` for ``entry``. A proposal of the same name (but for
    case, accents or spacing) still awaiting a decision is joined, not repeated; a
    theme of that name already existing is an error (pick it)."""
    existing = Theme.named_like(name)
    if existing is not None:
        raise ValidationError(f"There is already a theme “{existing}”: pick it.")
    pending = ThemeProposal.objects.filter(status=ThemeProposal.Status.PENDING)
    proposal = same_folded(name, pending.only("pk", "name"))
    if proposal is None:
        proposal = ThemeProposal(name=name, description=description, proposed_by=user)
        proposal.full_clean(validate_constraints=False)  # the database's, at the save
        try:
            with transaction.atomic():
                proposal.save()
                review.theme_proposed(proposal, by=user)
        except IntegrityError:  # proposed by someone else at this very moment: join it
            proposal = same_folded(name, pending.only("pk", "name"))
            if proposal is None:
                raise
    proposal.entries.add(entry)
    return proposal


def theme_proposal_approve(*, proposal, user=None, theme=None, note=""):
    """Approve a pending proposal: as a new theme of its name and description, or as the
    existing ``theme``. Each entry it was proposed for gets the theme (recorded in the
    entry's history); its editors are told. ``ValueError`` if it was decided on already
    (by someone else, meanwhile)."""
    with transaction.atomic():
        proposal = _pending(proposal)
        if theme is None:
            theme = Theme(name=proposal.name, description=proposal.description)
            theme.slug = _free_theme_slug(theme)
            theme.full_clean()
            theme.save()
        entries = [entry.specific for entry in proposal.entries.with_specific()]
        with reindex_once():
            for entry in entries:
                entry.themes.add(theme)
                record_version(entry, f"Theme “{theme.name}” added (proposal approved).", user)
        _decide(proposal, proposal.Status.APPROVED, user, note, theme=theme)
    return theme


def theme_proposal_reject(*, proposal, user=None, note=""):
    """Reject a pending proposal, saying why (``note``); its editors are told.
    ``ValueError`` if it was decided on already."""
    with transaction.atomic():
        _decide(_pending(proposal), proposal.Status.REJECTED, user, note)


def theme_proposal_edit(*, proposal, name, description, note):
    """Correct a pending proposal's name, description or note before deciding, leaving
    its status as stored (``ValueError`` if it was decided on meanwhile)."""
    with transaction.atomic():
        locked = _pending(proposal)
        locked.name, locked.description, locked.note = name, description, note
        locked.full_clean()
        locked.save(update_fields=["name", "description", "note"])
    return locked


def _pending(proposal):
    """``proposal`` as stored, locked until the transaction ends, if still pending."""
    locked = ThemeProposal.objects.select_for_update().filter(pk=proposal.pk).first()
    if locked is None or locked.status != ThemeProposal.Status.PENDING:
        raise ValueError(f"“{proposal}” was decided on meanwhile: see its page.")
    return locked


def _free_theme_slug(theme):
    """A slug for a new theme that no theme, and no merged theme's address, has (within
    the slug's 100 characters)."""
    base, limit = theme.slugify(theme.name), Theme._meta.get_field("slug").max_length
    for number in itertools.count():
        suffix = f"_{number}" if number else ""
        slug = base[: limit - len(suffix)] + suffix
        taken = Theme.objects.filter(slug=slug).exists()
        if not taken and not ThemeRedirect.objects.filter(old_slug=slug).exists():
            return slug


def _decide(proposal, status, user, note, theme=None):
    proposal.status, proposal.theme, proposal.note = status, theme, note
    proposal.decided_by, proposal.decided_at = user, timezone.now()
    proposal.full_clean()
    proposal.save()
    review.theme_decided(proposal, by=user)
