"""Demo world registry: each app that ships demo data adds a loader here, in dependency
order. `techbridge setup-demo` runs them all; every loader must be idempotent."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

DemoLoader = Callable[[TextIO], None]

# Dotted paths, imported lazily so this module stays import-light.
LOADERS: list[str] = [
    "techbridge.accounts.demo.load",
    "techbridge.catalogue.demo.load",
    "techbridge.contracts.demo.load",
    "techbridge.brokerage.demo.load",
    "techbridge.sharing.demo.load",
    "techbridge.projects.demo.load",
    "techbridge.supervision.demo.load",
    "techbridge.notices.demo.load",
    "techbridge.programmes.demo.load",
    "techbridge.cultivation.demo.load",
    "techbridge.chronicle.demo.load",
]
