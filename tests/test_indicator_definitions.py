"""Every data indicator of the four shipped standards computes its own definition (issue #13).

Each case below is a small hand-made table whose A and B are worked out BY HAND, in the comment or
the little table beside it, from the indicator's ``unit``, ``a`` and ``b`` in its standard file and
from the counting rules of standards/README.md ("How a score is computed"):

- ``values``: the present (non-null) values of every column of every table; ``text_values``: those
  of the text columns; ``cells``: records × fields, a declared field the data lacks included;
  ``records``: the rows of every table; ``tables``; ``measure``: the lowest A/B bound.
- A = the elements no bound check finds defective (a defect counts once); a check that judges a
  column or table as a whole and fails makes all of its elements defective.

Nothing here is computed with dsbench helpers: the numbers are written down. Each small dataset is
evaluated once for all four standards (module-scoped fixtures), so the file stays fast.
"""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

import pyarrow as pa
import pytest
import yaml

from dsbench.evaluation import evaluate_many

ROOT = Path(__file__).resolve().parent.parent
STANDARDS = {"gbt": "gbt-36344-2018", "25012": "iso-iec-25012", "5259": "iso-iec-5259-2",
             "tc609": "tc609-5-2025-04"}
EXTERNAL = {"gbt": ["0601", "0602"], "tc609": ["0304", "0305"]}


# --- helpers -----------------------------------------------------------------------------------

def evaluated(data, suites=None) -> dict[str, dict]:
    """The card documents of ``data`` under the four standards, keyed by the short names above."""
    cards = evaluate_many(data, list(STANDARDS.values()), suites=suites)
    return {short: card.document for short, card in zip(STANDARDS, cards)}


def indicator(card: dict, code: str) -> dict:
    for dimension in card["dimensions"]:
        for found in dimension["indicators"]:
            if found["code"] == code:
                return found
    raise KeyError(code)


def applicable(card: dict) -> set[str]:
    return {i["code"] for d in card["dimensions"] for i in d["indicators"] if i["status"] == "scored"}


def package(root: Path, manifest: dict, files: dict[str, str]) -> Path:
    """A dataset directory: CSV files and their datapackage.json."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    (root / "datapackage.json").write_text(json.dumps(manifest), encoding="utf-8")
    return root


def rule(type_: str, concern: str, severity: str = "warning", **kwargs) -> dict:
    return {"type": type_, "kwargs": kwargs, "concern": concern, "severity": severity}


# --- datasets ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def worked():
    """The worked example of standards/README.md, with the three checks it adds.

    | row | id   | name |
    | r1  | 1    | a    |   complete
    | r2  | 2    | NULL |   name missing
    | r3  | NULL | NULL |   all null
    | r4  | 4    | d    |   complete
    """
    table = pa.table({"id": pa.array([1, 2, None, 4], pa.int64()), "name": pa.array(["a", None, None, "d"])})
    own = {"name": "own", "expectations": [
        rule("expect_column_values_to_not_be_null", "completeness.value", column="name"),
        rule("expect_column_values_to_not_be_null", "completeness.value", column="name"),  # an exact copy
        rule("expect_table_rows_to_satisfy", "consistency.rule", "critical", predicate="id >= 3"),
    ]}
    return evaluated(table, [own])


@pytest.fixture(scope="module")
def records():
    """Record completeness.

    | row | id   | name | score |
    | r1  | 1    | ann  | 0.5   |  complete (3 of 3 items)
    | r2  | 2    | NULL | 1.5   |  2 of 3
    | r3  | NULL | NULL | NULL  |  all null (0 of 3)
    | r4  | 4    | dan  | NULL  |  2 of 3
    """
    return evaluated(pa.table({"id": pa.array([1, 2, None, 4], pa.int64()),
                               "name": pa.array(["ann", None, None, "dan"]),
                               "score": pa.array([0.5, 1.5, None, None], pa.float64())}))


@pytest.fixture(scope="module")
def duplicates():
    """Exact duplicates, a missing value matching a missing value.

    | rows        | k    | v |
    | r1 r2 r3    | 1    | x |  a group of 3: 2 extra copies
    | r4 r5       | 2    | y |  a group of 2: 1 extra copy
    | r6          | 3    | z |
    | r7 r8       | NULL | w |  a group of 2: 1 extra copy
    | r9          | 4    | q |
    """
    return evaluated(pa.table({"k": pa.array([1, 1, 1, 2, 2, 3, None, None, 4], pa.int64()),
                               "v": pa.array(["x", "x", "x", "y", "y", "z", "w", "w", "q"])}))


@pytest.fixture(scope="module")
def keyed(tmp_path_factory):
    """A declared key and an exact copy, overlapping.

    | row | order_id | item | qty |
    | r1  | 1        | pen  | 2   |  key 1 repeated
    | r2  | 1        | pen  | 2   |  key 1 repeated, and an exact copy of r1
    | r3  | 2        | ink  | 1   |
    | r4  | 3        | pad  | 5   |  key 3 repeated
    | r5  | 3        | cup  | 4   |  key 3 repeated
    | r6  | 4        | pen  | 2   |
    | r7  | 5        | ink  | 1   |
    """
    manifest = {"name": "keyed", "resources": [{
        "name": "orders", "path": "orders.csv",
        "schema": {"fields": [{"name": "order_id", "type": "integer"}, {"name": "item", "type": "string"},
                              {"name": "qty", "type": "integer"}],
                   "primaryKey": ["order_id"]}}]}
    csv = "order_id,item,qty\n1,pen,2\n1,pen,2\n2,ink,1\n3,pad,5\n3,cup,4\n4,pen,2\n5,ink,1\n"
    return evaluated(package(tmp_path_factory.mktemp("keyed"), manifest, {"orders.csv": csv}))


@pytest.fixture(scope="module")
def constrained(tmp_path_factory):
    """Declared patterns, lengths, enums, ranges and types (and one check of a user's standard).

    | row | code | size | qty  | price | defects
    | r1  | AB12 | S    | 3    | 1.5   |
    | r2  | AB1  | M    | 12   | 2.0   | code: pattern and length; qty: range
    | r3  | ab34 | XL   | 5    | n/a   | code: pattern (and the user's standard); size: enum; price: type
    | r4  | CD56 | L    | NULL | 3.25  |
    | r5  | EF78 | S    | -1   | 4     | qty: range

    Present values: code 5 + size 5 + qty 4 + price 5 = 19. No column has a dominant shape or type
    (at most 4 of 5 values share one), so the data suite adds no type or format check.
    """
    manifest = {"name": "constrained", "resources": [{
        "name": "items", "path": "items.csv",
        "schema": {"fields": [
            {"name": "code", "type": "string",
             "constraints": {"pattern": "[A-Z]{2}[0-9]{2}", "minLength": 4, "maxLength": 4}},
            {"name": "size", "type": "string", "constraints": {"enum": ["S", "M", "L"]}},
            {"name": "qty", "type": "integer", "constraints": {"minimum": 0, "maximum": 10}},
            {"name": "price", "type": "number"}]}}]}
    csv = "code,size,qty,price\nAB12,S,3,1.5\nAB1,M,12,2.0\nab34,XL,5,n/a\nCD56,L,,3.25\nEF78,S,-1,4\n"
    standard = {"name": "standard", "table": "items", "expectations": [
        rule("expect_column_values_to_match_regex", "conformity.standard", column="code", regex="^[A-Z]{2}")]}
    return evaluated(package(tmp_path_factory.mktemp("constrained"), manifest, {"items.csv": csv}), [standard])


@pytest.fixture(scope="module")
def documented(tmp_path_factory):
    """A manifest that documents some aspects, and declares a field the data lacks (``ghost``).

    | row | pid  | city | (ghost)
    | r1  | 1    | Rome | missing
    | r2  | 2    | NULL | missing
    | r3  | NULL | Oslo | missing     pid is required
    | r4  | 4    | Lima | missing
    """
    manifest = {
        "name": "documented", "title": "Documented",
        "homepage": "https://example.org/documented",  # 0101 access channel
        "licenses": [{"name": "CC-BY-4.0"}],  # 0104 licence; GB/T 0103 licenses
        "contributors": [{"title": "Ann"}],  # 0101 support contact; 0205 makers
        "version": "1.0.0",  # 0103 version record
        "dsbench:modality": "tabular",  # 0102 modality
        "dsbench:limitations": "Four rows only.",  # 0102 limitations
        "resources": [{
            "name": "people", "path": "people.csv", "format": "csv",  # 0101 format specification
            "schema": {"fields": [  # 0101 file structure: every field has a name; GB/T 0103: all typed
                {"name": "pid", "type": "integer", "description": "person", "constraints": {"required": True}},
                {"name": "city", "type": "string", "description": "city"},
                {"name": "ghost", "type": "string"}]}}]}  # not described: GB/T 0103 descriptions missing
    csv = "pid,city\n1,Rome\n2,\n,Oslo\n4,Lima\n"
    # A second, better measurement of the 0101 checklist: 1 of 1 aspect.
    better = {"name": "better", "expectations": [
        rule("expect_manifest_fields_to_be_present", "documentation.basic", "info", fields=["homepage"])]}
    return evaluated(package(tmp_path_factory.mktemp("documented"), manifest, {"people.csv": csv}), [better])


@pytest.fixture(scope="module")
def personal():
    """Personal information in a text column and in an integer column.

    | row | note                      | phone        | defects
    | r1  | call me at 13912345678    | 13800138000  | note: mobile; phone: mobile (an integer)
    | r2  | hello                     | 12345        |
    | r3  | mail a@b.cn               | NULL         | note: e-mail
    | r4  | fine                      | 42           |
    | r5  | NULL                      | 15912345678  | phone: mobile
    | r6  | id 11010519491231002X     | 7            | note: resident identity number
    | r7  | ok                        | 100          |
    """
    return evaluated(pa.table({
        "note": pa.array(["call me at 13912345678", "hello", "mail a@b.cn", "fine", None,
                          "id 11010519491231002X", "ok"]),
        "phone": pa.array([13800138000, 12345, None, 42, 15912345678, 7, 100], pa.int64())}))


@pytest.fixture(scope="module")
def dirty():
    """Mojibake, U+FFFD and control characters in two text columns, and numbers beside them.

    | row | id | a          | b          | n   | defects
    | r1  | 1  | clean      | ok         | 1.0 |
    | r2  | 2  | CafÃ©      | fine       | 2.0 | a: mojibake
    | r3  | 3  | bell\\x07   | bad \\ufffd | 3.0 | a: control character; b: U+FFFD
    | r4  | 4  | NULL       | tab\\tok    | 4.0 | (a tab is allowed)
    | r5  | 5  | plain      | NULL       | 5.0 |
    """
    return evaluated(pa.table({"id": pa.array([1, 2, 3, 4, 5], pa.int64()),
                               "a": pa.array(["clean", "Caf\u00c3\u00a9", "bell\x07", None, "plain"]),
                               "b": pa.array(["ok", "fine", "bad \ufffd", "tab\tok", None]),
                               "n": pa.array([1.0, 2.0, 3.0, 4.0, 5.0])}))


@pytest.fixture(scope="module")
def referenced(tmp_path_factory):
    """A foreign key with two dangling references and a missing one.

    customers: 1 Ann, 2 Bob, 3 Cy (3 records); the file has its columns in another order
               (name, customer_id) than the data model declares (customer_id, name): the same
               columns, which is what the data model asks (dsbench maps fields by name).
    orders:    | order_id | customer_id |
               | 10       | 1           |
               | 11       | 2           |
               | 12       | 9           |  dangling
               | 13       | NULL        |  no reference: nothing dangles
               | 14       | 8           |  dangling
    """
    manifest = {"name": "referenced", "resources": [
        {"name": "customers", "path": "customers.csv",
         "schema": {"fields": [{"name": "customer_id", "type": "integer"}, {"name": "name", "type": "string"}],
                    "primaryKey": ["customer_id"]}},
        {"name": "orders", "path": "orders.csv",
         "schema": {"fields": [{"name": "order_id", "type": "integer"}, {"name": "customer_id", "type": "integer"}],
                    "primaryKey": ["order_id"],
                    "foreignKeys": [{"fields": ["customer_id"],
                                     "reference": {"resource": "customers", "fields": ["customer_id"]}}]}}]}
    files = {"customers.csv": "name,customer_id\nAnn,1\nBob,2\nCy,3\n",
             "orders.csv": "order_id,customer_id\n10,1\n11,2\n12,9\n13,\n14,8\n"}
    return evaluated(package(tmp_path_factory.mktemp("referenced"), manifest, files))


@pytest.fixture(scope="module")
def ruled():
    """Business rules, order, period, currency and update checks written by a user.

    | row | id | price | cost | day        | seq | price>=cost | price>cost | period 2024 | cost>=3
    | r1  | 1  | 10    | 8    | 2024-01-10 | 1   | yes         | yes        | yes         | yes
    | r2  | 2  | 5     | 7    | 2024-01-20 | 2   | NO          | NO         | yes         | yes
    | r3  | 3  | NULL  | 4    | 2024-02-05 | 3   | NO (null)   | NO (null)  | yes         | yes
    | r4  | 4  | 9     | 9    | 2023-12-01 | 4   | yes         | NO         | NO          | yes
    | r5  | 5  | 12    | 3    | 2024-03-01 | 6   | yes         | yes        | yes         | yes
    | r6  | 6  | 8     | 2    | NULL       | 5   | yes         | yes        | (no value)  | NO    seq breaks (6 -> 5)

    The order break is between r5 and r6, records no rule flags: whichever of the two is taken as
    out of order, the union of the rule and order defects is 4 records.

    Present values: id 6 + price 5 + cost 6 + day 5 + seq 6 = 28. The newest day, 2024-03-01, is
    19 days before 2024-03-20: recent for a 30-day currency requirement, too old for a 7-day
    update interval.
    """
    day = [dt.date(2024, 1, 10), dt.date(2024, 1, 20), dt.date(2024, 2, 5), dt.date(2023, 12, 1),
           dt.date(2024, 3, 1), None]
    table = pa.table({"id": pa.array([1, 2, 3, 4, 5, 6], pa.int64()),
                      "price": pa.array([10, 5, None, 9, 12, 8], pa.int64()),
                      "cost": pa.array([8, 7, 4, 9, 3, 2], pa.int64()),
                      "day": pa.array(day, pa.date32()),
                      "seq": pa.array([1, 2, 3, 4, 6, 5], pa.int64())})
    own = {"name": "own", "expectations": [
        rule("expect_table_rows_to_satisfy", "consistency.rule", predicate="price >= cost"),
        rule("expect_column_pair_values_a_to_be_greater_than_b", "consistency.rule", column_A="price",
             column_B="cost"),
        rule("expect_column_values_to_be_increasing", "consistency.order", column="seq"),
        rule("expect_column_values_to_be_between", "timeliness.period", column="day", min_value="2024-01-01",
             max_value="2024-12-31"),
        rule("expect_column_values_to_be_recent", "timeliness.currency", column="day", max_age="P30D",
             as_of="2024-03-20"),
        rule("expect_column_values_to_be_recent", "timeliness.update", column="day", max_age="P7D",
             as_of="2024-03-20"),
        rule("expect_table_rows_to_satisfy", "consistency.crossmodal", predicate="cost >= 3"),
    ]}
    return evaluated(table, [own])


@pytest.fixture(scope="module")
def stale():
    """A date column whose newest value is too old, and a table smaller than required.

    | row | day        | v    |
    | r1  | 2023-01-01 | 1.0  |
    | r2  | 2023-02-01 | 2.0  |
    | r3  | NULL       | 3.0  |
    | r4  | 2023-03-01 | NULL |

    Newest day 2023-03-01, as of 2024-01-01 with a 30-day maximum age: too old. 10 rows required.
    """
    table = pa.table({"day": pa.array([dt.date(2023, 1, 1), dt.date(2023, 2, 1), None, dt.date(2023, 3, 1)]),
                      "v": pa.array([1.0, 2.0, 3.0, None])})
    own = {"name": "own", "expectations": [
        rule("expect_column_values_to_be_recent", "timeliness.currency", column="day", max_age="P30D",
             as_of="2024-01-01"),
        rule("expect_table_row_count_to_be_between", "completeness.scale", min_value=10),
    ]}
    return evaluated(table, [own])


@pytest.fixture(scope="module")
def labelled(tmp_path_factory):
    """A label column with a declared enum of 4 classes (its code list and label set).

    | label | rows                      |
    | cat   | 3  (r1-r3)                |
    | dog   | 3  (r4-r6)                |
    | bird  | 1  (r7)                   |
    | NULL  | 1  (r8: unlabelled)       |
    | horse | 1  (r9: not in the enum)  |
    | fish  | 0  (declared, absent)     |

    9 records, 2 fields (x 1..9, label): 17 present values. Classes are the declared ones and the
    present ones: cat, dog, bird, horse, fish, so k = 5; N = 8 labelled records.
    """
    manifest = {"name": "labelled", "resources": [{
        "name": "pets", "path": "pets.csv",
        "schema": {"fields": [{"name": "x", "type": "integer"},
                              {"name": "label", "type": "string", "dsbench:role": "label",
                               "constraints": {"enum": ["cat", "dog", "bird", "fish"]}}]}}]}
    csv = "x,label\n1,cat\n2,cat\n3,cat\n4,dog\n5,dog\n6,dog\n7,bird\n8,\n9,horse\n"
    return evaluated(package(tmp_path_factory.mktemp("labelled"), manifest, {"pets.csv": csv}))


@pytest.fixture(scope="module")
def outlying():
    """Outlier fences worked out by hand, an identifier column, and a failed column statistic.

    customer_id: 1..9 (an identifier: its name ends in "id", so no outlier check).
    amount: 1 2 3 4 5 6 7 8 100. Sorted, quantile_cont puts Q1 at position 0.25·8 = 2, the median at
    4 and Q3 at 6 (0-based): Q1 = 3, median = 5, Q3 = 7. Bowley's skewness (7 + 3 − 2·5)/(7 − 3) =
    0 < 0.2: a linear scale. IQR = 4; fences 3 − 3·4 = −9 and 7 + 3·4 = 19: only 100 is outside.
    The user's mean check (mean 136/9 ≈ 15.1 ≤ 10?) fails: every amount value is defective for it.
    A rule whose row_condition selects no row examines nothing.
    """
    table = pa.table({"customer_id": pa.array(range(1, 10), pa.int64()),
                      "amount": pa.array([1, 2, 3, 4, 5, 6, 7, 8, 100], pa.float64())})
    own = {"name": "own", "expectations": [
        rule("expect_column_mean_to_be_between", "validity.distribution", column="amount", max_value=10),
        rule("expect_table_rows_to_satisfy", "consistency.rule", predicate="amount > 0",
             row_condition="customer_id > 100"),
    ]}
    return evaluated(table, [own])


@pytest.fixture(scope="module")
def formatted():
    """A dominant format: 9 of 10 codes have the shape AA-99 (90%), one (x1) does not.

    | code  | n  |
    | AB-12 | 1  |
    | ...   |    |  (9 codes of shape AA-99)
    | x1    | 10 |
    Present values: code 10 + n 10 = 20.
    """
    codes = ["AB-12", "CD-34", "EF-56", "GH-78", "IJ-90", "KL-13", "MN-24", "OP-35", "QR-46", "x1"]
    return evaluated(pa.table({"code": pa.array(codes), "n": pa.array([float(i) for i in range(1, 11)])}))


@pytest.fixture(scope="module")
def disjoint():
    """Two text columns present in different rows: the personal-information checks examine r1 r2
    (column a) and r3 r4 (column b), so together every record.

    | row | a    | b    |
    | r1  | x y  | NULL |
    | r2  | p q  | NULL |
    | r3  | NULL | r s  |
    | r4  | NULL | t u  |
    """
    return evaluated(pa.table({"a": pa.array(["x y", "p q", None, None]),
                               "b": pa.array([None, None, "r s", "t u"])}))


# --- every indicator, by hand ----------------------------------------------------------------------

# (fixture, standard, code, unit, A, B) — the comment says which elements count and why.
CASES = [
    # -- the README's worked example: 8 cells, 5 present (r2 name, r3 id and name missing).
    ("worked", "gbt", "0201", "cells", 5, 8),  # the own not-null check on name flags cells already missing
    ("worked", "gbt", "0202", "records", 2, 4),  # r1 and r4 are complete
    ("worked", "25012", "Com-I-1", "cells", 5, 8),
    ("worked", "25012", "Com-I-5", "records", 3, 4),  # r3 is all null
    ("worked", "5259", "Com-ML-1", "cells", 5, 8),
    # Attribute/feature completeness: name must hold a value (the own check); its 2 missing cells
    # of 8 cells in all (4 records × 2 fields).
    ("worked", "25012", "Com-I-2", "cells", 6, 8),
    ("worked", "5259", "Com-ML-3", "cells", 6, 8),
    # id >= 3 holds for r4 only (a missing id does not meet it).
    ("worked", "gbt", "0104", "records", 1, 4),

    # -- record completeness: 1 complete record (r1) and 1 all-null record (r3) of 4.
    ("records", "gbt", "0202", "records", 1, 4),
    ("records", "5259", "Com-ML-4", "records", 1, 4),
    ("records", "tc609", "0204", "records", 1, 4),  # no declared field is absent
    ("records", "gbt", "0201", "cells", 7, 12),  # present cells 3 + 2 + 0 + 2 of 4 × 3
    # Mean per-record item completeness: (3/3 + 2/3 + 0/3 + 2/3) / 4 = 7/12: present cells / cells.
    ("records", "25012", "Com-I-1", "cells", 7, 12),
    ("records", "5259", "Com-ML-1", "cells", 7, 12),
    ("records", "25012", "Com-I-5", "records", 3, 4),  # 1 − 1 all-null / 4

    # -- duplication: 9 records, 5 distinct, 4 extra copies (value = 4/9).
    ("duplicates", "gbt", "0303", "records", 5, 9),
    ("duplicates", "5259", "Con-ML-1", "records", 5, 9),
    ("duplicates", "25012", "Con-I-3", "records", 5, 9),  # no declared key: the extra copies only
    ("duplicates", "tc609", "0208", "records", 5, 9),  # no dirty text either

    # -- a declared key and an exact copy (7 records).
    ("keyed", "gbt", "0303", "records", 6, 7),  # r2 is the one extra copy
    ("keyed", "5259", "Con-ML-1", "records", 6, 7),
    ("keyed", "tc609", "0208", "records", 6, 7),
    # Key uniqueness: the records whose key occurs elsewhere, r1 r2 (1) and r4 r5 (3): 4 of 7.
    ("keyed", "gbt", "0304", "records", 3, 7),
    # The union of the key check {r1, r2, r4, r5} and the copy check {r2}: 4 records, r2 once.
    ("keyed", "25012", "Con-I-3", "records", 3, 7),

    # -- declared constraints: 19 present values, 5 records (see the fixture's table).
    # Type, range, length and format: code r2 r3 (r2 fails pattern AND length: one value), qty r2 r5,
    # price r3: 5 values.
    ("constrained", "gbt", "0302", "values", 14, 19),
    ("constrained", "gbt", "0105", "values", 18, 19),  # the code list: size XL (r3)
    # Domain, format, length and type (no range): code r2 r3, size r3, price r3: 4 values.
    ("constrained", "25012", "Acc-I-1", "values", 15, 19),
    ("constrained", "25012", "Acc-I-7", "values", 17, 19),  # the range: qty 12 (r2) and -1 (r5)
    ("constrained", "5259", "Acc-ML-6", "values", 17, 19),
    # A user's standard (conformity.standard): code must start with two capitals: ab34 (r3).
    ("constrained", "gbt", "0101", "values", 18, 19),
    ("constrained", "25012", "Cmp-I-1", "values", 18, 19),
    # Format conformity as records: r2 (code, qty), r3 (code, size), r5 (qty) do not conform.
    ("constrained", "tc609", "0201", "records", 2, 5),
    ("constrained", "tc609", "0207", "records", 4, 5),  # type: price n/a (r3)
    ("constrained", "gbt", "0102", "tables", 1, 1),  # the columns are those declared

    # -- documentation checklists (aspects covered / aspects required).
    # 0101: scale no; format yes (csv); file structure yes (fields named); access yes (homepage);
    # contact yes (contributors) = 4/5. The user's 1/1 measurement of the same concern is better
    # and does not dilute it.
    ("documented", "tc609", "0101", "measure", 4, 5),
    # 0102: modality yes; distribution no; label statistics no; samples no; limitations yes.
    ("documented", "tc609", "0102", "measure", 2, 5),
    # 0103: sources no; collection no; processing no; annotation no; version record yes.
    ("documented", "tc609", "0103", "measure", 1, 5),
    # 0104: licence yes; target scenarios, evaluation, benchmarks, typical cases no.
    ("documented", "tc609", "0104", "measure", 1, 5),
    # GB/T 0103: licenses yes; sources no; every field typed yes; every field described no (ghost).
    ("documented", "gbt", "0103", "measure", 2, 4),
    # 0205 provenance: origin (sources, record:source …) no; makers (contributors) yes.
    ("documented", "tc609", "0205", "measure", 1, 2),
    # The declared field ghost is absent: the table is not as the model declares it.
    ("documented", "gbt", "0102", "tables", 0, 1),
    ("documented", "tc609", "0201", "records", 0, 4),  # "conforms in none of its records"
    ("documented", "tc609", "0204", "records", 0, 4),  # "missing from every record"
    # Cells: 4 records × 3 declared fields = 12; missing: ghost ×4, pid r3, city r2 = 6.
    ("documented", "gbt", "0201", "cells", 6, 12),
    ("documented", "25012", "Com-I-1", "cells", 6, 12),
    ("documented", "5259", "Com-ML-1", "cells", 6, 12),

    # -- personal information: 12 present values (note 6, phone 6), 7 records.
    # Values: note r1 r3 r6, phone r1 r5 = 5.
    ("personal", "gbt", "0106", "values", 7, 12),
    # Records identifying a person: r1, r3, r5, r6 (value = 4/7).
    ("personal", "5259", "Idn-ML-1", "records", 3, 7),
    ("personal", "tc609", "0202", "records", 3, 7),

    # -- dirty text: 8 text values (a 4, b 4); the numbers id and n are not text values.
    ("dirty", "gbt", "0305", "text_values", 5, 8),  # a r2, a r3, b r3 (value 3/8)
    ("dirty", "25012", "Und-I-1", "text_values", 6, 8),  # encoding only: a r2, b r3
    ("dirty", "tc609", "0208", "records", 3, 5),  # records r2 and r3

    # -- foreign keys: records of both tables, 3 + 5 = 8; dangling: orders 12 and 14.
    ("referenced", "gbt", "0402", "records", 6, 8),
    ("referenced", "25012", "Con-I-1", "records", 6, 8),
    # "tables whose columns are the ones the data model declares": both (order does not matter).
    ("referenced", "gbt", "0102", "tables", 2, 2),

    # -- rules and time (6 records, 28 present values).
    ("ruled", "gbt", "0104", "records", 3, 6),  # union of the two rules: r2, r3, r4
    ("ruled", "25012", "Con-I-6", "records", 2, 6),  # the rules' r2 r3 r4, and the break 6 -> 5
    ("ruled", "gbt", "0503", "values", 27, 28),  # one seq value out of order
    ("ruled", "gbt", "0501", "records", 5, 6),  # r4 is before the declared period
    ("ruled", "gbt", "0502", "records", 0, 6),  # the update interval is missed: every record
    ("ruled", "25012", "Cur-I-1", "records", 0, 6),
    ("ruled", "25012", "Cur-I-2", "records", 6, 6),  # current at 2024-03-20 for 30 days
    ("ruled", "5259", "Cur-ML-1", "values", 28, 28),
    ("ruled", "tc609", "0303", "records", 5, 6),  # currency passes; r4 outside the period
    ("ruled", "tc609", "0206", "records", 5, 6),  # the cross-modal rule fails on r6

    # -- staleness (4 records; present values day 3 + v 3 = 6).
    ("stale", "5259", "Cur-ML-1", "values", 3, 6),  # the stale column counts all its 3 values
    ("stale", "25012", "Cur-I-2", "records", 0, 4),  # the newest timestamp is too old: every record
    ("stale", "gbt", "0502", "records", 0, 4),
    ("stale", "tc609", "0303", "records", 0, 4),
    # Scale: A = records present (4), capped at B; B = records required (the check's min_value, 10).
    ("stale", "25012", "Com-I-3", "measure", 4, 10),
    ("stale", "tc609", "0302", "measure", 4, 10),

    # -- labels: N = 8, k = 5, B = N(k − 1) = 32; k·n_c = 15, 15, 5, 5, 0 (cat, dog, bird, horse,
    # fish) against N = 8: deviations +7, +7, −3, −3, −8.
    # Bal-ML-3: max |k·n_c − N| = 8 (fish), A = 32 − 8 = 24.
    ("labelled", "5259", "Bal-ML-3", "measure", 24, 32),
    # Bal-ML-8: Σ max(k·n_c − N, 0) = 7 + 7 = 14, A = 32 − 14 = 18.
    ("labelled", "5259", "Bal-ML-8", "measure", 18, 32),
    # Richness: of the 4 declared labels, cat, dog and bird are present (horse is not a declared
    # label, and A cannot exceed B).
    ("labelled", "5259", "Div-ML-1", "measure", 3, 4),
    ("labelled", "tc609", "0301", "measure", 3, 4),  # the labels' richness is the only variety measured
    ("labelled", "5259", "Com-ML-5", "records", 8, 9),  # r8 is unlabelled
    ("labelled", "tc609", "0203", "records", 7, 9),  # r8 has no label, r9's is not in the label set
    # The label must hold a value: 1 missing cell of 9 × 2.
    ("labelled", "25012", "Com-I-2", "cells", 17, 18),
    # The label's enum is the field's declared code list: horse (r9) is not found in it.
    ("labelled", "gbt", "0105", "values", 16, 17),
    ("labelled", "25012", "Acc-I-1", "values", 16, 17),

    # -- outliers: 18 present values (customer_id 9, amount 9); 100 is the one outlier.
    ("outlying", "25012", "Acc-I-4", "values", 17, 18),
    ("outlying", "5259", "Acc-ML-4", "values", 17, 18),
    ("outlying", "gbt", "0301", "values", 9, 18),  # the failed mean check: all 9 amount values

    # -- format consistency: 10 present text values (code; n is a number, whose one
    # representation is its type), x1 the one not of the dominant shape.
    ("formatted", "gbt", "0401", "text_values", 9, 10),
    ("formatted", "25012", "Con-I-2", "text_values", 9, 10),

    # -- nothing identifies a person in the disjoint columns: 4 of 4 records.
    ("disjoint", "5259", "Idn-ML-1", "records", 4, 4),
]


def case_id(case) -> str:
    return f"{case[0]}-{case[1]}-{case[2]}"


@pytest.mark.parametrize("fixture, standard, code, unit, a, b", CASES, ids=map(case_id, CASES))
def test_indicator_counts_its_definition(request, fixture, standard, code, unit, a, b):
    card = request.getfixturevalue(fixture)[standard]
    found = indicator(card, code)
    context = f"{STANDARDS[standard]} {code}: {found['results']}"
    assert found["status"] == "scored", context
    assert found["unit"] == unit, context
    assert (found["passed"], found["evaluated"]) == (a, b), context
    fraction = Fraction(a, b)
    expected = 1 - fraction if found["direction"] == "lower_is_better" else fraction
    assert found["value"] == pytest.approx(float(expected), abs=1e-9), context
    assert found["score"] == pytest.approx(float(fraction) * card["scale"], abs=1e-7), context


def test_every_data_indicator_has_a_case():
    covered = {(standard, code) for _, standard, code, *_ in CASES}
    for short, standard_id in STANDARDS.items():
        document = yaml.safe_load((ROOT / "standards" / f"{standard_id}.yaml").read_text(encoding="utf-8"))
        for dimension in document["dimensions"]:
            for item in dimension["indicators"]:
                if item.get("evidence") == "external":
                    assert item["code"] in EXTERNAL.get(short, [])
                else:
                    assert (short, item["code"]) in covered, (standard_id, item["code"])


# --- what the cases cannot say in one line -------------------------------------------------------

def test_lower_is_better_values_are_the_bad_share(duplicates, keyed, personal, dirty):
    # 4 extra copies of 9 records; 1 of 7; 4 identifying records of 7; 3 dirty text values of 8.
    assert indicator(duplicates["gbt"], "0303")["value"] == pytest.approx(4 / 9, abs=1e-9)
    assert indicator(duplicates["5259"], "Con-ML-1")["value"] == pytest.approx(4 / 9, abs=1e-9)
    assert indicator(keyed["gbt"], "0303")["value"] == pytest.approx(1 / 7, abs=1e-9)
    assert indicator(personal["5259"], "Idn-ML-1")["value"] == pytest.approx(4 / 7, abs=1e-9)
    assert indicator(dirty["gbt"], "0305")["value"] == pytest.approx(3 / 8, abs=1e-9)
    for found in (indicator(duplicates["gbt"], "0303"), indicator(personal["5259"], "Idn-ML-1"),
                  indicator(dirty["gbt"], "0305")):
        assert found["direction"] == "lower_is_better"


def test_duplicate_details_count_groups_rows_and_extra_copies(duplicates, keyed):
    (result,) = [r for r in duplicates["gbt"]["results"] if r["id"].endswith("records.unique")]
    # Groups (1, x) ×3, (2, y) ×2 and (NULL, w) ×2: 3 groups, 7 rows in them, 7 − 3 = 4 extra copies.
    assert result["result"]["details"] == {"duplicate_groups": 3, "rows_in_duplicate_groups": 7,
                                           "extra_copies": 4}
    assert (result["measure"]["passed"], result["measure"]["evaluated"]) == (5, 9)
    (result,) = [r for r in keyed["gbt"]["results"] if r["id"].endswith("records.unique")]
    assert result["result"]["details"] == {"duplicate_groups": 1, "rows_in_duplicate_groups": 2,
                                           "extra_copies": 1}


def test_the_worked_example_moves_as_the_readme_says(worked):
    card = worked["gbt"]
    # The two copies of the not-null check on name changed nothing (5/8 above); the critical rule
    # made 0104 applicable, and this suite alone made it so; the card fails the critical gate.
    (own,) = [s for s in card["suites"] if s["id"] == "own"]
    assert "0104" in own["makes_applicable"]
    (gate,) = [g for g in card["gates"] if g["type"] == "no_failed_severity"]
    assert gate["passed"] is False and len(gate["observed"]) == 1 and gate["observed"][0].startswith("own:")
    assert card["passed"] is False
    assert indicator(worked["25012"], "Con-I-6")["passed"] == 1


def test_a_second_better_measurement_does_not_dilute(documented):
    found = indicator(documented["tc609"], "0101")
    assert sorted((r["passed"], r["evaluated"]) for r in found["results"]) == [(1, 1), (4, 5)]
    assert (found["passed"], found["evaluated"]) == (4, 5)


def test_outlier_fences_and_identifiers(outlying):
    card = outlying["25012"]
    by_id = {r["id"]: r for r in card["results"]}
    (check,) = [r for r in by_id.values() if r["id"].endswith(".amount.outliers")]
    profile = check["expectation_config"]["meta"]["profile"]
    assert (profile["q1"], profile["median"], profile["q3"], profile["scale"]) == (3, 5, 7, "linear")
    assert profile["iqr_factor"] == 3
    kwargs = check["expectation_config"]["kwargs"]
    assert (kwargs["min_value"], kwargs["max_value"]) == (-9, 19)
    assert (check["measure"]["passed"], check["measure"]["evaluated"]) == (8, 9)
    # customer_id is an identifier: no outlier check, and the suite says why.
    assert not [i for i in by_id if "customer_id.outliers" in i]
    (data,) = [s for s in card["suites"] if s["id"].startswith("generated-data")]
    assert "customer_id.outliers" in {s["constraint"] for s in data["skipped"]}
    # Outliers are a risk, not dirt: no GB/T 36344 or TC609 indicator counts them.
    for short in ("gbt", "tc609"):
        for dimension in outlying[short]["dimensions"]:
            for found in dimension["indicators"]:
                assert check["id"] not in {r["id"] for r in found["results"]}, (short, found["code"])


def test_coverage_is_examined_over_b(formatted, outlying):
    # The format check examines code, the one text column: 10 of 10 text values.
    assert indicator(formatted["gbt"], "0401")["coverage"] == pytest.approx(1.0)
    assert indicator(formatted["25012"], "Con-I-2")["coverage"] == pytest.approx(1.0)
    # Only amount is screened for outliers, one of two equally full columns: 9 of 18 values.
    assert indicator(outlying["25012"], "Acc-I-4")["coverage"] == pytest.approx(0.5)
    assert indicator(outlying["5259"], "Acc-ML-4")["coverage"] == pytest.approx(0.5)


@pytest.mark.parametrize("standard, code, coverage", [("5259", "Idn-ML-1", 0.5), ("tc609", "0202", 0.5),
                                                      ("gbt", "0106", 1.0)])
def test_coverage_of_checks_that_examine_different_rows(disjoint, standard, code, coverage):
    # The personal-information checks of a examine r1 r2, those of b r3 r4: together every record
    # and every present value. Per column (values) that is counted in full, 4 of 4; per table
    # (records) coverage is the most one check examined, 2 of 4 (a lower bound, as
    # standards/README.md says).
    assert indicator(disjoint[standard], code)["coverage"] == pytest.approx(coverage)


def test_not_applicable_when_nothing_in_scope(outlying):
    # A numeric table has no text value; no label; no foreign key; a rule whose row_condition
    # selects no row examined nothing.
    for short, code in [("gbt", "0305"), ("25012", "Und-I-1"), ("5259", "Com-ML-5"), ("5259", "Bal-ML-3"),
                        ("gbt", "0402"), ("25012", "Con-I-1"), ("gbt", "0104"), ("25012", "Con-I-6")]:
        found = indicator(outlying[short], code)
        assert found["status"] == "not_applicable", (short, code)
        assert (found["passed"], found["evaluated"], found["score"]) == (None, None, None)
    # The rule is bound, but examined nothing.
    assert indicator(outlying["gbt"], "0104")["results"][0]["evaluated"] == 0


def test_external_indicators_need_evidence(records):
    for short, codes in EXTERNAL.items():
        for code in codes:
            assert indicator(records[short], code)["status"] == "not_evaluated", (short, code)


# --- declared fields the data lacks ---------------------------------------------------------------

@pytest.mark.parametrize("standard, code", [("gbt", "0202"), ("5259", "Com-ML-4")])
def test_a_missing_declared_field_is_missing_in_every_record(documented, standard, code):
    # ghost is declared and absent: every record misses an item, so no record is complete
    # (GB/T 0202 "complete records (no missing item)", 5259-2 Com-ML-4 "records with no missing
    # item"; an item is a cell of records × fields, "a declared field missing from the data
    # included", as in GB/T 0201 and Com-I-1 on the same data: 6 of 12 items missing).
    found = indicator(documented[standard], code)
    assert (found["unit"], found["passed"], found["evaluated"]) == ("records", 0, 4), found["results"]


@pytest.mark.parametrize("standard, code", [("25012", "Com-I-2"), ("5259", "Com-ML-3")])
def test_attribute_completeness_counts_the_attributes_that_must_hold_a_value(documented, standard, code):
    # A = cells not found missing in the attributes (features) that must hold a value (required
    # fields, keys, labels, non-blank texts); B = records × declared attributes = 4 × 3 = 12. Only
    # pid must hold a value, and misses r3. ghost is declared but not required: its 4 cells are in
    # B, but they are not cells of an attribute that must hold a value.
    found = indicator(documented[standard], code)
    assert (found["unit"], found["passed"], found["evaluated"]) == ("cells", 11, 12), found["results"]


def test_exactly_matching_indicators_agree(request):
    """Indicators linked by exact_match give the same A and B wherever both are scored."""
    links = set()
    for short, standard_id in STANDARDS.items():
        document = yaml.safe_load((ROOT / "standards" / f"{standard_id}.yaml").read_text(encoding="utf-8"))
        for dimension in document["dimensions"]:
            for item in dimension["indicators"]:
                for other in item.get("exact_match", []):
                    theirs, code = other.split(":")
                    (other_short,) = [k for k, v in STANDARDS.items() if v == theirs]
                    links.add(tuple(sorted([(short, item["code"]), (other_short, code)])))
    # 0201 = Com-I-1 = Com-ML-1 (3 pairs), 0202 = Com-ML-4, 0303 = Con-ML-1, Acc-I-4 = Acc-ML-4,
    # Acc-I-7 = Acc-ML-6, TC609 0302 = Com-I-3.
    assert len(links) == 8
    fixtures = sorted({case[0] for case in CASES})
    compared = 0
    for fixture in fixtures:
        cards = request.getfixturevalue(fixture)
        for (left_std, left), (right_std, right) in sorted(links):
            one, two = indicator(cards[left_std], left), indicator(cards[right_std], right)
            if one["status"] == two["status"] == "scored":
                compared += 1
                assert (one["passed"], one["evaluated"]) == (two["passed"], two["evaluated"]), \
                    (fixture, left, right)
    assert compared >= 10


# --- issue #13 item 3 -----------------------------------------------------------------------------

NUMBERS = {"a": pa.array([1.5, 2.5, 3.5, 4.5, None]), "b": pa.array([10, 20, 30, 40, 50], pa.int64())}
TEXT_COLUMNS = {
    # City names: no dominant shape (Aaaa is 3 of 5) and no dominant type.
    "names": ["Rome", "Oslo", "Lima", "Paris", "Berlin"],
    # Codes of one shape (AA-99, 5 of 5): a text column with a dominant format.
    "codes": ["AB-12", "CD-34", "EF-56", "GH-78", "IJ-90"],
}


@pytest.fixture(scope="module")
def numbers_only():
    return evaluated(pa.table(NUMBERS))


@pytest.mark.parametrize("column", TEXT_COLUMNS)
def test_a_text_column_adds_only_text_value_indicators(numbers_only, column):
    """A numeric-only table and the same table with one text column added have the same applicable
    indicators in every standard, except those whose unit is text_values (issue #13 item 3)."""
    worded = evaluated(pa.table({**NUMBERS, "text": pa.array(TEXT_COLUMNS[column])}))
    differences = {}
    for short in STANDARDS:
        text_units = {i["code"] for d in worded[short]["dimensions"] for i in d["indicators"]
                      if i["unit"] == "text_values"}
        assert not applicable(numbers_only[short]) & text_units, short
        differences[short] = sorted((applicable(numbers_only[short]) ^ applicable(worded[short])) - text_units)
    assert differences == {short: [] for short in STANDARDS}
