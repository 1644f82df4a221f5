"""What to do with each table: the columns each defect goes to, and how many cells a rate asks for.

The columns are decided from the loaded types and the manifest."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable

from dsbench.errors import DsbenchError


@dataclass
class TablePlan:
    """The columns each defect goes to in one table, decided from the loaded types and the manifest."""

    table: Any
    resource: Any
    text: bool  # a CSV table: read, changed and written as text
    key: list[str]
    nulls: list[str] = field(default_factory=list)
    out_of_range: list[str] = field(default_factory=list)
    label_flips: list[str] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def make(cls, dataset: Any, table: Any, columns: list[str] | None, label_column: str | None,
             rates: dict[str, float | None], castable: Callable[[str], bool]) -> "TablePlan":
        """The plan of ``table`` of ``dataset``; ``castable`` says whether the engine can cast values
        to a column type in SQL (a column whose values cannot be written is left out)."""
        resource = dataset.resource(table.name)
        extra = (resource.schema_.model_extra or {}) if resource is not None else {}
        key = field_names(extra.get("primaryKey"))
        plan = cls(table, resource, table.format == "csv", key)
        for name in [*(columns or []), *([label_column] if label_column else [])]:
            if name not in table.columns:
                raise DsbenchError(f"no column {name!r} in table {table.name!r} (columns: "
                                   f"{', '.join(table.columns)}); choose the tables that have it with --table")
        for name in columns or []:
            if name in key:
                raise DsbenchError(f"column {name!r} is part of the primary key of table "
                                   f"{table.name!r}; nulls and out-of-range values are not injected into keys")
        targets = columns if columns is not None else [c for c in table.columns if c not in key]
        if rates["nulls"] is not None:
            plan.nulls = list(targets)
        if rates["out_of_range"] is not None:
            for name in targets:
                column_type = table.columns[name]
                if dataset.dialect.logical_type(column_type).is_numeric and castable(column_type):
                    plan.out_of_range.append(name)
                elif columns is not None:
                    plan.skip("out_of_range", name, f"not numeric (loaded as {column_type})")
        if rates["label_flips"] is not None:
            fields = resource.schema_.fields if resource is not None else []
            labels = [label_column] if label_column else [
                f["name"] for f in fields if isinstance(f, dict) and f.get("dsbench:role") == "label"
                and f.get("name") in table.columns]
            for name in labels:
                if castable(table.columns[name]):
                    plan.label_flips.append(name)
                else:
                    plan.skip("label_flips", name, f"labels of type {table.columns[name]} are not flipped")
        return plan

    def skip(self, defect: str, column: str, reason: str) -> None:
        self.skipped.append({"column": column, "defect": defect, "reason": reason})

    def declared_field(self, name: str) -> dict[str, Any]:
        fields = self.resource.schema_.fields if self.resource is not None else []
        return next((f for f in fields if isinstance(f, dict) and f.get("name") == name), {})


def field_names(value: Any) -> list[str]:
    """The field names of a manifest's key: one name, or a list of them."""
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def count_of(rate: float, rows: int) -> int:
    """round(rate × rows), half up, computed exactly (0.05 × 350 is 17.5, not 17.499…)."""
    return int((Decimal(repr(rate)) * rows).to_integral_value(rounding=ROUND_HALF_UP))
