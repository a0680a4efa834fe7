"""Who may edit what: network editors curate everything, institute editors only
their institutes' entries.

- A **network editor** is a superuser or a member of the "Network editors"
  group: every entry, institute, theme, person, organisation and country.
- An **institute editor** is a member of the "Institute editors" group and an
  editor of one or more institutes (``Institute.editors``): the entries of
  those institutes only; the shared vocabularies to use, not to edit, except
  that they may add a person or an organisation, and edit those their institutes
  added or that appear only on their institutes' entries. They submit entries for
  review.
- A **reviewer** is an institute editor who is also a reviewer of an institute
  (``Institute.reviewers``): they publish, schedule and feature its entries, which
  otherwise only network editors do.

The group permissions (what kind of object) are set by ``manage.py setup_roles``;
the scope (which objects) is enforced here, and used by the admin in its
querysets, form choices, object views, actions, autocompletes and on save,
and by the public views for previews.
"""

from django.db.models import Q

from unumn import kinds

NETWORK_EDITORS = "Network editors"
INSTITUTE_EDITORS = "Institute editors"

CRUD = ("view", "add", "change", "delete")
ROLES = (NETWORK_EDITORS, INSTITUTE_EDITORS)
# What each role may do with the core's models; both curate every kind of entry
# (role_permissions() adds them from the registry), within their scope.
CORE_PERMISSIONS = {
    NETWORK_EDITORS: {
        "unumn.entry": ("view", "change", "delete"),
        "unumn.contribution": CRUD,
        "unumn.involvement": CRUD,
        "unumn.entryfile": CRUD,
        "unumn.institute": CRUD,
        "unumn.theme": CRUD,
        "unumn.themeproposal": ("view", "change", "delete"),  # added from entry forms
        "unumn.person": CRUD,
        "unumn.organisation": CRUD,
        "unumn.country": CRUD,
        "unumn.synonymgroup": CRUD,
        "unumn.report": CRUD,
        "auth.user": ("view", "add", "change"),
    },
    INSTITUTE_EDITORS: {
        "unumn.entry": ("view", "delete"),  # deleting a project deletes its entry row
        "unumn.contribution": CRUD,
        "unumn.involvement": CRUD,
        "unumn.entryfile": CRUD,
        "unumn.institute": ("view",),
        "unumn.theme": ("view",),
        "unumn.themeproposal": ("view",),  # theirs: they propose from an entry's form
        # Change: only their own (``may_edit_vocabulary``), checked per object.
        "unumn.person": ("view", "add", "change"),
        "unumn.organisation": ("view", "add", "change"),
        "unumn.country": ("view",),
        "unumn.report": CRUD,  # reports limited to their institutes (may_edit_report)
    },
}


# What each role may do with the kinds' own vocabularies (a publication's series):
# institute editors use them and add one that is missing.
KIND_VOCABULARY_PERMISSIONS = {NETWORK_EDITORS: CRUD, INSTITUTE_EDITORS: ("view", "add")}


def role_permissions():
    """``{role: {"app_label.model": actions}}``: the core's models and every kind's."""
    vocabulary = [model._meta.label_lower for kind in kinds.all() for model in kind.vocabulary]
    return {
        role: {
            **models,
            **{kind.model_label: CRUD for kind in kinds.all()},
            **dict.fromkeys(vocabulary, KIND_VOCABULARY_PERMISSIONS[role]),
        }
        for role, models in CORE_PERMISSIONS.items()
    }


def is_network_editor(user):
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_network_editor", None)
    if cached is None:
        cached = user._is_network_editor = user.groups.filter(name=NETWORK_EDITORS).exists()
    return cached


def _institute_ids(user, relation, cache_name):
    """The ids of the institutes ``user`` is linked to by ``relation`` (``None``: all,
    for a network editor), read once per user object."""
    if is_network_editor(user):
        return None
    if not user.is_authenticated or not user.is_active or not user.is_staff:
        return set()
    cached = getattr(user, cache_name, None)
    if cached is None:
        cached = set(getattr(user, relation).values_list("pk", flat=True))
        setattr(user, cache_name, cached)
    return cached


def editable_institute_ids(user):
    """The ids of the institutes whose entries the user may edit (``None``: all)."""
    return _institute_ids(user, "edited_institutes", "_editable_institute_ids")


def publishing_institute_ids(user):
    """The ids of the institutes whose entries the user may publish, schedule and feature
    on the home page (``None``: all): a network editor's, and a reviewer's institutes
    (that they also edit)."""
    reviewed = _institute_ids(user, "reviewed_institutes", "_reviewed_institute_ids")
    return None if reviewed is None else reviewed & editable_institute_ids(user)


def may_edit_report(user, report_institute_ids):
    """A network editor edits any report; an institute editor a report limited to some of
    their institutes (``report_institute_ids``: none means the whole network's)."""
    editable = editable_institute_ids(user)
    if editable is None:
        return True
    return bool(report_institute_ids) and set(report_institute_ids) <= editable


def may_finalise(user, report):
    """Publishing a report is publishing its institutes' work: a network editor's, or a
    reviewer's of each of its institutes (a report of the whole network: a network
    editor's only)."""
    reviewed = publishing_institute_ids(user)
    institutes = {institute.pk for institute in report.institutes.all()}
    return reviewed is None or bool(institutes) and institutes <= reviewed


def may_publish(user, institute_ids):
    """May the user publish an entry of these institutes (any one of them is theirs to
    review)?"""
    ids = publishing_institute_ids(user)
    return ids is None or bool(set(institute_ids) & ids)


def publishing_state(entry_id):
    """What decides whether an entry is public, as stored (a new entry's: a draft's)."""
    from unumn.models import Entry

    row = Entry.objects.filter(pk=entry_id).values("status", "publish_at", "featured").first()
    row = row or {"status": Entry.Status.DRAFT, "publish_at": None, "featured": False}
    return {**row, "publish_at": to_the_second(row["publish_at"])}


def to_the_second(moment):
    """Forms keep a time to the second; stored times may hold microseconds."""
    return moment.replace(microsecond=0) if moment else None


def entries_publishable_by(user, queryset):
    ids = publishing_institute_ids(user)
    if ids is None:
        return queryset
    return queryset.filter(pk__in=_entries_of(ids))


def entries_editable_by(user, queryset):
    """The entries of ``queryset`` the user may edit."""
    ids = editable_institute_ids(user)
    if ids is None:
        return queryset
    return queryset.filter(pk__in=_entries_of(ids))


def theme_proposals_visible_to(user, queryset):
    """The theme proposals of ``queryset`` the user may see: all, for a network editor;
    an institute editor's own, and those made for their institutes' entries."""
    ids = editable_institute_ids(user)
    if ids is None:
        return queryset
    mine = Q(proposed_by=user.pk) | Q(entries__in=_entries_of(ids))
    return queryset.filter(pk__in=queryset.filter(mine).values("pk"))


def visible_entries_q(user):
    """For the public pages: what this user may see — public entries, and for an
    editor also the unpublished entries they may edit (previews)."""
    from unumn.models import published_q

    if not user.is_authenticated or not user.is_staff:
        return published_q()
    ids = editable_institute_ids(user)
    if ids is None:
        return Q()
    return published_q() | Q(pk__in=_entries_of(ids))


def may_edit_vocabulary(user, obj):
    """May the user edit this person or organisation? A network editor may; an
    institute editor may edit those an editor of their institutes added in the admin,
    and those that appear on entries of their institutes only."""
    from django.contrib.admin.models import ADDITION, LogEntry
    from django.contrib.contenttypes.models import ContentType

    from unumn.models import Entry

    ids = editable_institute_ids(user)
    if ids is None or obj is None:
        return ids is None or bool(ids)
    if not ids:
        return False
    added = LogEntry.objects.filter(  # the admin's own record of who added it
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        action_flag=ADDITION,
        user__edited_institutes__in=ids,
    )
    if added.exists():
        return True
    links = (
        "contributions__person"
        if obj._meta.model_name == "person"
        else ("involvements__organisation")
    )
    entries = Entry.objects.filter(**{links: obj})
    return (
        entries.exists()
        and not Entry.institutes.through.objects.filter(entry__in=entries)
        .exclude(institute_id__in=ids)
        .exists()
    )


def _entries_of(institute_ids):
    from unumn.models import Entry

    return Entry.institutes.through.objects.filter(institute_id__in=institute_ids).values(
        "entry_id"
    )
