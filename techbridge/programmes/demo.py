"""Demo data for `techbridge setup-demo` (filled in with the app)."""

from __future__ import annotations

from typing import TextIO


def load(out: TextIO) -> None:
    return None
