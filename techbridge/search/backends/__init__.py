"""Choose the search backend from settings (read at call time, never at import time).

``SEARCH_BACKEND`` names an implementation ("tantivy", or a dotted path to a
:class:`~techbridge.search.backends.base.SearchBackend` subclass whose constructor takes the
index directory); ``SEARCH_INDEX_DIR`` says where it keeps its files.
"""

from __future__ import annotations

import threading
from importlib import import_module
from pathlib import Path

from django.conf import settings

from techbridge.search.backends.base import Filters, Hit, IndexDoc, SearchBackend, SearchResult

BACKENDS = {"tantivy": "techbridge.search.backends.tantivy_backend.TantivyBackend"}

_lock = threading.Lock()
_cache: dict[tuple[str, str], SearchBackend] = {}


def get_backend() -> SearchBackend:
    """The process-wide backend for the current settings (one per name and directory)."""
    name = getattr(settings, "SEARCH_BACKEND", "tantivy") or "tantivy"
    root = str(Path(settings.SEARCH_INDEX_DIR))
    key = (name, root)
    backend = _cache.get(key)
    if backend is None:
        with _lock:
            backend = _cache.get(key)
            if backend is None:
                dotted = BACKENDS.get(name, name)
                module_name, _, class_name = dotted.rpartition(".")
                cls = getattr(import_module(module_name), class_name)
                backend = cls(root)
                _cache[key] = backend
    return backend


def reset_backends() -> None:
    """Forget open backends (tests that change SEARCH_INDEX_DIR)."""
    with _lock:
        for backend in _cache.values():
            backend.close()
        _cache.clear()


__all__ = [
    "Filters",
    "Hit",
    "IndexDoc",
    "SearchBackend",
    "SearchResult",
    "get_backend",
    "reset_backends",
]
