"""Who may edit what: network editors curate everything, institute editors only
their institutes' entries.

- A **network editor** is a superuser or a member of the "Network editors"
  group: every entry, institute, theme, person, organisation and country.
- An **institute editor** is a member of the "Institute editors" group and an
  editor of one or more institutes (``Institute.editors``): the entries of
  those institutes only; the shared vocabularies to use, not to edit, except
  that they may add a person or an organisation.

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
        "unumn.institute": CRUD,
        "unumn.theme": CRUD,
        "unumn.person": CRUD,
        "unumn.organisation": CRUD,
        "unumn.country": CRUD,
        "unumn.synonymgroup": CRUD,
        "auth.user": ("view", "add", "change"),
    },
    INSTITUTE_EDITORS: {
        "unumn.entry": ("view", "delete"),  # deleting a project deletes its entry row
        "unumn.contribution": CRUD,
        "unumn.involvement": CRUD,
        "unumn.institute": ("view",),
        "unumn.theme": ("view",),
        "unumn.person": ("view", "add"),
        "unumn.organisation": ("view", "add"),
        "unumn.country": ("view",),
    },
}


def role_permissions():
    """``{role: {"app_label.model": actions}}``: the core's models and every kind's."""
    return {
        role: {**models, **{kind.model_label: CRUD for kind in kinds.all()}}
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


def editable_institute_ids(user):
    """The ids of the institutes whose entries the user may edit (``None``: all)."""
    if is_network_editor(user):
        return None
    if not user.is_authenticated or not user.is_active or not user.is_staff:
        return set()
    cached = getattr(user, "_editable_institute_ids", None)
    if cached is None:
        cached = user._editable_institute_ids = set(
            user.edited_institutes.values_list("pk", flat=True)
        )
    return cached


def entries_editable_by(user, queryset):
    """The entries of ``queryset`` the user may edit."""
    ids = editable_institute_ids(user)
    if ids is None:
        return queryset
    return queryset.filter(pk__in=_entries_of(ids))


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


def _entries_of(institute_ids):
    from unumn.models import Entry

    return Entry.institutes.through.objects.filter(institute_id__in=institute_ids).values(
        "entry_id"
    )
