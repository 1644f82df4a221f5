"""The seam between dsbench and its engines: DuckDB is imported and its own SQL spelled only under
backends/duckdb/; everything else says what to compute in the dialect vocabulary
(dsbench.engine.dialect), which DuckDB spells completely, and which really decides the SQL."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest

from dsbench.backends.duckdb.dialect import DIALECT, DuckDBDialect
from dsbench.data.dataset import Table
from dsbench.engine.dialect import Dialect
from dsbench.engine.types import LogicalType
from dsbench.expectations.base import Context, Outcome
from dsbench.expectations.registry import get_expectation_type
from dsbench.expectations.row_queries import frame_of

SOURCE = Path(__file__).resolve().parent.parent / "src" / "dsbench"
DUCKDB_HOME = SOURCE / "backends" / "duckdb"

# Strings that name a DuckDB function in prose, not SQL: what a file records about how it was made.
PROSE: dict[str, set[str]] = {
    "corpus/inject/truth.py": {"hash"},  # SELECTION: cells are ranked by DuckDB's hash (recorded in the truth)
}

# DuckDB-only spellings moved behind the dialect: function names (a call: ``name(``) …
DUCKDB_FUNCTIONS = [
    "regexp_matches", "regexp_full_match", "regexp_replace", "regexp_extract", "regexp_extract_all",
    "string_split", "string_split_regex", "try_strptime", "strptime", "strftime", "struct_pack", "hash", "xor",
    "fsum", "favg", "quantile_cont", "quantile_disc", "approx_count_distinct", "approx_quantile",
    "list_transform", "list_filter", "list_sum", "list_bool_and", "list_bool_or", "list_contains",
    "list_position", "list_unique", "list_distinct", "list_intersect", "list_concat", "list_slice",
    "flatten", "unnest", "generate_subscripts", "json_valid", "isnan", "isfinite", "isinf", "trunc", "strpos",
    "len", "range", "list", "typeof", "nfc_normalize", "epoch", "arg_max", "arg_min",
    "bit_count", "strlen", "length_grapheme",
]
# … and syntax.
DUCKDB_SYNTAX = {
    "TRY_CAST": r"\bTRY_CAST\s*\(", "GROUP BY ALL": r"\bGROUP BY ALL\b", "ORDER BY ALL": r"\bORDER BY ALL\b",
    "QUALIFY": r"\bQUALIFY\b", "MATERIALIZED": r"\bAS MATERIALIZED\b", "SEMI JOIN": r"\bSEMI JOIN\b",
    "::": r"::\s*[A-Z]", "lambda": r"\blambda \w+(, \w+)*:",
}
PATTERNS = {**{name: re.compile(rf"(?<![\w.]){name}\(", re.IGNORECASE) for name in DUCKDB_FUNCTIONS},
            **{name: re.compile(pattern) for name, pattern in DUCKDB_SYNTAX.items()}}


def sources() -> dict[str, Path]:
    return {str(p.relative_to(SOURCE)): p for p in sorted(SOURCE.rglob("*.py")) if DUCKDB_HOME not in p.parents}


def imports_duckdb(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name == "duckdb" or a.name.startswith("duckdb.") for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").split(".")[0] == "duckdb":
            return True
    return False


def sql_strings(tree: ast.AST) -> list[str]:
    """The string constants of a module (f-string parts included), docstrings left out."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def offences(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = {"import"} if imports_duckdb(tree) else set()
    for text in sql_strings(tree):
        found.update(name for name, pattern in PATTERNS.items() if pattern.search(text))
    return found


FOUND = {name: offences(path) for name, path in sources().items()}


def test_duckdb_is_imported_only_under_backends_duckdb():
    offenders = sorted(name for name, found in FOUND.items() if "import" in found)
    assert not offenders, "import duckdb outside backends/duckdb/ (use the dataset's session/dialect):\n" + \
        "\n".join(offenders)


def test_duckdb_only_sql_is_spelled_only_by_the_duckdb_dialect():
    offenders = {name: sorted(found - {"import"} - PROSE.get(name, set()))
                 for name, found in FOUND.items()}
    offenders = {name: words for name, words in offenders.items() if words}
    assert not offenders, "DuckDB-only SQL outside backends/duckdb/ (say it with the dialect):\n" + \
        "\n".join(f"{name}: {', '.join(words)}" for name, words in sorted(offenders.items()))


def test_the_prose_list_holds_only_what_is_still_there():
    """An entry whose file no longer holds it goes (so the list only ever shrinks)."""
    stale = {name: sorted(allowed - FOUND.get(name, set())) for name, allowed in PROSE.items()}
    assert not {name: words for name, words in stale.items() if words}, f"remove from PROSE: {stale}"


def test_the_guard_sees_a_duckdb_spelling(tmp_path):
    path = tmp_path / "module.py"
    path.write_text('"""Doc: regexp_matches(x) in prose is fine."""\nimport duckdb\n'
                    'SQL = f"SELECT {x} FROM t GROUP BY ALL"\nOTHER = "list_transform(l, lambda v: v)"\n')
    assert offences(path) == {"import", "GROUP BY ALL", "list_transform", "lambda"}


# --- the vocabulary the code calls -------------------------------------------------------------

CALLERS = ["expectations", "suites", "scoring/defects.py", "validation/rows.py"]


def called_words(roots: list[str]) -> set[str]:
    """The dialect methods called in ``roots`` (``dialect.X(``, ``self.dialect.X(``, ``d.X(`` where
    ``d = dialect``)."""
    words = set()
    for root in roots:
        path = SOURCE / root
        for file in ([path] if path.suffix == ".py" else sorted(path.rglob("*.py"))):
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                    continue
                owner = node.func.value
                if (isinstance(owner, ast.Name) and owner.id in ("dialect", "d")) or \
                        (isinstance(owner, ast.Attribute) and owner.attr == "dialect"):
                    words.add(node.func.attr)
    return words


USED = called_words(CALLERS)
USED_BY_EXPECTATIONS = called_words(["expectations"])


def test_the_code_uses_the_vocabulary():
    assert {"regex_contains", "transform", "try_cast", "struct", "group_by_all"} <= USED


@pytest.mark.parametrize("word", sorted(USED))
def test_every_word_used_is_in_the_vocabulary_and_spelled_by_duckdb(word):
    assert callable(getattr(Dialect, word, None)), f"{word!r} is not a word of dsbench.engine.dialect.Dialect"
    spelling = getattr(DuckDBDialect, word)
    assert not getattr(spelling, "unportable", False), f"DuckDBDialect does not spell {word!r}"


def test_the_base_refuses_what_standard_sql_cannot_spell_naming_it():
    with pytest.raises(NotImplementedError, match="'regex_contains'"):
        Dialect().regex_contains('"a"', "?")
    assert Dialect().char_length('"a"') == 'CHAR_LENGTH("a")'  # standard where there is a standard
    assert DIALECT.char_length('"a"') == 'length("a")'


def test_datasets_on_duckdb_speak_the_duckdb_dialect():
    from dsbench.backends import backend

    assert backend("duckdb").dialect is DIALECT


# --- the seam is real: overriding a word changes the expectations' SQL --------------------------

COLUMNS = {"t": "VARCHAR", "i": "BIGINT", "f": "DOUBLE", "d": "DATE", "ts": "TIMESTAMP", "js": "JSON",
           "l": "VARCHAR[]", "m": "MAP(VARCHAR, INTEGER)", "e": "ENUM('a', 'b')", "s": "STRUCT(a VARCHAR)"}
OTHER = Table("other", '"t1"', "other", "parquet", columns={"t": "VARCHAR", "i": "BIGINT"})
TABLE = Table("table", '"t0"', "table", "parquet", columns=COLUMNS)
RECORDS = [f"record:{c}" for c in ("t", "js", "l", "m", "e", "s.a")]
# One configuration per way an expectation family speaks SQL (kwargs as a suite would write them).
CONFIGS: list[tuple[str, dict[str, Any]]] = [
    ("expect_column_values_to_match_regex", {"column": "t", "regex": "a"}),
    ("expect_column_values_to_not_match_regex_list", {"column": "i", "regex_list": ["1", "2"]}),
    ("expect_column_values_to_be_unique", {"column": "t"}),
    ("expect_compound_columns_to_be_unique", {"column_list": ["t", "i"]}),
    ("expect_table_records_to_be_unique", {}),
    ("expect_column_value_lengths_to_be_between", {"column": "t", "min_value": 1}),
    ("expect_column_values_to_be_castable", {"column": "t", "type": "integer"}),
    ("expect_column_values_to_be_castable", {"column": "t", "type": "date"}),
    ("expect_column_values_to_be_castable", {"column": "t", "type": "date", "format": "%Y-%m-%d"}),
    ("expect_column_values_to_be_castable", {"column": "f", "type": "integer"}),
    ("expect_column_values_to_be_castable", {"column": "ts", "type": "date"}),
    ("expect_column_values_to_match_strftime_format", {"column": "t", "strftime_format": "%Y"}),
    ("expect_column_values_to_be_json_parseable", {"column": "i"}),
    ("expect_column_values_to_be_dateutil_parseable", {"column": "t"}),
    ("expect_column_values_to_be_increasing", {"column": "f"}),
    ("expect_column_value_z_scores_to_be_less_than", {"column": "f", "threshold": 3}),
    ("expect_column_mean_to_be_between", {"column": "f", "min_value": 0}),
    ("expect_column_median_to_be_between", {"column": "f", "min_value": 0}),
    ("expect_column_sum_to_be_between", {"column": "f", "min_value": 0}),
    ("expect_column_quantile_values_to_be_between",
     {"column": "f", "quantile_ranges": {"quantiles": [0.5], "value_ranges": [[0, 1]]}}),
    ("expect_column_distinct_values_to_be_in_set", {"column": "t", "value_set": ["a"]}),
    ("expect_column_most_common_value_to_be_in_set", {"column": "t", "value_set": ["a"]}),
    ("expect_foreign_key_values_to_exist", {"column_list": ["t", "i"], "other_table_name": "other",
                                            "other_column_list": ["i", "i"]}),
    ("expect_column_values_to_be_recent", {"column": "t", "max_age": "P1D", "as_of": "2024-01-01"}),
    ("expect_column_values_to_not_be_blank", {"column": "t"}),
    ("expect_column_value_token_counts_to_be_between", {"column": "t", "min_value": 1}),
    ("expect_labels_to_be_consistent", {"column": "t", "label_column": "i"}),
    ("expect_column_values_to_not_contain_mojibake", {"column": "t"}),
    ("expect_column_values_to_have_script_share_between", {"column": "t", "script": "Han", "min_value": 0.5}),
    ("expect_column_values_to_not_have_repeated_content", {"column": "t"}),
    ("expect_column_distinct_ngram_ratio_to_be_at_least", {"column": "t"}),
    ("expect_column_values_to_not_contain_personal_information", {"column": "t"}),
    ("expect_column_values_to_not_contain_personal_information", {"column": "i"}),
    ("expect_column_values_to_not_have_near_duplicates", {"column": "t"}),
    ("expect_column_values_to_not_occur_in_other_table", {"column": "t", "other_table_name": "other"}),
    ("expect_column_values_to_not_occur_in_other_table",
     {"column": "t", "other_table_name": "other", "near": False}),
    ("expect_manifest_fields_to_be_present", {"fields": RECORDS}),
]
# Words that decide no SQL text of their own: reading type names, and checks made while binding.
NOT_SQL = {"logical_type", "base_name", "type_matches", "struct_fields", "check_regex", "check_time_format"}
MARK = "seam:"


def marking(words: set[str]) -> Dialect:
    """The DuckDB dialect with each of ``words`` spelled as before plus a comment naming it."""

    def marked(word: str):
        spelled = getattr(DuckDBDialect, word)

        def spell(self: Any, *args: Any, **kwargs: Any) -> Any:
            return f"{spelled(self, *args, **kwargs)} /*{MARK}{word}*/"
        return spell

    return type("Marked", (DuckDBDialect,), {word: marked(word) for word in words})()


def spoken(dialect: Dialect) -> str:
    """All the SQL (and parameters) the configured expectations state with ``dialect``."""
    context = Context(TABLE, {"table": TABLE, "other": OTHER}, None, dialect=dialect)
    said = []

    def say(metric: Any) -> None:
        if metric is not None:
            said.extend([metric.sql, repr(metric.params), str(metric.condition or ""), repr(metric.screen)])

    for type_name, kwargs in CONFIGS:
        cls = get_expectation_type(type_name)
        expectation = cls(cls.Kwargs.model_validate(kwargs), context)
        for metric in expectation.metrics():
            say(metric)
        for metric in expectation.evidence(Outcome(False, {"unexpected_count": 1}, 0, 1)):
            say(metric)
        expectation.unexpected_values = ["a"]  # a value-only check whose every unexpected value is known
        for flag in (expectation.defect_flag(frame_of(TABLE)), expectation.row_flag(frame_of(TABLE))):
            if flag is not None:
                said.extend([flag.sql, repr(flag.params)])
    return "\n".join(said)


def test_one_overridden_word_changes_the_sql_of_the_expectations_that_use_it():
    class Rlike(DuckDBDialect):
        def regex_contains(self, text: str, pattern: str) -> str:
            return f"({text} RLIKE {pattern})"

    def regex_sql(dialect: Dialect) -> str:
        context = Context(TABLE, {}, None, dialect=dialect)
        cls = get_expectation_type("expect_column_values_to_match_regex")
        return cls(cls.Kwargs.model_validate({"column": "t", "regex": "^a"}), context).metrics()[-1].condition.sql

    assert "regexp_matches" in regex_sql(DIALECT) and "RLIKE" not in regex_sql(DIALECT)
    assert regex_sql(Rlike()) == '"t" IS NOT NULL AND (("t" RLIKE ?)) IS NOT TRUE'


def test_every_word_the_expectations_use_decides_their_sql():
    words = USED_BY_EXPECTATIONS - NOT_SQL
    said = spoken(marking(words))
    silent = sorted(word for word in words if f"{MARK}{word}*/" not in said)
    assert not silent, f"words the expectations call but that change none of their SQL here: {silent}"
    assert MARK not in spoken(DIALECT)


def test_the_logical_types_of_duckdb_names():
    kinds = {name: DIALECT.logical_type(native) for name, native in COLUMNS.items()}
    assert [kinds[n].family for n in COLUMNS] == ["string", "integer", "float", "date", "timestamp", "json", "list",
                                                  "map", "enum", "struct"]
    assert kinds["i"] == LogicalType("integer", "BIGINT", "BIGINT", bits=64) and kinds["f"].is_float
    assert DIALECT.type_matches("BIGINT", "int64") and not DIALECT.type_matches("BIGINT", "int32")
    assert DIALECT.type_matches("DECIMAL(18,3)", "decimal(10,2)") and DIALECT.type_matches("TIMESTAMP_NS", "datetime64[ns]")
    assert DIALECT.struct_fields("STRUCT(a VARCHAR, b INTEGER)") == {"a": "VARCHAR", "b": "INTEGER"}


def test_a_row_condition_is_written_in_the_engines_dialect():
    """Read in the suites' grammar, written in the engine's: DuckDB's `//` is another engine's DIV,
    and the literal stays a bound parameter either way."""
    from dsbench.engine.predicate import compile_predicate

    class SparkSpelling(type(DIALECT)):
        sqlglot_dialect = "spark"

    duck = compile_predicate("n // 2 = 1", ["n"], dialect=DIALECT)
    other = compile_predicate("n // 2 = 1", ["n"], dialect=SparkSpelling())
    assert (duck.sql, duck.params) == ('("n" // ? = ?)', (2, 1))
    assert (other.sql, other.params) == ("(`n` DIV ? = ?)", (2, 1))
