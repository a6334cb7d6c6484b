from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "techbridge.search"
    label = "search"
    verbose_name = "Search"
