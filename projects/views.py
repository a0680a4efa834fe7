from django.views.generic import TemplateView

from projects.filters import ProjectFilterSet
from projects.models import Project
from unumn.views import EntryDetailView, SelectionMixin


class ProjectListView(SelectionMixin, TemplateView):
    model = Project
    filterset_class = ProjectFilterSet
    template_name = "projects/project_list.html"
    heading = "Projects"


class ProjectDetailView(EntryDetailView):
    model = Project
    template_name = "projects/project_detail.html"
