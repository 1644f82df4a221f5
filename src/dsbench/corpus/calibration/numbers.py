"""The numbers of a calibration report: rounding as the JSON writes them, and statistics over a corpus.

The statistics: quantiles, a five-number summary with the mean, Pearson's r."""

from __future__ import annotations

import math
from typing import Sequence

DIGITS = 6  # decimals of every number in the JSON report


def report_number(value: float | None) -> float | None:
    """A number as the report writes it: DIGITS decimals, no -0.0."""
    return None if value is None else round(float(value), DIGITS) + 0.0


def quantile(ordered: Sequence[float], q: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default, R's type 7)."""
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def distribution(values: Sequence[float]) -> dict[str, float | None] | None:
    if not values:
        return None
    ordered = sorted(values)
    return {"min": report_number(ordered[0]), "q1": report_number(quantile(ordered, 0.25)),
            "median": report_number(quantile(ordered, 0.5)), "q3": report_number(quantile(ordered, 0.75)),
            "max": report_number(ordered[-1]), "mean": report_number(math.fsum(ordered) / len(ordered))}


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r, or None when either series is constant."""
    n = len(xs)
    mean_x, mean_y = math.fsum(xs) / n, math.fsum(ys) / n
    dx, dy = [x - mean_x for x in xs], [y - mean_y for y in ys]
    sxx, syy = math.fsum(d * d for d in dx), math.fsum(d * d for d in dy)
    if sxx == 0 or syy == 0:
        return None
    r = math.fsum(a * b for a, b in zip(dx, dy)) / math.sqrt(sxx * syy)
    return max(-1.0, min(1.0, r))
