"""DuckDB's spelling of the dialect vocabulary (:mod:`dsbench.engine.dialect`): only what DuckDB spells
differently from standard SQL, or what standard SQL cannot spell. Regular expressions are RE2; lists
and lambdas are DuckDB's (``list_transform(l, lambda x: …)``)."""

from __future__ import annotations

from typing import ClassVar, Iterable, Sequence

from dsbench.backends.duckdb import checks, types
from dsbench.engine.dialect import Dialect
from dsbench.engine.types import LogicalType


class DuckDBDialect(Dialect):
    name: ClassVar[str] = "duckdb"
    sqlglot_dialect: ClassVar[str] = "duckdb"

    TYPE_NAMES: ClassVar[dict[str, str]] = {**Dialect.TYPE_NAMES, "int128": "HUGEINT", "uint64": "UBIGINT",
                                            "float64": "DOUBLE"}

    # -- types -------------------------------------------------------------------------------------
    def try_cast(self, expr: str, key: str) -> str:
        return f"TRY_CAST({expr} AS {self.type_name(key)})"

    def list_parameter(self, key: str) -> str:
        return f"?::{self.type_name(key)}[]"

    def empty_list(self, key: str) -> str:
        return f"[]::{self.type_name(key)}[]"

    def logical_type(self, native: str) -> LogicalType:
        return types.logical_type(native)

    def base_name(self, native: str) -> str:
        return types.base_type(native)

    def struct_fields(self, native: str) -> dict[str, str] | None:
        return types.struct_fields(native)

    # -- checks ------------------------------------------------------------------------------------
    def check_regex(self, pattern: str, location: str) -> None:
        checks.check_regex(pattern, location)

    def check_time_format(self, fmt: str, location: str) -> None:
        checks.check_time_format(fmt, location)

    def time_format(self, fmt: str) -> str:
        return fmt  # DuckDB's strptime reads strftime formats

    # -- text --------------------------------------------------------------------------------------
    def char_length(self, text: str) -> str:
        return f"length({text})"

    def substring(self, text: str, start: str, count: str | None = None) -> str:
        return f"substr({text}, {start})" if count is None else f"substr({text}, {start}, {count})"

    def char_at(self, text: str, position: str) -> str:
        return f"{text}[{position}]"

    def position(self, text: str, needle: str) -> str:
        return f"strpos({text}, {needle})"

    def split(self, text: str, separator: str) -> str:
        return f"string_split({text}, {separator})"

    def is_json(self, text: str) -> str:
        return f"json_valid({text})"

    def try_parse_timestamp(self, text: str, fmt: str) -> str:
        return f"try_strptime({text}, {fmt})"

    # -- regular expressions -----------------------------------------------------------------------
    def regex_contains(self, text: str, pattern: str) -> str:
        return f"regexp_matches({text}, {pattern})"

    def regex_full_match(self, text: str, pattern: str) -> str:
        return f"regexp_full_match({text}, {pattern})"

    def regex_replace(self, text: str, pattern: str, replacement: str) -> str:
        return f"regexp_replace({text}, {pattern}, {replacement}, 'g')"

    def regex_replace_first(self, text: str, pattern: str, replacement: str) -> str:
        return f"regexp_replace({text}, {pattern}, {replacement})"

    def regex_extract_all(self, text: str, pattern: str) -> str:
        return f"regexp_extract_all({text}, {pattern})"

    def regex_split(self, text: str, pattern: str) -> str:
        return f"string_split_regex({text}, {pattern})"

    # -- numbers -----------------------------------------------------------------------------------
    def is_nan(self, number: str) -> str:
        return f"isnan({number})"

    def is_finite(self, number: str) -> str:
        return f"isfinite({number})"

    def truncate(self, number: str) -> str:
        return f"trunc({number})"

    def bit_xor(self, left: str, right: str) -> str:
        return f"xor({left}, {right})"

    def hash(self, *exprs: str) -> str:
        return f"hash({', '.join(exprs)})"

    # -- aggregates --------------------------------------------------------------------------------
    def compensated_sum(self, number: str) -> str:
        return f"fsum({number})"

    def compensated_avg(self, number: str) -> str:
        return f"favg({number})"

    def percentile_cont(self, expr: str, fraction: float) -> str:
        return f"quantile_cont({expr}, {fraction!r})"

    def percentiles_cont(self, expr: str, fractions: Sequence[float]) -> str:
        return f"quantile_cont({expr}, [{', '.join(repr(float(f)) for f in fractions)}])"

    def approx_count_distinct(self, expr: str) -> str:
        return f"approx_count_distinct({expr})"

    def aggregate_list(self, expr: str, order_by: str | None = None, distinct: bool = False) -> str:
        order = f" ORDER BY {order_by}" if order_by else ""
        return f"list({'DISTINCT ' if distinct else ''}{expr}{order})"

    # -- lists -------------------------------------------------------------------------------------
    def list_of(self, *items: str) -> str:
        return f"[{', '.join(items)}]"

    def list_slice(self, items: str, start: str, stop: str) -> str:
        return f"{items}[{start}:{stop}]"

    def list_length(self, items: str) -> str:
        return f"len({items})"

    def map_length(self, mapping: str) -> str:
        return f"cardinality({mapping})"

    def integer_range(self, start: str | None, stop: str) -> str:
        return f"range({stop})" if start is None else f"range({start}, {stop})"

    def transform(self, items: str, parameters: str | Sequence[str], body: str) -> str:
        names = parameters if isinstance(parameters, str) else ", ".join(parameters)
        return f"list_transform({items}, lambda {names}: {body})"

    def filter(self, items: str, parameter: str, condition: str) -> str:
        return f"list_filter({items}, lambda {parameter}: {condition})"

    def list_sum(self, items: str) -> str:
        return f"list_sum({items})"

    def list_all(self, items: str) -> str:
        return f"list_bool_and({items})"

    def list_any(self, items: str) -> str:
        return f"list_bool_or({items})"

    def list_contains(self, items: str, value: str) -> str:
        return f"list_contains({items}, {value})"

    def list_position(self, items: str, value: str) -> str:
        return f"list_position({items}, {value})"

    def list_distinct(self, items: str) -> str:
        return f"list_distinct({items})"

    def list_distinct_count(self, items: str) -> str:
        return f"list_unique({items})"

    def list_intersect(self, left: str, right: str) -> str:
        return f"list_intersect({left}, {right})"

    def list_concat(self, *lists: str) -> str:
        return f"list_concat({', '.join(lists)})"

    def flatten(self, lists: str) -> str:
        return f"flatten({lists})"

    def unnest(self, items: str) -> str:
        return f"unnest({items})"

    def unnest_positions(self, items: str) -> str:
        return f"generate_subscripts({items}, 1)"

    def struct(self, fields: Iterable[tuple[str, str]]) -> str:
        return f"struct_pack({', '.join(f'{name} := {value}' for name, value in fields)})"

    # -- queries -----------------------------------------------------------------------------------
    def group_by_all(self, keys: Sequence[str]) -> str:
        return "GROUP BY ALL"

    def order_by_all(self, items: Sequence[str]) -> str:
        return "ORDER BY ALL"

    def qualify(self, query: str, condition: str) -> str:
        return f"{query} QUALIFY {condition}"

    def cte(self, name: str, body: str, materialized: bool = False) -> str:
        return f"{name} AS MATERIALIZED ({body})" if materialized else super().cte(name, body)

    def semi_join(self, table: str, columns: Sequence[str]) -> str:
        return f"SEMI JOIN {table} USING ({', '.join(columns)})"


DIALECT = DuckDBDialect()

__all__ = ["DIALECT", "DuckDBDialect"]
