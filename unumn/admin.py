"""Admin: the network's vocabulary, and the shared base of every entry admin.

Editing is scoped by ``unumn/permissions.py``: an institute editor sees, opens,
changes, deletes, reverts, recovers and autocompletes only entries of their
institutes, can pick only those institutes on an entry, and cannot reach
another institute's entry by a forged address or form. History (every save,
with who and when; compare; revert; recover) is django-reversion's.
"""

import datetime

import reversion
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat, pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince
from reversion.admin import VersionAdmin
from taggit.models import Tag

from unumn import history, kinds, reports, review
from unumn.dates import format_partial_date
from unumn.history_admin import EntryHistoryAdminMixin, not_found
from unumn.models import (
    Contribution,
    Country,
    Entry,
    EntryFile,
    Institute,
    Involvement,
    Organisation,
    Person,
    Report,
    SynonymGroup,
    Theme,
    ThemeProposal,
)
from unumn.permissions import (
    ROLES,
    editable_institute_ids,
    entries_editable_by,
    entries_publishable_by,
    may_edit_report,
    may_edit_vocabulary,
    may_finalise,
    may_publish,
    publishing_state,
    theme_proposals_visible_to,
    to_the_second,
    visible_entries_q,
)
from unumn.search import MAX_INDEXED_BODY, reindex_once
from unumn.services import (
    entries_set_status,
    theme_proposal_approve,
    theme_proposal_create,
    theme_proposal_edit,
    theme_proposal_reject,
    themes_merge,
)
from unumn.text import clean_text

# Themes are the one tag vocabulary; taggit's own generic Tag is not used.
admin.site.unregister(Tag)
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Network editors manage editors' accounts, but only a superuser can make a
    superuser or hand out permissions one by one: groups are the roles."""

    list_display = ["username", "email", "first_name", "last_name", "is_staff", "role_list"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("groups")
        return queryset if request.user.is_superuser else queryset.filter(is_superuser=False)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        hidden = {"is_superuser", "user_permissions"}
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in fieldsets
        ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=ROLES)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description="roles")
    def role_list(self, user):
        return ", ".join(group.name for group in user.groups.all())


def autocomplete_target(request):
    """The ``(model_name, field_name)`` an autocomplete request fills, if it is one."""
    if request.resolver_match and request.resolver_match.url_name == "autocomplete":
        return request.GET.get("model_name"), request.GET.get("field_name")
    return None


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region", "subregion"]
    list_filter = ["region", "subregion"]
    search_fields = ["name", "code"]


@admin.register(Institute)
class InstituteAdmin(VersionAdmin):
    list_display = ["name", "acronym", "kind", "city", "order"]
    list_editable = ["order"]
    list_filter = ["kind"]
    list_select_related = ["country"]
    search_fields = ["acronym", "name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country", "editors"]
    fieldsets = [
        (None, {"fields": ["name", "acronym", "slug", "kind", "summary", "description"]}),
        ("Where", {"fields": ["city", "country", "website", "order"]}),
        ("Editors", {"fields": ["editors"]}),
    ]

    def get_search_results(self, request, queryset, search_term):
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        ids = editable_institute_ids(request.user)
        if ids is not None and autocomplete_target(request):
            # An entry's institutes: an institute editor may only pick their own.
            queryset = queryset.filter(pk__in=ids)
        return queryset, duplicates


class OwnVocabularyMixin:
    """People and organisations: an institute editor edits only their own
    (``may_edit_vocabulary``); the others they see read-only."""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and may_edit_vocabulary(
            request.user, obj
        )


@admin.register(Person)
class PersonAdmin(OwnVocabularyMixin, VersionAdmin):
    list_display = ["name", "family_name", "institute"]
    list_filter = ["institute"]
    list_select_related = ["institute"]
    search_fields = ["name", "family_name", "given_name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(OwnVocabularyMixin, VersionAdmin):
    list_display = ["name", "acronym", "kind", "country"]
    list_filter = ["kind"]
    list_select_related = ["country"]
    search_fields = ["name", "acronym"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country"]


@admin.register(SynonymGroup)
class SynonymGroupAdmin(VersionAdmin):
    """Words a visitor may type for one another ("JEMS", "Journal of Ethnic and Migration
    Studies"): a search for any finds entries with any, on both databases."""

    list_display = ["__str__", "note"]
    search_fields = ["terms", "note"]


class ThemeForm(forms.ModelForm):
    merge_into = forms.ModelChoiceField(
        queryset=Theme.objects.order_by("name"),
        required=False,
        label="Merge into",
        help_text="Give this theme's entries to the theme chosen here and delete this one; "
        "its address will lead to that theme. Saving does it: the other fields are not saved.",
    )

    def clean_merge_into(self):
        target = self.cleaned_data.get("merge_into")
        if target is not None and target.pk == self.instance.pk:
            raise forms.ValidationError("Choose another theme: one cannot merge into itself.")
        return target


@admin.register(Theme)
class ThemeAdmin(VersionAdmin):
    form = ThemeForm
    list_display = ["name", "kind", "entry_count"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_fields(self, request, obj=None):
        fields = [name for name in super().get_fields(request, obj) if name != "merge_into"]
        return fields + ["merge_into"] if obj is not None else fields

    def save_model(self, request, obj, form, change):
        target = form.cleaned_data.get("merge_into") if change else None
        if target is None:
            super().save_model(request, obj, form, change)
            return
        source = Theme.objects.get(pk=obj.pk)  # as stored, not as edited
        count = themes_merge(source=source, target=target, user=request.user)
        request.unumn_merged = (source, target, count)

    def save_related(self, request, form, formsets, change):
        if not hasattr(request, "unumn_merged"):
            super().save_related(request, form, formsets, change)

    def log_change(self, request, obj, message):
        if not hasattr(request, "unumn_merged"):
            return super().log_change(request, obj, message)
        return None

    def response_change(self, request, obj):
        merged = getattr(request, "unumn_merged", None)
        if merged is None:
            return super().response_change(request, obj)
        source, target, count = merged
        self.message_user(
            request,
            f"“{source.name}” merged into “{target.name}”: {count} entries now have "
            f"“{target.name}”; /themes/{source.slug}/ leads to it.",
        )
        return redirect(reverse("admin:unumn_theme_change", args=[target.pk]))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(entry_count=Count("themed_entries"))
            .order_by("name")
        )

    @admin.display(description="entries", ordering="entry_count")
    def entry_count(self, theme):
        return theme.entry_count


class ThemeProposalForm(forms.ModelForm):
    """A network editor's decision on a proposed theme."""

    NEW, EXISTING, REJECT = "new", "existing", "reject"
    decision = forms.ChoiceField(
        choices=[
            ("", "Not yet"),
            (NEW, "Approve as a new theme (with the name and description above)"),
            (EXISTING, "Approve as an existing theme (chosen below)"),
            (REJECT, "Reject"),
        ],
        required=False,
        widget=forms.RadioSelect,
        help_text="On approval, the entries it was proposed for get the theme.",
    )
    existing_theme = forms.ModelChoiceField(
        queryset=Theme.objects.order_by("name"), required=False, label="Existing theme"
    )

    class Meta:
        model = ThemeProposal
        fields = ["name", "description", "note"]

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision == self.NEW and cleaned.get("name"):
            same = Theme.named_like(cleaned["name"])
            if same is not None:
                self.add_error(
                    "decision", f"There is already a theme “{same}”: approve it as that one."
                )
        if decision == self.EXISTING and cleaned.get("existing_theme") is None:
            self.add_error("existing_theme", "Choose the theme to approve it as.")
        if decision == self.REJECT and not cleaned.get("note"):
            self.add_error("note", "Say why: the editor who proposed it will read it.")
        pending = ThemeProposal.objects.filter(
            pk=self.instance.pk, status=ThemeProposal.Status.PENDING
        )
        if self.instance.pk and not pending.exists():
            raise forms.ValidationError("It was decided on meanwhile: nothing was saved.")
        return cleaned


@admin.register(ThemeProposal)
class ThemeProposalAdmin(admin.ModelAdmin):
    """Themes editors proposed from an entry's form. Network editors decide (approve as
    a new or an existing theme, or reject with a reason); an institute editor sees
    their own proposals and those for their institutes' entries, with the decision."""

    form = ThemeProposalForm
    list_display = ["name", "status", "proposed_by", "proposed_at", "entry_count", "decided_by"]
    list_filter = ["status"]
    list_select_related = ["proposed_by", "decided_by"]
    search_fields = ["name", "description"]
    actions = ["approve_as_new"]  # a rejection says why: one at a time, on its page
    DECIDED_FIELDS = ["name", "description", "status", "theme", "note", "decided_by", "decided_at"]
    SHOWN_FIELDS = ["proposed_by", "proposed_at"]
    change_form_template = "admin/unumn/themeproposal_change_form.html"

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(entry_count=Count("entries"))
        return theme_proposals_visible_to(request.user, queryset)

    def has_add_permission(self, request):
        return False  # proposed from an entry's form; a network editor adds a theme itself

    def has_change_permission(self, request, obj=None):
        pending = obj is None or obj.status == ThemeProposal.Status.PENDING
        return pending and super().has_change_permission(request, obj)

    def get_fields(self, request, obj=None):
        if self.has_change_permission(request, obj):
            return ["name", "description", *self.SHOWN_FIELDS, "decision", "existing_theme", "note"]
        return [*self.DECIDED_FIELDS, *self.SHOWN_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        if self.has_change_permission(request, obj):
            return self.SHOWN_FIELDS
        return [*self.DECIDED_FIELDS, *self.SHOWN_FIELDS]

    @admin.display(description="entries", ordering="entry_count")
    def entry_count(self, proposal):
        return proposal.entry_count

    def change_view(self, request, object_id, form_url="", extra_context=None):
        proposal = self.get_object(request, object_id)
        if proposal is not None:
            entries = proposal.entries.all()
            mine = set(entries_editable_by(request.user, entries).values_list("pk", flat=True))
            extra_context = {
                **(extra_context or {}),
                "proposed_for": [
                    (entry, reverse(entry.kind_info.admin_url_name("change"), args=[entry.pk]))
                    if entry.pk in mine
                    else (history.HIDDEN_ENTRY, None)
                    for entry in entries
                ],
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        """Corrections, then the decision, on the proposal as stored and locked: a
        decision taken meanwhile by someone else is never overwritten."""
        decision = form.cleaned_data.get("decision")
        theme = form.cleaned_data.get("existing_theme") if decision == form.EXISTING else None
        try:
            with transaction.atomic():
                obj = theme_proposal_edit(
                    proposal=obj, name=obj.name, description=obj.description, note=obj.note
                )
                if decision == form.REJECT:
                    theme_proposal_reject(proposal=obj, user=request.user, note=obj.note)
                elif decision:
                    theme_proposal_approve(
                        proposal=obj, user=request.user, theme=theme, note=obj.note
                    )
        except ValueError as error:
            request.unumn_not_decided = str(error)

    def log_change(self, request, obj, message):
        if not hasattr(request, "unumn_not_decided"):
            return super().log_change(request, obj, message)
        return None

    def response_change(self, request, obj):
        failure = getattr(request, "unumn_not_decided", None)
        if failure is None:
            return super().response_change(request, obj)
        self.message_user(request, failure, messages.ERROR)
        return redirect(reverse("admin:unumn_themeproposal_change", args=[obj.pk]))

    @admin.action(description="Approve selected proposals as new themes", permissions=["change"])
    def approve_as_new(self, request, queryset):
        done, refused = [], []
        for proposal in queryset.filter(status=ThemeProposal.Status.PENDING):
            try:
                if Theme.named_like(proposal.name) is not None:
                    raise ValueError
                theme_proposal_approve(proposal=proposal, user=request.user)
            except ValueError:  # a theme of that name, or decided on meanwhile
                refused.append(proposal.name)
                continue
            done.append(proposal.name)
        if done:
            self.message_user(request, f"Approved as new themes: {', '.join(done)}.")
        if refused:
            self.message_user(
                request,
                f"Not approved: {', '.join(refused)} (a theme of that name exists, or it was "
                "decided on meanwhile: open each to decide).",
                messages.WARNING,
            )


class OrderedInline(admin.TabularInline):
    """An inline listed in order (its ``order`` field): with JavaScript, rows are moved
    by dragging their handle or with "Move up" / "Move down" buttons, and the numbers
    follow; without it, the numbers are typed. ``placed_before`` names the fieldset of
    the entry form it is shown above."""

    extra = 0
    classes = ["ordered-inline"]
    placed_before = ""

    class Media:
        js = ["unumn/admin/ordered-inline.js"]
        css = {"all": ["unumn/admin/ordered-inline.css"]}


class ContributionInline(OrderedInline):
    model = Contribution
    autocomplete_fields = ["person"]
    fields = ["order", "person", "role"]
    verbose_name = "person"
    verbose_name_plural = "authors, editors and other people (in the order they are listed)"
    placed_before = "Summary and text"


class InvolvementInline(OrderedInline):
    model = Involvement
    autocomplete_fields = ["organisation"]
    fields = ["order", "organisation", "role"]
    placed_before = "Links to other entries"
    verbose_name = "organisation"
    verbose_name_plural = "organisations (commissioners, funders, partners, publishers)"


class FileFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        marked = [
            form
            for form in self.forms
            if form.cleaned_data.get("full_text") and not form.cleaned_data.get("DELETE")
        ]
        if len(marked) > 1:
            raise forms.ValidationError("Mark one file only as the main full text.")

    def save(self, commit=True):
        # The mark moves from one file to another in one save: the files losing it first
        # (the rows are saved in the form's order; one entry has one main full text).
        if commit:
            losing = [
                form.instance.pk
                for form in self.initial_forms
                if form.initial.get("full_text")
                and (form in self.deleted_forms or not form.cleaned_data.get("full_text"))
            ]
            EntryFile.objects.filter(pk__in=losing).update(full_text=False)
        return super().save(commit)


class FileInline(OrderedInline):
    """The entry's files (full text, slides, data), each checked by content when
    uploaded (``unumn/files.py``); its size, type and downloads shown once saved."""

    model = EntryFile
    formset = FileFormSet
    fields = ["order", "file", "label", "language", "full_text", "about", "downloads"]
    readonly_fields = ["about", "downloads"]
    placed_before = "Publishing"
    verbose_name = "file"
    verbose_name_plural = "files (full text, slides, data: PDF, Word, Excel, PowerPoint, CSV, ZIP)"

    @admin.display(description="type and size")
    def about(self, obj):
        if not obj.pk:
            return "—"
        pages = f", {obj.pages} page{pluralize(obj.pages)}" if obj.pages else ""
        return format_html(
            '<a href="{}">{}</a> ({}{})',
            obj.get_absolute_url(),
            obj.type.label,
            filesizeformat(obj.size),
            pages,
        )


class EntryAdminForm(forms.ModelForm):
    """Themes are picked from the curated vocabulary (with autocomplete), not typed
    as free text, so a typo never creates a new theme. An entry cannot be related
    to, or part of, itself.

    Two editors of one entry: the form carries the version it was opened on
    (``edit_token``, the entry's latest history version). If another save came in
    between, nothing is saved: the editor gets their input back with what the other
    editor changed, and saving again keeps theirs, knowingly. A save that failed for
    a reason of the moment (``save_failure``: a race on a unique link, a busy
    database) comes back the same way, with the input kept.
    """

    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)
    review_note = forms.CharField(
        label="Note to the editors",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="When you return an entry to draft: what to change. Kept in its history "
        "and sent to its editors.",
    )
    save_failure = None
    editor = None  # the user the form is for (get_form)
    publishing_before = None  # the entry's publishing state before a revert (get_form)

    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.all(),
        required=False,
        widget=AutocompleteSelectMultiple(Entry._meta.get_field("themes"), admin.site),
        help_text="Pick from the network's themes; if none fits, propose one below.",
    )
    propose_theme = forms.CharField(
        label="Propose a new theme",
        required=False,
        max_length=100,
        help_text="Its name, if no theme above fits. A network editor decides; "
        "on approval this entry gets the theme.",
    )
    propose_theme_description = forms.CharField(
        label="What the proposed theme covers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        body = self.fields.get("body")
        if body is not None:
            body.help_text = (
                f"{body.help_text} Searches read its first {MAX_INDEXED_BODY:,} characters;"
                " the page shows all of it."
            )
        if not self.instance.pk:
            return
        self.show_theme_proposals()
        self.initial["edit_token"] = history.latest_version_id(self.instance)
        self.initial["themes"] = list(self.instance.themes.all())
        field = self.fields.get("institutes")
        if field is not None:
            # An institute editor sees only their institutes; the others stay on save.
            current = list(self.instance.institutes.all())
            allowed = set(field.queryset.values_list("pk", flat=True))
            self.initial["institutes"] = [i.pk for i in current if i.pk in allowed]
            others = [i.short_name for i in current if i.pk not in allowed]
            if others:
                field.help_text = f"Also shared with {', '.join(others)}, which stays as it is."

    def show_theme_proposals(self):
        """The themes proposed for this entry, and what became of them."""
        field = self.fields.get("propose_theme")
        proposals = self.instance.theme_proposals.select_related("theme")
        if field is not None and proposals:
            said = format_html_join("; ", "“{}” ({})", ((p.name, p.decision) for p in proposals))
            field.help_text = format_html("{} Proposed for this entry: {}.", field.help_text, said)

    def clean(self):
        cleaned = super().clean()
        self.check_theme_proposal(cleaned)
        pk = self.instance.pk
        if pk is not None and cleaned.get("part_of") is not None and cleaned["part_of"].pk == pk:
            self.add_error("part_of", "An entry cannot be part of itself.")
        if pk is not None and any(entry.pk == pk for entry in cleaned.get("related") or []):
            self.add_error("related", "An entry cannot be related to itself.")
        if self.save_failure:
            raise forms.ValidationError(self.save_failure)
        if pk is not None:
            self.check_no_other_save(cleaned.get("edit_token") or "")
        self.check_publishing(cleaned)
        return cleaned

    def check_theme_proposal(self, cleaned):
        name = cleaned.get("propose_theme")
        if not name:
            return
        same = Theme.named_like(name)
        if same is not None:
            self.add_error("propose_theme", f"There is already a theme “{same}”: pick it above.")
            return
        try:
            proposal = ThemeProposal(
                name=name, description=cleaned.get("propose_theme_description")
            )
            proposal.full_clean(validate_constraints=False)  # the same name pending: joined
        except ValidationError as error:
            fields = {"name": "propose_theme", "description": "propose_theme_description"}
            for field, messages_ in error.message_dict.items():
                for message in messages_:
                    self.add_error(fields.get(field), message)

    def check_publishing(self, cleaned):
        """Publishing, scheduling and featuring on the home page are a reviewer's (of one
        of the entry's institutes) or a network editor's: anyone else's form, forged or
        not, a revert's or a recover's, may not make an entry so. Submitting it for
        review, returning it to draft and editing its text they may."""
        if self.editor is None:
            return
        institutes = {institute.pk for institute in cleaned.get("institutes") or []}
        if self.instance.pk:  # those the editor cannot see stay on save
            institutes |= set(self.instance.institutes.values_list("pk", flat=True))
        if may_publish(self.editor, institutes):
            return
        before = self.publishing_before or publishing_state(self.instance.pk)
        after = {
            "status": cleaned.get("status"),
            "publish_at": to_the_second(cleaned.get("publish_at")),
            "featured": bool(cleaned.get("featured")),
        }
        reviewer = "only a reviewer of its institute or a network editor can"
        if after["status"] == Entry.Status.PUBLISHED and before["status"] != after["status"]:
            self.add_error("status", f"To publish it, submit it for review: {reviewer} publish.")
        if after["publish_at"] != before["publish_at"]:
            self.add_error("publish_at", f"Leave the publish time as it is: {reviewer} set it.")
        if after["featured"] != before["featured"]:
            self.add_error("featured", f"Leave this as it is: {reviewer} feature an entry.")

    def check_no_other_save(self, token):
        """Refuse a save over another editor's that came in after this form was opened."""
        latest = history.latest_version_id(self.instance)
        if not token or token == latest:
            return
        changes = history.changes_since(self.instance, token, self.editor)
        # The form comes back carrying the latest version: saving again is deliberate.
        self.data = self.data.copy()
        self.data[self.add_prefix("edit_token")] = latest
        raise forms.ValidationError(history.conflict_message(changes))


class BaseEntryAdmin(EntryHistoryAdminMixin, VersionAdmin):
    """The shared base of the project, publication and event admins.

    Subclasses add their own fieldset (``kind_fieldset``) and list columns.
    """

    form = EntryAdminForm
    kind_fieldset = None
    inlines = [ContributionInline, InvolvementInline, FileInline]
    list_display = ["title", "status_badge", "date_label", "institute_list", "publish_at"]
    list_filter = ["status", "institutes", "themes"]
    search_fields = ["title", "slug", "summary", "contributors__name", "contributors__family_name"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["institutes", "countries", "related", "part_of"]
    view_on_site = True
    actions = ["submit_for_review", "publish_now", "return_to_draft"]
    change_form_template = "admin/unumn/entry_change_form.html"
    object_history_template = "admin/unumn/entry_history.html"
    history_latest_first = True

    def get_fieldsets(self, request, obj=None):
        """The form in the order of the task: what it is (title, date, the kind's
        essentials), who wrote it (the people, placed by ``OrderedInline.placed_before``),
        what it says, where it belongs, and last whether it is public."""
        fieldsets = [
            (None, {"fields": ["title", "slug", ("date", "date_precision"), "edit_token"]}),
        ]
        if self.kind_fieldset:
            fieldsets.append(self.kind_fieldset)
        fieldsets += [
            ("Summary and text", {"fields": ["summary", "body"]}),
            (
                "Who and where",
                {
                    "fields": [
                        "institutes",
                        "themes",
                        "propose_theme",
                        "propose_theme_description",
                        "countries",
                    ]
                },
            ),
            ("Links to other entries", {"fields": ["part_of", "related"]}),
            (
                "Publishing",
                {
                    "fields": ["status", "publish_at", "featured", "review_note"],
                    "description": "Drafts and entries in review are never public. A published "
                    "entry with a publish time in the future goes public at that time.",
                },
            ),
        ]
        return fieldsets

    # --- scope ----------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("institutes")
        return entries_editable_by(request.user, queryset)

    def get_object(self, request, object_id, from_field=None):
        if getattr(request, "unumn_reverting", None) == _int_or_none(object_id):
            # A revert, allowed on the entry as it was (revision_view): the version put
            # back may lie outside the editor's institutes until the form saves.
            return self.model._default_manager.filter(pk=request.unumn_reverting).first()
        obj = super().get_object(request, object_id, from_field)
        if obj is None and self.model._default_manager.filter(pk=_int_or_none(object_id)).exists():
            # It exists, but belongs to another institute: refuse rather than pretend.
            raise PermissionDenied
        return obj

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        ids = editable_institute_ids(request.user)
        if db_field.name == "institutes" and ids is not None:
            kwargs["queryset"] = Institute.objects.filter(pk__in=ids)
        if db_field.name == "related":
            kwargs["queryset"] = linkable_entries(request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "part_of":
            kwargs["queryset"] = linkable_entries(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_view_on_site_url(self, obj=None):
        # Straight to the page, not through admin/r/: the page itself decides who sees it.
        return obj.get_absolute_url() if obj is not None and obj.pk else None

    def save_model(self, request, obj, form, change):
        before = getattr(request, "unumn_publishing_before", None)
        request.unumn_status_before = (before or publishing_state(obj.pk))["status"]
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """Keep the institutes the editor cannot see: an institute editor saving (or
        reverting) an entry shared with another institute must not take it away from
        them. Then the version of the entry as saved, and the mail of a new status."""
        kept = self.institutes_kept(request, form.instance) if change else []
        with reindex_once():
            super().save_related(request, form, formsets, change)
            if kept:
                form.instance.institutes.add(*kept)
        self.record_saved(form.instance)
        self.propose_theme(request, form)
        request.unumn_review_note = form.cleaned_data.get("review_note", "")
        review.status_changed(
            form.instance,
            request.unumn_status_before,
            form.instance.status,
            by=request.user,
            note=request.unumn_review_note,
        )

    def propose_theme(self, request, form):
        name = form.cleaned_data.get("propose_theme")
        if not name:
            return
        description = form.cleaned_data.get("propose_theme_description", "")
        try:
            proposal = theme_proposal_create(
                name=name, description=description, entry=form.instance, user=request.user
            )
        except ValidationError as error:  # a theme of that name came in meanwhile
            messages.warning(request, f"Theme not proposed: {error.messages[0]}")
            return
        messages.info(
            request,
            f"Theme “{proposal.name}” proposed: a network editor decides, and on approval "
            "this entry gets it.",
        )

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        note = getattr(request, "unumn_review_note", "")
        if note and reversion.is_active():
            reversion.set_comment(review.history_comment(entry.get_change_message(), note))
        return entry

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "GET" and object_id is not None:
            self.show_review_note(request, object_id)
        try:
            with reindex_once():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except (IntegrityError, OperationalError) as error:
            failure = save_failure(error)
            if request.method != "POST" or failure is None:
                raise
            # Nothing was saved (the transaction was rolled back): the form again, with
            # the editor's input and what happened.
            request.unumn_save_failure = failure
            return super().changeform_view(request, object_id, form_url, extra_context)

    def show_review_note(self, request, object_id):
        obj = self.model._default_manager.filter(pk=_int_or_none(object_id)).first()
        returned = review.latest_note(obj) if obj is not None else None
        if returned is not None:
            who, when, note = returned
            name = who.get_username() if who else "A reviewer"
            messages.info(
                request, f"{name} returned this entry to draft on {when:%d %b %Y}: {note}"
            )

    def render_change_form(self, request, context, *args, **kwargs):
        names = {name for name, _ in self.get_fieldsets(request, kwargs.get("obj"))}
        for formset in context.get("inline_admin_formsets", []):
            before = getattr(formset.opts, "placed_before", "")
            formset.placed_before = before if before in names else ""
        return super().render_change_form(request, context, *args, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        attributes = {
            "save_failure": getattr(request, "unumn_save_failure", None),
            "editor": request.user,
            "publishing_before": getattr(request, "unumn_publishing_before", None),
        }
        return type(form.__name__, (form,), attributes)

    def response_add(self, request, obj, post_url_continue=None):
        if "_viewonsite" in request.POST:
            return HttpResponseRedirect(obj.get_absolute_url())
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_viewonsite" in request.POST:
            return HttpResponseRedirect(obj.get_absolute_url())
        return super().response_change(request, obj)

    # --- list -----------------------------------------------------------

    @admin.display(description="web status", ordering="status")
    def status_badge(self, entry):
        label, css = entry.get_status_display(), entry.status
        if entry.status == "published" and entry.publish_at and entry.publish_at > timezone.now():
            label, css = f"Scheduled {entry.publish_at:%d %b %Y %H:%M}", "scheduled"
        return format_html('<span class="status-badge status-badge--{}">{}</span>', css, label)

    @admin.display(description="date", ordering="date")
    def date_label(self, entry):
        return format_partial_date(entry.date, entry.date_precision, short=True)

    @admin.display(description="institutes")
    def institute_list(self, entry):
        return ", ".join(institute.short_name for institute in entry.institutes.all())

    @admin.action(description="Submit selected entries for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._set_status(request, queryset, Entry.Status.REVIEW)

    @admin.action(description="Publish selected entries now", permissions=["change"])
    def publish_now(self, request, queryset):
        self._set_status(request, queryset, Entry.Status.PUBLISHED)

    @admin.action(description="Return selected entries to draft", permissions=["change"])
    def return_to_draft(self, request, queryset):
        self._set_status(request, queryset, Entry.Status.DRAFT)

    def _set_status(self, request, queryset, status):
        if status == Entry.Status.PUBLISHED:
            allowed = entries_publishable_by(request.user, queryset)
            refused = queryset.count() - allowed.count()
            if refused:
                self.message_user(
                    request,
                    f"{refused} of the selected entries not published: only a reviewer of "
                    "their institute or a network editor can publish (submit them for review).",
                    messages.WARNING,
                )
            queryset = allowed
        count = entries_set_status(entries=queryset, status=status, user=request.user)
        label = Entry.Status(status).label.lower()
        self.message_user(request, f"{count} entr{'y' if count == 1 else 'ies'} now {label}.")


def linkable_entries(request):
    """Entries an editor may link to (related, part of): their own, or public ones."""
    return Entry.objects.filter(visible_entries_q(request.user))


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    """Every entry of every kind in one list, and the search behind the "related
    entries" and "part of" autocompletes. Opening one goes to its own admin."""

    list_display = ["title", "kind", "status", "date", "open_link"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "slug"]

    def has_add_permission(self, request):
        return False

    def get_actions(self, request):
        return {}  # deleting goes through each kind's admin, which keeps the history

    def delete_view(self, request, object_id, extra_context=None):
        entry = self.get_object(request, object_id) or not_found()
        return redirect(reverse(entry.kind_info.admin_url_name("delete"), args=[entry.pk]))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if autocomplete_target(request):
            # Linking to another entry: your own, or any public one; never another
            # institute's draft.
            return queryset.filter(pk__in=linkable_entries(request).values("pk"))
        return entries_editable_by(request.user, queryset)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        entry = self.get_object(request, object_id)
        if entry is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return redirect(reverse(entry.kind_info.admin_url_name("change"), args=[entry.pk]))

    @admin.display(description="")
    def open_link(self, entry):
        url = reverse(entry.kind_info.admin_url_name("change"), args=[entry.pk])
        return format_html('<a href="{}">Edit this {}</a>', url, entry.get_kind_display().lower())


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout page (``AXES_LOCKOUT_CALLABLE``), inside the editors' admin:
    its header and title, and the wait in words ("1 hour", not "PT1H")."""
    now = timezone.now()
    wait = datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
    context = {
        **admin.site.each_context(request),
        "title": "Sign-in locked",
        "cooloff": timesince(now - wait, now),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "admin/locked_out.html", context, status=429)


def login_username(request, credentials=None):
    """The user name a sign-in attempt gave, as django-axes records it (its column holds
    255 characters; PostgreSQL refuses NUL): what it means for a lockout is unchanged."""
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "POST", {}).get("username")
    return clean_text(str(username))[:255] if username is not None else None


class SignInForm(AdminAuthenticationForm):
    """The admin's sign-in form, taking control characters out of the user name (a
    user name with them exists nowhere: the usual "wrong credentials" answer)."""

    def clean_username(self):
        return clean_text(self.cleaned_data.get("username") or "")


admin.site.login_form = SignInForm


def save_failure(error):
    """What to tell an editor whose save failed for a reason of the moment (then they
    get their form back), or ``None`` for any other failure."""
    text = str(error).lower()
    if isinstance(error, IntegrityError):
        return (
            "Nothing was saved: another editor saved the same link (the same person or "
            "organisation in the same role) at the same moment. Your changes are below: "
            "check them and save again."
        )
    if any(busy in text for busy in ("database is locked", "deadlock", "lock timeout")):
        return (
            "Nothing was saved: the database was busy with another save. Your changes "
            "are below: save again in a moment."
        )
    return None


class ReportForm(forms.ModelForm):
    """A report's form: its citation style among those offered; an institute editor's
    report is limited to some of their institutes."""

    citation_style = forms.ChoiceField(choices=())

    class Meta:
        model = Report
        fields = [
            "title",
            "slug",
            "audience",
            "introduction",
            "selection",
            "institutes",
            "period_start",
            "period_end",
            "include_undated",
            "include_unfinished",
            "citation_style",
        ]

    editor = None  # who fills it in: set by ReportAdmin.get_form, as for entries

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["citation_style"].choices = list(kinds.citation_styles().items())
        editable = editable_institute_ids(self.editor)
        if editable is not None:
            field = self.fields["institutes"]
            field.queryset = field.queryset.filter(pk__in=editable)
            field.required = True
            field.help_text = "The institutes whose work it reports: one or more of yours."

    def clean_institutes(self):
        institutes = self.cleaned_data["institutes"]
        if not may_edit_report(self.editor, [i.pk for i in institutes]):
            raise ValidationError("Choose one or more of the institutes you edit.")
        return institutes


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Contribution reports made from the catalogue. A draft is made anew whenever it
    is viewed; finalising freezes its text and publishes it at /reports/<slug>/; the
    next report starts as a copy of a final one."""

    form = ReportForm
    list_display = ["title", "status", "period", "finalised_at", "preview"]
    list_filter = ["status"]
    search_fields = ["title", "audience"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["institutes"]
    actions = ["finalise", "start_next_draft"]

    @admin.display(description="Period")
    def period(self, report):
        return report.period_label

    @admin.display(description="Read")
    def preview(self, report):
        label = "Public page" if report.is_final else "Preview the draft"
        return format_html('<a href="{}">{}</a>', report.get_absolute_url(), label)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"editor": request.user})

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("institutes")
        editable = editable_institute_ids(request.user)
        if editable is None:
            return queryset
        outside = Report.institutes.through.objects.exclude(institute_id__in=editable)
        return (
            queryset.filter(institutes__in=editable)
            .exclude(pk__in=outside.values("report_id"))
            .distinct()
        )

    def has_change_permission(self, request, obj=None):
        # A final report's text is frozen: it is read, not edited.
        final = obj is not None and obj.is_final
        return not final and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Taking a published report down is for those who may publish it.
        if obj is not None and obj.is_final and not may_finalise(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        final = [report for report in queryset if report.is_final]
        if any(not may_finalise(request.user, report) for report in final):
            raise PermissionDenied("Only its reviewers or a network editor take a report down.")
        super().delete_queryset(request, queryset)

    @admin.action(description="Finalise: freeze the text and publish it", permissions=["change"])
    def finalise(self, request, queryset):
        done, refused = 0, []
        for report in queryset.filter(status=Report.Status.DRAFT):
            # Publishing a report is publishing its institutes' work: a network editor's,
            # or a reviewer's of each of its institutes.
            if not may_finalise(request.user, report):
                refused.append(str(report))
                continue
            reports.finalise(report)
            done += 1
        self.message_user(request, f"{done} report{pluralize(done)} finalised and published.")
        if refused:
            self.message_user(
                request,
                f"Not finalised, as only their institutes' reviewers may: {', '.join(refused)}.",
                messages.WARNING,
            )

    @admin.action(description="Start the next report from it", permissions=["add"])
    def start_next_draft(self, request, queryset):
        for report in queryset:
            draft = reports.next_draft(report)
            self.message_user(request, f"“{draft}” started as a draft: set its period.")
