"""Seeded synthetic "orders" table for the benchmarks: N rows, 10 columns, Parquet in row groups.

The data is deterministic for a given (rows, seed, row group size). Columns:

    order_id     int64      key; ~0.05% of rows repeat an earlier id            (be_unique fails)
    customer_id  string     'C' + 7 digits from a pool of N/10 customers        (proportion unique ~0.1)
    email        string     free text; ~2% null, ~0.5% malformed                (match_regex fails)
    country      string     10 ISO codes; ~1% null, ~0.3% not in the set       (in_set with mostly passes)
    sku          string     'SKU-' + 2..8 alphanumerics (6..12 characters)      (lengths pass)
    age          int32      18..90; ~3% null, ~0.1% out of range (-1, 150..199) (be_between fails)
    amount       float64    gamma(2, 25), mean ~50; ~1% null; one 250,000.00 outlier per 100k rows
                                                                                (mean ~52.5 passes, max fails)
    quantity     int32      1..20; ~0.01% zero or negative                     (min fails)
    created_at   timestamp  2023-01-01 .. 2024-12-31, microseconds
    shipped_at   timestamp  created_at + 1h..10d; ~5% null (not shipped),
                            ~0.2% before created_at                             (pair A > B fails)

Run: ``python benchmarks/generate.py --rows 2000000 --out benchmarks/data/orders_2m.parquet``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

DEFAULT_ROWS = 2_000_000
DEFAULT_SEED = 20240601
ROW_GROUP_ROWS = 250_000
HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "data" / "orders_2m.parquet"

COUNTRIES = np.array(["US", "GB", "DE", "FR", "ES", "IT", "NL", "SE", "JP", "BR"])
COUNTRY_WEIGHTS = np.array([0.30, 0.12, 0.12, 0.10, 0.08, 0.08, 0.06, 0.05, 0.05, 0.04])
BAD_COUNTRIES = np.array(["XX", "us", "U.S.", "??"])
DOMAINS = np.array(["example.com", "mail.example.org", "shop.test", "corp.example.net", "inbox.dev"])
FIRST = np.array(["ana", "bo", "chen", "dara", "eli", "femi", "gus", "hana", "ivan", "jo", "kai",
                  "lena", "mo", "nia", "omar", "pia", "raj", "sara", "tom", "uma", "vic", "wen"])
BAD_EMAILS = np.array(["not-an-email", "user@", "@example.com", "user at example.com",
                       "user@@example.com", "user@example", "user@example.c0m", "a b@example.com"])
ALNUM = np.frombuffer(b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789", dtype="S1")
EPOCH_2023_US = 1_672_531_200_000_000  # 2023-01-01T00:00:00 in microseconds
TWO_YEARS_US = 731 * 86_400 * 1_000_000
HOUR_US = 3_600 * 1_000_000

SCHEMA = pa.schema([
    ("order_id", pa.int64()),
    ("customer_id", pa.string()),
    ("email", pa.string()),
    ("country", pa.string()),
    ("sku", pa.string()),
    ("age", pa.int32()),
    ("amount", pa.float64()),
    ("quantity", pa.int32()),
    ("created_at", pa.timestamp("us")),
    ("shipped_at", pa.timestamp("us")),
])


def _mask(rng: np.random.Generator, n: int, p: float) -> np.ndarray:
    return rng.random(n) < p


def _strings(values: np.ndarray) -> pa.Array:
    return pa.array(values.astype(object), type=pa.string())


def _chunk(rng: np.random.Generator, start: int, n: int, customers: int) -> pa.RecordBatch:
    # order_id: 1-based row number; a few rows repeat an earlier id (possibly from an earlier group).
    order_id = np.arange(start + 1, start + n + 1, dtype=np.int64)
    dup = np.flatnonzero(_mask(rng, n, 0.0005))
    # Each picked row takes a random smaller id (row 1 has none smaller and keeps its own).
    order_id[dup] = rng.integers(1, np.maximum(order_id[dup], 2))

    cust_num = rng.integers(0, customers, n)
    customer_id = pc.binary_join_element_wise(
        "C", pa.array(np.char.zfill(cust_num.astype("U7"), 7).astype(object), type=pa.string()), "")

    # email: first.name + number @ domain, from the customer number so a customer keeps one address.
    first = FIRST[cust_num % len(FIRST)]
    domain = DOMAINS[(cust_num // len(FIRST)) % len(DOMAINS)]
    local = np.char.add(np.char.add(first, "."), cust_num.astype("U7"))
    email = np.char.add(np.char.add(local, "@"), domain).astype(object)
    bad = _mask(rng, n, 0.005)
    email[bad] = BAD_EMAILS[rng.integers(0, len(BAD_EMAILS), int(bad.sum()))]
    email_null = _mask(rng, n, 0.02)
    email_arr = pa.array(email, type=pa.string(), mask=email_null)

    country = COUNTRIES[rng.choice(len(COUNTRIES), n, p=COUNTRY_WEIGHTS)].astype(object)
    bad = _mask(rng, n, 0.003)
    country[bad] = BAD_COUNTRIES[rng.integers(0, len(BAD_COUNTRIES), int(bad.sum()))]
    country_arr = pa.array(country, type=pa.string(), mask=_mask(rng, n, 0.01))

    # sku: 'SKU-' + 2..8 characters from a 32-symbol alphabet.
    lengths = rng.integers(2, 9, n)
    symbols = ALNUM[rng.integers(0, len(ALNUM), (n, 8))]
    codes = symbols.view("S8").ravel()
    codes = np.array([c[:k] for c, k in zip(codes.tolist(), lengths.tolist())], dtype=object)
    sku = pc.binary_join_element_wise("SKU-", pa.array(codes, type=pa.binary()).cast(pa.string()), "")

    age = rng.integers(18, 91, n).astype(np.int32)
    bad = np.flatnonzero(_mask(rng, n, 0.001))
    age[bad] = np.where(rng.random(len(bad)) < 0.5, -1, rng.integers(150, 200, len(bad)))
    age_arr = pa.array(age, type=pa.int32(), mask=_mask(rng, n, 0.03))

    amount = np.round(rng.gamma(2.0, 25.0, n), 2)
    amount_null = _mask(rng, n, 0.01)
    amount_arr = pa.array(amount, type=pa.float64(), mask=amount_null)

    quantity = rng.integers(1, 21, n).astype(np.int32)
    bad = np.flatnonzero(_mask(rng, n, 0.0001))
    quantity[bad] = rng.integers(-3, 1, len(bad))

    created = EPOCH_2023_US + rng.integers(0, TWO_YEARS_US, n)
    shipped = created + rng.integers(HOUR_US, 240 * HOUR_US, n)
    bad = _mask(rng, n, 0.002)
    shipped[bad] = created[bad] - rng.integers(HOUR_US, 48 * HOUR_US, int(bad.sum()))
    shipped_null = _mask(rng, n, 0.05)

    return pa.record_batch([
        pa.array(order_id), customer_id, email_arr, country_arr, sku, age_arr, amount_arr,
        pa.array(quantity),
        pa.array(created, type=pa.timestamp("us")),
        pa.array(shipped, type=pa.timestamp("us"), mask=shipped_null),
    ], schema=SCHEMA)


def _plant_outliers(batch: pa.RecordBatch, rng: np.random.Generator, count: int) -> pa.RecordBatch:
    """Put ``count`` huge amounts (250,000.00) into the first row group (raises the mean by ~2.5)."""
    amount = batch.column("amount").to_numpy(zero_copy_only=False).copy()
    valid = batch.column("amount").is_valid().to_numpy(zero_copy_only=False)
    where = rng.choice(np.flatnonzero(valid), min(count, int(valid.sum())), replace=False)
    amount[where] = 250_000.0
    column = pa.array(amount, type=pa.float64(), mask=~valid)
    return batch.set_column(SCHEMA.get_field_index("amount"), "amount", column)


def generate(path: str | Path = DEFAULT_OUT, rows: int = DEFAULT_ROWS, seed: int = DEFAULT_SEED,
             row_group_rows: int = ROW_GROUP_ROWS) -> Path:
    """Write the table to ``path`` (Parquet, zstd, one row group per ``row_group_rows``)."""
    if rows < 1:
        raise ValueError("rows must be positive")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    customers = max(rows // 10, 1)
    temporary = path.with_name(f".{path.name}.tmp")
    with pq.ParquetWriter(temporary, SCHEMA, compression="zstd") as writer:
        for start in range(0, rows, row_group_rows):
            n = min(row_group_rows, rows - start)
            batch = _chunk(rng, start, n, customers)
            if start == 0:
                batch = _plant_outliers(batch, rng, max(1, rows // 100_000))
            writer.write_batch(batch, row_group_size=row_group_rows)
    temporary.replace(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    out = generate(args.out, args.rows, args.seed)
    meta = pq.ParquetFile(out).metadata
    print(f"wrote {out} ({meta.num_rows:,} rows, {meta.num_row_groups} row groups, "
          f"{out.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
