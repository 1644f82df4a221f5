"""Draft standards in an organisation's workspace: checked field by field when uploaded, kept as
blobs, and calibrated against published cards (``dsbench calibrate``'s report over the cards the
service holds, without touching any data) or compared with the version they revise."""

from __future__ import annotations

import functools
from typing import Any, Callable

from dsbench.scoring.standard import Standard, StandardError, schema_problems, standard_from_document
from dsbench.service.accounts import new_id
from dsbench.service.database import Transaction, now_ms

SOURCE = "draft"


def check(text: str) -> tuple[Standard | None, list[tuple[str, str]]]:
    """The draft ``text`` (YAML or JSON) as a standard, or its problems as (location, problem): every
    schema problem at once, else the first rule it breaks (a duplicate code, an unknown concern)."""
    from dsbench.files import load_yaml

    try:
        document = load_yaml(text, SOURCE, StandardError)
    except StandardError as error:
        return None, [(error.location or "", error.problem)]
    problems = schema_problems(document)
    if problems:
        return None, problems
    try:
        return standard_from_document(document, SOURCE), []
    except StandardError as error:
        return None, [(error.location or "", error.problem)]


def save(tx: Transaction, blobs: Any, org_id: str, user_id: str, text: str, standard: Standard) -> str:
    draft_id = new_id()
    blob = blobs.put_bytes(text.encode("utf-8"))
    tx.execute("INSERT INTO drafts (id, org_id, standard, version, blob, created_by, created) "
               "VALUES (?, ?, ?, ?, ?, ?, ?)",
               (draft_id, org_id, standard.id, str(standard.version), blob.digest, user_id, now_ms()))
    return draft_id


def listing(tx: Transaction, org_id: str) -> list[dict[str, Any]]:
    return tx.all("SELECT d.id, d.standard, d.version, d.created, d.published, u.name AS author FROM drafts d "
                  "JOIN users u ON u.id = d.created_by WHERE d.org_id = ? ORDER BY d.created DESC, d.id", (org_id,))


def get(tx: Transaction, org_id: str, draft_id: str) -> dict[str, Any] | None:
    return tx.one("SELECT d.id, d.standard, d.version, d.blob, d.created, d.published, u.name AS author FROM drafts d "
                  "JOIN users u ON u.id = d.created_by WHERE d.org_id = ? AND d.id = ?", (org_id, draft_id))


def set_published(tx: Transaction, org_id: str, draft_id: str, published: bool) -> None:
    """Put the draft out for public consultation (listed on its standard's page), or take it back."""
    tx.execute("UPDATE drafts SET published = ? WHERE org_id = ? AND id = ?",
               (now_ms() if published else None, org_id, draft_id))


def public(tx: Transaction, standard_id: str, draft_id: str | None = None) -> list[dict[str, Any]]:
    """The drafts of ``standard_id`` out for consultation (one, given its id), newest first."""
    where, params = ("AND d.id = ?", (standard_id, draft_id)) if draft_id else ("", (standard_id,))
    return tx.all("SELECT d.id, d.standard, d.version, d.blob, d.created, d.published, o.name AS org FROM drafts d "
                  f"JOIN orgs o ON o.id = d.org_id WHERE d.standard = ? AND d.published IS NOT NULL {where} "
                  "ORDER BY d.published DESC, d.id", params)


@functools.lru_cache(maxsize=64)
def _parsed(text: str) -> Standard:
    standard, problems = check(text)
    if standard is None:  # it was checked when saved; the schema or vocabulary changed since
        raise StandardError("; ".join(f"{where}: {what}" for where, what in problems), source=SOURCE)
    return standard


def load(blobs: Any, row: dict[str, Any]) -> Standard:
    return _parsed(blobs.read_bytes(row["blob"]).decode("utf-8"))


def previous(tx: Transaction, blobs: Any, org_id: str, row: dict[str, Any]) -> Standard | None:
    """What the draft revises: the offered standard with its id, else the organisation's draft of
    that id saved before it."""
    from dsbench.service import standards

    offered = standards.standard(row["standard"])
    if offered is not None:
        return offered
    before = tx.one("SELECT id, blob FROM drafts WHERE org_id = ? AND standard = ? AND (created < ? OR "
                    "(created = ? AND id < ?)) ORDER BY created DESC, id DESC LIMIT 1",
                    (org_id, row["standard"], row["created"], row["created"], row["id"]))
    return load(blobs, before) if before else None


def published_cards(tx: Transaction, read: Callable[[str], dict[str, Any]], standard_id: str,
                    campaign: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """The card documents calibration reads, by ``org/dataset@version``: the latest published card of
    each dataset version under ``standard_id``, or, given a campaign, of its datasets under its
    standard version. ``read``: a card blob's digest -> the card document."""
    from dsbench.service import cards

    scored = campaign["standard"] if campaign else standard_id
    return {f"{row['org']}/{row['dataset']}@{row['version']}": read(row["blob"])
            for row in cards.leaderboard(tx, scored, campaign)}
