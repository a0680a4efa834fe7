"""Reading an entry's history (django-reversion) for people: what one saved version
of an entry said, and what changed between two versions.

A version of a project, publication or event is stored by django-reversion as
a revision holding the kind's row, the ``Entry`` row it extends, and its
themes, people and organisations; ``snapshot()`` reads them back into labelled
text, and ``compare()`` lines two snapshots up.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import ManyToManyField

from unumn.models import (
    Contribution,
    Entry,
    Involvement,
    Organisation,
    Person,
    Theme,
    ThemedEntry,
)

SKIPPED = {"id", "entry_ptr", "kind", "created_at", "updated_at", "search_keywords"}
SKIPPED |= {"contributors", "organisations"}


@dataclass
class Change:
    label: str
    before: str
    after: str

    @property
    def changed(self):
        return self.before != self.after


def _versions_by_model(revision):
    versions = {}
    for version in revision.version_set.select_related("content_type"):
        versions.setdefault(version.content_type.model_class(), []).append(version)
    return versions


HIDDEN_ENTRY = "an entry you cannot view"


def _names(model, pks, viewer=None):
    """The names of ``pks``; an entry ``viewer`` may not see in the admin (another
    institute's draft, say) is not named."""
    objects = model._default_manager.in_bulk(list(pks))
    hidden = set()
    if viewer is not None and issubclass(model, Entry):
        from unumn.permissions import visible_entries_q

        visible = Entry.objects.filter(visible_entries_q(viewer), pk__in=list(objects))
        hidden = set(objects) - set(visible.values_list("pk", flat=True))
    return [
        f"(deleted #{pk})"
        if pk not in objects
        else HIDDEN_ENTRY
        if pk in hidden
        else str(objects[pk])
        for pk in pks
    ]


def snapshot(revision, model, entry_id, viewer=None):
    """``{label: text}`` of an entry as it was saved in ``revision``, as ``viewer`` may
    see it (other entries named only when they may see them)."""
    versions = _versions_by_model(revision)
    fields = {}
    for version in versions.get(Entry, []) + versions.get(model, []):
        if version.object_id == str(entry_id):
            fields.update(version.field_dict)
    result = {}
    for field in Entry._meta.concrete_fields + model._meta.local_concrete_fields:
        if field.name in SKIPPED or field.name not in fields:
            continue
        value = fields[field.name]
        if field.is_relation and value is not None:
            value = " ".join(_names(field.related_model, [value], viewer))
        elif field.choices:
            value = dict(field.flatchoices).get(value, value)
        result[str(field.verbose_name).capitalize()] = "" if value is None else str(value)
    for field in Entry._meta.many_to_many:
        if isinstance(field, ManyToManyField) and field.name in fields:
            pks = sorted(fields[field.name])
            labels = _names(field.related_model, pks, viewer)
            result[str(field.verbose_name).capitalize()] = ", ".join(sorted(labels))

    def linked(link_model):
        rows = [v.field_dict for v in versions.get(link_model, [])]
        return [
            row
            for row in rows
            if str(row.get("entry_id", row.get("content_object_id"))) == str(entry_id)
        ]

    themes = [row["tag_id"] for row in linked(ThemedEntry)]
    result["Themes"] = ", ".join(sorted(_names(Theme, themes)))
    result["People"] = _roles(linked(Contribution), Person, "person_id", Contribution.Role)
    result["Organisations"] = _roles(
        linked(Involvement), Organisation, "organisation_id", Involvement.Role
    )
    return result


def _roles(rows, model, key, roles):
    """'Name (role); Name (role)' in the order the entry lists them."""
    rows = sorted(rows, key=lambda row: (row["order"], row["id"]))
    names = _names(model, [row[key] for row in rows])
    labels = dict(roles.choices)
    return "; ".join(
        f"{name} ({labels.get(row['role'], row['role']).lower()})"
        for name, row in zip(names, rows, strict=True)
    )


def compare(older, newer):
    """Lines up two snapshots: every label, with its value before and after."""
    labels = list(dict.fromkeys([*older, *newer]))
    return [Change(label, older.get(label, ""), newer.get(label, "")) for label in labels]


def _entry_versions(revision_ids):
    from reversion.models import Version

    entry_type = ContentType.objects.get_for_model(Entry)
    return Version.objects.filter(revision_id__in=revision_ids, content_type=entry_type)


def deleted_entries_institutes(versions):
    """``{version id: institute ids}`` of deleted entries, in one query."""
    entry_versions = {
        (v.revision_id, v.object_id): v for v in _entry_versions({v.revision_id for v in versions})
    }
    result = {}
    for version in versions:
        entry_version = entry_versions.get((version.revision_id, version.object_id))
        result[version.pk] = (
            set(entry_version.field_dict.get("institutes", [])) if entry_version else set()
        )
    return result


def deleted_entry_institutes(version):
    """The institute ids a deleted entry had, from the version about to be recovered."""
    return deleted_entries_institutes([version])[version.pk]


def holds_other_entries(version):
    """Was this version saved together with other entries (a revision of several)?"""
    return _entry_versions([version.revision_id]).exclude(object_id=version.object_id).exists()


def latest_version_id(obj):
    """The id of the latest saved version of ``obj`` (as text; ``""`` if none)."""
    from reversion.models import Version

    latest = Version.objects.get_for_object(obj).values_list("pk", flat=True).first()
    return "" if latest is None else str(latest)


def changes_since(entry, version_id, viewer=None):
    """``[Change]``: what changed in ``entry`` from the version ``version_id`` to its
    latest one (only what changed), as ``viewer`` may see it."""
    from reversion.models import Version

    versions = Version.objects.get_for_object(entry).select_related("revision__user")
    try:
        since = versions.get(pk=int(version_id))
    except (ValueError, Version.DoesNotExist):
        return []
    latest = versions.first()
    model = type(entry)
    older = snapshot(since.revision, model=model, entry_id=entry.pk, viewer=viewer)
    newer = snapshot(latest.revision, model=model, entry_id=entry.pk, viewer=viewer)
    changes = [change for change in compare(older, newer) if change.changed]
    for change in changes:
        change.by = latest.revision.user
        change.at = latest.revision.date_created
    return changes


def conflict_message(changes):
    """The message of a save refused because another editor saved first: who, when, and
    what they changed (their version), as safe HTML."""
    from django.utils.html import format_html, format_html_join
    from django.utils.timezone import localtime

    if not changes:
        return format_html(
            "Another editor saved this entry after you opened it. Nothing was saved: "
            "check your changes below and save again to keep them."
        )
    who = changes[0].by.get_username() if changes[0].by else "another editor"
    items = format_html_join(
        "", "<li>{}: now “{}” (was “{}”)</li>", ((c.label, c.after, c.before) for c in changes)
    )
    return format_html(
        "{} saved this entry at {} after you opened it. Nothing was saved: your changes "
        "are below; theirs are kept. They changed: <ul>{}</ul>Save again to put yours in "
        "place of theirs, or change your form to keep both.",
        who,
        localtime(changes[0].at).strftime("%H:%M"),
        items,
    )


# The link rows an entry's version brings back: (model, its field naming the entry, its
# field naming what the entry is linked to).
LINKS = (
    (Contribution, "entry", "person"),
    (Involvement, "entry", "organisation"),
    (ThemedEntry, "content_object", "tag"),
)


def drop_missing_links(entry_id):
    """After a version of an entry was put back (revert, recover): its links to what
    was deleted since — a person, an organisation, a theme, an institute, a country,
    another entry — are left out. Answers one sentence per link left out."""
    left_out = []  # (label, model, pk)
    for model, entry_field, target in LINKS:
        rows = _dangling(model._base_manager.filter(**{entry_field: entry_id}), model, target)
        for row in rows:
            label = row.get_role_display() if hasattr(row, "role") else "Theme"
            left_out.append((label, *_target(row, target)))
        rows.delete()
    for field in Entry._meta.many_to_many:
        if isinstance(field, ManyToManyField):
            through = field.remote_field.through
            rows = through._base_manager.filter(**{field.m2m_field_name(): entry_id})
            rows = _dangling(rows, through, field.m2m_reverse_field_name())
            label = str(field.verbose_name).capitalize()
            left_out += [(label, *_target(row, field.m2m_reverse_field_name())) for row in rows]
            rows.delete()
    entries = Entry._base_manager.filter(pk=entry_id)
    for field in Entry._meta.concrete_fields:
        if field.many_to_one and _dangling(entries, Entry, field.name).exists():
            left_out.append(
                (str(field.verbose_name).capitalize(), *_target(entries[0], field.name))
            )
            entries.update(**{field.attname: None})
    return [
        f"{label}: “{_deleted_name(model, pk)}” was deleted since this version was saved, "
        "and is left out."
        for label, model, pk in left_out
    ]


def _dangling(rows, model, field_name):
    """The rows whose ``field_name`` names something that no longer exists."""
    target = model._meta.get_field(field_name).related_model
    return rows.exclude(**{f"{field_name}__isnull": True}).exclude(
        **{f"{field_name}__in": target._base_manager.values("pk")}
    )


def _target(row, field_name):
    field = row._meta.get_field(field_name)
    return field.related_model, getattr(row, field.attname)


def _deleted_name(model, pk):
    """What a deleted object was called, from its last version if it has one."""
    from reversion.models import Version

    version = Version.objects.get_deleted(model).filter(object_id=str(pk)).first()
    return version.object_repr if version else f"{model._meta.verbose_name} #{pk}"


def recovery_clash(version):
    """The entry that now holds a unique value (its address) the deleted entry of
    ``version`` had, as ``(field, value, entry)``; ``None`` if recovering would not
    clash. It happens when the content load, or an editor, added the entry again
    after it was deleted."""
    model = version._model
    values = version.field_dict
    for field in model._meta.concrete_fields:
        value = values.get(field.attname)
        if not field.unique or field.primary_key or value in (None, ""):
            continue
        holder = (
            field.model._default_manager.filter(**{field.attname: value})
            .exclude(pk=values.get(field.model._meta.pk.attname))
            .first()
        )
        if holder is not None:
            return field, value, holder
    return None


def clash_message(version, clash, change_url):
    """Why a deleted entry cannot be recovered, naming the entry it clashes with."""
    from django.utils.html import format_html

    field, value, holder = clash
    label = "page address" if field.get_internal_type() == "SlugField" else field.verbose_name
    return format_html(
        '“{}” cannot be recovered: its {} “{}” now belongs to <a href="{}">“{}”</a>, '
        "added after it was deleted (by the content load or an editor). Edit that entry "
        "instead; or, to keep both, give that entry another {} first, then recover.",
        version.object_repr,
        label,
        value,
        change_url,
        holder,
        label,
    )
