"""Comparing cards: field-level differences (for verify) and score changes (for diff)."""

from __future__ import annotations

from typing import Any, Iterator


def differences(old: Any, new: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """Every leaf that differs between two JSON documents, as (path, old, new)."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            where = f"{path}.{key}" if path else key
            if key not in old or key not in new:
                yield where, old.get(key), new.get(key)
            else:
                yield from differences(old[key], new[key], where)
    elif isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            yield f"{path}.length", len(old), len(new)
        for index, (a, b) in enumerate(zip(old, new)):
            yield from differences(a, b, f"{path}[{index}]")
    elif old != new or type(old) is not type(new):
        yield path, old, new


def score_changes(old: dict, new: dict) -> dict[str, list]:
    """What changed between two cards of the same dataset or standard, for people."""
    changes: dict[str, list] = {"score": [], "indicators": [], "expectations": []}
    for key in ("score", "grade", "passed"):
        if old.get(key) != new.get(key):
            changes["score"].append((key, old.get(key), new.get(key)))

    def indicators(card: dict) -> dict[str, dict]:
        return {i["code"]: i for d in card.get("dimensions", []) for i in d["indicators"]}

    before, after = indicators(old), indicators(new)
    for code in sorted(set(before) | set(after)):
        a, b = before.get(code, {}), after.get(code, {})
        if (a.get("score"), a.get("status")) != (b.get("score"), b.get("status")):
            changes["indicators"].append((code, a.get("score"), b.get("score"), a.get("status"), b.get("status")))

    def results(card: dict) -> dict[str, dict]:
        return {r["id"]: r for r in card.get("results", [])}

    was, now = results(old), results(new)
    for rid in sorted(set(was) | set(now)):
        a, b = was.get(rid), now.get(rid)
        if a is None or b is None or a["success"] != b["success"] or a["measure"] != b["measure"]:
            changes["expectations"].append((rid, None if a is None else a["success"],
                                            None if b is None else b["success"]))
    return changes
