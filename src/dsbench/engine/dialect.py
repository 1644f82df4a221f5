"""The vocabulary of SQL that engines spell differently: one named method per idea, spelled in
standard SQL here where a standard spelling exists, and per engine by a backend's subclass.

Expectations say *what* to compute by calling these methods (the soda-core ``expr_regexp_like``
model); a backend's dialect (``backends/<engine>/dialect.py``) overrides only where its engine
differs (sqlglot's ``Generator.TRANSFORMS``). Every method takes SQL expressions (strings that are
already safe: quoted identifiers, ``?`` placeholders, dsbench's own literals) and returns SQL; none
quotes or binds anything itself. A piece standard SQL cannot spell raises NotImplementedError
naming it (:func:`unportable`), so a new engine finds out at bind time, not with wrong numbers.

Conventions every spelling keeps: NULL in gives NULL out unless a method says otherwise; text
positions, list positions and list indexes count from 1; a regular expression is RE2 syntax as
suites write it (an engine reading another syntax refuses, in ``check_regex``, what it cannot run
alike), and "contains" means a match anywhere (a search), "full match" a match of the whole text.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, ClassVar, Iterable, Sequence

from dsbench.engine.types import LogicalType, known_as


def unportable(method: Callable) -> Callable:
    """Mark a piece that standard SQL does not spell: the base raises NotImplementedError naming
    it, and a backend's dialect must spell it."""

    @functools.wraps(method)
    def refuse(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"the {type(self).__name__} dialect does not spell {method.__name__!r}: "
                                  "standard SQL has no spelling of it; a backend's dialect must")

    refuse.unportable = True  # type: ignore[attr-defined]
    return refuse


class Dialect:
    """Standard SQL. Subclass per engine and override what the engine spells differently."""

    name: ClassVar[str] = "standard"
    #: The sqlglot dialect the engine's SQL is written in, for what sqlglot writes from a tree (a
    #: checked row condition): "" is sqlglot's generic SQL.
    sqlglot_dialect: ClassVar[str] = ""

    #: Type names for casts, by dsbench's key: int32/int64/int128 (signed integers of that many
    #: bits), uint64 (unsigned), float64 (IEEE double), boolean, date, timestamp (no time zone),
    #: time (of day, no time zone), text (variable-length character string).
    TYPE_NAMES: ClassVar[dict[str, str]] = {
        "int32": "INTEGER", "int64": "BIGINT", "float64": "DOUBLE PRECISION", "boolean": "BOOLEAN",
        "date": "DATE", "timestamp": "TIMESTAMP", "time": "TIME", "text": "VARCHAR",
    }

    # -- types -------------------------------------------------------------------------------------
    def type_name(self, key: str) -> str:
        """The engine's name of the type ``key`` (see :attr:`TYPE_NAMES`)."""
        try:
            return self.TYPE_NAMES[key]
        except KeyError:
            raise NotImplementedError(f"the {type(self).__name__} dialect names no type {key!r}") from None

    def cast(self, expr: str, key: str) -> str:
        """``expr`` converted to the type ``key``; a value that does not convert is an error."""
        return f"CAST({expr} AS {self.type_name(key)})"

    @unportable
    def try_cast(self, expr: str, key: str) -> str:
        """``expr`` converted to the type ``key``, or NULL where it does not convert (never an error)."""

    @unportable
    def list_parameter(self, key: str) -> str:
        """A ``?`` placeholder bound to a list (a Python list or tuple) of values of type ``key``."""

    @unportable
    def empty_list(self, key: str) -> str:
        """An empty list whose elements would be of type ``key``."""

    @unportable
    def logical_type(self, native: str) -> LogicalType:
        """The logical type of the engine's type called ``native`` (a column type as the engine
        reports it); a type dsbench does not know is of family ``other``."""

    @unportable
    def base_name(self, native: str) -> str:
        """The engine's type name ``native`` without its parameters (``DECIMAL(18,3)`` -> ``DECIMAL``)."""

    def type_matches(self, native: str, name: str) -> bool:
        """Is a column of the engine's type ``native`` of the type called ``name``: the engine's own
        name (parameters aside, any case) or a name of another tool (``int64``, ``str``, …, see
        :data:`dsbench.engine.types.ALIASES`)?"""
        wanted = name.strip()
        if wanted.upper() == native.strip().upper() or self.base_name(wanted) == self.base_name(native):
            return True
        return known_as(self.logical_type(native), wanted)

    @unportable
    def struct_fields(self, native: str) -> dict[str, str] | None:
        """The fields (name -> the engine's type name) of a struct type ``native``, in order; None
        for any other type, a list of structs included, or one the engine cannot read."""

    # -- checks made while binding (a bad suite fails before any query) --------------------------
    @unportable
    def check_regex(self, pattern: str, location: str) -> None:
        """Raise SuiteError (at ``location``) unless the engine can run the regular expression."""

    @unportable
    def check_time_format(self, fmt: str, location: str) -> None:
        """Raise SuiteError (at ``location``) unless the engine can parse texts with the strftime
        format ``fmt`` (see :meth:`try_parse_timestamp`)."""

    @unportable
    def time_format(self, fmt: str) -> str:
        """The strftime format ``fmt`` (``%Y-%m-%d``) as the engine's parser reads formats, for a
        literal or a bound parameter."""

    # -- text --------------------------------------------------------------------------------------
    def char_length(self, text: str) -> str:
        """The number of characters (Unicode code points, not bytes or graphemes) of ``text``."""
        return f"CHAR_LENGTH({text})"

    def substring(self, text: str, start: str, count: str | None = None) -> str:
        """``count`` characters of ``text`` from the 1-based position ``start`` (fewer at its end;
        with no ``count``, all of them to the end)."""
        return f"SUBSTRING({text} FROM {start}{'' if count is None else f' FOR {count}'})"

    def char_at(self, text: str, position: str) -> str:
        """The character of ``text`` at the 1-based ``position`` ('' past its end)."""
        return f"SUBSTRING({text} FROM {position} FOR 1)"

    def position(self, text: str, needle: str) -> str:
        """The 1-based position of the first occurrence of ``needle`` in ``text``, 0 when none."""
        return f"POSITION({needle} IN {text})"

    @unportable
    def split(self, text: str, separator: str) -> str:
        """The list of the parts of ``text`` between occurrences of the literal ``separator``
        (empty parts kept: ``'a::b'`` split at ``':'`` is ``['a', '', 'b']``)."""

    def is_json(self, text: str) -> str:
        """Whether ``text`` is one well-formed JSON document."""
        return f"({text} IS JSON)"

    @unportable
    def try_parse_timestamp(self, text: str, fmt: str) -> str:
        """``text`` read as a timestamp with the format ``fmt`` (the whole text must match it), or
        NULL when it does not parse; ``fmt`` is SQL holding the format as :meth:`time_format` spells it."""

    # -- regular expressions -----------------------------------------------------------------------
    @unportable
    def regex_contains(self, text: str, pattern: str) -> str:
        """Whether ``pattern`` matches somewhere in ``text`` (a search: ``'b'`` is in ``'abc'``)."""

    @unportable
    def regex_full_match(self, text: str, pattern: str) -> str:
        """Whether ``pattern`` matches the whole of ``text``."""

    @unportable
    def regex_replace(self, text: str, pattern: str, replacement: str) -> str:
        """``text`` with every non-overlapping match of ``pattern`` replaced by ``replacement`` (a
        literal text, no group references)."""

    @unportable
    def regex_replace_first(self, text: str, pattern: str, replacement: str) -> str:
        """``text`` with the first match of ``pattern`` replaced by ``replacement``, in which ``\\1``
        stands for the first group (an engine writing ``$1`` rewrites it)."""

    @unportable
    def regex_extract_all(self, text: str, pattern: str) -> str:
        """The list of every non-overlapping match of ``pattern`` in ``text`` (the whole match, not
        a group), left to right; an empty list when none."""

    @unportable
    def regex_split(self, text: str, pattern: str) -> str:
        """The list of the parts of ``text`` between matches of ``pattern`` (empty parts kept)."""

    # -- numbers -----------------------------------------------------------------------------------
    @unportable
    def is_nan(self, number: str) -> str:
        """Whether the float ``number`` is NaN (false for every other number)."""

    @unportable
    def is_finite(self, number: str) -> str:
        """Whether the float ``number`` is neither NaN nor infinite."""

    def truncate(self, number: str) -> str:
        """``number`` rounded toward zero to a whole number."""
        return f"CASE WHEN {number} < 0 THEN CEILING({number}) ELSE FLOOR({number}) END"

    @unportable
    def bit_xor(self, left: str, right: str) -> str:
        """The bitwise exclusive or of two integers."""

    @unportable
    def hash(self, *exprs: str) -> str:
        """A 64-bit hash of the values ``exprs`` together (a row, a key): equal where GROUP BY finds
        the values equal (NULLs, -0.0 and NaN included). Engines' hashes differ: never compare one
        across engines, and never record one in a card."""

    # -- aggregates --------------------------------------------------------------------------------
    @unportable
    def compensated_sum(self, number: str) -> str:
        """The sum of a float column computed with compensation (Kahan/Neumaier), so that it does
        not depend on the order rows arrive in (threads, partitions); NULL when no value."""

    @unportable
    def compensated_avg(self, number: str) -> str:
        """The mean of a float column from a compensated sum (see :meth:`compensated_sum`)."""

    def percentile_cont(self, expr: str, fraction: float) -> str:
        """The ``fraction`` quantile of ``expr`` with linear interpolation between the two nearest
        values (exact; NULLs ignored; NULL when no value)."""
        return f"percentile_cont({fraction!r}) WITHIN GROUP (ORDER BY {expr})"

    @unportable
    def percentiles_cont(self, expr: str, fractions: Sequence[float]) -> str:
        """The list of :meth:`percentile_cont` of ``expr`` at each of ``fractions``, as ONE aggregate
        call (a ``FILTER`` clause may follow it)."""

    @unportable
    def approx_count_distinct(self, expr: str) -> str:
        """An estimate of the number of distinct non-null values of ``expr`` (HyperLogLog; the
        estimate differs between engines)."""

    def aggregate_list(self, expr: str, order_by: str | None = None, distinct: bool = False) -> str:
        """The list of the values of ``expr`` over the group (NULLs included), in the order of the
        ORDER BY list ``order_by``; with ``distinct`` each value once."""
        order = f" ORDER BY {order_by}" if order_by else ""
        return f"array_agg({'DISTINCT ' if distinct else ''}{expr}{order})"

    # -- lists -------------------------------------------------------------------------------------
    def list_of(self, *items: str) -> str:
        """A list of the values ``items`` (of one type)."""
        return f"ARRAY[{', '.join(items)}]"

    def list_element(self, items: str, index: str) -> str:
        """The element at the 1-based ``index`` of the list ``items`` (NULL beyond its end)."""
        return f"{items}[{index}]"

    @unportable
    def list_slice(self, items: str, start: str, stop: str) -> str:
        """The elements of ``items`` from the 1-based ``start`` to ``stop``, both included."""

    def list_length(self, items: str) -> str:
        """The number of elements of the list ``items``."""
        return f"CARDINALITY({items})"

    @unportable
    def map_length(self, mapping: str) -> str:
        """The number of entries of the map ``mapping``."""

    @unportable
    def integer_range(self, start: str | None, stop: str) -> str:
        """The list of the integers from ``start`` (0 when None) up to ``stop``, excluded."""

    @unportable
    def transform(self, items: str, parameters: str | Sequence[str], body: str) -> str:
        """The list of ``body`` evaluated for each element of ``items``. ``parameters`` names the
        element (one name), or the element and its 1-based index (two names), inside ``body``."""

    @unportable
    def filter(self, items: str, parameter: str, condition: str) -> str:
        """The elements of ``items`` for which ``condition`` (over the element named ``parameter``)
        is true, in order."""

    @unportable
    def list_sum(self, items: str) -> str:
        """The sum of the numbers of ``items`` (NULL for an empty list)."""

    @unportable
    def list_all(self, items: str) -> str:
        """Whether every boolean of ``items`` is true (NULL for an empty list)."""

    @unportable
    def list_any(self, items: str) -> str:
        """Whether some boolean of ``items`` is true (NULL for an empty list)."""

    @unportable
    def list_contains(self, items: str, value: str) -> str:
        """Whether ``value`` is an element of the list ``items``."""

    @unportable
    def list_position(self, items: str, value: str) -> str:
        """The 1-based position of the first element of ``items`` equal to ``value``; NULL when none."""

    @unportable
    def list_distinct(self, items: str) -> str:
        """The distinct non-null elements of ``items`` (in no particular order)."""

    @unportable
    def list_distinct_count(self, items: str) -> str:
        """The number of distinct non-null elements of ``items``."""

    @unportable
    def list_intersect(self, left: str, right: str) -> str:
        """The distinct elements that are in both lists (in no particular order)."""

    @unportable
    def list_concat(self, *lists: str) -> str:
        """The lists one after the other."""

    @unportable
    def flatten(self, lists: str) -> str:
        """The elements of a list of lists, one list after the other."""

    @unportable
    def unnest(self, items: str) -> str:
        """In a SELECT list: one row per element of the list ``items`` (none for an empty list);
        several in one SELECT list advance together, element by element."""

    @unportable
    def unnest_positions(self, items: str) -> str:
        """In a SELECT list beside :meth:`unnest` of ``items``: the 1-based position of the element."""

    @unportable
    def struct(self, fields: Iterable[tuple[str, str]]) -> str:
        """A struct (a row value with named fields) of ``fields``: pairs of a field name (an
        identifier, quoted when it comes from data) and its value; structs compare field by field,
        in order. (Standard SQL's ROW constructor has no field names.)"""

    # -- queries -----------------------------------------------------------------------------------
    def group_by_all(self, keys: Sequence[str]) -> str:
        """A GROUP BY clause over ``keys``, which are every item of the SELECT list that is not an
        aggregate."""
        return f"GROUP BY {', '.join(keys)}"

    def order_by_all(self, items: Sequence[str]) -> str:
        """An ORDER BY clause over ``items``, every item of the SELECT list, left to right, ascending."""
        return f"ORDER BY {', '.join(items)}"

    @unportable
    def qualify(self, query: str, condition: str) -> str:
        """``query`` (a SELECT with no ORDER BY or LIMIT) keeping only the rows where the condition
        ``condition``, over window functions of the query, holds."""

    def cte(self, name: str, body: str, materialized: bool = False) -> str:
        """A common table expression; ``materialized`` asks the engine to compute it once, as its
        uses would otherwise each recompute it (a hint: the answer is the same)."""
        return f"{name} AS ({body})"

    @unportable
    def semi_join(self, table: str, columns: Sequence[str]) -> str:
        """A join clause keeping the rows of the left side that have a row of ``table`` with equal
        values of the columns ``columns`` (each left row once, no column of ``table``)."""

    def row_number(self) -> str:
        """1, 2, … over the rows of a FROM clause in the order the engine reads them: for a table,
        file order (see :mod:`dsbench.validation.rows`, which relies on it)."""
        return "row_number() OVER ()"


__all__ = ["Dialect", "unportable"]
