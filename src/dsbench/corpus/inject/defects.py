"""The defects injected into one table, each recorded for the ground truth.

Out-of-range values past the declared or observed bounds, label flips to another class, missing
values, and duplicated rows.

What to change is decided here; the changes themselves are made in the table's copy on the dataset's
engine (for DuckDB, :class:`dsbench.backends.duckdb.defect_copy.DefectCopy`), which selects the
cells by the seeded hash and records every one.
"""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any

from dsbench.corpus.inject.csv_layout import COMPRESSIONS, CsvLayout, csv_layout
from dsbench.corpus.inject.plan import TablePlan, count_of
from dsbench.corpus.inject.request import DEFECTS
from dsbench.corpus.inject.truth import Raw, jsonable

# A label column with more distinct values than this is not a class label.
MAX_CLASSES = 1000
MAX_DECIMALS = 20  # decimals an out-of-range value is written with, at most
NO_CELLS = '{"new":[],"old":[],"rows":[]}'  # the cells of a column where nothing changed


class TableDefects:
    """The defects of ``plan`` injected into ``copy`` (the table's copy on the engine), with what
    was asked, done and skipped per defect and column."""

    def __init__(self, dataset: Any, plan: TablePlan, copy: Any):
        self.plan, self.copy = plan, copy
        self.dialect = dataset.dialect
        self.rows = copy.rows
        self.tokens = copy.tokens
        # The token a missing value is written as (CSV only): the first non-empty one, else "".
        self.missing_token = next((t for t in self.tokens if t), "") if plan.text else None
        # How the file is written beyond its dialect (line ends, which columns are always quoted, the
        # header line), so that the copy is written the same way.
        self.layout = CsvLayout()
        if plan.text:
            dialect = copy.dialect
            self.layout = csv_layout(copy.paths[0], dialect["delimiter"], dialect["quote"], dialect["escape"],
                                     dialect["header"])
            if len(copy.paths) > 1:
                self.layout.final_newline = csv_layout(copy.paths[-1], dialect["delimiter"], dialect["quote"],
                                                       dialect["escape"], False).final_newline
        self.skipped = list(plan.skipped)
        self.details: dict[str, dict[str, Any]] = {d: {} for d in DEFECTS}

    def skip(self, defect: str, column: str, reason: str) -> None:
        self.skipped.append({"column": column, "defect": defect, "reason": reason})

    # -- out-of-range values -----------------------------------------------------------------------
    def out_of_range(self, rate: float) -> None:
        for name in self.plan.out_of_range:
            bounds = self._bounds(name)
            if bounds is None:
                continue
            low, high, strict_low, strict_high, origin, sides = bounds
            candidates = self._outside_values(name, low, high, sides)
            if not candidates:
                self.skip("out_of_range", name, f"no value outside [{low}, {high}] fits type "
                                                f"{self.plan.table.columns[name]}")
                continue
            above, below = candidates.get("above"), candidates.get("below")
            requested = count_of(rate, self.rows)
            count = self.copy.move_out_of_range(name, requested, low, high, strict_low, strict_high,
                                                above[0] if above else None, below[0] if below else None)
            self.details["out_of_range"][name] = {
                "bounds": {"minimum": jsonable(low), "maximum": jsonable(high),
                           "exclusive_minimum": strict_low, "exclusive_maximum": strict_high,
                           "from": origin},
                "written": {side: text for side, (_, text) in sorted(candidates.items())},
                "count": count, "requested": requested}

    def _bounds(self, name: str) -> tuple | None:
        """(low, high, strict low, strict high, origin of each, sides to cross), or None (skipped)."""
        constraints = self.plan.declared_field(name).get("constraints")
        constraints = constraints if isinstance(constraints, dict) else {}

        def declared(*keys: str) -> tuple[Any, bool] | None:
            for key in keys:
                bound = constraints.get(key)
                if isinstance(bound, (int, float)) and not isinstance(bound, bool) and math.isfinite(bound):
                    return bound, key.startswith("exclusive")
            return None

        observed_low, observed_high = self.copy.observed_range(name)
        low_bound, high_bound = declared("minimum", "exclusiveMinimum"), declared("maximum", "exclusiveMaximum")
        low, strict_low = low_bound if low_bound else (observed_low, False)
        high, strict_high = high_bound if high_bound else (observed_high, False)
        if low is None and high is None:
            self.skip("out_of_range", name, "no values and no declared bounds")
            return None
        low, high = (high if low is None else low), (low if high is None else high)
        origin = {"minimum": "manifest" if low_bound else "observed",
                  "maximum": "manifest" if high_bound else "observed"}
        sides = [side for side, bound in (("below", low_bound), ("above", high_bound)) if bound] \
            or ["below", "above"]
        return low, high, strict_low, strict_high, origin, sides

    def _outside_values(self, name: str, low: Any, high: Any, sides: list[str]) -> dict[str, tuple[str, str]]:
        """The value written above and below the range, as (its decimal literal, its text in the
        column's type), for each side whose value the column's type can hold. The arithmetic is
        decimal, at the column's number of decimal places (rounded away from the range), so that a
        value reads as the column's do (``-5.61``, not ``-5.609999999999999``); a CSV cell is written
        with exactly those places."""
        exact_low, exact_high = exact(low), exact(high)
        spread = max(exact_high - exact_low, Decimal(0))
        targets = {"above": exact_high + spread + 1, "below": exact_low - spread - 1}
        if self.dialect.logical_type(self.plan.table.columns[name]).is_integer:
            targets = {"above": Decimal(math.floor(targets["above"])), "below": Decimal(math.ceil(targets["below"]))}
        else:
            quantum = Decimal(1).scaleb(-min(self.copy.decimal_places(name) or 0, MAX_DECIMALS))
            targets = {"above": targets["above"].quantize(quantum, rounding=ROUND_CEILING),
                       "below": targets["below"].quantize(quantum, rounding=ROUND_FLOOR)}
        values = {}
        for side in sides:
            literal = format(targets[side], "f")
            text, outside = self.copy.cast_beyond(name, literal, side, high if side == "above" else low)
            if text is not None and outside:
                values[side] = (literal, literal if self.plan.text else text)
        return values

    # -- label flips ---------------------------------------------------------------------------------
    def label_flips(self, rate: float) -> None:
        for name in self.plan.label_flips:
            classes = self._classes(name)
            if classes is None:
                continue
            values, texts, origin = classes
            requested = count_of(rate, self.rows)
            count = self.copy.flip_labels(name, requested, values, texts)
            self.details["label_flips"][name] = {"classes": texts, "classes_from": origin, "count": count,
                                                 "requested": requested}

    def _classes(self, name: str) -> tuple[list[Any], list[str], str] | None:
        """The classes a label may take: (values in the column's type, their texts, origin)."""
        constraints = self.plan.declared_field(name).get("constraints")
        enum = constraints.get("enum") if isinstance(constraints, dict) else None
        if isinstance(enum, list) and any(v is not None for v in enum):
            rows = self.copy.declared_classes(name, [str(v) for v in enum if v is not None])
            origin = "manifest enum"
        else:
            rows = self.copy.observed_classes(name, MAX_CLASSES + 1)
            origin = "observed"
        rows = list(dict.fromkeys(rows))
        if len(rows) > MAX_CLASSES:
            reason = f"more than {MAX_CLASSES} distinct values: not a class label"
        elif len(rows) < 2:
            reason = f"{len(rows)} class(es): there is no other class to flip to"
        else:
            return [v for v, _ in rows], [t for _, t in rows], origin
        self.skip("label_flips", name, reason)
        return None

    # -- missing values and duplicated rows --------------------------------------------------------
    def nulls(self, rate: float) -> None:
        names = list(self.plan.table.columns)
        for name in self.plan.nulls:
            token = None  # an empty field (NULL); a typed copy writes NULL whatever the token
            if self.plan.text:
                # An empty value written as the column writes them: "" (an empty text), else an
                # empty field (NULL), when "" is a missing value.
                quoted_empty = self.layout.quotes_empty(names.index(name)) and "" in self.tokens
                token = self.missing_token if self.missing_token or quoted_empty else None
            requested = count_of(rate, self.rows)
            count = self.copy.blank(name, requested, token)
            self.details["nulls"][name] = {"count": count, "requested": requested}

    def duplicates(self, rate: float) -> None:
        requested = count_of(rate, self.rows)
        copies = self.copy.duplicate_rows(requested)
        self.details["duplicates"] = {"count": requested, "requested": requested, "copies": copies}

    # -- output --------------------------------------------------------------------------------------
    def write(self, path: Path) -> None:
        if self.plan.text:
            self.copy.write_csv(path, self.layout, COMPRESSIONS.get(path.suffix.lower(), "none"))
        else:
            self.copy.write_parquet(path)

    def ground_truth(self, requested: list[str], raw: list[str]) -> dict[str, Any]:
        """Each defect's details, with the cell lists as the engine's JSON (see :class:`Raw`)."""
        cells = self.copy.changed_cells()
        defects: dict[str, Any] = {}
        for defect in ("out_of_range", "label_flips", "nulls"):
            if defect in requested:
                defects[defect] = {}
                for name, detail in sorted(self.details[defect].items()):
                    defects[defect][name] = {**detail, "cells": Raw.add(raw, cells.get((defect, name), NO_CELLS))}
        if "duplicates" in requested:
            detail = self.details["duplicates"]
            defects["duplicates"] = {**detail, "copies": Raw.add(raw, detail["copies"])}
        return defects

    def close(self) -> None:
        self.copy.close()


def exact(value: Any) -> Decimal:
    """A bound as an exact decimal: a float by its shortest representation (59.6, not
    59.60000000000000142…)."""
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value if isinstance(value, int) else str(value))
