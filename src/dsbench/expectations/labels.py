"""Expectations about a label (class) column: balance, richness and class sizes (ISO/IEC 5259-2
Bal-ML-3, Bal-ML-8, Div-ML-1).

Every one of them reads the same single metric, the size of each class in scope::

    SELECT label, count(*) FROM t WHERE label IS NOT NULL [AND row_condition] GROUP BY 1

so any number of them on one column cost one grouped query. Declared classes (``value_set``) travel
only in kwargs and are compared in Python, never written into SQL.

**Classes** are the declared ``value_set`` united with the non-null labels present in scope; a
declared class absent from the data has size 0. Nulls are never a class. ``N`` is the number of
non-null labels in scope, ``k`` the number of classes, ``n_c`` the size of class ``c``.

**Matching is type-aware**: a declared value matches a label of the same kind and equal value.
Numbers are one kind (a declared ``1`` matches the integer label ``1``, the float ``1.0`` and the
decimal ``1.00``), but a string never matches a number or a boolean and a boolean never matches a
number: the string ``"1"`` does not match the integer label ``1`` and ``1`` does not match ``true``
(Python's ``True == 1`` does not apply). A declared value that matches nothing is a class of size 0,
visible in the result's ``class_counts`` or ``missing_labels``. One exception, because suites store
dates as text: on a DATE, TIME or TIMESTAMP column a declared ISO string is read as a date or time
(``"2024-01-01"``; a string without an offset on a time-zone column means UTC); a string that does
not parse stays a string and matches nothing. Every list in a result is sorted by
(kind, value), so mixed kinds sort deterministically (``bool`` < ``number`` < ``str`` < other
type names; NaN after every number).

None of these has a GX counterpart (``gx_compatible = False``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import uuid
from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

from pydantic import Field, field_validator

from dsbench.engine.metrics import Condition, Metric, freeze
from dsbench.engine.types import LogicalType
from dsbench.expectations.base import PARTIAL_UNEXPECTED_COUNT, Expectation, Outcome, jsonable
from dsbench.expectations.column_map import ColumnKwargs

# At most this many classes are listed in ``class_counts`` (the counts always cover every class).
LISTED_CLASSES = 1000
_ORDERED = (dt.date, dt.time, dt.timedelta, bytes, uuid.UUID)


def label_key(value: Any) -> tuple:
    """The identity and sort key of a label: (kind, NaN flag, value). Equal keys are the same class."""
    if isinstance(value, bool):
        return ("bool", 0, value)
    if isinstance(value, (int, float, decimal.Decimal)):
        if value != value:  # NaN (DuckDB groups every NaN together)
            return ("number", 1, 0)
        return ("number", 0, value)
    if isinstance(value, str):
        return ("str", 0, value)
    if isinstance(value, _ORDERED):
        aware = isinstance(value, (dt.datetime, dt.time)) and value.tzinfo is not None
        return (type(value).__name__ + (" with time zone" if aware else ""), 0, value)
    return (type(value).__name__, 0, repr(freeze(value)))  # lists, structs, maps: by their text


def read_declared(value: Any, logical: LogicalType) -> Any:
    """A declared class as the column holds it: ISO strings become dates or times on temporal columns."""
    if not isinstance(value, str):
        return value
    try:
        if logical.family == "date":
            return dt.date.fromisoformat(value)
        if logical.family == "timestamp":
            parsed = dt.datetime.fromisoformat(value)
            if logical.time_zone and parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=dt.timezone.utc)
            return parsed
        if logical.family == "time" and not logical.time_zone:
            return dt.time.fromisoformat(value)
    except ValueError:
        pass
    return value


def significant(value: float, digits: int = 12) -> float:
    """``value`` rounded to ``digits`` significant digits (information fields, reproducible)."""
    return float(f"{value:.{digits}g}")


class LabelKwargs(ColumnKwargs):
    value_set: list[Any] | None = Field(None, description="the declared classes (optional)")

    @field_validator("value_set")
    @classmethod
    def no_null_class(cls, value: list[Any] | None) -> list[Any] | None:
        if value is not None and any(v is None for v in value):
            raise ValueError("value_set must not contain null: a missing label is never a class")
        return value


class BalanceKwargs(LabelKwargs):
    min_value: float = Field(0.0, ge=0.0, le=1.0, strict=True,
                             description="success when the balance is at least this (default 0: report only)")


class RichnessKwargs(LabelKwargs):
    value_set: list[Any] = Field(min_length=1, description="the declared labels")
    min_value: float = Field(1.0, ge=0.0, le=1.0, strict=True,
                             description="success when at least this share of the declared labels is present")


class ClassSizeKwargs(LabelKwargs):
    min_value: int = Field(ge=1, strict=True, description="the fewest examples a class may have")
    mostly: float = Field(1.0, ge=0.0, le=1.0)


@dataclass
class Classes:
    """The classes of a label column in scope: declared ∪ present, sorted by :func:`label_key`."""

    keys: list[tuple]  # sorted
    values: dict[tuple, Any]  # a representative value per class (the data's when present)
    counts: dict[tuple, int]  # 0 for declared classes absent from the data
    declared: list[tuple]  # sorted, de-duplicated

    @property
    def k(self) -> int:
        return len(self.keys)

    @property
    def n(self) -> int:
        return sum(self.counts.values())

    def listing(self, keys: list[tuple] | None = None, limit: int = LISTED_CLASSES) -> list[dict[str, Any]]:
        chosen = self.keys if keys is None else keys
        return [{"value": jsonable(self.values[key]), "count": self.counts[key]} for key in chosen[:limit]]


def gather(rows: list[tuple], declared: list[Any]) -> Classes:
    values: dict[tuple, Any] = {}
    counts: dict[tuple, int] = {}
    for value, count in rows:
        key = label_key(value)
        values.setdefault(key, value)
        counts[key] = counts.get(key, 0) + int(count)  # e.g. 0.0 and -0.0, should they arrive apart
    declared_keys = []
    for value in declared:
        key = label_key(value)
        if key not in values:
            values[key], counts[key] = value, 0
        declared_keys.append(key)
    return Classes(sorted(values), values, counts, sorted(set(declared_keys)))


class LabelExpectation(Expectation):
    """A question about the class sizes of a label column (any type), from one grouped count."""

    family = "labels"
    defect_kind = "measure"
    gx_compatible: ClassVar[bool] = False
    Kwargs = LabelKwargs

    def bind(self) -> None:
        self.col = self.column(self.kw.column)
        logical = self.logical(self.kw.column)
        self.declared = [read_declared(v, logical) for v in self.kw.value_set or []]

    def metrics(self) -> list[Metric]:
        # Identical for every label expectation on this column and scope: the planner runs it once.
        self.m_counts = self.scope.rows(f"{self.col}, count(*)", where=Condition(f"{self.col} IS NOT NULL"),
                                        tail=" GROUP BY 1", label=f"class_counts({self.kw.column})")
        return [self.m_counts]

    def metrics_used(self) -> list[Metric]:
        return [self.m_counts]

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
        return self.judge(gather(values[self.m_counts], self.declared))

    def judge(self, classes: Classes) -> Outcome:
        raise NotImplementedError


class BalanceExpectation(LabelExpectation):
    """X = A / B with B = N(k − 1); not applicable (B = 0) with fewer than 2 classes or no label."""

    Kwargs = BalanceKwargs

    def shortfall(self, classes: Classes) -> int:
        """N(k − 1) − A: how far the classes are from balance, in units of 1/(N(k − 1))."""
        raise NotImplementedError

    def information(self, classes: Classes) -> dict[str, Any]:
        return {}

    def judge(self, classes: Classes) -> Outcome:
        k, n = classes.k, classes.n
        details: dict[str, Any] = {"classes": k, "label_count": n, "class_counts": classes.listing()}
        if k < 2 or n == 0:
            return Outcome(True, {"observed_value": None, "details": details}, 0, 0)
        evaluated = n * (k - 1)
        passed = evaluated - self.shortfall(classes)
        observed = passed / evaluated
        details.update(self.information(classes))
        return Outcome(observed >= self.kw.min_value, {"observed_value": observed, "details": details},
                       passed, evaluated)


class ExpectColumnClassSizesToBeBalanced(BalanceExpectation):
    """ISO/IEC 5259-2 Bal-ML-3: 1 − max_c |k·n_c − N| / (N(k − 1)), the largest deviation of a class
    size from the mean class size N/k relative to the largest possible one (all labels in one class)."""

    type = "expect_column_class_sizes_to_be_balanced"
    summary = ("Class balance (Bal-ML-3): 1 − the largest deviation of a class size from the mean class "
               "size, relative to its maximum, over the declared and present classes, is at least min_value.")
    default_concern = "balance.label"

    def deviation(self, classes: Classes, key: tuple) -> int:
        return abs(classes.k * classes.counts[key] - classes.n)

    def shortfall(self, classes: Classes) -> int:
        return max(self.deviation(classes, key) for key in classes.keys)

    def information(self, classes: Classes) -> dict[str, Any]:
        worst = max(classes.keys, key=lambda key: self.deviation(classes, key))  # the first in class order
        return {"mean_class_size": classes.n / classes.k,
                "largest_deviation": self.deviation(classes, worst) / classes.k,
                "most_deviating_class": jsonable(classes.values[worst])}


class ExpectColumnClassDistributionToBeNearUniform(BalanceExpectation):
    """ISO/IEC 5259-2 Bal-ML-8: 1 − the total variation distance of the label distribution from the
    uniform one, relative to its maximum 1 − 1/k: 1 − Σ_c max(k·n_c − N, 0) / (N(k − 1)). For two
    classes it equals Bal-ML-3. The Kullback-Leibler divergence from uniform (bits) and the normalised
    entropy (Pielou's evenness) are reported as information; they do not score."""

    type = "expect_column_class_distribution_to_be_near_uniform"
    summary = ("Label distribution balance (Bal-ML-8): 1 − the total variation distance from the uniform "
               "distribution over the declared and present classes, relative to its maximum, is at least min_value.")
    default_concern = "balance.label_distribution"

    def shortfall(self, classes: Classes) -> int:
        return sum(max(classes.k * classes.counts[key] - classes.n, 0) for key in classes.keys)

    def information(self, classes: Classes) -> dict[str, Any]:
        k, n = classes.k, classes.n
        # H = log2 N − Σ n_c log2 n_c / N, summed exactly-rounded in class order.
        entropy = math.log2(n) - math.fsum(c * math.log2(c) for c in (classes.counts[key] for key in classes.keys)
                                           if c) / n
        return {"total_variation_distance": significant(self.shortfall(classes) / (k * n)),
                "kl_divergence_bits": significant(max(math.log2(k) - entropy, 0.0)),
                "normalized_entropy": significant(min(max(entropy / math.log2(k), 0.0), 1.0))}


class ExpectColumnDistinctLabelsToCoverSet(LabelExpectation):
    """ISO/IEC 5259-2 Div-ML-1 (label richness): declared labels present in scope out of the declared
    labels. Unlike GX's ``expect_column_distinct_values_to_contain_set`` (1/1 or 0/1, Python equality)
    every declared label is an element, and matching is type-aware. No label in scope: none present."""

    type = "expect_column_distinct_labels_to_cover_set"
    summary = "The declared labels (value_set) are present (at least min_value of them; default all)."
    default_concern = "diversity.label"
    Kwargs = RichnessKwargs

    def judge(self, classes: Classes) -> Outcome:
        declared = set(classes.declared)
        missing = [key for key in classes.declared if classes.counts[key] == 0]
        undeclared = [key for key in classes.keys if key not in declared]
        evaluated = len(classes.declared)
        passed = evaluated - len(missing)
        observed = passed / evaluated
        details = {"declared_count": evaluated, "present_count": passed,
                   "missing_labels": [jsonable(classes.values[key]) for key in missing],
                   "undeclared_count": len(undeclared),
                   "partial_undeclared_labels": [jsonable(classes.values[key])
                                                 for key in undeclared[:PARTIAL_UNEXPECTED_COUNT]]}
        return Outcome(observed >= self.kw.min_value, {"observed_value": observed, "details": details},
                       passed, evaluated)


class ExpectColumnClassSizesToBeAtLeast(LabelExpectation):
    """Every class (declared or present) has at least ``min_value`` examples in scope: A = classes
    with n_c ≥ min_value, B = classes; success when A/B ≥ ``mostly``. No class at all: not applicable."""

    type = "expect_column_class_sizes_to_be_at_least"
    summary = "Every class (declared or present) has at least min_value examples."
    default_concern = "balance.class_size"
    Kwargs = ClassSizeKwargs

    def judge(self, classes: Classes) -> Outcome:
        small = sorted((key for key in classes.keys if classes.counts[key] < self.kw.min_value),
                       key=lambda key: (classes.counts[key], key))
        evaluated = classes.k
        passed = evaluated - len(small)
        observed = min(classes.counts.values()) if evaluated else None
        details = {"classes": evaluated, "label_count": classes.n, "below_minimum_count": len(small),
                   "classes_below_minimum": classes.listing(small, PARTIAL_UNEXPECTED_COUNT)}
        success = not evaluated or passed / evaluated >= self.kw.mostly
        return Outcome(success, {"observed_value": observed, "details": details}, passed, evaluated)


EXPECTATIONS = [ExpectColumnClassSizesToBeBalanced, ExpectColumnClassDistributionToBeNearUniform,
                ExpectColumnDistinctLabelsToCoverSet, ExpectColumnClassSizesToBeAtLeast]
