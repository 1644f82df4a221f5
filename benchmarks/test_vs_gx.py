"""dsbench vs GX Core (pandas) vs hand-written DuckDB, end to end, on the same 2M-row Parquet file.

Run: ``.venv/bin/pytest benchmarks -q --benchmark-only`` (the file is generated on first use).

Each contender is a fresh subprocess (imports, reading, validating, writing JSON all included); each
round checks that it reports the same success flag for each of the 12 expectations of suite12.yaml
as the reference (the DuckDB contender, run once untimed), so no contender is fast by being wrong.
Peak RSS of the child (os.wait4 ru_maxrss) is stored in the benchmark's extra_info.
"""

from __future__ import annotations

import statistics

import pytest

from harness import CONTENDERS, DATA, check_agreement, ensure_data, run_contender


@pytest.fixture(scope="session")
def data_file():
    return ensure_data(DATA)


@pytest.fixture(scope="session")
def reference_flags(data_file):
    flags = run_contender("duckdb", data_file).flags
    assert len(flags) == 12
    # The data has deliberate defects: the suite must have both outcomes, or the check is weak.
    assert set(flags.values()) == {True, False}
    return flags


@pytest.mark.parametrize("contender", CONTENDERS)
def test_suite12_end_to_end(benchmark, contender, data_file, reference_flags):
    runs = []

    def once():
        run = run_contender(contender, data_file)
        runs.append(run)
        return run

    benchmark.group = "suite12 on 2M rows, end to end (subprocess)"
    benchmark.pedantic(once, rounds=3, iterations=1, warmup_rounds=0)

    for run in runs:
        check_agreement({"duckdb (reference)": reference_flags, contender: run.flags})
    benchmark.extra_info["peak_rss_mib_median"] = round(statistics.median(r.peak_rss_mib for r in runs), 1)
    benchmark.extra_info["peak_rss_mib_max"] = round(max(r.peak_rss_mib for r in runs), 1)
    benchmark.extra_info["cpu_s_median"] = round(statistics.median(r.cpu_s for r in runs), 3)
    # CPU the rest of the machine used meanwhile: well above 0 means the wall times are contaminated.
    benchmark.extra_info["others_cpu_s_max"] = round(max(r.others_cpu_s for r in runs), 3)
    benchmark.extra_info["failed_expectations"] = sorted(k for k, v in runs[-1].flags.items() if not v)
