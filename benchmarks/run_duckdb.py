"""Contender (c): the floor. One hand-written DuckDB query computing exactly the metrics the 12
expectations of benchmarks/suite12.yaml need, then the 12 decisions in a few lines of Python.

The file is scanned twice within the query (the group-by for uniqueness, the aggregates), not
through a shared CTE: DuckDB would materialise a CTE used twice, i.e. hold all ten columns in memory.
The thresholds are hard-coded here on purpose (no suite parsing, no planner): this is what a person
would write by hand for this one suite. Semantics follow GX: map expectations ignore nulls and pass
when (non-null - unexpected) / non-null >= mostly; not_be_null counts nulls over all rows;
be_unique counts every row of a repeated value; the pair rule skips rows where either value is null.

Usage: python benchmarks/run_duckdb.py DATA.parquet OUT.json
Writes ``{"engine": "duckdb", "success": {id: bool}, "metrics": {...}}``.
"""

from __future__ import annotations

import json
import sys

QUERY = r"""
WITH dup AS (
    SELECT coalesce(sum(n), 0) AS duplicated_rows
    FROM (SELECT count(*) AS n FROM read_parquet($path) WHERE order_id IS NOT NULL
          GROUP BY order_id HAVING count(*) > 1)
)
SELECT
    count(*)                                                                   AS rows,
    count(*) FILTER (WHERE email IS NULL)                                      AS email_null,
    count(order_id)                                                            AS order_id_nonnull,
    (SELECT duplicated_rows FROM dup)                                          AS order_id_duplicated,
    count(age)                                                                 AS age_nonnull,
    count(*) FILTER (WHERE NOT (age BETWEEN 0 AND 120))                        AS age_out_of_range,
    count(country)                                                             AS country_nonnull,
    count(*) FILTER (WHERE country NOT IN ('US', 'GB', 'DE', 'FR', 'ES', 'IT', 'NL', 'SE', 'JP', 'BR'))
                                                                               AS country_unknown,
    count(email)                                                               AS email_nonnull,
    count(*) FILTER (WHERE NOT regexp_matches(email, '^[^@\s]+@[^@\s]+\.[a-z]{2,}$'))
                                                                               AS email_malformed,
    count(*) FILTER (WHERE NOT (length(sku) BETWEEN 6 AND 12))                 AS sku_bad_length,
    avg(amount)                                                                AS amount_mean,
    max(amount)                                                                AS amount_max,
    min(quantity)                                                              AS quantity_min,
    count(DISTINCT customer_id)                                                AS customer_distinct,
    count(customer_id)                                                         AS customer_nonnull,
    count(*) FILTER (WHERE shipped_at IS NOT NULL AND created_at IS NOT NULL)  AS pair_evaluated,
    count(*) FILTER (WHERE shipped_at <= created_at)                           AS pair_not_greater
FROM read_parquet($path)
"""


def decide(m: dict) -> dict[str, bool]:
    def mostly(bad: int, evaluated: int, threshold: float = 1.0) -> bool:
        return evaluated == 0 or (evaluated - bad) / evaluated >= threshold

    def between(value, low, high) -> bool:
        return value is not None and low <= value <= high

    return {
        "rows": between(m["rows"], 1000, 10_000_000),
        "email-present": mostly(m["email_null"], m["rows"], 0.95),
        "order-id-unique": mostly(m["order_id_duplicated"], m["order_id_nonnull"]),
        "age-range": mostly(m["age_out_of_range"], m["age_nonnull"]),
        "country-known": mostly(m["country_unknown"], m["country_nonnull"], 0.99),
        "email-format": mostly(m["email_malformed"], m["email_nonnull"]),
        "sku-length": m["sku_bad_length"] == 0,
        "amount-mean": between(m["amount_mean"], 30, 80),
        "amount-max": between(m["amount_max"], 0, 10_000),
        "quantity-min": between(m["quantity_min"], 1, 20),
        "customer-id-cardinality": m["customer_nonnull"] > 0 and between(
            m["customer_distinct"] / m["customer_nonnull"], 0.01, 0.5),
        "shipped-after-created": mostly(m["pair_not_greater"], m["pair_evaluated"]),
    }


def main(argv: list[str]) -> int:
    data, out = argv
    import duckdb

    con = duckdb.connect()
    cursor = con.execute(QUERY, {"path": data})
    names = [d[0] for d in cursor.description]
    metrics = dict(zip(names, cursor.fetchone()))
    document = {"engine": "duckdb", "success": decide(metrics), "metrics": metrics}
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
