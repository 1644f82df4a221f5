"""GX result formats: how much of each result is reported (BOOLEAN_ONLY, BASIC, SUMMARY, COMPLETE).

A format is set per expectation (``kwargs.result_format``), per run (``validate(result_format=…)``,
``dsbench validate --result-format``) or per suite (a suite's ``result_format``, its default). The
most specific one wins, whole (no merging of the dict forms): the expectation's own, then the
run's, then the suite's; with none of them a result is what dsbench always reported (GX's
SUMMARY fields without the index lists). Unlike GX 1.x, which lets the run's setting override the
expectation's, an expectation's own setting is kept: a suite author who wrote BOOLEAN_ONLY for a
check of personal data meant it.

Row numbers count the table's rows in file order from 1 (GX's pandas index counts from 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator

LEVELS = ("BOOLEAN_ONLY", "BASIC", "SUMMARY", "COMPLETE")
DEFAULT_PARTIAL_COUNT = 20  # GX's partial_unexpected_count
# COMPLETE lists stop after this many unexpected rows (the result says so): the same bound as
# --max-failing-rows, which sets both.
MAX_UNEXPECTED_ROWS = 10_000
# Keys of GX's dict form that dsbench accepts without acting on them.
IGNORED_KEYS = ("include_unexpected_rows", "return_unexpected_index_query")


@dataclass(frozen=True)
class ResultFormat:
    level: str
    partial_unexpected_count: int = DEFAULT_PARTIAL_COUNT
    unexpected_index_column_names: tuple[str, ...] | None = None

    @property
    def wants_rows(self) -> bool:
        """Whether unexpected rows are looked up (row numbers, index columns)."""
        return self.level in ("SUMMARY", "COMPLETE")


def parse_result_format(value: Any) -> ResultFormat | None:
    """A GX result format, as a level name or ``{"result_format": level, …}``; None for none.
    Raises ValueError naming the problem."""
    if value is None or isinstance(value, ResultFormat):
        return value
    if isinstance(value, str):
        return ResultFormat(_level(value))
    if not isinstance(value, dict):
        raise ValueError(f"result_format must be one of {', '.join(LEVELS)} or a mapping with "
                         f"'result_format', not {type(value).__name__}")
    if "result_format" not in value:
        raise ValueError("a result_format mapping needs the key 'result_format' (one of "
                         f"{', '.join(LEVELS)})")
    known = ("result_format", "partial_unexpected_count", "unexpected_index_column_names", *IGNORED_KEYS)
    unknown = [str(k) for k in value if k not in known]
    if unknown:
        raise ValueError(f"unknown result_format key {unknown[0]!r} (known: {', '.join(known)})")
    count = value.get("partial_unexpected_count", DEFAULT_PARTIAL_COUNT)
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"partial_unexpected_count must be a whole number >= 0, not {count!r}")
    names = value.get("unexpected_index_column_names")
    if names is not None:
        if isinstance(names, str):
            names = [names]
        if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
            raise ValueError("unexpected_index_column_names must be a non-empty list of column names")
        names = tuple(dict.fromkeys(names))
    for key in IGNORED_KEYS:
        if key in value and not isinstance(value[key], bool):
            raise ValueError(f"{key} must be true or false")
    return ResultFormat(_level(value["result_format"]), count, names)


def checked_result_format(value: Any) -> Any:
    """``value`` as given, once it is a known result format (a ValueError names the problem)."""
    parse_result_format(value)
    return value


# A model field holding a GX result format as written, checked when the model is validated.
ResultFormatField = Annotated[Any, AfterValidator(checked_result_format)]


def _level(value: Any) -> str:
    if isinstance(value, str) and value.strip().upper() in LEVELS:
        return value.strip().upper()
    raise ValueError(f"unknown result_format {value!r} (expected one of {', '.join(LEVELS)})")


def effective(own: Any, run: ResultFormat | None, suite: ResultFormat | None) -> ResultFormat | None:
    """The format of one result: its expectation's own, else the run's, else the suite's."""
    return parse_result_format(own) or run or suite


@dataclass
class UnexpectedRows:
    """The unexpected rows of one result, in file order: their 1-based row numbers, the values
    reported for them (GX's ``unexpected_list``) and their index entries (``unexpected_index_list``:
    the row number, or a mapping of the judged and index columns' values); ``capped`` when there
    were more rows than were read."""

    rows: list[int]
    values: list[Any]
    index: list[Any]
    capped: bool
    index_columns: tuple[str, ...] | None = None


# The fields of GX's BASIC level (map expectations) and those aggregate expectations report.
SUMMARY_ONLY = ("partial_unexpected_counts", "unexpected_sample_size", "partial_unexpected_index_list")


def shape(result: dict[str, Any], fmt: ResultFormat | None, rows: UnexpectedRows | None) -> dict[str, Any]:
    """``result`` as ``fmt`` reports it (a new dict; None: as it is)."""
    if fmt is None:
        return result
    if fmt.level == "BOOLEAN_ONLY":
        return {}
    shaped = dict(result)
    k = fmt.partial_unexpected_count
    if rows is not None and rows.index_columns:
        shaped["unexpected_index_column_names"] = list(rows.index_columns)
    if rows is not None:
        # The first unexpected rows in file order, as GX lists them.
        shaped["partial_unexpected_list"] = rows.values[:k]
    if isinstance(shaped.get("partial_unexpected_list"), list):
        shaped["partial_unexpected_list"] = shaped["partial_unexpected_list"][:k]
    if fmt.level == "BASIC":
        for key in SUMMARY_ONLY:
            shaped.pop(key, None)
        return shaped
    if isinstance(shaped.get("partial_unexpected_counts"), list):
        shaped["partial_unexpected_counts"] = shaped["partial_unexpected_counts"][:k]
    if rows is not None:
        shaped["partial_unexpected_index_list"] = rows.index[:k]
        shaped["partial_unexpected_rows"] = rows.rows[:k]
    if fmt.level == "COMPLETE" and rows is not None:
        shaped["unexpected_list"] = rows.values
        shaped["unexpected_index_list"] = rows.index
        shaped["unexpected_rows"] = rows.rows
        shaped["unexpected_list_capped"] = rows.capped
    return shaped


__all__ = ["LEVELS", "MAX_UNEXPECTED_ROWS", "ResultFormat", "UnexpectedRows", "effective",
           "parse_result_format", "shape"]
