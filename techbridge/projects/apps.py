from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "techbridge.projects"
    label = "projects"
    verbose_name = "Signed projects"

    def ready(self) -> None:
        from techbridge.imports import registry

        registry.register_importer("projects", "techbridge.projects.importers.ProjectImporter")
        registry.register_exporter("projects", "techbridge.projects.importers.export_projects")
