from projects.models import Project
from unumn.views import EntryDetailView, EntryListView


class ProjectListView(EntryListView):
    model = Project
    template_name = "projects/project_list.html"
    heading = "Projects"


class ProjectDetailView(EntryDetailView):
    model = Project
    template_name = "projects/project_detail.html"
