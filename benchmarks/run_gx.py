"""Contender (b): GX Core, pandas engine, end to end.

Reads the Parquet file with pandas, builds the suite's expectations as GX expectation objects, validates
one whole-dataframe batch with result_format SUMMARY and writes ``{"engine", "success": {id: bool}}``.

Usage: python benchmarks/run_gx.py DATA.parquet SUITE.yaml OUT.json
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # no network calls while being timed


def camel(type_name: str) -> str:
    return "".join(part.capitalize() for part in type_name.split("_"))


def main(argv: list[str]) -> int:
    data, suite_path, out = argv
    import pandas as pd
    import yaml

    import great_expectations as gx

    with open(suite_path, encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    frame = pd.read_parquet(data)

    context = gx.get_context(mode="ephemeral")
    batch = (context.data_sources.add_pandas("bench")
             .add_dataframe_asset("orders")
             .add_batch_definition_whole_dataframe("all")
             .get_batch(batch_parameters={"dataframe": frame}))
    suite = gx.ExpectationSuite(name=spec["name"])
    ids = [item["id"] for item in spec["expectations"]]
    for item in spec["expectations"]:
        cls = getattr(gx.expectations, camel(item["type"]))
        # GX does not return results in suite order: carry our id in meta to match them up.
        suite.add_expectation(cls(**item["kwargs"], meta={"bench_id": item["id"]}))
    result = batch.validate(suite, result_format="SUMMARY")

    flags, errors = {}, {}
    for item in result.results:
        expectation_id = item.expectation_config.meta["bench_id"]
        flags[expectation_id] = bool(item.success)
        if item.exception_info and item.exception_info.get("raised_exception"):
            errors[expectation_id] = item.exception_info.get("exception_message")
    if sorted(flags) != sorted(ids):
        raise SystemExit(f"GX returned results for {sorted(flags)}, expected {sorted(ids)}")
    flags = {i: flags[i] for i in ids}
    document = {"engine": "gx", "success": flags, "errors": errors}
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
