"""verify: re-run a card's evaluation from its recorded inputs and list every difference."""

from __future__ import annotations

from pathlib import Path

from dsbench.cardtools import differences, load_card
from dsbench.data.sources import path_exists
from dsbench.errors import DsbenchError
from dsbench.resources import shipped
from dsbench.scorecard import check_digest
from dsbench.scoring import Evidence

MAX_LISTED = 50


def verify_card(card_path: str | Path, *, data: str | None = None, standard: str | None = None,
                suites: list[str] | None = None) -> list[str]:
    from dsbench.evaluation import evaluate

    card = load_card(card_path)
    document = card.document
    problems = []
    if not check_digest(card):
        problems.append("digest: the card was edited after it was written")
    if data is None:
        name = document["dataset"]["name"]
        data = str(shipped("datasets") / name)
        # Only a bundled dataset by its plain name: a card cannot point verify at other local files.
        if Path(name).name != name or name in (".", "..") or not path_exists(data):
            raise DsbenchError("the card's dataset is not bundled; pass --data PATH", source=str(card_path),
                               location="dataset.name")
    options = document.get("options", {})
    evidence = {code: Evidence(e.get("passed"), e.get("evaluated"), e.get("score"), e.get("source", ""))
                for code, e in options.get("evidence", {}).items()}
    generated = options.get("generated_suites", True)
    recorded = [s["id"] for s in document.get("suites", []) if not s["id"].startswith("generated-")]
    again = evaluate(data, standard or document["standard"]["id"], evidence=evidence,
                     suites=list(suites or recorded), generate=generated,
                     encoding=options.get("encoding"), missing_values=options.get("missing_values"),
                     full_evidence=options.get("full_evidence", False))
    fresh = again.document
    listed = [(path, old, new) for path, old, new in differences(document, fresh) if path != "digest"]
    for path, old, new in listed[:MAX_LISTED]:
        problems.append(f"{path}: card has {_short(old)}, re-evaluation gives {_short(new)}")
    if len(listed) > MAX_LISTED:
        problems.append(f"… and {len(listed) - MAX_LISTED} more differences")
    return problems


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:79] + "…"
