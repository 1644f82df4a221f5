"""Re-scoring a card under any standard, from the scoring inputs its results record, without the data.

Evaluation builds the same inputs from the data."""

from __future__ import annotations

from pathlib import Path

from dsbench.scoring.score import Evidence, Measured, Scores, score
from dsbench.scoring.standard import Standard, load_standard


def measured_results(card: dict) -> list[Measured]:
    """The scoring inputs of a card, rebuilt from its results (as evaluation builds them)."""
    return [Measured(r["id"], r["concern"], r["severity"], r["success"], r["measure"]["passed"],
                     r["measure"]["evaluated"], bool(r["exception_info"].get("raised_exception")),
                     r["table"], r["scoring"]["kind"], tuple(r["scoring"]["columns"]), r["scoring"]["flagged"],
                     r["scoring"]["by_row"], r["scoring"]["identity"])
            for r in card["results"]]


def card_evidence(card: dict) -> dict[str, Evidence]:
    """The external evidence the card was scored with, keyed by indicator code."""
    return {code: Evidence(e.get("passed"), e.get("evaluated"), e.get("score"), e.get("source", ""))
            for code, e in card["options"]["evidence"].items()}


def rescore(card: dict, standard: str | Path | Standard) -> Scores:
    """``card`` scored under ``standard`` from its recorded results, without the data. Evidence is
    keyed by indicator codes, which mean something else in another standard: it is used only when
    ``standard`` has the card's standard id."""
    standard = load_standard(standard)
    evidence = card_evidence(card) if standard.id == card["standard"]["id"] else {}
    return score(standard, measured_results(card), evidence, card["elements"])
