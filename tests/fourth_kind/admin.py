from django.contrib import admin

from tests.fourth_kind.models import Dataset
from unumn.admin import BaseEntryAdmin


@admin.register(Dataset)
class DatasetAdmin(BaseEntryAdmin):
    kind_fieldset = ("Dataset", {"fields": ["licence", "data_format"]})
