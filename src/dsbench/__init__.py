"""dsbench: benchmark datasets against data-quality standards.

The public API is imported lazily so that ``import dsbench`` stays cheap (no DuckDB, Arrow, pandas
or GX until they are needed)::

    import dsbench
    result = dsbench.validate("penguins.csv", "suites/penguins.yaml")
    result.success, result.to_dict()
    card = dsbench.evaluate("datasets/penguins", standard="gbt-36344-2018")
    card.score, card.grade, card.digest, card.to_json()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "validate": "dsbench.validation",
    "evaluate": "dsbench.evaluation",
    "ScoreCard": "dsbench.scorecard",
    "load_standard": "dsbench.standard",
    "Standard": "dsbench.standard",
    "ValidationResult": "dsbench.validation",
    "ExpectationResult": "dsbench.validation",
    "Suite": "dsbench.suite",
    "resolve_suite": "dsbench.suite",
    "load_dataset": "dsbench.data.sources",
    "Dataset": "dsbench.data.sources",
    "LoadOptions": "dsbench.data.sources",
    "Expectation": "dsbench.expectations.base",
    "expectation_types": "dsbench.expectations.registry",
    "DsbenchError": "dsbench.errors",
    "DataError": "dsbench.errors",
    "SuiteError": "dsbench.errors",
}

__all__ = ["__version__", *_EXPORTS]

if TYPE_CHECKING:  # pragma: no cover
    from dsbench.data.sources import Dataset, LoadOptions, load_dataset
    from dsbench.errors import DataError, DsbenchError, SuiteError
    from dsbench.expectations.base import Expectation
    from dsbench.expectations.registry import expectation_types
    from dsbench.evaluation import evaluate
    from dsbench.scorecard import ScoreCard
    from dsbench.standard import Standard, load_standard
    from dsbench.suite import Suite, resolve_suite
    from dsbench.validation import ExpectationResult, ValidationResult, validate


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'dsbench' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
