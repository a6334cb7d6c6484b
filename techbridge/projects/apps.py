from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "techbridge.projects"
    label = "projects"
    verbose_name = "Signed projects"

    def ready(self) -> None:
        from techbridge.core import visibility
        from techbridge.projects.selectors import projects_visible_to

        visibility.register(
            "projects.project", visible=projects_visible_to, url=lambda p: p.get_absolute_url()
        )
        from techbridge.imports import registry

        registry.register_importer("projects", "techbridge.projects.importers.ProjectImporter")
        registry.register_exporter("projects", "techbridge.projects.importers.export_projects")
