"""The stable surface for plugin authors (pandera's ``api/extensions`` idea): what an expectation,
a renderer's caller or a backend may subclass or use. Import from here, not from the modules behind
it, which may move; see docs/extending.md."""

from __future__ import annotations

from dsbench.engine.backend import Backend, QueryTimeout, RunLog, Session, TableReadError
from dsbench.engine.dialect import Dialect
from dsbench.engine.metrics import Condition, Metric, MetricFailure, Scope
from dsbench.engine.sql import quote_ident
from dsbench.engine.types import LogicalType
from dsbench.errors import DataError, DsbenchError, SuiteError
from dsbench.expectations.base import Context, Expectation, ExpectationConfig, Kwargs, Outcome
from dsbench.expectations.column_map import ColumnKwargs, ColumnMapExpectation, MapKwargs

__all__ = ["Backend", "ColumnKwargs", "ColumnMapExpectation", "Condition", "Context", "DataError", "Dialect",
           "DsbenchError", "Expectation", "ExpectationConfig", "Kwargs", "LogicalType", "MapKwargs", "Metric",
           "MetricFailure", "Outcome", "QueryTimeout", "RunLog", "Scope", "Session", "SuiteError",
           "TableReadError", "quote_ident"]
