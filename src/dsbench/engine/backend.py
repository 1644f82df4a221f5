"""What an engine must provide: a Backend opens datasets and reports its versions; a Session (one per
loaded dataset) executes the planner's queries, logging them in a RunLog and raising QueryTimeout
or TableReadError. Everything engine-specific lives behind these two."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from dsbench.engine.dialect import Dialect
    from dsbench.engine.metrics import Metric
    from dsbench.engine.planner import Query


class TableReadError(Exception):
    """A table's data could not be read while a query ran (IO, CSV parsing, encoding); ``message``
    says so in the user's terms (the backend describes its engine's error)."""

    def __init__(self, table: str, message: str):
        super().__init__(message)
        self.table = table
        self.message = message


@dataclass
class RunLog:
    """What ran and how long it took; kept apart from results, which must not depend on timing."""

    queries: list[tuple[str, float]] = field(default_factory=list)


class QueryTimeout(Exception):
    """A query ran longer than the time allowed and was interrupted."""


class Session(Protocol):
    """Executes queries on the tables of one loaded dataset."""

    #: The engine's exception types a failing query raises (a metric's failure, not a crash).
    errors: tuple[type[BaseException], ...]
    dialect: Dialect  # how the engine spells what engines spell differently

    def execute(self, query: Query, log: RunLog, timeout: float | None = None) -> dict[Metric, Any]:
        """The value of every metric of ``query``; raises QueryTimeout after ``timeout`` seconds."""

    def read_error(self, error: BaseException) -> str | None:
        """When ``error`` means the data itself could not be read: what to tell the user; else None."""


class Backend(Protocol):
    """An engine dsbench can run on, registered under the entry-point group ``dsbench.backends``."""

    name: str
    dialect: Dialect

    def load_dataset(self, data: Any, *, name: str | None = None, options: Any = None,
                     manifest: Any = None, extra_tables: dict[str, Any] | None = None) -> Any:
        """Open ``data`` as a dataset whose tables this engine reads (a dsbench.data.dataset.Dataset,
        a context manager: its ``session`` runs queries, its ``dialect`` spells them); ``options``: the
        LoadOptions."""

    def versions(self) -> dict[str, str]:
        """The versions of the engine's packages, as a card records them."""
