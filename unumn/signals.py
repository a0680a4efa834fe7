"""Keep what is derived from the content current: every change to an entry, or to a
name it is found by, re-indexes the entries concerned; every change of content bumps
the content version (``unumn/versions.py``), which invalidates derived data.

This is index and cache maintenance, not domain logic: it must follow every write,
whichever code path (admin, services, shell, fixtures) made it.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from unumn import kinds, versions
from unumn.models import (
    ContentVersion,
    Contribution,
    Country,
    Entry,
    Institute,
    Involvement,
    Organisation,
    Person,
    Theme,
    ThemedEntry,
    ThemeProposal,
)
from unumn.search import entries_reindex


@receiver(post_save)
def entry_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or not isinstance(instance, Entry):
        return
    if update_fields is not None and set(update_fields) <= {"search_keywords"}:
        return
    entries_reindex(entry_ids=[instance.pk])


@receiver(post_save, sender=ThemedEntry)
@receiver(post_delete, sender=ThemedEntry)
def theme_link_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        entries_reindex(entry_ids=[instance.content_object_id])


@receiver(post_save, sender=Contribution)
@receiver(post_delete, sender=Contribution)
@receiver(post_save, sender=Involvement)
@receiver(post_delete, sender=Involvement)
def entry_link_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        entries_reindex(entry_ids=[instance.entry_id])


@receiver(m2m_changed, sender=Entry.institutes.through)
@receiver(m2m_changed, sender=Entry.countries.through)
def entry_m2m_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear" and reverse:
        # Remember whose index to refresh: after the clear the links are gone.
        instance._entries_to_reindex = list(instance.entries.values_list("pk", flat=True))
    elif action in {"post_add", "post_remove"}:
        entries_reindex(entry_ids=pk_set if reverse else [instance.pk])
    elif action == "post_clear":
        entries_reindex(
            entry_ids=getattr(instance, "_entries_to_reindex", []) if reverse else [instance.pk]
        )


# The names an entry is found by: re-index its entries only when one of these changes
# (not when an institute's description or order does).
SEARCHED_NAMES = {
    Person: ("name",),
    Organisation: ("name", "acronym"),
    Theme: ("name",),
    Institute: ("name", "acronym"),
    Country: ("name",),
}


@receiver(pre_save)
def remember_names(sender, instance, raw=False, **kwargs):
    fields = SEARCHED_NAMES.get(sender)
    if fields and instance.pk is not None and not raw:
        instance._names_before = (
            sender._default_manager.filter(pk=instance.pk).values_list(*fields).first()
        )


def renamed(instance, raw, created):
    if raw or created:
        return False
    before = getattr(instance, "_names_before", None)
    now = tuple(getattr(instance, field) for field in SEARCHED_NAMES[type(instance)])
    return before is not None and now != tuple(before)


@receiver(post_save, sender=Person)
def person_renamed(sender, instance, raw=False, created=False, **kwargs):
    if renamed(instance, raw, created):
        entries_reindex(entry_ids=instance.contributions.values_list("entry_id", flat=True))


@receiver(post_save, sender=Organisation)
def organisation_renamed(sender, instance, raw=False, created=False, **kwargs):
    if renamed(instance, raw, created):
        entries_reindex(entry_ids=instance.involvements.values_list("entry_id", flat=True))


@receiver(post_save, sender=Theme)
def theme_renamed(sender, instance, raw=False, created=False, **kwargs):
    if renamed(instance, raw, created):
        entries_reindex(
            entry_ids=instance.themed_entries.values_list("content_object_id", flat=True)
        )


@receiver(post_save, sender=Institute)
@receiver(post_save, sender=Country)
def place_or_institute_renamed(sender, instance, raw=False, created=False, **kwargs):
    if renamed(instance, raw, created):
        entries_reindex(entry_ids=instance.entries.values_list("pk", flat=True))


def is_content(model):
    """Is ``model`` part of what the public site shows? The core's models (but the
    version itself and the editors' theme proposals), every kind of entry, with
    their link tables, and the kinds' own vocabularies."""
    if model in (ContentVersion, ThemeProposal, ThemeProposal.entries.through):
        return False  # the version itself; what only editors see
    if model.__module__ == "__fake__":
        return False  # a migration's historical models
    if any(model in kind.vocabulary for kind in kinds.all()):
        return True  # a kind's own vocabulary (a publication's series)
    return model._meta.app_label == "unumn" or issubclass(model, Entry)


@receiver(post_save)
@receiver(post_delete)
def content_changed(sender, **kwargs):
    if is_content(sender):
        versions.bump()


@receiver(m2m_changed)
def content_links_changed(sender, action, **kwargs):
    if action.startswith("post_") and is_content(sender):
        versions.bump()
