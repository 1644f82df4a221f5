"""Near-duplicate texts: MinHash over character shingles with locality-sensitive hashing, in SQL.

A text is normalised (:func:`dsbench.expectations.text.normalized`) and cut into its distinct
character shingles of ``shingle_size`` characters (a text shorter than that is one shingle). Two
texts are near duplicates when the Jaccard similarity of their shingle sets is at least
``threshold``; texts identical after normalisation are near duplicates of each other too.

Finding the pairs without comparing every text with every other:

1. each distinct normalised text gets a MinHash signature of ``num_perm`` values: for every seed,
   the least ``hash(shingle_hash XOR seed)`` over its shingles (seeds drawn from ``seed``, so a run
   is reproducible on one engine: hashes differ between engines, the verified pairs do not);
2. the signature is cut into ``bands`` bands of ``rows`` values; texts that agree on a whole band
   are candidates (LSH). ``rows`` is the largest for which a pair at exactly ``threshold`` becomes a
   candidate with probability >= 0.9 (0.988 at the default 0.7: 16 bands of 4); a pair at 0.8 is
   missed with probability < 1e-3;
3. every candidate pair is checked with its exact Jaccard similarity, so a reported pair is always
   a true near duplicate: MinHash can only miss pairs, never invent them. A bucket of more than
   ``BUCKET_PAIRS`` texts (thousands of texts sharing a band) compares each member with its first
   ``BUCKET_LEADERS`` members only, which keeps the work linear.

Everything runs in one SQL query; Python only picks the seeds and the band layout.
"""

from __future__ import annotations

import random
from typing import Any, Mapping

from pydantic import Field

from dsbench.engine.dialect import Dialect
from dsbench.engine.metrics import Condition, Metric, RowFrame
from dsbench.expectations.base import PARTIAL_UNEXPECTED_COUNT, Outcome, jsonable, percent
from dsbench.expectations.column_map import MapKwargs
from dsbench.expectations.text import TextMap, normalized

CANDIDATE_PROBABILITY = 0.9  # of a pair at exactly the threshold becoming a candidate
BUCKET_PAIRS = 64
BUCKET_LEADERS = 8
SAMPLE_PAIRS = 20


def seeds(seed: int, count: int) -> list[int]:
    rng = random.Random(seed)
    return [rng.getrandbits(64) for _ in range(count)]


def band_layout(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band): the most rows per band that still make a pair at ``threshold`` a
    candidate with probability >= CANDIDATE_PROBABILITY (fewer rows, more candidates)."""
    for rows in range(num_perm, 0, -1):
        bands = num_perm // rows
        if 1 - (1 - threshold ** rows) ** bands >= CANDIDATE_PROBABILITY:
            return bands, rows
    return num_perm, 1


class NearDuplicateKwargs(MapKwargs):
    threshold: float = Field(0.7, gt=0, le=1, description="least Jaccard similarity of shingle sets")
    shingle_size: int = Field(3, ge=1, le=32, description="characters per shingle")
    num_perm: int = Field(64, ge=8, le=512, description="MinHash values per text")
    seed: int = Field(1, ge=0, lt=2 ** 63)


def documents(dialect: Dialect, table: str, column: str, where: Condition | None) -> tuple[str, tuple]:
    """SQL of the distinct normalised texts of ``column`` with their row counts and one original."""
    clause, params = (f" AND ({where.sql})", where.params) if where is not None else ("", ())
    return (f"SELECT {normalized(dialect, column)} AS t, count(*) AS n, min({column}) AS shown FROM {table} "
            f"WHERE {column} IS NOT NULL{clause} GROUP BY 1"), params


def record(dialect: Dialect, alias: str) -> str:
    """A document of ``alias`` as one value (its text, the original shown, its rows), ordered by text."""
    return dialect.struct((field, f"{alias}.{field}") for field in ("t", "shown", "n"))


def near_pairs(dialect: Dialect, docs: str, kw: NearDuplicateKwargs, across: bool) -> tuple[str, tuple]:
    """Common table expressions ending in ``p``, the verified near-duplicate pairs (a, b, jaccard,
    a_n, b_n, a_shown, b_shown) among ``docs``, the distinct normalised texts (t, n, shown, side);
    ``across`` pairs only texts of side 0 with texts of side 1. Its parameters (the threshold,
    twice) follow those of ``docs``. The MinHash values are plain aggregates over the unnested
    shingles (one vectorised hash per shingle and seed, several times faster than list lambdas);
    the shingle lists are built only for the texts of candidate pairs. The seeds and the shingle
    size are integers (dsbench's own, and a validated int), written as literals."""
    d = dialect
    bands, rows = band_layout(kw.threshold, kw.num_perm)
    k = kw.shingle_size
    starts = d.integer_range("1", f"greatest({d.char_length('t')} - {k} + 1, 1) + 1")
    shingles = d.list_distinct(d.transform(starts, "i", d.hash(d.substring("t", "i", str(k)))))
    minima = ", ".join(f"min({d.hash(d.bit_xor('h', d.cast(str(seed), 'uint64')))}) AS m{j}"
                       for j, seed in enumerate(seeds(kw.seed, bands * rows)))
    keys = d.list_of(*(d.hash(*(f"m{band * rows + i}" for i in range(rows))) for band in range(bands)))
    shingle_hash = d.hash(d.substring("t", d.unnest(starts), str(k)))
    # Within one side each pair once: members are numbered in text-hash order, so a pair found in
    # several buckets has the same orientation in all of them.
    pair = "x.side < y.side" if across else "x.side = y.side AND x.i < y.i"
    x, y = record(d, "x"), record(d, "y")
    # A pair shows its texts in order; across sides, side 0 first.
    a, b = (x, y) if across else (f"least({x}, {y})", f"greatest({x}, {y})")
    x_size, y_size = d.list_length("x.sh"), d.list_length("y.sh")
    numbered = f"SELECT *, {d.row_number()} AS id, {d.hash('t')} AS th FROM d"
    banded = f"SELECT id, th, side, {d.unnest('keys')} AS key, {d.unnest_positions('keys')} AS band FROM minhash"
    candidates = (f"SELECT DISTINCT x.id AS a, y.id AS b FROM members x JOIN members y "
                  f"ON x.band = y.band AND x.key = y.key "
                  f"WHERE {pair} AND (x.size <= {BUCKET_PAIRS} OR least(x.i, y.i) <= {BUCKET_LEADERS})")
    involved = (f"SELECT *, {shingles} AS sh FROM s "
                f"WHERE id IN (SELECT a FROM candidates UNION SELECT b FROM candidates)")
    common = d.list_length(d.list_intersect("x.sh", "y.sh"))
    return f"""
        {d.cte("d", docs, materialized=True)},
        {d.cte("s", numbered, materialized=True)},
        minhash AS (SELECT id, th, side, {keys} AS keys FROM (
            SELECT id, any_value(th) AS th, any_value(side) AS side, {minima}
            FROM (SELECT id, th, side, {shingle_hash} AS h FROM s) GROUP BY id)),
        {d.cte("banded", banded, materialized=True)},
        shared AS (SELECT band, key FROM banded GROUP BY band, key HAVING count(*) > 1),
        members AS (SELECT band, key, id, side,
                           row_number() OVER (PARTITION BY band, key ORDER BY th, id) AS i,
                           count(*) OVER (PARTITION BY band, key) AS size
                    FROM banded {d.semi_join("shared", ["band", "key"])}),
        {d.cte("candidates", candidates, materialized=True)},
        {d.cte("involved", involved, materialized=True)},
        measured AS (SELECT {common} AS common, {x_size} + {y_size} AS total,
                            {a} AS a, {b} AS b
                     FROM candidates JOIN involved x ON x.id = candidates.a JOIN involved y ON y.id = candidates.b
                     -- |A ∩ B| / |A ∪ B| <= min(|A|, |B|) / max(|A|, |B|): too different in size, too different
                     WHERE least({x_size}, {y_size}) >= ? * greatest({x_size}, {y_size})),
        p AS (SELECT a.t AS a, b.t AS b, common / (total - common) AS jaccard, a.n AS a_n, b.n AS b_n,
                     a.shown AS a_shown, b.shown AS b_shown FROM measured
              WHERE common >= ? * (total - common))""", (kw.threshold, kw.threshold)


def text_rows_outcome(kw: MapKwargs, rows: int, texts: int, unexpected: int) -> Outcome:
    """The outcome of a question about the texts of a column's rows: A = rows with a text that is
    not unexpected, B = rows with a text (``mostly`` of them must be fine)."""
    result = {"element_count": rows, "missing_count": rows - texts, "missing_percent": percent(rows - texts, rows),
              "unexpected_count": unexpected, "unexpected_percent": percent(unexpected, texts)}
    success = texts == 0 or (texts - unexpected) / texts >= kw.mostly
    return Outcome(success, result, texts - unexpected, texts)


class ExpectColumnValuesToNotHaveNearDuplicates(TextMap):
    """Rows that repeat an earlier text, exactly (after normalisation) or nearly, are unexpected:
    of each group of copies of a normalised text the first row is kept, and every row of a text
    that has a near duplicate ordered before it (normalised texts in code-point order) is a copy,
    so that each group of near duplicates keeps its first text. ``details`` also counts the rows
    whose text has any near duplicate or copy (all of them)."""

    type = "expect_column_values_to_not_have_near_duplicates"
    summary = ("Texts have no near duplicate (MinHash LSH over character shingles, verified by exact "
               "Jaccard similarity >= threshold) and no copy after normalisation; the extra copies are "
               "unexpected (the first text of each group is kept).")
    default_concern = "uniqueness.record"
    family = "text"
    Kwargs = NearDuplicateKwargs

    def metrics(self) -> list[Metric]:
        d = self.dialect
        docs, docs_params = documents(d, self.table.view, self.col, self.scope.condition)
        pairs, pair_params = near_pairs(d, f"SELECT *, 0 AS side FROM ({docs})", self.kw, across=False)
        pair = d.struct([("a", "a_shown"), ("b", "b_shown"), ("jaccard", "round(jaccard, 6)"), ("a_rows", "a_n"),
                         ("b_rows", "b_n")])
        sample = d.list_slice(d.aggregate_list(pair, order_by="jaccard DESC, a, b"), "1", str(SAMPLE_PAIRS))
        shown = d.struct([("value", "shown"), ("count", "n")])
        flagged = d.list_slice(d.aggregate_list(shown, order_by="n DESC, shown"), "1", str(PARTIAL_UNEXPECTED_COUNT))
        sql = f"""
            WITH {pairs},
            flagged AS (SELECT a AS t FROM p UNION SELECT b FROM p UNION SELECT t FROM d WHERE n > 1)
            SELECT (SELECT coalesce(sum(n), 0) FROM d),
                   (SELECT coalesce(sum(CASE WHEN t IN (SELECT b FROM p) THEN n ELSE n - 1 END), 0) FROM d),
                   (SELECT coalesce(sum(n), 0) FROM d WHERE t IN (SELECT t FROM flagged)),
                   (SELECT count(*) FROM d WHERE n > 1),
                   (SELECT count(*) FROM p),
                   (SELECT {sample} FROM p),
                   (SELECT {flagged} FROM d WHERE t IN (SELECT t FROM flagged)),
                   (SELECT {d.aggregate_list("b", order_by="b", distinct=True)} FROM p)"""
        self.m_rows = self.scope.aggregate("count(*)", label="row_count")
        self.m_near = Metric(self.table.view, sql, docs_params + pair_params, "rows", label=f"near_duplicates({self.kw.column})")
        return [self.m_rows, self.m_near]

    def metrics_used(self) -> list[Metric]:
        return [self.m_rows, self.m_near]

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
        texts, unexpected, involved, repeated, pairs, sample, flagged, later = values[self.m_near][0]
        self.later = list(later or [])  # the texts with a near duplicate before them, for defect_flag
        bands, per_band = band_layout(self.kw.threshold, self.kw.num_perm)
        outcome = text_rows_outcome(self.kw, int(values[self.m_rows]), int(texts), int(unexpected))
        outcome.result["partial_unexpected_list"] = [jsonable(f["value"]) for f in flagged or []]
        outcome.result["partial_unexpected_counts"] = jsonable(flagged or [])
        outcome.result["details"] = {
            "extra_copies": int(unexpected),
            "rows_with_copies_or_near_duplicates": int(involved),
            "near_duplicate_pairs": int(pairs),
            "texts_repeated_after_normalization": int(repeated),
            "partial_near_duplicate_pairs": jsonable(sample or []),
            "minhash": {"num_perm": bands * per_band, "bands": bands, "rows_per_band": per_band,
                        "shingle_size": self.kw.shingle_size, "seed": self.kw.seed},
        }
        return outcome

    def evidence(self, outcome: Outcome) -> list[Metric]:
        return []  # the near-duplicate query reports its own evidence

    def defect_flag(self, frame: RowFrame) -> Condition | None:
        """The rows of a text with a near duplicate before it (found by :meth:`decide`), and every
        copy of a text but the first (in the order of all columns, then the row number)."""
        considered = Condition(f"{self.col} IS NOT NULL") & self.scope.condition
        inside = f"(({considered.sql}) IS TRUE)"
        text = frame.shared(normalized(self.dialect, self.col))
        copy = f"row_number() OVER (PARTITION BY {inside}, {text} ORDER BY {', '.join([*frame.columns, frame.row])}) > 1"
        later = self.dialect.list_contains(self.dialect.list_parameter("text"), text)
        return Condition(f"{inside} AND ({later} OR {copy})",
                         considered.params + (getattr(self, "later", []),) + considered.params)


EXPECTATIONS = [ExpectColumnValuesToNotHaveNearDuplicates]
__all__ = ["band_layout", "documents", "near_pairs", "seeds", "text_rows_outcome"]
