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

from dsbench._version import __version__

_EXPORTS = {
    "validate": "dsbench.validation.runner",
    "evaluate": "dsbench.evaluation",
    "EvaluationOptions": "dsbench.evaluation",
    "ScoreCard": "dsbench.cards.card",
    "load_standard": "dsbench.scoring.standard",
    "Standard": "dsbench.scoring.standard",
    "ValidationResult": "dsbench.validation.runner",
    "ExpectationResult": "dsbench.validation.runner",
    "Suite": "dsbench.suites.model",
    "resolve_suite": "dsbench.suites.model",
    "load_dataset": "dsbench.backends",
    "Dataset": "dsbench.data.dataset",
    "LoadOptions": "dsbench.data.dataset",
    "Expectation": "dsbench.expectations.base",
    "expectation_types": "dsbench.expectations.registry",
    "DsbenchError": "dsbench.errors",
    "DataError": "dsbench.errors",
    "SuiteError": "dsbench.errors",
}

__all__ = ["__version__", *_EXPORTS]

if TYPE_CHECKING:  # pragma: no cover
    from dsbench.backends import load_dataset
    from dsbench.data.dataset import Dataset, LoadOptions
    from dsbench.errors import DataError, DsbenchError, SuiteError
    from dsbench.expectations.base import Expectation
    from dsbench.expectations.registry import expectation_types
    from dsbench.evaluation import EvaluationOptions, evaluate
    from dsbench.cards.card import ScoreCard
    from dsbench.scoring.standard import Standard, load_standard
    from dsbench.suites.model import Suite, resolve_suite
    from dsbench.validation.runner import ExpectationResult, ValidationResult, validate


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
