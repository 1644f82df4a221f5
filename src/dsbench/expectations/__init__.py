"""Expectation types, by family, and the registry that finds them (built in or from plugins)."""

from __future__ import annotations

from dsbench.expectations.base import Context, Expectation, ExpectationConfig, Kwargs, Outcome
from dsbench.expectations.registry import expectation_types, get_expectation_type

__all__ = ["Context", "Expectation", "ExpectationConfig", "Kwargs", "Outcome", "expectation_types",
           "get_expectation_type"]
