"""The failing-rows files a card names (see dsbench.validation.rows): linked relative to where the
card is written, and left out to compare a card with a re-evaluation that wrote none."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from dsbench.cards.card import ScoreCard


def link_failing_rows(document: dict[str, Any], directory: str | Path, card_directory: str | Path) -> dict[str, Any]:
    """The card ``document`` with the failing-rows directory recorded relative to the card's own
    directory (``options.failing_rows.directory``, POSIX separators) and each result's file as a
    link relative to the card (``failing_rows.href``), which renderings use as it is; the same
    places give the same bytes."""
    relative = Path(os.path.relpath(Path(directory).resolve(), Path(card_directory).resolve())).as_posix()
    options = dict(document.get("options", {}))
    options["failing_rows"] = {**options.get("failing_rows", {}), "directory": relative}
    results = []
    for result in document.get("results", []):
        found = result.get("failing_rows")
        if isinstance(found, dict) and found.get("file"):
            result = {**result, "failing_rows": {**found, "href": quote(f"{relative}/{found['file']}")}}
        results.append(result)
    return {**{k: v for k, v in document.items() if k != "digest"}, "options": options, "results": results}


def without_failing_rows(document: dict[str, Any]) -> dict[str, Any]:
    """The card ``document`` without what only locates written failing rows, and with the digest
    it then has (for comparing a card with a re-evaluation that wrote none)."""
    if "failing_rows" not in document.get("options", {}):
        return document
    options = {k: v for k, v in document["options"].items() if k != "failing_rows"}
    results = [{k: v for k, v in r.items() if k != "failing_rows"} for r in document.get("results", [])]
    body = {k: v for k, v in document.items() if k != "digest"}
    return ScoreCard({**body, "options": options, "results": results}).document
