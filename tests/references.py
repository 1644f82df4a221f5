"""Independent Python references the tests compare dsbench's SQL against."""

from __future__ import annotations

import math
from typing import Any


def python_float(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def parses(parse, value: str) -> bool:
    """Does ``parse`` (e.g. date.fromisoformat) accept the stripped value?"""
    try:
        parse(value.strip())
        return True
    except ValueError:
        return False


def plain(value: Any) -> Any:
    """numpy scalars -> Python, NaN -> None (both tools' "missing"), containers recursively."""
    import numpy as np
    import pandas as pd

    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value
