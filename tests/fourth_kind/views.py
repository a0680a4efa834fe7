from django.views.generic import TemplateView

from tests.fourth_kind.filters import DatasetFilterSet
from tests.fourth_kind.models import Dataset
from unumn.views import EntryDetailView, SelectionMixin


class DatasetListView(SelectionMixin, TemplateView):
    model = Dataset
    filterset_class = DatasetFilterSet
    template_name = "datasets/dataset_list.html"
    heading = "Datasets"


class DatasetDetailView(EntryDetailView):
    model = Dataset
    template_name = "datasets/dataset_detail.html"
