"""Cards the service holds: written once by a worker, addressed by their digest, private to their
organisation until published; leaderboards and histories are read from them."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Callable

from dsbench.service.database import Transaction, now_ms

CARD_COLUMNS = ("c.org_id, c.digest, c.standard, c.standard_version, c.score, c.grade, c.passed, "
                "c.software_version, c.blob, c.renderings, c.published, c.created, d.name AS dataset, "
                "v.label AS version, o.name AS org, c.dataset_id, c.dimensions AS dimension_scores")
CARD_FROM = ("FROM cards c JOIN datasets d ON d.id = c.dataset_id JOIN versions v ON v.id = c.version_id "
             "JOIN orgs o ON o.id = c.org_id")


def keep(tx: Transaction, *, org_id: str, dataset_id: str, version_id: str, document: dict[str, Any],
         blob: str, renderings: dict[str, Any], publish: bool) -> None:
    """Hold the card (its document, stored as ``blob``) for the organisation; a card it holds
    already (same digest) stays as it is, but may become published."""
    now = now_ms()
    tx.execute(
        "INSERT INTO cards (org_id, digest, dataset_id, version_id, standard, standard_version, score, grade, passed, "
        "software_version, blob, renderings, published, created, dimensions) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org_id, digest) DO NOTHING",
        (org_id, document["digest"], dataset_id, version_id, document["standard"]["id"],
         str(document["standard"]["version"]), _number(document.get("score")), document.get("grade"),
         int(bool(document.get("passed"))), document["engine"]["dsbench"], blob,
         json.dumps(renderings, sort_keys=True), now if publish else None, now,
         json.dumps(dimension_scores(document), sort_keys=True)))
    if publish:
        tx.execute("UPDATE cards SET published = ? WHERE org_id = ? AND digest = ? AND published IS NULL",
                   (now, org_id, document["digest"]))


def dimension_scores(document: dict[str, Any]) -> dict[str, list]:
    """A card's dimensions: code -> [score, status] (the leaderboards' columns)."""
    return {d.get("code"): [d.get("score"), d.get("status")] for d in document.get("dimensions", [])
            if isinstance(d, dict)}


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) else None


def visible(tx: Transaction, digest: str, org_ids: list[str], site_admin: bool = False) -> dict[str, Any] | None:
    """The card ``digest`` if it is published, or held by one of ``org_ids``; else None (404)."""
    rows = tx.all(f"SELECT {CARD_COLUMNS} {CARD_FROM} WHERE c.digest = ? ORDER BY c.published IS NULL, c.created",
                  (digest,))
    for row in rows:
        if row["published"] is not None or site_admin or row["org_id"] in org_ids:
            return row
    return None


def held(tx: Transaction, org_id: str, digest: str) -> dict[str, Any] | None:
    return tx.one(f"SELECT {CARD_COLUMNS} {CARD_FROM} WHERE c.org_id = ? AND c.digest = ?", (org_id, digest))


def listing(tx: Transaction, org_id: str | None, before: tuple[int, str] | None, limit: int,
            standard: str | None = None, dataset_id: str | None = None) -> list[dict[str, Any]]:
    """Cards newest first: an organisation's, or (``org_id`` None) the published ones."""
    created, digest = before or (2 ** 62, "")
    where = ["(c.created < ? OR (c.created = ? AND c.digest < ?))"]
    params: list[Any] = [created, created, digest or "~"]
    if org_id is None:
        where.append("c.published IS NOT NULL")
    else:
        where.append("c.org_id = ?")
        params.append(org_id)
    if standard:
        where.append("c.standard = ?")
        params.append(standard)
    if dataset_id:
        where.append("c.dataset_id = ?")
        params.append(dataset_id)
    return tx.all(f"SELECT {CARD_COLUMNS} {CARD_FROM} WHERE {' AND '.join(where)} "
                  "ORDER BY c.created DESC, c.digest DESC LIMIT ?", (*params, limit))


def set_published(tx: Transaction, org_id: str, digest: str, published: bool) -> None:
    tx.execute("UPDATE cards SET published = ? WHERE org_id = ? AND digest = ?",
               (now_ms() if published else None, org_id, digest))


def leaderboard(tx: Transaction, standard: str, campaign: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The latest published card of each published dataset version against ``standard``, best first
    (equal scores share a rank; cards without a score come last, unranked); of a campaign's datasets
    and standard version only, given one."""
    where, params = "c.standard = ?", [standard]
    if campaign is not None:
        where += (" AND c.standard_version = ? AND c.dataset_id IN "
                  "(SELECT dataset_id FROM campaign_datasets WHERE campaign_id = ?)")
        params += [campaign["standard_version"], campaign["id"]]
    rows = tx.all(f"SELECT {CARD_COLUMNS} {CARD_FROM} WHERE {where} AND c.published IS NOT NULL "
                  "ORDER BY c.published DESC", tuple(params))
    latest: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in rows:
        latest.setdefault((row["org"], row["dataset"], row["version"]), row)
    ordered = sorted(latest.values(), key=lambda r: (r["score"] is None, -(r["score"] or 0), r["org"], r["dataset"],
                                                     r["version"]))
    ranked, previous, rank = [], None, 0
    for position, row in enumerate(ordered, 1):
        if row["score"] is not None and row["score"] != previous:
            rank, previous = position, row["score"]
        ranked.append({**row, "rank": rank if row["score"] is not None else None})
    return ranked


def history(tx: Transaction, org_id: str, dataset_id: str, standard: str,
            read: Callable[[str], dict[str, Any]]) -> Any:
    """The dataset's cards against ``standard``, oldest first, as a history report with the latest
    checked against its band (:mod:`dsbench.store.history`); None without cards. ``read``: a card
    blob's digest -> the card document."""
    from dsbench.store.history import DEFAULT_MIN_RUNS, DEFAULT_SIGMA, HistoryReport, check_latest
    from dsbench.store.runs import Run, card_metrics

    rows = tx.all("SELECT digest, blob, created FROM cards WHERE org_id = ? AND dataset_id = ? AND standard = ? "
                  "ORDER BY created, digest", (org_id, dataset_id, standard))
    runs = []
    for number, row in enumerate(rows, 1):
        document = read(row["blob"])
        runs.append(Run(number, datetime.fromtimestamp(row["created"] / 1000, timezone.utc).replace(tzinfo=None),
                        document["dataset"]["name"], document["dataset"]["fingerprint"], row["digest"],
                        standard, str(document["standard"]["version"]), document["engine"]["dsbench"],
                        float(document.get("scale", 100.0)), _number(document.get("score")), document.get("grade"),
                        bool(document.get("passed")), tuple(card_metrics(document))))
    if not runs:
        return None
    baseline, checks = check_latest(runs, DEFAULT_SIGMA, DEFAULT_MIN_RUNS)
    return HistoryReport("service", runs[-1].dataset, standard, tuple(runs), baseline, checks, DEFAULT_SIGMA,
                         DEFAULT_MIN_RUNS)
