"""The standards the service scores against: the shipped ones and those installed by plugins, found
and loaded once per process (files and entry points do not change while serving, and finding them
globs a directory and scans the entry points; loading one validates its YAML)."""

from __future__ import annotations

import functools
from typing import Any


@functools.lru_cache(maxsize=1)
def standard_ids() -> tuple[str, ...]:
    from dsbench.scoring.standard import shipped_standards

    return tuple(shipped_standards())


@functools.lru_cache(maxsize=64)
def standard(standard_id: str) -> Any:
    """The standard with this id, or None."""
    from dsbench.scoring.standard import load_standard, shipped_standards

    return load_standard(shipped_standards()[standard_id]) if standard_id in standard_ids() else None
