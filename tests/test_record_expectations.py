"""dsbench's record, reference, castable and freshness expectations against independent references
(pandas and plain Python over the same data), with missing values and row conditions."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

import dsbench
from dsbench.errors import SuiteError
from dsbench.expectations.freshness import parse_age
from tests.references import parses, python_float

NAN = float("nan")


@pytest.fixture
def people() -> pd.DataFrame:
    return pd.DataFrame({
        "g": ["a", "a", "b", "b", "a", "c", "a", None, "b", "a"],
        "x": [1.0, 1.0, 2.0, None, None, 3.0, 1.0, None, 2.0, 7.0],
        "name": ["ann", "ann", "bob", None, None, "cy", "ann", None, "bob", None],
        "city": ["Oslo", "Oslo", None, "Rome", None, "Rome", "Oslo", None, None, "Bern"],
    })


def run(df, *configs, tables=None):
    result = dsbench.validate(df, list(configs), tables=tables)
    return [r.to_dict() for r in result.results], result


def scoped(df: pd.DataFrame, condition: str | None) -> pd.DataFrame:
    return df.query(condition) if condition else df


# --- records -----------------------------------------------------------------------------------

@pytest.mark.parametrize("columns", [None, ["x", "name"], ["city"]])
@pytest.mark.parametrize("condition", [None, "g = 'a'"])
def test_records_complete_and_not_all_null(people, columns, condition):
    kwargs = {"column_list": columns} if columns else {}
    if condition:
        kwargs["row_condition"] = condition
    (complete, not_empty), _ = run(
        people, {"type": "expect_table_records_to_be_complete", "kwargs": kwargs},
        {"type": "expect_table_records_to_not_be_all_null", "kwargs": kwargs})
    frame = scoped(people, condition.replace("=", "==") if condition else None)[columns or list(people.columns)]
    full = int(frame.notna().all(axis=1).sum())
    some = int(frame.notna().any(axis=1).sum())
    assert complete["measure"] == {"passed": full, "evaluated": len(frame)}
    assert complete["result"]["unexpected_count"] == len(frame) - full
    assert complete["success"] == (full == len(frame))
    assert not_empty["measure"] == {"passed": some, "evaluated": len(frame)}
    assert not_empty["success"] == (some == len(frame))


@pytest.mark.parametrize("frame, per_row", [
    (pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]}), set()),  # no null: both settled by counts
    (pd.DataFrame({"a": [1, 2, 3], "b": ["x", None, "z"]}), {"complete"}),  # a is full: none empty
    (pd.DataFrame({"a": [1, None, None], "b": ["x", None, "z"]}), {"complete", "not_all_null"}),
])
def test_records_are_looked_at_only_when_column_counts_leave_doubt(frame, per_row):
    (complete, not_empty), result = run(frame, {"type": "expect_table_records_to_be_complete", "kwargs": {}},
                                        {"type": "expect_table_records_to_not_be_all_null", "kwargs": {}})
    assert complete["result"]["unexpected_count"] == int(frame.isna().any(axis=1).sum())
    assert not_empty["result"]["unexpected_count"] == int(frame.isna().all(axis=1).sum())
    sql = " ".join(q for q, _ in result.log.queries)
    assert ('"a" IS NULL OR "b" IS NULL' in sql) == ("complete" in per_row)
    assert ('"a" IS NULL AND "b" IS NULL' in sql) == ("not_all_null" in per_row)


def test_records_complete_mostly(people):
    (result,), _ = run(people, {"type": "expect_table_records_to_be_complete",
                                "kwargs": {"column_list": ["g"], "mostly": 0.9}})
    assert result["measure"] == {"passed": 9, "evaluated": 10}
    assert result["success"]
    (result,), _ = run(people, {"type": "expect_table_records_to_be_complete",
                                "kwargs": {"column_list": ["g"], "mostly": 0.95}})
    assert not result["success"]


def test_all_null_record_is_unexpected():
    df = pd.DataFrame({"a": [None, 1.0, None], "b": [None, None, "x"]})
    (result,), _ = run(df, {"type": "expect_table_records_to_not_be_all_null", "kwargs": {}})
    assert result["measure"] == {"passed": 2, "evaluated": 3}


@pytest.mark.parametrize("columns", [None, ["g", "x"], ["name"]])
@pytest.mark.parametrize("condition", [None, "g <> 'c'"])
def test_records_unique_matches_pandas_duplicated(people, columns, condition):
    kwargs = {"column_list": columns} if columns else {}
    if condition:
        kwargs["row_condition"] = condition
    (result,), _ = run(people, {"type": "expect_table_records_to_be_unique", "kwargs": kwargs})
    # SQL: g <> 'c' drops the row whose g is missing, as pandas' != does not.
    frame = people[people["g"].notna() & (people["g"] != "c")] if condition else people
    frame = frame[columns or list(people.columns)]
    # pandas: missing equals missing, like GROUP BY. The extra copies (all but the first of each
    # group) are unexpected; every row of a group is counted in the details.
    extra = int(frame.duplicated(keep="first").sum())
    repeated = int(frame.duplicated(keep=False).sum())
    reference = frame[frame.duplicated(keep=False)].value_counts(dropna=False)
    assert result["measure"] == {"passed": len(frame) - extra, "evaluated": len(frame)}
    assert result["result"]["unexpected_count"] == extra
    assert result["result"]["details"] == {"duplicate_groups": len(reference), "rows_in_duplicate_groups": repeated,
                                           "extra_copies": extra}
    counts = result["result"]["partial_unexpected_counts"]
    assert sum(c["count"] for c in counts) == repeated
    assert sorted(c["count"] for c in counts) == sorted(int(n) for n in reference.values)


def test_records_unique_reports_the_repeated_record(people):
    (result,), _ = run(people, {"type": "expect_table_records_to_be_unique",
                                "kwargs": {"column_list": ["name", "city"]}})
    top = result["result"]["partial_unexpected_counts"][0]
    assert top == {"value": {"name": "ann", "city": "Oslo"}, "count": 3}


def test_unknown_record_column_is_a_suite_error(people):
    with pytest.raises(SuiteError, match="column_list"):
        run(people, {"type": "expect_table_records_to_be_complete", "kwargs": {"column_list": ["nope"]}})


# --- foreign keys ------------------------------------------------------------------------------

@pytest.fixture
def orders() -> pd.DataFrame:
    return pd.DataFrame({
        "customer": [1, 2, 2, 9, None, 9, 8, 1],
        "country": ["no", "no", "se", "no", "no", None, "dk", "no"],
        "status": ["ok", "ok", "late", "ok", "ok", "late", "ok", "ok"],
    })


@pytest.fixture
def customers() -> pd.DataFrame:
    return pd.DataFrame({"id": [1, 2, 3, 3], "country": ["no", "no", "se", "fi"]})


def fk_reference(df, other, mine, theirs, condition=None):
    frame = df.query(condition) if condition else df
    present = frame[mine].notna().all(axis=1)
    keys = set(map(tuple, other[theirs].astype(object).itertuples(index=False)))
    refs = frame[present]
    dangling = [tuple(r) for r in refs[mine].astype(object).itertuples(index=False) if tuple(r) not in keys]
    return len(refs), len(dangling), dangling


@pytest.mark.parametrize("mine,theirs", [(["customer"], ["id"]), (["customer", "country"], ["id", "country"])])
@pytest.mark.parametrize("condition", [None, "status = 'ok'"])
def test_foreign_key_orphans_match_python(orders, customers, mine, theirs, condition):
    kwargs = {"column_list": mine, "other_table_name": "customers", "other_column_list": theirs}
    if condition:
        kwargs["row_condition"] = condition
    (result,), validation = run(orders, {"type": "expect_foreign_key_values_to_exist", "kwargs": kwargs},
                                tables={"customers": customers})
    refs, orphans, dangling = fk_reference(orders, customers, mine, theirs,
                                           condition.replace("=", "==") if condition else None)
    assert result["measure"] == {"passed": refs - orphans, "evaluated": refs}
    assert result["result"]["unexpected_count"] == orphans
    assert result["result"]["missing_count"] == len(scoped(orders, condition.replace("=", "==") if condition else None)) - refs
    assert result["success"] == (orphans == 0)
    counts = result["result"]["partial_unexpected_counts"]
    assert sum(c["count"] for c in counts) == orphans
    assert result["result"]["details"]["unexpected_distinct_count"] == len(set(dangling))
    # The join is one query of its own: an anti-join, with no value written into the SQL.
    joins = [sql for sql, _ in validation.log.queries if "NOT EXISTS" in sql]
    assert len(joins) == 1 and "'ok'" not in joins[0]


def test_foreign_key_evidence_values(orders, customers):
    (result,), _ = run(orders, {"type": "expect_foreign_key_values_to_exist",
                                "kwargs": {"column_list": "customer", "other_table_name": "customers",
                                           "other_column_list": "id"}},
                       tables={"customers": customers})
    assert result["result"]["partial_unexpected_counts"] == [{"value": 9.0, "count": 2},
                                                             {"value": 8.0, "count": 1}]
    assert result["measure"] == {"passed": 4, "evaluated": 7}


def test_foreign_key_mostly_and_self_reference():
    df = pd.DataFrame({"id": [1, 2, 3, 4], "parent": [None, 1, 1, 7]})
    (result,), _ = run(df, {"type": "expect_foreign_key_values_to_exist",
                            "kwargs": {"column_list": ["parent"], "other_table_name": "data",
                                       "other_column_list": ["id"], "mostly": 0.6}})
    assert result["measure"] == {"passed": 2, "evaluated": 3}
    assert result["success"]


def test_foreign_key_across_types_compares_text():
    df = pd.DataFrame({"code": ["1", "2", "x"]})
    other = pd.DataFrame({"id": [1, 3]})
    (result,), _ = run(df, {"type": "expect_foreign_key_values_to_exist",
                            "kwargs": {"column_list": ["code"], "other_table_name": "ref",
                                       "other_column_list": ["id"]}}, tables={"ref": other})
    assert result["measure"] == {"passed": 1, "evaluated": 3}


def test_foreign_key_bad_kwargs(orders, customers):
    tables = {"customers": customers}
    with pytest.raises(SuiteError, match="other_table_name"):
        run(orders, {"type": "expect_foreign_key_values_to_exist",
                     "kwargs": {"column_list": ["customer"], "other_table_name": "nope", "other_column_list": ["id"]}},
            tables=tables)
    with pytest.raises(SuiteError, match="other_column_list"):
        run(orders, {"type": "expect_foreign_key_values_to_exist",
                     "kwargs": {"column_list": ["customer"], "other_table_name": "customers",
                                "other_column_list": ["idx"]}}, tables=tables)
    with pytest.raises(SuiteError, match="other_column_list has 2"):
        run(orders, {"type": "expect_foreign_key_values_to_exist",
                     "kwargs": {"column_list": ["customer"], "other_table_name": "customers",
                                "other_column_list": ["id", "country"]}}, tables=tables)


# --- castable ----------------------------------------------------------------------------------

TEXT = ["12", "12.5", "x", " 7 ", "-3", "1e3", "", None, "nan", "true", "N", "yes", "0",
        "2020-01-31", "2020-02-30", "2021-05-03 10:00", "12:30:00", "2021-05-03T10:00:00", None]
BOOLEAN_WORDS = {"true", "false", "t", "f", "yes", "no", "y", "n", "1", "0"}




PYTHON_CASTABLE = {
    "integer": lambda v: python_float(v) is not None and math.isfinite(python_float(v))
    and python_float(v).is_integer(),
    "number": lambda v: python_float(v) is not None,
    "boolean": lambda v: v.lower() in BOOLEAN_WORDS,
    "date": lambda v: ":" not in v and parses(dt.date.fromisoformat, v),
    "datetime": lambda v: parses(dt.datetime.fromisoformat, v),
    "time": lambda v: ":" in v and parses(dt.time.fromisoformat, v),
    "string": lambda v: True,
}


@pytest.mark.parametrize("target", sorted(PYTHON_CASTABLE))
@pytest.mark.parametrize("condition", [None, "k % 2 = 0"])
def test_castable_text_matches_python(target, condition):
    df = pd.DataFrame({"v": TEXT, "k": range(len(TEXT))})
    kwargs = {"column": "v", "type": target}
    if condition:
        kwargs["row_condition"] = condition
    (result,), _ = run(df, {"type": "expect_column_values_to_be_castable", "kwargs": kwargs})
    frame = df[df["k"] % 2 == 0] if condition else df
    values = [v for v in frame["v"] if isinstance(v, str)]
    good = sum(PYTHON_CASTABLE[target](v) for v in values)
    assert result["measure"] == {"passed": good, "evaluated": len(values)}, \
        [v for v in values if not PYTHON_CASTABLE[target](v)]
    assert result["result"]["missing_count"] == len(frame) - len(values)


def test_castable_with_format_binds_the_format():
    df = pd.DataFrame({"d": ["31/01/2020", "2020-01-31", "30/02/2020", None, "01/12/1999"]})
    (result,), validation = run(df, {"type": "expect_column_values_to_be_castable",
                                     "kwargs": {"column": "d", "type": "date", "format": "%d/%m/%Y"}})
    expected = sum(parses(lambda s: dt.datetime.strptime(s, "%d/%m/%Y"), v) for v in df["d"] if isinstance(v, str))
    assert result["measure"] == {"passed": expected, "evaluated": 4}
    assert all("%d/%m/%Y" not in sql for sql, _ in validation.log.queries)


def test_castable_typed_columns():
    df = pd.DataFrame({"i": [1, 2, None], "f": [1.0, 2.5, NAN], "b": [0, 1, 2],
                       "t": pd.to_datetime(["2020-01-01", "2020-01-01 10:00", None], format="ISO8601")})
    (int_int, float_int, float_num, int_bool, ts_date, ts_dt, i_str), _ = run(
        df,
        {"type": "expect_column_values_to_be_castable", "kwargs": {"column": "i", "type": "integer"}},
        {"type": "expect_column_values_to_be_castable", "kwargs": {"column": "f", "type": "integer"}},
        {"type": "expect_column_values_to_be_castable", "kwargs": {"column": "f", "type": "number"}},
        {"type": "expect_column_values_to_be_castable", "kwargs": {"column": "b", "type": "boolean"}},
        {"type": "expect_column_values_to_be_castable", "kwargs": {"column": "t", "type": "date"}},
        {"type": "expect_column_values_to_be_castable", "kwargs": {"column": "t", "type": "datetime"}},
        {"type": "expect_column_values_to_be_castable", "kwargs": {"column": "i", "type": "string"}})
    assert int_int["measure"] == {"passed": 2, "evaluated": 2} and int_int["success"]
    assert float_int["measure"] == {"passed": 1, "evaluated": 2}  # 2.5 would be rounded
    assert float_num["measure"] == {"passed": 2, "evaluated": 2}
    assert int_bool["measure"] == {"passed": 2, "evaluated": 3}  # 2 is not 0/1
    assert ts_date["measure"] == {"passed": 1, "evaluated": 2}  # 10:00 is not a date
    assert ts_dt["measure"] == {"passed": 2, "evaluated": 2}
    assert i_str["success"]


def test_castable_bad_kwargs():
    df = pd.DataFrame({"v": ["1"]})
    with pytest.raises(SuiteError, match="type"):
        run(df, {"type": "expect_column_values_to_be_castable", "kwargs": {"column": "v", "type": "float"}})
    with pytest.raises(SuiteError, match="format applies"):
        run(df, {"type": "expect_column_values_to_be_castable",
                 "kwargs": {"column": "v", "type": "integer", "format": "%Y"}})
    with pytest.raises(SuiteError, match="strftime"):
        run(df, {"type": "expect_column_values_to_be_castable",
                 "kwargs": {"column": "v", "type": "date", "format": "%Q"}})


# --- freshness ---------------------------------------------------------------------------------

@pytest.fixture
def events() -> pd.DataFrame:
    return pd.DataFrame({
        "kind": ["a", "a", "b", "b", "c"],
        "when": pd.to_datetime(["2023-12-01", "2024-01-10 08:00", "2023-06-30", None, None], format="ISO8601"),
        "day": [dt.date(2023, 12, 1), dt.date(2024, 1, 10), dt.date(2023, 6, 30), None, None],
        "text": ["2023-12-01", "2024-01-10 08:00:00", "2023-06-30", "garbage", None],
    })


@pytest.mark.parametrize("column", ["when", "day", "text"])
@pytest.mark.parametrize("max_age,as_of,condition", [
    ("P30D", "2024-02-01", None),       # newest 2024-01-10: 22 days old
    ("P7D", "2024-02-01", None),        # too old
    ("30 days", "2024-01-15", "kind = 'b'"),  # newest b is 2023-06-30
    ("P1Y", "2024-06-29", "kind = 'b'"),  # one calendar year back: 2023-06-29
    ("P1M", "2024-02-10", None),         # one month back: 2024-01-10, the boundary is recent
    ("P30D", "2024-02-01", "kind = 'c'"),  # no value at all: not recent
])
def test_recent_matches_python(events, column, max_age, as_of, condition):
    kwargs = {"column": column, "max_age": max_age, "as_of": as_of}
    if condition:
        kwargs["row_condition"] = condition
    (result,), _ = run(events, {"type": "expect_column_values_to_be_recent", "kwargs": kwargs})
    frame = events.query(condition.replace("=", "==")) if condition else events
    stamps = []
    for value in frame[column]:
        if isinstance(value, (str, dt.date, pd.Timestamp)) and not pd.isna(value):
            try:
                stamps.append(pd.Timestamp(value))
            except ValueError:
                pass  # 'garbage' does not cast
    newest = max(stamps) if stamps else None
    age = parse_age(max_age)
    limit = pd.Timestamp(as_of) - pd.DateOffset(years=age.years, months=age.months) - age.delta
    recent = newest is not None and newest >= limit
    assert result["success"] == recent
    assert result["measure"] == {"passed": int(recent), "evaluated": 1}
    if newest is None:
        assert result["result"]["observed_value"] is None
    else:
        assert pd.Timestamp(result["result"]["observed_value"]) == newest


def test_recent_requires_as_of_and_a_date_column(events):
    with pytest.raises(SuiteError, match="as_of"):
        run(events, {"type": "expect_column_values_to_be_recent", "kwargs": {"column": "when", "max_age": "P1D"}})
    with pytest.raises(SuiteError, match="max_age"):
        run(events, {"type": "expect_column_values_to_be_recent",
                     "kwargs": {"column": "when", "max_age": "soon", "as_of": "2024-01-01"}})
    with pytest.raises(SuiteError, match="not a date"):
        run(events.assign(n=1), {"type": "expect_column_values_to_be_recent",
                                 "kwargs": {"column": "n", "max_age": "P1D", "as_of": "2024-01-01"}})


def test_recent_with_time_zone_and_datetime_as_of():
    df = pd.DataFrame({"t": pd.to_datetime(["2024-01-01T10:00:00Z", "2024-01-01T12:00:00Z"])})
    (ok, late), _ = run(df,
                        {"type": "expect_column_values_to_be_recent",
                         "kwargs": {"column": "t", "max_age": "PT2H", "as_of": "2024-01-01T14:00:00"}},
                        {"type": "expect_column_values_to_be_recent",
                         "kwargs": {"column": "t", "max_age": "PT2H", "as_of": "2024-01-01T14:00:01+00:00"}})
    assert ok["success"] and not late["success"]


def test_new_types_are_registered_with_concerns():
    types = dsbench.expectation_types()
    expected = {
        "expect_table_records_to_be_complete": "completeness.record",
        "expect_table_records_to_not_be_all_null": "completeness.empty_record",
        "expect_table_records_to_be_unique": "uniqueness.record",
        "expect_foreign_key_values_to_exist": "consistency.referential",
        "expect_column_values_to_be_castable": "consistency.type",
        "expect_column_values_to_be_recent": "timeliness.currency",
        "expect_manifest_fields_to_be_present": "documentation.basic",
    }
    for name, concern in expected.items():
        cls = types[name]
        assert cls.default_concern == concern
        assert cls.summary and "\n" not in cls.summary
        assert cls.Kwargs.model_config.get("extra") == "forbid"
