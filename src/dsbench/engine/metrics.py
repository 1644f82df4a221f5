"""Metrics: hashable descriptions of numbers to compute from a table.

A metric holds SQL built only from quoted identifiers, fixed keywords and ``?`` placeholders; every
value (bound, regex, value set) travels in ``params``. Two expectations that need the same number
produce equal metrics, so the planner computes it once.

Kinds:
- ``aggregate``: an aggregate expression over one table; all of a table's aggregates share one SELECT.
- ``distinct``: an aggregate over DISTINCT values (a hash of every value, a group-by in disguise);
  all of a table's distinct aggregates share a second SELECT that reads only their columns, so the
  plain scan is not forced to materialise every column it reads.
- ``rows``: a complete SELECT (group-by, evidence); its value is the list of result rows.
- ``stream``: a complete SELECT whose Arrow record batches are folded, in row order, by ``reducer``
  (used where the answer depends on row order, which SQL does not promise).
- ``top``: the most frequent values of the expression ``sql`` among rows meeting ``condition``, with
  their counts (evidence for failures). All of a table's ``top`` metrics share one grouped scan.
- ``values``: the number of rows whose value of the column ``sql`` meets ``condition``, a condition
  on that value alone. The planner counts it in the shared scan, or, for a column with few distinct
  values, once per distinct value weighted by its count (a regex on 4 values instead of 6M rows).
  ``screen``, when given, lists regexes one of which matches wherever the condition holds (a
  necessary condition): the planner then runs one combined regex per row and the condition only
  where it matched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Literal

if TYPE_CHECKING:
    from dsbench.engine.dialect import Dialect

MetricKind = Literal["aggregate", "distinct", "rows", "stream", "top", "values"]
FUSED_KINDS = ("aggregate", "distinct")


def freeze(value: Any) -> Any:
    """Make a parameter hashable (lists become tuples) so metrics can be de-duplicated."""
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, freeze(v)) for k, v in value.items()))
    return value


def thaw(value: Any) -> Any:
    """Turn frozen parameters back into what DuckDB binds (tuples become lists)."""
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value


@dataclass(frozen=True)
class Metric:
    table: str
    sql: str
    params: tuple = ()
    kind: MetricKind = "aggregate"
    reducer: Callable[[Any], Any] | None = None
    condition: "Condition | None" = None  # for ``top`` and ``values``: the rows that are counted
    screen: tuple[str, ...] = ()  # for ``values``
    label: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", freeze(self.params))

    def __str__(self) -> str:
        return self.label or self.sql


@dataclass(frozen=True)
class Condition:
    """A boolean SQL fragment with its own bound parameters."""

    sql: str
    params: tuple = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", freeze(self.params))

    def __str__(self) -> str:
        return self.sql

    def __and__(self, other: "Condition | None") -> "Condition":
        if other is None:
            return self
        return Condition(f"({self.sql}) AND ({other.sql})", self.params + other.params)


def conjoin(*conditions: Condition | None) -> Condition | None:
    present = [c for c in conditions if c is not None]
    if not present:
        return None
    result = present[0]
    for condition in present[1:]:
        result = result & condition
    return result


@dataclass(frozen=True)
class Scope:
    """The domain of an expectation: a table (already quoted) and an optional row condition."""

    table: str
    condition: Condition | None = None

    def aggregate(self, expr: str, params: tuple = (), *, where: Condition | None = None,
                  outer: str = "{}", label: str = "", kind: MetricKind = "aggregate") -> Metric:
        """An aggregate call ``expr`` over the rows of the scope, further restricted by ``where``;
        ``outer`` wraps the filtered aggregate in scalar functions (``coalesce({}, 0)``)."""
        restriction = conjoin(where, self.condition)
        if restriction is not None:
            expr = f"{expr} FILTER (WHERE {restriction.sql})"
            params = tuple(params) + restriction.params
        return Metric(self.table, outer.format(expr), tuple(params), kind, label=label)

    def where_clause(self, extra: Condition | None = None) -> tuple[str, tuple]:
        restriction = conjoin(extra, self.condition)
        if restriction is None:
            return "", ()
        return f" WHERE {restriction.sql}", restriction.params

    def rows(self, select: str, params: tuple = (), *, where: Condition | None = None,
             tail: str = "", tail_params: tuple = (), label: str = "") -> Metric:
        """A row-returning query: ``SELECT <select> FROM table [WHERE …] <tail>``."""
        clause, clause_params = self.where_clause(where)
        sql = f"SELECT {select} FROM {self.table}{clause}{tail}"
        return Metric(self.table, sql, tuple(params) + clause_params + tuple(tail_params), "rows",
                      label=label)

    def top_values(self, value: str, where: Condition, label: str = "") -> Metric:
        """The most frequent values of ``value`` among the scope's rows meeting ``where``."""
        return Metric(self.table, value, (), "top", condition=conjoin(where, self.condition), label=label)

    def value_count(self, column: str, condition: Condition, screen: tuple[str, ...] = (),
                    label: str = "") -> Metric:
        """The rows in scope whose value of ``column`` (quoted) meets ``condition``, which must
        depend on that value alone (see the ``values`` kind)."""
        if self.condition is not None:
            return self.aggregate("count(*)", where=condition, label=label)
        return Metric(self.table, column, (), "values", condition=condition, screen=tuple(screen), label=label)

    def stream(self, select: str, reducer: Callable[[Any], Any], *, where: Condition | None = None,
               label: str = "") -> Metric:
        clause, clause_params = self.where_clause(where)
        sql = f"SELECT {select} FROM {self.table}{clause}"
        return Metric(self.table, sql, clause_params, "stream", reducer=reducer, label=label)


@dataclass
class RowFrame:
    """The rows of one table as a query over each row sees them: ``row`` names a column numbering
    them (to break ties between equal rows), ``columns`` are the table's quoted columns (to order
    rows deterministically), and :meth:`shared` names an expression computed once per row for every
    condition that uses it."""

    row: str
    columns: list[str]
    expressions: dict[str, str] = field(default_factory=dict)  # SQL without parameters -> its name

    def shared(self, sql: str) -> str:
        return self.expressions.setdefault(sql, f"{self.row}_{len(self.expressions)}")


def content_hash(table: str, columns: list[str], dialect: Dialect) -> Metric:
    """The sum of every row's hash over ``columns`` (quoted identifiers): the same for the same rows
    in any order, file format or partitioning (and, in practice, different for any other rows)."""
    return Metric(table, f"coalesce(sum({dialect.cast(dialect.hash(*columns), 'int128')}), 0)", label="content_hash")


@dataclass(frozen=True)
class MetricFailure:
    """The value of a metric whose query failed; the expectations that need it are errored."""

    message: str
