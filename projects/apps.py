from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    """Projects: research, evaluations, capacity building and the programmes holding them."""

    name = "projects"

    def ready(self):
        from projects.filters import ProjectFilterSet
        from projects.models import Project, ProjectState, ProjectType
        from projects.structured_data import project
        from unumn import kinds

        def benchmark_row(rng, entry):
            return {
                "project_type": rng.choice(ProjectType.values),
                "state": rng.choice(ProjectState.values),
            }

        kinds.register(
            kinds.Kind(
                model=Project,
                filterset=ProjectFilterSet,
                urls="projects.urls",
                namespace="projects",
                json_ld=project,
                colour="#0b6b4d",
                content=kinds.ContentTable(
                    "projects",
                    fields=("project_type", "state", "duration_months", "url"),
                    dates=("start", "end"),
                ),
                benchmark=benchmark_row,
                benchmark_weight=2,
            )
        )
