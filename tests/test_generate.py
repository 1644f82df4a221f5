"""Generated suites: the profile against pandas, the suites on the bundled real data against the
documented facts, determinism, and speed."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import re
import time
import unicodedata
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
import yaml

import dsbench
from dsbench.data.dataset import LoadOptions
from dsbench.suites.generated import data_suite, manifest_suites, profile_table
from dsbench.suites.from_data import dominant_type, suite_from_profile
from dsbench.suites.profile import shape_regex
from tests.conftest import DATASETS
from tests.references import parses, python_float

ROOT = Path(__file__).resolve().parent.parent
CONCERNS = set(yaml.safe_load((ROOT / "standards" / "concerns.yaml").read_text())["concerns"])


def by_id(result):
    return {r.id: r for r in result.results}


# --- the profile against pandas ----------------------------------------------------------------

def _shape(value: str) -> str | None:
    if len(value) > 64:
        return None
    out = []
    for char in value:
        category = unicodedata.category(char)
        if "0" <= char <= "9":
            out.append("9")
        elif category == "Lu":
            out.append("A")
        elif category in ("Ll", "Lt", "Lm", "Lo"):
            out.append("a")
        else:
            out.append(char)
    return "".join(out)




PYTHON_CASTS = {
    "BIGINT": lambda v: python_float(v) is not None and python_float(v) == python_float(v) and abs(python_float(v)) < 9e18
    and python_float(v).is_integer(),
    "DOUBLE": lambda v: python_float(v) is not None,
    "BOOLEAN": lambda v: v.lower() in {"true", "false", "t", "f", "yes", "no", "y", "n", "1", "0"},
    "DATE": lambda v: ":" not in v and parses(dt.date.fromisoformat, v),
    "TIMESTAMP": lambda v: parses(dt.datetime.fromisoformat, v),
}


@pytest.fixture(scope="module")
def mixed() -> pd.DataFrame:
    rng = random.Random(7)
    words = ["alpha", "Beta", "ZZ-9", "日本", "Éclair", "x y z", "a long sentence with several words in it",
             "N123AB", "N99", "7", "yes", "2024-01-02", "2024-01-02 03:04:05", "1.5", "-12", "", " "]
    rows = 400

    def maybe(value, p=0.1):
        return None if rng.random() < p else value

    return pd.DataFrame({
        "code": [maybe(f"{rng.choice('ABC')}{rng.randint(0, 9)}{rng.randint(0, 9)}-{rng.choice('xyz')}"
                       if rng.random() < 0.93 else rng.choice(words)) for _ in range(rows)],
        "numish": [maybe(str(rng.randint(-500, 500)) if rng.random() < 0.95 else rng.choice(words))
                   for _ in range(rows)],
        "dates": [maybe(f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                        if rng.random() < 0.9 else rng.choice(words)) for _ in range(rows)],
        "text": [maybe(rng.choice(words), 0.2) for _ in range(rows)],
        "amount": [maybe(rng.gauss(100, 15) if rng.random() < 0.97 else rng.uniform(500, 900)) for _ in range(rows)],
        "count": [maybe(rng.randint(0, 40)) for _ in range(rows)],
    }).astype({"count": "Int64"})


def test_profile_equals_pandas(mixed):
    with dsbench.load_dataset(mixed) as dataset:
        profile = profile_table(dataset)
    assert profile.queries == 2  # the row count, then one scan
    assert profile.quartiles_exact
    assert profile.rows == len(mixed)
    for column in profile.columns:
        series = mixed[column.name]
        present = series.dropna()
        assert column.non_null == len(present), column.name
        if column.is_text:
            values = [str(v) for v in present]
            for duck_type, test in PYTHON_CASTS.items():
                share = sum(test(v) for v in values) / len(values)
                assert column.castable[duck_type] == pytest.approx(share, abs=1e-12), (column.name, duck_type)
            shapes = Counter(s for s in map(_shape, values) if s is not None)
            best = min(shapes.items(), key=lambda item: (-item[1], item[0]))
            assert (column.shape, column.shape_share) == (best[0], pytest.approx(best[1] / len(values)))
            assert column.whitespace_share == pytest.approx(sum(bool(re.search(r"\s", v)) for v in values) / len(values))
            assert column.mean_length == pytest.approx(sum(map(len, values)) / len(values))
            assert column.max_length == max(map(len, values))
        elif column.is_numeric:
            numbers = present.astype(float)
            assert column.q1 == pytest.approx(numbers.quantile(0.25), rel=1e-12)
            assert column.q3 == pytest.approx(numbers.quantile(0.75), rel=1e-12)


def test_large_tables_get_sampled_quartiles_marked_as_approximate(tmp_path, monkeypatch):
    """Beyond 2 x QUARTILE_SAMPLE_ROWS rows, quartiles come from the rows whose hash is a multiple
    of rows // QUARTILE_SAMPLE_ROWS: close to the exact ones, the same on every run and thread
    count, and said to be approximate in the generated expectation."""
    import dsbench.suites.profile as profile_module

    monkeypatch.setattr(profile_module, "QUARTILE_SAMPLE_ROWS", 2_000)
    rng = random.Random(3)
    frame = pd.DataFrame({"x": [rng.uniform(0, 1000) for _ in range(20_000)],
                          "k": [rng.randint(0, 10**9) for _ in range(20_000)]})
    path = tmp_path / "big.parquet"
    frame.to_parquet(path)
    profiles = []
    for threads in (1, 2):
        with dsbench.load_dataset(path, options=LoadOptions(threads=threads)) as dataset:
            profiles.append(profile_table(dataset))
    sampled = profiles[0]
    assert profiles[0] == profiles[1]
    assert sampled.quartile_sample_every == 10 and not sampled.quartiles_exact
    assert 1_500 < sampled.quartile_sample_rows < 2_500
    x = sampled.column("x")
    assert x.q1 == pytest.approx(frame["x"].quantile(0.25), abs=50)  # ~5 standard errors
    assert x.q3 == pytest.approx(frame["x"].quantile(0.75), abs=50)
    outliers = {e.id: e for e in suite_from_profile(sampled).expectations}["data.big.x.outliers"]
    assert outliers.meta["profile"]["quartiles"] == "approximate"
    assert outliers.meta["profile"]["quartile_sample_rows"] == sampled.quartile_sample_rows


def test_the_profile_leaves_its_numbers_for_the_suites_and_the_card(mixed):
    with dsbench.load_dataset(mixed) as dataset:
        profile_table(dataset)
        known = dict(dataset.metric_values)
        view = dataset.table().view
        rows, content, distinct = dataset.con.execute(
            f"SELECT count(*), sum(hash(*COLUMNS(*))::HUGEINT), count(DISTINCT struct_pack(*COLUMNS(*))) "
            f"FROM {view}").fetchone()
        result = dsbench.validate(dataset, [{"type": "expect_table_records_to_be_unique", "kwargs": {}},
                                            {"type": "expect_table_row_count_to_equal", "kwargs": {"value": rows}}])
    by_sql = {m.sql: v for m, v in known.items()}
    assert by_sql["count(*)"] == rows == len(mixed)
    assert by_sql[next(s for s in by_sql if s.startswith("coalesce(sum(CAST(hash("))] == content
    assert by_sql[next(s for s in by_sql if s.startswith("count(DISTINCT hash("))] == distinct
    assert by_sql['count("amount")'] == mixed["amount"].notna().sum()
    assert result.success == (distinct == rows)
    assert result.log.queries == [] if distinct == rows else len(result.log.queries) == 1


def test_the_profile_scan_also_runs_the_text_screens(mixed):
    with dsbench.load_dataset(mixed) as dataset:
        suite = data_suite(dataset)
        result = dsbench.validate(dataset, suite)
    assert any(e.id.endswith("no_control_characters") for e in suite.expectations)
    planned = [m for q in result.plan.queries for m in q.metrics]
    assert planned and not any(m.screen for m in planned)  # no screen ran again...
    screens = [r for r in result.results if ".no_" in r.id]
    assert screens and all(r.outcome.exception is None for r in screens)  # ...they were all computed
    personal = next(r for r in screens if r.id == "data.table.text.no_personal_information")
    assert personal.outcome.result["unexpected_count"] == 0


def test_a_profile_whose_extra_metrics_fail_still_profiles(mixed):
    """A metric that fails at run time is dropped from the profile's scan, not the profile."""
    from dsbench.engine.metrics import Metric

    with dsbench.load_dataset(mixed) as dataset:
        view = dataset.table().view
        bad = Metric(view, 'count(*) FILTER (WHERE CAST("code" AS INTEGER) > 0)')
        good = Metric(view, 'count(*) FILTER (WHERE "count" > 20)')
        profile = profile_table(dataset, also=[bad, good])
        assert profile.rows == len(mixed)
        assert bad not in dataset.metric_values and good not in dataset.metric_values


def test_data_suite_from_the_profile_measures_what_python_counts(mixed):
    suite = data_suite(mixed, None)
    assert suite.name == "generated-data-table"  # one table without a manifest: its role, not its name
    ids = [e.id for e in suite.expectations]
    assert len(ids) == len(set(ids))
    configs = {e.id: e for e in suite.expectations}
    # numish: >= 90% integers -> castable integer; dates -> date; free text gets no format check.
    assert configs["data.table.numish.castable"].kwargs["type"] == "integer"
    assert configs["data.table.dates.castable"].kwargs["type"] == "date"
    assert "data.table.text.format" not in configs and "data.table.text.castable" not in configs
    code_regex = configs["data.table.code.format"].kwargs["regex"]
    assert code_regex == r"^\p{Lu}[0-9]{2}\-[\p{Ll}\p{Lt}\p{Lm}\p{Lo}]$"
    assert configs["data.table.amount.outliers"].concern == "accuracy.outlier"

    result = by_id(dsbench.validate(mixed, suite))
    present = [v for v in mixed["code"] if isinstance(v, str)]
    off_shape = sum(_shape(v) != "A99-a" for v in present)
    assert result["data.table.code.format"].outcome.passed == len(present) - off_shape
    numish = [v for v in mixed["numish"] if isinstance(v, str)]
    assert result["data.table.numish.castable"].outcome.evaluated == len(numish)
    assert result["data.table.numish.castable"].outcome.passed == sum(PYTHON_CASTS["BIGINT"](v) for v in numish)
    # Tukey's far-out fences, 3 IQR beyond the quartiles; on the scale log(1 + x - m) (m: the least
    # value if negative, else 0) when Bowley's skewness of the quartiles is 0.2 or more.
    amounts = mixed["amount"].dropna()
    q1, median, q3 = amounts.quantile(0.25), amounts.quantile(0.5), amounts.quantile(0.75)
    if (q3 + q1 - 2 * median) / (q3 - q1) >= 0.2:
        shift = min(0.0, amounts.min())
        a, b = math.log1p(q1 - shift), math.log1p(q3 - shift)
        low, high = math.expm1(a - 3 * (b - a)) + shift, math.expm1(b + 3 * (b - a)) + shift
    else:
        low, high = q1 - 3 * (q3 - q1), q3 + 3 * (q3 - q1)
    outliers = int(((amounts < low) | (amounts > high)).sum())
    assert outliers > 0  # the fixture has some, so the count is tested
    assert result["data.table.amount.outliers"].outcome.result["unexpected_count"] == outliers
    complete = int(mixed.notna().all(axis=1).sum())
    assert result["data.table.records.complete"].outcome.passed == complete


def test_shape_regex_escapes_and_runs():
    import duckdb

    con = duckdb.connect()
    for value in ["a.b", "x(1)+[2]", "A-Z/9#&~", "tab\there", "ñandú 12", "{}|^$\\?*"]:
        regex = shape_regex(_shape(value))
        assert con.execute("SELECT regexp_matches(?, ?)", [value, regex]).fetchone()[0], (value, regex)
        assert not con.execute("SELECT regexp_matches(?, ?)", [value + "!", regex]).fetchone()[0]


def test_dominant_type_prefers_the_most_specific():
    from dsbench.suites.profile import ColumnProfile

    column = ColumnProfile("c", "VARCHAR", 10, castable={"BIGINT": 0.95, "DOUBLE": 0.97, "BOOLEAN": 0.1,
                                                         "DATE": 0.0, "TIMESTAMP": 0.0})
    assert dominant_type(column) == ("integer", 0.95)
    column = ColumnProfile("c", "VARCHAR", 10, castable={"BIGINT": 0.5, "DOUBLE": 0.5, "BOOLEAN": 0.0,
                                                         "DATE": 0.0, "TIMESTAMP": 0.0})
    assert dominant_type(column) is None


# --- the bundled real datasets -----------------------------------------------------------------

@pytest.fixture(scope="module")
def flights_dataset():
    with dsbench.load_dataset(DATASETS / "nycflights13") as dataset:
        yield dataset


@pytest.fixture(scope="module")
def flights_results(flights_dataset):
    started = time.perf_counter()
    suites = manifest_suites(flights_dataset) + [data_suite(flights_dataset, name)
                                                 for name in flights_dataset.tables]
    generated = time.perf_counter() - started
    results, timings = {}, {}
    for suite in suites:
        started = time.perf_counter()
        results[suite.name] = dsbench.validate(flights_dataset, suite)
        timings[suite.name] = time.perf_counter() - started
    return suites, results, timings, generated


def test_flights_foreign_keys_match_documented_facts(flights_results, facts):
    _, results, _, _ = flights_results
    nyc = facts["nycflights13"]
    flights = by_id(results["generated-manifest-flights"])
    weather = by_id(results["generated-manifest-weather"])

    def orphans(result):
        return result.outcome.result["unexpected_count"]

    tailnum = flights["manifest.flights.foreign_key.tailnum.planes"]
    assert orphans(tailnum) == nyc["flights.tailnum_not_in_planes_rows_nonmissing"] == 50094
    assert tailnum.outcome.result["missing_count"] == nyc["flights.missing.tailnum"] == 2512
    assert orphans(tailnum) + tailnum.outcome.result["missing_count"] == nyc["flights.tailnum_not_in_planes_rows"]
    assert tailnum.outcome.result["details"]["unexpected_distinct_count"] == nyc["flights.tailnum_not_in_planes_distinct"]
    assert tailnum.outcome.evaluated == nyc["flights.rows"] - nyc["flights.missing.tailnum"]

    dest = flights["manifest.flights.foreign_key.dest.airports"]
    assert orphans(dest) == nyc["flights.dest_not_in_airports_rows"] == 7602
    assert sorted(c["value"] for c in dest.outcome.result["partial_unexpected_counts"]) == \
        nyc["flights.dest_not_in_airports_codes"]
    assert orphans(flights["manifest.flights.foreign_key.carrier.airlines"]) == nyc["flights.carrier_not_in_airlines_rows"] == 0
    assert orphans(flights["manifest.flights.foreign_key.origin.airports"]) == nyc["flights.origin_not_in_airports_rows"] == 0
    assert orphans(flights["manifest.flights.foreign_key.origin+time_hour.weather"]) == \
        nyc["flights.origin_time_hour_not_in_weather_rows"] == 1556
    assert orphans(weather["manifest.weather.foreign_key.origin.airports"]) == nyc["weather.origin_not_in_airports_rows"] == 0
    # weather's declared primary key holds; its (origin, year, month, day, hour) would not.
    assert weather["manifest.weather.primary_key"].success


def test_flights_every_generated_suite_runs(flights_results, facts):
    suites, results, _, _ = flights_results
    assert [s.name for s in suites] == [
        "generated-manifest-flights", "generated-manifest-airports", "generated-manifest-airlines",
        "generated-manifest-planes", "generated-manifest-weather", "generated-manifest-documentation",
        "generated-data-flights", "generated-data-airports", "generated-data-airlines",
        "generated-data-planes", "generated-data-weather"]
    for suite in suites:
        result = results[suite.name]
        assert len(result.results) == len(suite.expectations) > 0
        errored = [r.id for r in result.results if r.outcome.exception]
        assert not errored, (suite.name, errored)
        for config in suite.expectations:
            assert config.concern in CONCERNS and config.id and config.severity in ("warning", "info")
        # Nothing the manifest declares is left out; the data suites skip only columns not screened
        # for outliers (flights.year and planes.year: years, not measurements).
        skipped = [s["constraint"] for s in suite.meta.get("skipped", [])]
        assert all(c.endswith(".outliers") for c in skipped) if suite.name.startswith("generated-data") \
            else not skipped, suite.meta
    nyc = facts["nycflights13"]
    data = by_id(results["generated-data-flights"])
    for column in ("dep_time", "arr_delay", "tailnum", "air_time"):
        assert data[f"data.flights.{column}.not_null"].outcome.result["unexpected_count"] == \
            nyc[f"flights.missing.{column}"]
    weather = by_id(results["generated-data-weather"])
    assert weather["data.weather.wind_gust.not_null"].outcome.result["unexpected_count"] == \
        nyc["weather.missing.wind_gust"]
    manifest = by_id(results["generated-manifest-flights"])
    assert manifest["manifest.flights.origin.enum"].success
    assert manifest["manifest.flights.columns"].success
    assert manifest["manifest.flights.time_hour.type"].success  # TIMESTAMP WITH TIME ZONE is a datetime


def test_flights_generated_suites_are_fast(flights_results):
    _, results, timings, generated = flights_results
    flights = timings["generated-manifest-flights"] + timings["generated-data-flights"]
    assert flights < 5.0, timings
    assert generated < 5.0
    # One aggregate scan for the plain metrics; the joins and group-bys on their own.
    queries = [sql for sql, _ in results["generated-manifest-flights"].log.queries]
    assert sum("NOT EXISTS" in q for q in queries) == 5


def test_penguins_generated_suites(facts):
    p = facts["penguins"]
    with dsbench.load_dataset(DATASETS / "penguins") as dataset:
        suites = manifest_suites(dataset) + [data_suite(dataset, "penguins")]
        results = {s.name: by_id(dsbench.validate(dataset, s)) for s in suites}
    manifest = results["generated-manifest-penguins"]
    assert manifest["manifest.penguins.species.enum"].success
    assert manifest["manifest.penguins.sex.enum"].outcome.evaluated == p["penguins.rows"] - p["penguins.missing.sex"]
    assert manifest["manifest.penguins.body_mass_g.range"].outcome.evaluated == \
        p["penguins.rows"] - p["penguins.missing.body_mass_g"]
    assert manifest["manifest.penguins.year.type"].success
    assert manifest["manifest.penguins.records.required_complete"].outcome.passed == p["penguins.rows"]
    data = results["generated-data-penguins"]
    assert data["data.penguins.records.complete"].outcome.passed == p["penguins.rows"] - p["penguins.rows_with_any_missing"]
    assert data["data.penguins.sex.not_null"].outcome.result["unexpected_count"] == p["penguins.missing.sex"]
    assert data["data.penguins.records.unique"].success
    docs = results["generated-manifest-documentation"]
    assert docs["manifest.documentation.basic"].success
    application = docs["manifest.documentation.application"].outcome
    assert application.result["observed_value"] == [
        "dsbench:useCases|rai:dataUseCases", "dsbench:evaluation", "dsbench:benchmarks", "dsbench:cases"]
    assert application.result["details"]["evidence"] == {"licenses|resources.licenses|record:license": {"manifest": "licenses"}}
    assert (application.passed, application.evaluated) == (1, 5)


def _dump(suites) -> str:
    return "\n".join(s.model_dump_json() for s in suites)


@pytest.mark.parametrize("name", ["penguins", "nycflights13"])
def test_generation_is_deterministic(name):
    dumps = []
    for _ in range(2):
        with dsbench.load_dataset(DATASETS / name) as dataset:
            suites = manifest_suites(dataset) + [data_suite(dataset, t) for t in dataset.tables]
        dumps.append((_dump(suites), [yaml.safe_dump(s.to_yaml_dict(), sort_keys=False) for s in suites],
                      [json.dumps(s.to_gx(), sort_keys=True) for s in suites]))
    assert dumps[0] == dumps[1]


def test_generated_suites_round_trip_through_yaml(tmp_path):
    with dsbench.load_dataset(DATASETS / "penguins") as dataset:
        suite = data_suite(dataset, "penguins")
    path = tmp_path / "suite.yaml"
    path.write_text(yaml.safe_dump(suite.to_yaml_dict(), sort_keys=False, allow_unicode=True))
    again = dsbench.Suite.from_file(path)
    assert [e.model_dump() for e in again.expectations] == [e.model_dump() for e in suite.expectations]
    assert dsbench.validate(DATASETS / "penguins", path).results


# --- manifest constraints, one by one ----------------------------------------------------------

PACKAGE = {
    "name": "shop",
    "dsbench:asOf": "2024-03-01",
    "resources": [
        {"name": "orders", "path": "orders.csv", "format": "csv",
         "schema": {
             "fields": [
                 {"name": "id", "type": "integer"},
                 {"name": "code", "type": "string",
                  "constraints": {"pattern": "[A-Z]{2}-[0-9]+", "minLength": 4, "maxLength": 6}},
                 {"name": "status", "type": "string", "constraints": {"required": True,
                                                                      "enum": ["new", "paid"]}},
                 {"name": "qty", "type": "integer", "constraints": {"minimum": 1, "exclusiveMaximum": 10}},
                 {"name": "price", "type": "number", "constraints": {"minimum": 0}},
                 {"name": "day", "type": "date", "dsbench:maxAge": "P30D"},
                 {"name": "parent", "type": "integer"},
                 {"name": "email", "type": "string", "constraints": {"unique": True,
                                                                     "pattern": "(?=x).*"}},
                 {"name": "ghost", "type": "string", "constraints": {"required": True}},
             ],
             "primaryKey": "id",
             "foreignKeys": [{"fields": "parent", "reference": {"resource": "", "fields": "id"}},
                             {"fields": "code", "reference": {"resource": "nowhere", "fields": "x"}}],
         }},
    ],
}
ORDERS = """id,code,status,qty,price,day,parent,email
1,AB-1,new,1,9.5,2024-02-20,,a@x.org
2,AB-22,paid,10,n/a,2024-01-10,1,b@x.org
3,ab-3,lost,0,3,2023-12-01,7,a@x.org
4,ABC-12345,new,5,1,2024-02-01,2,
4,,paid,9,0,,1,c@x.org
"""


@pytest.fixture
def shop(tmp_path):
    (tmp_path / "orders.csv").write_text(ORDERS)
    (tmp_path / "datapackage.json").write_text(json.dumps(PACKAGE))
    return tmp_path


def test_manifest_constraints_become_expectations(shop):
    frame = pd.read_csv(shop / "orders.csv", dtype=str, keep_default_na=False, na_values=[""])
    with dsbench.load_dataset(shop) as dataset:
        suites = manifest_suites(dataset)
        orders = suites[0]
        result = by_id(dsbench.validate(dataset, orders))
    configs = {e.id: e for e in orders.expectations}
    assert orders.name == "generated-manifest-orders" and orders.table == "orders"
    assert configs["manifest.orders.code.pattern"].kwargs["regex"] == "^(?:[A-Z]{2}-[0-9]+)$"
    assert configs["manifest.orders.qty.range"].kwargs == {"column": "qty", "min_value": 1, "max_value": 10,
                                                          "strict_max": True}
    assert configs["manifest.orders.day.recent"].kwargs == {"column": "day", "max_age": "P30D", "as_of": "2024-03-01"}
    skipped = {s["constraint"]: s["reason"] for s in orders.meta["skipped"]}
    assert set(skipped) == {"ghost", "price.range", "email.pattern", "foreignKeys[1]"}
    assert "manifest.orders.id.unique" not in configs  # the key check covers it

    present_codes = [c for c in frame["code"] if isinstance(c, str)]
    anchored = re.compile(r"[A-Z]{2}-[0-9]+")
    assert result["manifest.orders.code.pattern"].outcome.passed == sum(bool(anchored.fullmatch(c)) for c in present_codes)
    assert result["manifest.orders.code.length"].outcome.passed == sum(4 <= len(c) <= 6 for c in present_codes)
    assert result["manifest.orders.status.enum"].outcome.passed == 4
    qty = frame["qty"].astype(int)
    assert result["manifest.orders.qty.range"].outcome.passed == int(((qty >= 1) & (qty < 10)).sum())
    assert result["manifest.orders.price.type"].outcome.passed == 4  # 'n/a' is not a number
    assert result["manifest.orders.primary_key"].outcome.result["unexpected_count"] == 2
    assert result["manifest.orders.email.unique"].outcome.result["unexpected_count"] == 2
    parent = result["manifest.orders.foreign_key.parent.orders"]
    assert (parent.outcome.passed, parent.outcome.evaluated) == (3, 4)  # 7 dangles
    assert result["manifest.orders.day.recent"].success  # newest 2024-02-20, 10 days before asOf
    assert not result["manifest.orders.columns"].success  # 'ghost' is declared but absent
    # 'ghost' is required and absent: missing from every record, which none is complete without.
    assert configs["manifest.orders.records.required_complete"].kwargs["missing_columns"] == ["ghost"]
    assert result["manifest.orders.records.required_complete"].outcome.passed == 0
    assert not result["manifest.orders.ghost.required"].success
    # Manifest values are bound, never written into SQL.
    sql = " ".join(q for q, _ in dsbench.validate(shop, orders).log.queries)
    for literal in ("paid", "[A-Z]{2}", "'new'"):
        assert literal not in sql


def test_freshness_needs_as_of(shop):
    package = json.loads((shop / "datapackage.json").read_text())
    del package["dsbench:asOf"]
    (shop / "datapackage.json").write_text(json.dumps(package))
    orders = manifest_suites(shop)[0]
    assert "manifest.orders.day.recent" not in {e.id for e in orders.expectations}
    assert any(s["constraint"] == "day.recent" for s in orders.meta["skipped"])


def test_without_a_manifest_only_documentation(tmp_path):
    (tmp_path / "t.csv").write_text("a,b\n1,x\n")
    (suite,) = manifest_suites(tmp_path / "t.csv")
    assert suite.name == "generated-manifest-documentation"
    result = dsbench.validate(tmp_path / "t.csv", suite)
    for r in result.results:
        assert r.outcome.passed == 0 and r.outcome.evaluated == len(r.config.kwargs["fields"])
    concerns = [e.concern for e in suite.expectations]
    assert concerns == ["documentation.basic", "documentation.content", "documentation.process",
                        "documentation.application", "documentation.metadata", "traceability.provenance"]


def test_text_screens_for_encoding_control_characters_and_personal_information(tmp_path):
    path = tmp_path / "notes.csv"
    rows = ["id,note", "1,plain text", "2,write to li.lei@example.cn please", "3,call 13912345678",
            "4,broken \ufffd text", "5,bell \x07 here", "9,CafÃ© au lait", "6,order 213912345678x",
            "7,id 11010519491231002X on file", "8,masked 110105********002X"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with dsbench.load_dataset(path) as dataset:
        suite = data_suite(dataset, "notes")
        result = dsbench.validate(dataset, suite)
    found = {r.id.split(".")[-1]: r.outcome for r in result.results if r.id.startswith("data.table.note.")}
    assert found["no_personal_information"].result["unexpected_count"] == 2
    # Evidence is the masked detections, never the text.
    assert sorted(found["no_personal_information"].result["partial_unexpected_list"]) == [
        ["139****5678"], ["l***@example.cn"]]
    assert found["no_mojibake"].result["unexpected_count"] == 2
    assert found["no_control_characters"].result["unexpected_count"] == 1
    assert found["no_unmasked_identity_number"].result["partial_unexpected_list"] == [["110105********002X"]]
    concerns = {e.id.split(".")[-1]: e.concern for e in suite.expectations if e.id.startswith("data.table.note.")}
    assert concerns["no_personal_information"] == "compliance.personal_info"


def test_text_profile_reads_a_deterministic_prefix(tmp_path):
    """Shapes and casts come from the first TEXT_SAMPLE_ROWS rows in table order: the same suite
    with one thread or all, although the file has many row groups."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from dsbench import LoadOptions
    from dsbench.suites.profile import TEXT_SAMPLE_ROWS

    rows = TEXT_SAMPLE_ROWS + 50_000
    # The prefix is all integers; the tail is words: the prefix decides the dominant type.
    codes = [str(i) for i in range(TEXT_SAMPLE_ROWS)] + ["word"] * 50_000
    path = tmp_path / "prefix.parquet"
    pq.write_table(pa.table({"code": codes}), path, row_group_size=10_000)
    suites = []
    for threads in (1, None):
        with dsbench.load_dataset(path, options=LoadOptions(threads=threads)) as dataset:
            suites.append(data_suite(dataset, "prefix").model_dump_json())
    assert suites[0] == suites[1]
    with dsbench.load_dataset(path) as dataset:
        suite = data_suite(dataset, "prefix")
        result = dsbench.validate(dataset, suite)
    castable = next(r for r in result.results if r.id.endswith("code.castable"))
    assert castable.config.kwargs["type"] == "integer"
    assert castable.outcome.result["unexpected_count"] == 50_000 and rows == castable.outcome.evaluated
