"""Cards the rendering tests share: golden cards from reports/ and a card whose data holds markup,
pipes and backticks (evaluated for real from a small CSV)."""

from __future__ import annotations

import copy
import csv
import functools
import json
from pathlib import Path

from tests.conftest import ROOT

PENGUINS_TC609 = ROOT / "reports" / "penguins" / "tc609-5-2025-04" / "card.json"
FLIGHTS_GBT = ROOT / "reports" / "nycflights13" / "gbt-36344-2018" / "card.json"
SCRIPT = "<script>alert(1)</script>"
PIPE = "a|b"
TICKS = "x`y`"
HOSTILE_NAME = "<img src=x onerror=alert(1)>"


def golden(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def _hostile() -> dict:
    import tempfile

    from dsbench.evaluation import evaluate

    with tempfile.TemporaryDirectory() as directory:
        data = Path(directory) / "codes.csv"
        rows = [{"id": k, "code": f"AB{k:02d}", "amount": 10 + k % 5} for k in range(40)]
        rows[3]["code"], rows[5]["code"], rows[7]["code"] = SCRIPT, PIPE, TICKS
        with open(data, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, ["id", "code", "amount"])
            writer.writeheader()
            writer.writerows(rows)
        document = evaluate(data, "gbt-36344-2018").document
    # The data put the values into the card; a name with markup checks the page frame as well.
    document["dataset"]["name"] = HOSTILE_NAME
    return document


def hostile() -> dict:
    """A card (gbt-36344-2018) whose failed format check samples SCRIPT, PIPE and TICKS."""
    return copy.deepcopy(_hostile())


def dimension_names(card: dict, lang: str) -> list[str]:
    return [d["name"][lang] for d in card["dimensions"]]


def indicator_names(card: dict, lang: str) -> list[str]:
    return [i["name"][lang] for d in card["dimensions"] for i in d["indicators"]]
