"""Campaigns: a standards body (an organisation whose evaluators run it) asks datasets to be scored
against one version of a standard. Its organisation invites datasets that have a published card; a
dataset's own organisation submits it. The campaign's leaderboard is the leaderboard of that
standard version restricted to the campaign's datasets (published cards only)."""

from __future__ import annotations

from typing import Any

from dsbench.service.accounts import Caller, new_id
from dsbench.service.database import Transaction, now_ms
from dsbench.service.names import check_slug
from dsbench.service.problems import Problem, forbidden, not_found

MAX_TITLE = 200


def create(tx: Transaction, org_id: str, name: str, title: str, standard: Any) -> dict[str, Any]:
    """A new campaign of ``org_id`` against ``standard`` (a loaded, offered standard) as it is now."""
    check_slug(name, "campaign name")
    title = " ".join(title.split())[:MAX_TITLE] or name
    if tx.one("SELECT 1 FROM campaigns WHERE name = ?", (name,)):
        raise Problem(409, f"a campaign called {name!r} exists already", title="Conflict")
    row = {"id": new_id(), "org_id": org_id, "name": name, "title": title, "standard": standard.id,
           "standard_version": str(standard.version), "created": now_ms()}
    tx.execute("INSERT INTO campaigns (id, org_id, name, title, standard, standard_version, created) "
               "VALUES (?, ?, ?, ?, ?, ?, ?)", tuple(row.values()))
    return row


def get(tx: Transaction, name: str) -> dict[str, Any] | None:
    return tx.one("SELECT c.id, c.org_id, c.name, c.title, c.standard, c.standard_version, c.created, "
                  "o.name AS org FROM campaigns c JOIN orgs o ON o.id = c.org_id WHERE c.name = ?", (name,))


def listing(tx: Transaction, org_id: str | None = None) -> list[dict[str, Any]]:
    """Campaigns newest first (an organisation's, or all), each with its number of datasets."""
    where, params = ("WHERE c.org_id = ?", (org_id,)) if org_id else ("", ())
    return tx.all("SELECT c.id, c.name, c.title, c.standard, c.standard_version, c.created, o.name AS org, "
                  "(SELECT count(*) FROM campaign_datasets e WHERE e.campaign_id = c.id) AS datasets "
                  f"FROM campaigns c JOIN orgs o ON o.id = c.org_id {where} ORDER BY c.created DESC, c.name",
                  params)


def without_cards(tx: Transaction, campaign: dict[str, Any]) -> int:
    """How many of the campaign's datasets have no published card under its standard version yet."""
    return tx.value("SELECT count(*) FROM campaign_datasets e WHERE e.campaign_id = ? AND NOT EXISTS "
                    "(SELECT 1 FROM cards c WHERE c.dataset_id = e.dataset_id AND c.standard = ? AND "
                    "c.standard_version = ? AND c.published IS NOT NULL)",
                    (campaign["id"], campaign["standard"], campaign["standard_version"]))


def entries(tx: Transaction, campaign_id: str) -> list[dict[str, Any]]:
    """The campaign's datasets, with how each joined (for its organisation's members)."""
    return tx.all("SELECT o.name AS org, d.name AS dataset, e.how, e.created FROM campaign_datasets e "
                  "JOIN datasets d ON d.id = e.dataset_id JOIN orgs o ON o.id = d.org_id "
                  "WHERE e.campaign_id = ? ORDER BY o.name, d.name", (campaign_id,))


def add(tx: Transaction, caller: Caller, campaign: dict[str, Any], org: str, dataset: str) -> str:
    """Add ``org/dataset`` to ``campaign``: submitted by a publisher of the dataset's organisation, or
    invited by an evaluator of the campaign's, if the dataset has a published card (so that an
    invitation reveals nothing private). Returns how it joined; adding twice changes nothing."""
    row = tx.one("SELECT d.id, d.org_id, EXISTS (SELECT 1 FROM cards c WHERE c.dataset_id = d.id AND "
                 "c.published IS NOT NULL) AS public FROM datasets d JOIN orgs o ON o.id = d.org_id "
                 "WHERE o.name = ? AND d.name = ?", (org, dataset))
    if row is not None and caller.may(row["org_id"], "publish"):
        how = "submitted"
    elif row is not None and row["public"] and caller.may(campaign["org_id"], "standards"):
        how = "invited"
    elif row is not None and row["org_id"] in caller.roles:
        raise forbidden("publisher or admin")
    else:  # missing, private or not the caller's to add: the same answer
        raise not_found("dataset with a published card")
    join(tx, campaign["id"], row["id"], how)
    return how


def join(tx: Transaction, campaign_id: str, dataset_id: str, how: str) -> None:
    tx.execute("INSERT INTO campaign_datasets (campaign_id, dataset_id, how, created) VALUES (?, ?, ?, ?) "
               "ON CONFLICT (campaign_id, dataset_id) DO NOTHING", (campaign_id, dataset_id, how, now_ms()))
