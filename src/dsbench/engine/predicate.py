"""User-written SQL predicates (``row_condition``), checked against an allow-list.

The text is parsed with sqlglot in GRAMMAR, the SQL dialect suites write predicates in (DuckDB's, as
GX users write them for DuckDB and SQL data sources). Only column references to existing columns,
literals, comparison / boolean / arithmetic operators, CASE, CAST and a short list of scalar functions
are accepted; subqueries, table functions, file readers and statements are refused before any query
runs. The accepted predicate is re-generated from the tree, in the engine's dialect, with every
identifier quoted and every literal turned into a bound parameter, so nothing from the suite is pasted
into SQL.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Iterable

from dsbench.engine.metrics import Condition
from dsbench.errors import UnsafeExpressionError

if TYPE_CHECKING:  # sqlglot is imported only when a suite has a row condition
    from sqlglot import exp

    from dsbench.engine.dialect import Dialect

GRAMMAR = "duckdb"  # the sqlglot dialect a suite's predicates are read in (a grammar, not an engine)


@functools.lru_cache(maxsize=1)
def allowed_nodes() -> tuple[type, ...]:
    from sqlglot import exp

    return (
        exp.Column, exp.Identifier, exp.Literal, exp.Boolean, exp.Null, exp.Paren,
        exp.And, exp.Or, exp.Not, exp.Xor,
        exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.NullSafeEQ, exp.NullSafeNEQ,
        exp.Is, exp.In, exp.Between, exp.Like, exp.ILike,
        exp.Add, exp.Sub, exp.Mul, exp.Div, exp.IntDiv, exp.Mod, exp.Neg, exp.DPipe,
        exp.Cast, exp.TryCast, exp.DataType, exp.Case, exp.If, exp.Coalesce, exp.Nullif,
        exp.Lower, exp.Upper, exp.Length, exp.Trim, exp.Abs, exp.Round, exp.Floor, exp.Ceil,
        exp.Substring, exp.Year, exp.Month, exp.Day, exp.Greatest, exp.Least, exp.Concat,
        exp.Sqrt, exp.Ln, exp.IsNan, exp.IsInf, exp.StrPosition,
    )
# Function names DuckDB knows that sqlglot leaves as anonymous calls.
ALLOWED_ANONYMOUS = frozenset({"isfinite", "starts_with", "ends_with", "contains", "strlen",
                               "length_grapheme", "sign"})
MAX_PREDICATE_CHARS = 10_000
_MARKER = re.compile(r'"(?:[^"]|"")*"|[:$]dsbench_p(\d+)')
# A type as sqlglot writes it back: words and array brackets only. sqlglot keeps a quoted type name it
# does not know as text (a "user-defined" type) and writes that text back verbatim, unquoted: it
# could close the query and start a statement of its own, so such types are refused.
_PLAIN_TYPE = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?: [A-Za-z][A-Za-z0-9_]*)*(?:\[\])*")
_INTEGER = re.compile(r"\d+(?:_\d+)*", re.ASCII)
_DECIMAL = re.compile(r"(?:\d+(?:_\d+)*)?(?:\.\d*)?(?:[eE][+-]?\d+)?", re.ASCII)
HUGEINT_DIGITS = 38  # integers of more digits may not fit DuckDB's HUGEINT


def _refuse(what: str, text: str, field: str) -> UnsafeExpressionError:
    return UnsafeExpressionError(f"{what} is not allowed in a {_words(field)}: {text!r}",
                                 location=f"kwargs.{field}")


def _words(field: str) -> str:
    return field.replace("_", " ")


def _resolve_column(name: str, columns: Iterable[str], field: str) -> str:
    names = list(columns)
    if name in names:
        return name
    folded = [c for c in names if c.lower() == name.lower()]
    if len(folded) == 1:
        return folded[0]
    raise UnsafeExpressionError(f"unknown column {name!r} in {_words(field)}", location=f"kwargs.{field}")


def compile_predicate(text: str, columns: Iterable[str], field: str = "row_condition", *,
                      dialect: Dialect | None = None) -> Condition:
    """Check ``text`` (the kwarg ``field``, written in GRAMMAR) against the allow-list and return it
    as SQL of ``dialect`` (default: GRAMMAR's own) with bound parameters."""
    try:
        return _compile(text, columns, field, dialect.sqlglot_dialect if dialect is not None else GRAMMAR)
    except RecursionError:  # sqlglot parses and writes recursively: ((((…)))) or NOT NOT … NOT x
        raise UnsafeExpressionError(f"{_words(field)} is nested too deeply", location=f"kwargs.{field}") from None


def _compile(text: str, columns: Iterable[str], field: str, written_as: str) -> Condition:
    import sqlglot
    from sqlglot import exp

    if not isinstance(text, str) or not text.strip():
        raise UnsafeExpressionError(f"{_words(field)} must be a non-empty SQL expression",
                                    location=f"kwargs.{field}")
    if len(text) > MAX_PREDICATE_CHARS:
        raise UnsafeExpressionError(f"{_words(field)} is longer than {MAX_PREDICATE_CHARS} characters",
                                    location=f"kwargs.{field}")
    try:
        statements = [s for s in sqlglot.parse(text, read=GRAMMAR) if s is not None]
    except sqlglot.errors.SqlglotError as error:
        first = str(error).splitlines()[0] if str(error) else "syntax error"
        raise UnsafeExpressionError(f"cannot parse {_words(field)} {text!r}: {first}",
                                    location=f"kwargs.{field}") from None
    if len(statements) != 1:
        raise _refuse("more than one statement", text, field)
    tree = statements[0]
    columns = list(columns)
    for node in tree.walk():
        if node.comments:
            raise _refuse("an SQL comment", text, field)
        if isinstance(node, exp.Anonymous):
            if str(node.this).lower() not in ALLOWED_ANONYMOUS:
                raise _refuse(f"function {node.this}()", text, field)
            continue
        if not isinstance(node, allowed_nodes()):
            raise _refuse(type(node).__name__, text, field)
        if isinstance(node, exp.DataType):
            if node.this == exp.DataType.Type.USERDEFINED or not _PLAIN_TYPE.fullmatch(node.sql(dialect=GRAMMAR)):
                raise _refuse("a user-defined or parameterised type", text, field)
        if isinstance(node, exp.Column):
            if node.table or node.args.get("db") or node.args.get("catalog"):
                raise _refuse("a qualified column reference", text, field)
            if not isinstance(node.this, exp.Identifier):
                raise _refuse("a non-identifier column reference", text, field)
        if isinstance(node, exp.In) and (node.args.get("query") or node.args.get("unnest")):
            raise _refuse("a subquery", text, field)
    return _generate(tree, columns, field, written_as)


def _number(text: str, field: str) -> int | float:
    """A numeric literal's value: an integer when DuckDB can bind it (128 bits), else a double (as
    DuckDB reads a longer literal); never int()'s own error for more than 4,300 digits."""
    digits = text.replace("_", "")
    try:
        if _INTEGER.fullmatch(text):
            if len(digits) <= HUGEINT_DIGITS + 1 and int(digits) < 2**127:
                return int(digits)
            return float(digits)
        if _DECIMAL.fullmatch(text):
            return float(digits)
    except (ValueError, OverflowError):
        pass
    raise UnsafeExpressionError(f"cannot read the number {text[:40]!r} in the {_words(field)}",
                                location=f"kwargs.{field}")


def _generate(tree: "exp.Expression", columns: list[str], field: str, written_as: str) -> Condition:
    from sqlglot import exp

    # Under a parent, so that a condition that is only a literal or a column is replaced too
    # (replace() cannot replace the root of a tree).
    holder = exp.Paren(this=tree.copy())
    values: list[object] = []
    for column in list(holder.find_all(exp.Column)):
        column.replace(exp.Column(this=exp.Identifier(this=_resolve_column(column.name, columns, field),
                                                      quoted=True)))
    for literal in list(holder.find_all(exp.Literal)):
        if literal.is_string:
            value: object = literal.this
        else:
            value = _number(literal.this, field)
        literal.replace(exp.Placeholder(this=f"dsbench_p{len(values)}"))
        values.append(value)
    tree = holder.this
    sql = tree.sql(dialect=written_as, identify=True)
    ordered: list[object] = []

    def substitute(match: re.Match) -> str:
        if match.group(1) is None:  # a quoted identifier: leave it alone
            return match.group(0)
        ordered.append(values[int(match.group(1))])
        return "?"

    sql = _MARKER.sub(substitute, sql)
    return Condition(f"({sql})", tuple(ordered))

