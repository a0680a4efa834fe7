"""The history side of the entry admins (django-reversion), as a mixin beside
``unumn/history.py``: deleting keeps a version to recover from; history, revert
and recover are scoped to the entries the editor may edit; two versions can be
compared.

Mixed into ``BaseEntryAdmin`` before ``VersionAdmin``, whose views it narrows.
"""

import functools
from contextlib import contextmanager

import reversion
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from reversion.models import Version

from unumn import history
from unumn.permissions import editable_institute_ids, publishing_state


def not_found():
    raise Http404("No such entry.")


class EntryHistoryAdminMixin:
    """Deletion, history, compare, revert and recover for an entry admin."""

    # --- a version is the entry as saved ------------------------------------

    @contextmanager
    def create_revision(self, request):
        # Versions are taken by hand (``record_saved``), once the entry, its many-to-many
        # links and its inlines are all written, not row by row as they are saved: a
        # version must hold the institutes, people and links the save gave the entry,
        # not those it had before.
        with reversion.create_revision(manage_manually=True):
            reversion.set_user(request.user)
            yield

    @staticmethod
    def record_saved(obj):
        """The version of ``obj`` as saved (with the rows it follows), at the end of the
        admin's save."""
        if reversion.is_active():
            reversion.add_to_revision(obj)

    def institutes_kept(self, request, obj):
        """The institutes of ``obj`` the editor may not remove (none for a network
        editor), as they were when the request came in: a revert has put the version's
        institutes back by the time the form is saved."""
        before = getattr(request, "unumn_institutes_before", None)
        if before is None or before[0] != obj.pk:
            before = (obj.pk, list(obj.institutes.all()))
        ids = editable_institute_ids(request.user)
        return [] if ids is None else [i for i in before[1] if i.pk not in ids]

    # --- deleting keeps a version to recover from -------------------------

    def changelist_view(self, request, extra_context=None):
        # Not VersionAdmin's, which wraps every action in one revision: a bulk
        # delete inside it would save its "before deletion" versions too late
        # (after the rows are gone), and status changes record their own.
        context = {"has_change_permission": self.has_change_permission(request)}
        return admin.ModelAdmin.changelist_view(self, request, {**context, **(extra_context or {})})

    def delete_model(self, request, obj):
        with self.create_revision(request):
            self._add_to_revision(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with self.create_revision(request):
            for obj in queryset:
                self._add_to_revision(obj)
        super().delete_queryset(request, queryset)

    @staticmethod
    def _add_to_revision(obj):
        reversion.add_to_revision(obj)
        reversion.set_comment("State before deletion.")

    # --- history: scoped, and with a comparison of two versions ---------------

    def revision_view(self, request, object_id, version_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id)) or not_found()
        version = get_object_or_404(Version.objects.get_for_object(obj), pk=version_id)
        if history.holds_other_entries(version):
            return self._refuse_shared_revision(request, obj.pk)
        # Checked here, on the entry as it is: the version about to be put back may
        # have belonged to fewer institutes.
        request.unumn_institutes_before = (obj.pk, list(obj.institutes.all()))
        request.unumn_publishing_before = publishing_state(obj.pk)
        request.unumn_reverting = obj.pk
        request.unumn_restoring = True
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        version = get_object_or_404(Version.objects.get_deleted(self.model), pk=version_id)
        ids = editable_institute_ids(request.user)
        if ids is not None and not history.deleted_entry_institutes(version) & ids:
            raise PermissionDenied
        if history.holds_other_entries(version):
            return self._refuse_shared_revision(request)
        clash = history.recovery_clash(version)
        if clash is not None:
            holder = clash[2]
            change_url = reverse(holder.kind_info.admin_url_name("change"), args=[holder.pk])
            messages.error(request, history.clash_message(version, clash, change_url))
            return redirect(reverse(f"admin:{self.url_name('recoverlist')}"))
        request.unumn_restoring = True
        request.unumn_publishing_before = publishing_state(None)  # it was not there
        return super().recover_view(request, version_id, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is not None and getattr(request, "unumn_restoring", False):
            # The version has just been put back (in the revert's transaction): what it
            # links to and was deleted since is left out, and the editor told so.
            for note in history.drop_missing_links(unquote(object_id)):
                messages.warning(request, note)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _refuse_shared_revision(self, request, pk=None):
        """A version saved together with other entries cannot be restored alone."""
        messages.error(
            request,
            "This version was saved together with other entries; restoring it would change "
            "them too. Choose another version.",
        )
        if pk is None:
            return redirect(reverse(f"admin:{self.url_name('recoverlist')}"))
        return redirect(reverse(f"admin:{self.url_name('history')}", args=[pk]))

    def recoverlist_view(self, request, extra_context=None):
        ids = editable_institute_ids(request.user)
        if ids is not None:
            deleted = list(Version.objects.get_deleted(self.model).select_related("revision"))
            institutes = history.deleted_entries_institutes(deleted)
            in_scope = [version for version in deleted if institutes[version.pk] & ids]
            extra_context = {**(extra_context or {}), "deleted": in_scope}
        return super().recoverlist_view(request, extra_context)

    def get_urls(self):
        compare = self.admin_site.admin_view(self.compare_view)
        return [
            path("<path:object_id>/history/compare/", compare, name=self.url_name("compare")),
            *super().get_urls(),
        ]

    def url_name(self, view):
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id)) or not_found()
        versions = Version.objects.get_for_object(obj).select_related("revision__user")
        return super().history_view(
            request,
            object_id,
            {**(extra_context or {}), "versions": versions, "compare_url": "compare/"},
        )

    def compare_view(self, request, object_id):
        """Two saved versions of an entry side by side, changes first."""
        obj = self.get_object(request, unquote(object_id)) or not_found()
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        versions = Version.objects.get_for_object(obj).select_related("revision__user")
        try:
            older = versions.get(pk=int(request.GET.get("from", "")))
            newer = versions.get(pk=int(request.GET.get("to", "")))
        except (ValueError, Version.DoesNotExist):
            messages.error(request, "Choose two versions of this entry to compare.")
            return redirect(reverse(f"admin:{self.url_name('history')}", args=[obj.pk]))
        if older.revision.date_created > newer.revision.date_created:
            older, newer = newer, older
        snapshot = functools.partial(
            history.snapshot, model=self.model, entry_id=obj.pk, viewer=request.user
        )
        changes = history.compare(snapshot(older.revision), snapshot(newer.revision))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": obj,
            "title": f"Compare versions of “{obj}”",
            "older": older,
            "newer": newer,
            "changes": sorted(changes, key=lambda change: not change.changed),
        }
        return TemplateResponse(request, "admin/unumn/entry_compare.html", context)
