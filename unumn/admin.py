"""Admin for the network's vocabulary and the shared base of every entry admin."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from taggit.models import Tag

from unumn.models import (
    Contribution,
    Country,
    Entry,
    Institute,
    Involvement,
    Organisation,
    Person,
    Theme,
)

# Themes are the one tag vocabulary; taggit's own generic Tag is not used.
admin.site.unregister(Tag)


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region", "subregion"]
    list_filter = ["region", "subregion"]
    search_fields = ["name", "code"]


@admin.register(Institute)
class InstituteAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "city", "order"]
    list_editable = ["order"]
    list_filter = ["kind"]
    list_select_related = ["country"]
    search_fields = ["acronym", "name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "family_name", "institute"]
    list_filter = ["institute"]
    list_select_related = ["institute"]
    search_fields = ["name", "family_name", "given_name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "country"]
    list_filter = ["kind"]
    list_select_related = ["country"]
    search_fields = ["name", "acronym"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "entry_count"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

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


class ContributionInline(admin.TabularInline):
    model = Contribution
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["order", "person", "role"]
    verbose_name = "person"
    verbose_name_plural = "people (in the order they are listed)"


class InvolvementInline(admin.TabularInline):
    model = Involvement
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["order", "organisation", "role"]
    verbose_name = "organisation"
    verbose_name_plural = "organisations (commissioners, funders, partners, publishers)"


class EntryAdminForm(forms.ModelForm):
    """Themes are picked from the curated vocabulary (with autocomplete), not typed
    as free text, so a typo never creates a new theme."""

    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.all(),
        required=False,
        widget=AutocompleteSelectMultiple(Entry._meta.get_field("themes"), admin.site),
        help_text="Pick from the network's themes; ask a network editor to add a new one.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["themes"] = list(self.instance.themes.all())


class BaseEntryAdmin(admin.ModelAdmin):
    """The shared base of the project, publication and event admins.

    Subclasses add their own fieldset (``kind_fieldset``) and list columns.
    """

    form = EntryAdminForm
    kind_fieldset = None
    inlines = [ContributionInline, InvolvementInline]
    list_display = ["title", "status", "date_label", "institute_list", "publish_at"]
    list_filter = ["status", "institutes", "themes"]
    list_select_related = []
    search_fields = ["title", "slug", "summary", "contributors__name"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["institutes", "countries", "related", "part_of"]
    view_on_site = True

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["title", "slug", "summary", "body"]}),
            ("Who and where", {"fields": ["institutes", "themes", "countries"]}),
            (
                "Dates",
                {"fields": ["date", "date_precision"]},
            ),
        ]
        if self.kind_fieldset:
            fieldsets.append(self.kind_fieldset)
        fieldsets += [
            ("Links to other entries", {"fields": ["part_of", "related"]}),
            ("Publishing", {"fields": ["status", "publish_at", "featured"]}),
        ]
        return fieldsets

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("institutes")

    @admin.display(description="date", ordering="date")
    def date_label(self, entry):
        return entry.date_label

    @admin.display(description="institutes")
    def institute_list(self, entry):
        return ", ".join(institute.short_name for institute in entry.institutes.all())


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    """Every entry of every kind in one list, and the search behind the "related
    entries" and "part of" autocompletes. Opening one goes to its own admin."""

    list_display = ["title", "kind", "status", "date", "open_link"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "slug"]

    def has_add_permission(self, request):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        entry = self.get_object(request, object_id)
        if entry is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return redirect(reverse(f"admin:{entry.kind}s_{entry.kind}_change", args=[entry.pk]))

    @admin.display(description="")
    def open_link(self, entry):
        url = reverse(f"admin:{entry.kind}s_{entry.kind}_change", args=[entry.pk])
        return format_html('<a href="{}">Edit this {}</a>', url, entry.get_kind_display().lower())
