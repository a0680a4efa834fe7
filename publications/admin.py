import secrets
from collections import Counter

from django import forms
from django.contrib import admin, messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from reversion.admin import VersionAdmin

from publications import importing
from publications.models import Publication, Series
from unumn.admin import BaseEntryAdmin
from unumn.models import Institute
from unumn.permissions import editable_institute_ids, entries_editable_by


@admin.register(Series)
class SeriesAdmin(VersionAdmin):
    list_display = ["name", "kind", "issn", "publisher"]
    list_filter = ["kind"]
    search_fields = ["name", "issn"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["publisher"]
    view_on_site = True


@admin.register(Publication)
class PublicationAdmin(BaseEntryAdmin):
    kind_fieldset = (
        "Publication",
        {
            "fields": [
                "publication_type",
                ("publication_status", "reported_on"),
                ("series", "number"),
                ("volume", "issue", "pages"),
                "place",
                ("doi", "isbn"),
                "url",
                "item_count",
            ]
        },
    )
    list_display = [
        "title",
        "publication_type",
        "publication_status",
        *BaseEntryAdmin.list_display[1:],
    ]
    list_filter = ["publication_type", "publication_status", *BaseEntryAdmin.list_filter]
    search_fields = [*BaseEntryAdmin.search_fields, "doi", "isbn", "series__name"]
    autocomplete_fields = [*BaseEntryAdmin.autocomplete_fields, "series"]

    change_list_template = "admin/publications/publication/change_list.html"  # + "Import"

    def get_urls(self):
        view = self.admin_site.admin_view(import_view(self.admin_site, self))
        own = [path("import/", view, name="publications_publication_import")]
        return own + super().get_urls()


class ImportForm(forms.Form):
    file = forms.FileField(help_text="BibTeX (.bib), RIS (.ris), CSL-JSON (.json) or CSV (.csv).")
    institute = forms.ModelChoiceField(
        queryset=Institute.objects.none(), help_text="The new publications are its drafts."
    )
    format = forms.ChoiceField(
        required=False,
        choices=[("", "From the file's name"), *[(f, f) for f in importing.FORMATS]],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        ids = editable_institute_ids(user)
        institutes = Institute.objects.all()
        self.fields["institute"].queryset = (
            institutes if ids is None else institutes.filter(pk__in=ids)
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_SIZE:
            raise forms.ValidationError(
                f"This file is {filesizeformat(upload.size)}; an import may be at most "
                f"{filesizeformat(IMPORT_MAX_SIZE)}: split it."
            )
        try:
            return upload.name, upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("This file is not UTF-8 text.") from None


IMPORT_MAX_SIZE = 10 * 1024 * 1024
IMPORT_KEPT = 3600  # seconds a preview waits for its confirmation


def import_view(admin_site, model_admin):
    """Upload, preview (each record's fate), confirm: ``publications/importing.py``."""

    def view(request):
        if not model_admin.has_add_permission(request):
            raise PermissionDenied
        context = {
            **admin_site.each_context(request),
            "opts": Publication._meta,
            "title": "Import publications",
            "csv_columns": importing.CSV_COLUMNS,
        }
        if request.method == "POST" and "_import" in request.POST:
            return _confirm(request, context)
        form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            (name, data), institute = form.cleaned_data["file"], form.cleaned_data["institute"]
            fmt = form.cleaned_data["format"] or importing.detect(name, data)
            try:
                steps = importing.plan(importing.read(data, fmt), editable=_editable(request))
            except importing.ImportError_ as error:
                form.add_error("file", str(error))
            else:
                token = secrets.token_urlsafe(16)
                kept = {"data": data, "fmt": fmt, "institute": institute.pk, "name": name}
                cache.set(_key(request, token), kept, IMPORT_KEPT)
                counts = Counter(step.action for step in steps)
                return TemplateResponse(
                    request,
                    "admin/publications/publication/import.html",
                    {**context, "steps": steps, "token": token, "file_name": name,
                     "institute": institute, "counts": {a: counts[a] for a in ACTIONS}},
                )  # fmt: skip
        return TemplateResponse(
            request, "admin/publications/publication/import.html", {**context, "form": form}
        )

    return view


ACTIONS = ("new", "update", "duplicate", "error")


def _editable(request):
    return entries_editable_by(request.user, Publication.objects.all())


def _key(request, token):
    return f"publication-import:{request.user.pk}:{token}"


def _confirm(request, context):
    kept = cache.get(_key(request, request.POST.get("token", "")))
    if kept is None:
        messages.error(request, "That preview has expired: choose the file again.")
        return redirect("admin:publications_publication_import")
    ids = editable_institute_ids(request.user)
    institute = Institute.objects.filter(pk=kept["institute"]).first()
    if institute is None or (ids is not None and institute.pk not in ids):
        raise PermissionDenied
    # What is here now (the site may have changed since the preview).
    steps = importing.plan(importing.read(kept["data"], kept["fmt"]), editable=_editable(request))
    counts = importing.apply(steps, institute=institute, by=request.user, source=kept["name"])
    cache.delete(_key(request, request.POST["token"]))
    messages.success(
        request,
        f"Imported {kept['name']}: {counts['new']} new draft(s) of {institute.short_name}, "
        f"{counts['update']} filled in, {counts['duplicate']} already here, "
        f"{counts['error']} refused.",
    )
    return redirect(reverse("admin:publications_publication_changelist") + "?status__exact=draft")
