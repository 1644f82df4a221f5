"""Splits of a training set (train / validation / test tables): leakage of inputs from one split
into another, and label distributions that drift between splits.

The expectation runs on the split being checked (usually validation or test) and names the
reference split (usually train) in ``other_table_name``. Only the checked table's rows honour a
``row_condition``; the reference table is read whole.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, ClassVar, Mapping

from pydantic import Field

from dsbench.engine.metrics import Condition, Metric, RowFrame, Scope
from dsbench.engine.sql import quote_ident
from dsbench.errors import SuiteError
from dsbench.data.dataset import Table
from dsbench.expectations.base import Expectation, Outcome, jsonable
from dsbench.expectations.labels import LISTED_CLASSES, LabelExpectation, LabelKwargs, gather, significant
from dsbench.expectations.near_duplicates import (SAMPLE_PAIRS, NearDuplicateKwargs, documents, near_pairs,
                                                   text_rows_outcome)
from dsbench.expectations.text import TextMap, normalized


def other_split(expectation: Expectation, text: bool) -> tuple[Table, str]:
    """The reference split of ``expectation`` and its column (quoted): ``other_column``, else the
    expectation's own column name; a text column when ``text``."""
    kw = expectation.kw
    other = expectation.other_table(kw.other_table_name)
    name = kw.other_column or kw.column
    if name not in other.columns:
        raise SuiteError(f"unknown column {name!r} in table {other.name!r}", location="kwargs.other_column")
    if text and not expectation.dialect.logical_type(other.columns[name]).is_string:
        raise SuiteError(f"column {name!r} of table {other.name!r} is not text", location="kwargs.other_column")
    return other, quote_ident(name)


class LeakageKwargs(NearDuplicateKwargs):
    other_table_name: str = Field(min_length=1)
    other_column: str | None = Field(None, min_length=1, description="the reference split's column (default: column)")
    near: bool = Field(True, description="also near duplicates (MinHash, Jaccard >= threshold), not only copies")


class ExpectColumnValuesToNotOccurInOtherTable(TextMap):
    """Rows of this split whose text (normalised) also occurs in the reference split, or, with
    ``near``, has a near duplicate there (MinHash LSH verified by exact Jaccard similarity, as
    ``expect_column_values_to_not_have_near_duplicates``), are unexpected: A = rows whose text the
    other split does not hold, B = rows with a text."""

    type = "expect_column_values_to_not_occur_in_other_table"
    summary = ("Texts of this split do not occur in the other split, neither as copies (after "
               "normalisation) nor, with near, as near duplicates: no leakage between splits.")
    default_concern = "uniqueness.split"
    family = "text"
    Kwargs = LeakageKwargs

    def bind(self) -> None:
        super().bind()
        self.other, self.other_col = other_split(self, text=True)

    def leaks(self) -> tuple[str, tuple]:
        """Common table expressions ending in ``leaked`` (t, n): the normalised texts of this split
        that occur in the other split, as copies or (with ``near``) near duplicates."""
        d = self.dialect
        mine, mine_params = documents(d, self.table.view, self.col, self.scope.condition)
        theirs, their_params = documents(d, self.other.view, self.other_col, None)
        docs = f"SELECT *, 0 AS side FROM ({mine}) UNION ALL SELECT *, 1 AS side FROM ({theirs})"
        if self.kw.near:
            ctes, pair_params = near_pairs(d, docs, self.kw, across=True)
        else:  # copies only
            ctes, pair_params = (f"{d.cte('d', docs, materialized=True)}, p AS (SELECT NULL AS a, NULL AS b, "
                                 "1.0 AS jaccard, NULL AS a_n, NULL AS b_n, NULL AS a_shown, NULL AS b_shown "
                                 "WHERE false)"), ()
        # A copy is a leak whatever MinHash's buckets do: copies are found by equality.
        sql = f"""{ctes},
            copied AS (SELECT x.t, x.n, x.shown, y.n AS other_n, y.shown AS other_shown
                       FROM d x JOIN d y ON x.t = y.t AND x.side = 0 AND y.side = 1),
            leaked AS (SELECT t, n FROM d WHERE side = 0 AND (t IN (SELECT a FROM p) OR t IN (SELECT t FROM copied)))"""
        return sql, mine_params + their_params + pair_params

    def metrics(self) -> list[Metric]:
        leaks, params = self.leaks()
        d = self.dialect
        pair = d.struct([("a", "a"), ("b", "b"), ("jaccard", "round(jaccard, 6)"), ("a_rows", "a_rows"),
                         ("b_rows", "b_rows")])
        sample = d.list_slice(d.aggregate_list(pair, order_by="jaccard DESC, a, b"), "1", str(SAMPLE_PAIRS))
        sql = f"""
            WITH {leaks},
            shown AS (SELECT shown AS a, other_shown AS b, {d.cast("1.0", "float64")} AS jaccard, n AS a_rows,
                             other_n AS b_rows FROM copied
                      UNION ALL SELECT a_shown, b_shown, jaccard, a_n, b_n FROM p WHERE a <> b)
            SELECT (SELECT coalesce(sum(n), 0) FROM d WHERE side = 0),
                   (SELECT coalesce(sum(n), 0) FROM leaked),
                   (SELECT count(*) FROM leaked),
                   (SELECT count(*) FROM copied),
                   (SELECT {sample} FROM shown),
                   (SELECT {d.aggregate_list("t", order_by="t")} FROM leaked)"""
        self.m_rows = self.scope.aggregate("count(*)", label="row_count")
        self.m_leaks = Metric(self.table.view, sql, params, "rows",
                              label=f"leakage({self.kw.column} -> {self.kw.other_table_name})")
        return [self.m_rows, self.m_leaks]

    def defect_flag(self, frame: RowFrame) -> Condition | None:
        """The rows whose text leaked (found by :meth:`decide`)."""
        considered = Condition(f"{self.col} IS NOT NULL") & self.scope.condition
        text = frame.shared(normalized(self.dialect, self.col))
        leaked = self.dialect.list_contains(self.dialect.list_parameter("text"), text)
        return Condition(f"(({considered.sql}) IS TRUE) AND {leaked}",
                         considered.params + (getattr(self, "leaked_texts", []),))

    def metrics_used(self) -> list[Metric]:
        return [self.m_rows, self.m_leaks]

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
        texts, unexpected, leaked, copied, sample, texts_leaked = values[self.m_leaks][0]
        self.leaked_texts = list(texts_leaked or [])  # for defect_flag
        outcome = text_rows_outcome(self.kw, int(values[self.m_rows]), int(texts), int(unexpected))
        outcome.result["partial_unexpected_list"] = [jsonable(pair["a"]) for pair in sample or []]
        outcome.result["details"] = {
            "other_table": self.kw.other_table_name,
            "leaked_texts": int(leaked),
            "copied_texts": int(copied),
            "near_duplicate_texts": int(leaked) - int(copied),
            "partial_leaks": jsonable(sample or []),
        }
        return outcome

    def evidence(self, outcome: Outcome) -> list[Metric]:
        return []


class DriftKwargs(LabelKwargs):
    other_table_name: str = Field(min_length=1)
    other_column: str | None = Field(None, min_length=1, description="the reference split's label column")
    max_distance: float = Field(0.1, ge=0, le=1, description="the largest total variation distance allowed")


class ExpectColumnLabelDistributionToMatchOtherTable(LabelExpectation):
    """The label distribution of this split stays close to the reference split's. Measure: total
    variation distance TVD = ½ Σ_c |n_c/N − m_c/M| over the classes of either split, in exact
    integers: B = 2·N·M, A = B − Σ_c |n_c·M − m_c·N| (A/B = 1 − TVD). Success when TVD ≤
    ``max_distance``. Not applicable when either split has no label."""

    type = "expect_column_label_distribution_to_match_other_table"
    summary = "The label distribution is within max_distance (total variation distance) of the other split's."
    default_concern = "consistency.split_labels"
    Kwargs = DriftKwargs
    gx_compatible: ClassVar[bool] = False

    def bind(self) -> None:
        super().bind()
        self.other, self.other_col = other_split(self, text=False)

    def metrics(self) -> list[Metric]:
        mine = super().metrics()
        # The same shape as the label expectations' metric on the other table: computed once.
        self.m_other = Scope(self.other.view).rows(
            f"{self.other_col}, count(*)", where=Condition(f"{self.other_col} IS NOT NULL"), tail=" GROUP BY 1",
            label=f"class_counts({self.kw.other_table_name}.{self.kw.other_column or self.kw.column})")
        return mine + [self.m_other]

    def metrics_used(self) -> list[Metric]:
        return [self.m_counts, self.m_other]

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
        mine, theirs = gather(values[self.m_counts], []), gather(values[self.m_other], [])
        n, m = mine.n, theirs.n
        keys = sorted(set(mine.keys) | set(theirs.keys))
        listing = [{"value": jsonable((mine.values | theirs.values)[key]), "count": mine.counts.get(key, 0),
                    "other_count": theirs.counts.get(key, 0)} for key in keys[:LISTED_CLASSES]]
        if n == 0 or m == 0:
            return Outcome(True, {"observed_value": None, "details": {"classes": listing}}, 0, 0)
        gap = sum(abs(mine.counts.get(key, 0) * m - theirs.counts.get(key, 0) * n) for key in keys)
        evaluated = 2 * n * m
        distance = Fraction(gap, evaluated)
        result = {"observed_value": significant(float(distance)),
                  "details": {"labels": n, "other_labels": m, "classes": listing}}
        return Outcome(distance <= Fraction(self.kw.max_distance), result, evaluated - gap, evaluated)


EXPECTATIONS = [ExpectColumnValuesToNotOccurInOtherTable, ExpectColumnLabelDistributionToMatchOtherTable]
