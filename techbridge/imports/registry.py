"""Which importer and exporter serves which kind. Apps register theirs in AppConfig.ready,
so this module never imports domain apps."""

from __future__ import annotations

from typing import Any

from django.utils.module_loading import import_string

_IMPORTERS: dict[str, str] = {}
_EXPORTERS: dict[str, str] = {}


def register_importer(kind: str, dotted_path: str) -> None:
    _IMPORTERS[kind] = dotted_path


def register_exporter(kind: str, dotted_path: str) -> None:
    _EXPORTERS[kind] = dotted_path


def importer_class(kind: str) -> Any:
    if kind not in _IMPORTERS:
        raise KeyError(kind)
    return import_string(_IMPORTERS[kind])


def exporter(kind: str) -> Any:
    if kind not in _EXPORTERS:
        raise KeyError(kind)
    return import_string(_EXPORTERS[kind])


def importer_kinds() -> list[str]:
    return sorted(_IMPORTERS)


def exporter_kinds() -> list[str]:
    return sorted(_EXPORTERS)
