"""How values were stored in the source file, which the loaded table no longer shows.

A JSON column whose values have several JSON types (strings and numbers, say) is read as text
(:mod:`dsbench.backends.duckdb.json`), keeping a census of the types. Its type consistency is the share
of values of the column's most common JSON type; the census is taken once at load, so this check
costs no query (and takes no ``row_condition``). A column of one JSON type, or from a source that
stores types (Parquet, a database), is consistent by construction: B = its non-null values.
"""

from __future__ import annotations

from typing import Any, Mapping

from dsbench.engine.metrics import Metric
from dsbench.errors import SuiteError
from dsbench.expectations.base import PARTIAL_UNEXPECTED_COUNT, Expectation, Outcome, percent
from dsbench.expectations.column_map import MapKwargs


class ExpectColumnValuesToHaveOneJsonType(Expectation):
    type = "expect_column_values_to_have_one_json_type"
    summary = "The values of a JSON column share one JSON type (string, integer, number, boolean …)."
    family = "column_map"
    default_concern = "consistency.type"
    defect_kind = "rows"
    Kwargs = MapKwargs

    def bind(self) -> None:
        self.col = self.column(self.kw.column)
        if self.kw.row_condition:
            raise SuiteError("row_condition does not apply: the JSON types are counted once, at load",
                             location="kwargs.row_condition")
        self.census = self.table.source_types.get(self.kw.column)

    def metrics(self) -> list[Metric]:
        if self.census is not None:
            return []
        self.m_present = self.scope.aggregate(f"count({self.col})", label="non_null")
        return [self.m_present]

    def metrics_used(self) -> list[Metric]:
        return [] if self.census is not None else [self.m_present]

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
        if self.census is None:
            present = int(values[self.m_present])
            return Outcome(True, {"element_count": present, "unexpected_count": 0, "unexpected_percent": 0.0
                                  if present else None, "partial_unexpected_list": []}, present, present)
        types: dict[str, int] = {k: v for k, v in self.census["types"].items() if k != "null"}
        present = sum(types.values())
        dominant = max(types.values(), default=0)
        unexpected = present - dominant
        examples = [value for values in self.census["examples"].values() for value in values]
        success = present == 0 or dominant / present >= self.kw.mostly
        return Outcome(success, {"element_count": present, "unexpected_count": unexpected,
                                 "unexpected_percent": percent(unexpected, present),
                                 "observed_value": dict(types),
                                 "partial_unexpected_list": examples[:PARTIAL_UNEXPECTED_COUNT]},
                       dominant, present)


EXPECTATIONS = [ExpectColumnValuesToHaveOneJsonType]
