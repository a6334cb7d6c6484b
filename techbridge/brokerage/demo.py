"""Demo data for this app (see core/demo.py). Idempotent."""

from typing import TextIO


def load(out: TextIO) -> None:
    """Nothing yet."""
