"""The fields a person writes (kernel: one list per aggregate; forms, services and the API
derive from these)."""

ENTRY_FIELDS = (
    "kind",
    "title",
    "summary",
    "happened_on",
    "precision",
    "places",
    "organisations",
    "figures",
    "source_title",
    "source_url",
    "source_published_on",
)
ARTICLE_FIELDS = ("kind", "title", "body")
IMPORT_FIELDS = ("title", "source_url", "published_on")
