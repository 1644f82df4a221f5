"""Which elements the expectations find defective, kept so that any indicator can count the union.

An indicator counts, in its unit, the elements that no expectation bound to it finds defective
(:mod:`dsbench.scoring.score`). Which expectations an indicator binds depends on the standard, so a card
keeps, once, what every standard needs (:func:`table_elements`), per table:

- ``rows``, and ``present``: the present (non-null) values of each column; ``text``: the text
  columns (the elements of the ``text_values`` unit); ``absent``: the fields the manifest declares
  and the data lacks (missing in every record: cells of the ``cells`` unit, never present);
- ``atoms``: the results that flag rows (``defect_kind == "rows"``) and flagged some, by id;
- ``groups``: the flagged rows grouped by the set of atoms that flag them (a *signature*), with
  the rows of each group and the values missing in it of the columns the atoms judge.

The union of the defects of any set of atoms is then a sum over the groups it touches: exact, and
computed without the data. The groups come from one grouped query per table that has atoms, over
the rows some atom flags. A rule that can count its rows but not point at them (order breaks,
dateutil parsing) is no atom: scoring adds its count as if no other rule flagged the same rows, so
a defect is never hidden (``exact`` is false when the query itself failed, and each atom then
counts on its own).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dsbench.engine.dialect import Dialect
from dsbench.engine.metrics import Condition, Metric, MetricFailure, RowFrame, Scope
from dsbench.engine.runner import compute
from dsbench.engine.sql import quote_ident
from dsbench.expectations.row_queries import frame_of
from dsbench.suites.from_manifest import declared_fields


@dataclass(frozen=True)
class Flagged:
    """One result whose expectation flagged rows of its table."""

    id: str
    table: str
    expectation: Any  # the bound Expectation
    rows: int  # rows it flags


def _signature_metric(dialect: Dialect, table: Any, flags: list[Condition], judged: list[str],
                      frame: RowFrame) -> Metric:
    """The grouped query of one table: the distinct flags (f0, f1, …), the rows of each signature
    and the present values of the judged columns among them."""
    selects = [f"coalesce(({flag.sql}), false) AS f{i}" for i, flag in enumerate(flags)]
    params = [p for flag in flags for p in flag.params]
    extra = [f"{sql} AS {name}" for sql, name in frame.expressions.items()]
    if any(frame.row in flag.sql for flag in flags):  # some flag breaks ties by row number
        extra.append(f"{dialect.row_number()} AS {frame.row}")
    source = f"(SELECT *, {', '.join(extra)} FROM {table.view}) AS {table.view}" if extra else table.view
    names = [f"f{i}" for i in range(len(flags))]
    present = [f"count({quote_ident(c)})" for c in judged]
    inner = ", ".join(selects + [quote_ident(c) for c in judged])
    sql = (f"SELECT {', '.join([*names, 'count(*)', *present])} FROM (SELECT {inner} FROM {source}) "
           f"WHERE {' OR '.join(names)} {dialect.group_by_all(names)} "
           f"{dialect.order_by_all([*names, 'count(*)', *present])}")
    return Metric(table.view, sql, tuple(params), "rows", label=f"defect_signatures({table.name})")


def table_elements(dataset: Any, flagged: list[Flagged], timeout: float | None = None) -> dict[str, dict]:
    """The elements of every table of ``dataset`` and the signatures of ``flagged`` rows (see the
    module docstring), as JSON-ready dicts keyed by table name."""
    dialect = dataset.dialect
    counts: dict[str, tuple[Metric, dict[str, Metric]]] = {}
    for name, table in dataset.tables.items():
        scope = Scope(table.view)
        counts[name] = (scope.aggregate("count(*)"),
                        {c: scope.aggregate(f"count({quote_ident(c)})") for c in table.columns})
    queries: dict[str, tuple[Metric, list[int], list[str]]] = {}
    atoms: dict[str, list[Flagged]] = {}
    for name, table in dataset.tables.items():
        mine = sorted((f for f in flagged if f.table == name and f.rows > 0), key=lambda f: f.id)
        frame = frame_of(table)
        built = [(f, f.expectation.defect_flag(frame)) for f in mine]
        atoms[name] = [f for f, flag in built if flag is not None]
        if not atoms[name]:
            continue
        distinct: dict[Condition, int] = {}
        column_of = [distinct.setdefault(flag, len(distinct)) for _, flag in built if flag is not None]
        judged = sorted({c for f in atoms[name] for c in (f.expectation.defect_columns() or table.columns)
                         if c in table.columns}, key=list(table.columns).index)
        queries[name] = (_signature_metric(dialect, table, list(distinct), judged, frame), column_of, judged)
    wanted = [m for rows, present in counts.values() for m in (rows, *present.values())]
    wanted += [query for query, _, _ in queries.values()]
    values = compute(dataset.session, wanted, dataset.metric_values, timeout=timeout)[0]

    elements = {}
    for name, table in dataset.tables.items():
        rows_metric, present = counts[name]
        entry: dict[str, Any] = {
            "rows": _number(values[rows_metric]),
            "present": {c: _number(values[m]) for c, m in present.items()},
            "text": [c for c, t in table.columns.items() if dialect.logical_type(t).is_string],
            "absent": [c for c in declared_fields(dataset, name) if c not in table.columns],
            "atoms": [f.id for f in atoms.get(name, [])],
            "groups": [],
            "exact": True,
        }
        if name in queries:
            query, column_of, judged = queries[name]
            found = values[query]
            if isinstance(found, MetricFailure):
                entry["exact"] = False
                entry["groups"] = [{"atoms": [i], "rows": f.rows, "missing": {}}
                                   for i, f in enumerate(atoms[name])]
            else:
                width = max(column_of) + 1
                for line in found:
                    on = line[:width]
                    n = int(line[width])
                    missing = {c: n - int(k) for c, k in zip(judged, line[width + 1:]) if int(k) < n}
                    entry["groups"].append({"atoms": [i for i, column in enumerate(column_of) if on[column]],
                                            "rows": n, "missing": missing})
        elements[name] = entry
    return elements


def _number(value: Any) -> int:
    if isinstance(value, MetricFailure):
        from dsbench.errors import DataError

        raise DataError(f"cannot count the elements of a table: {value.message}")
    return int(value)


__all__ = ["Flagged", "table_elements"]
