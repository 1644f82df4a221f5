"""Where the shipped suites and datasets are: inside the wheel, or at the top of a source checkout."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def shipped(kind: str) -> Path:
    """The directory of shipped ``suites`` or ``datasets``."""
    packaged = PACKAGE_DIR / "_shipped" / kind
    if packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parent.parent / kind
