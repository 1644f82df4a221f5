"""The leaderboard of a corpus: one row per dataset × standard, ranked within each standard.

Its CSV, Markdown and HTML renderings are :mod:`dsbench.render.leaderboard`'s.
Rows are read from the cards alone (and the one-line errors of pairs that have none). Within a
standard, rows are sorted by score (highest first), then dataset name; equal scores share a rank
(1, 2, 2, 4); pairs without a score — failed, or nothing applicable — come last, unranked.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping, Sequence

from dsbench.render._shared import card_number
from dsbench.scoring.standard import Standard


@dataclass(frozen=True)
class Row:
    standard: str
    dataset: str
    rank: int | None
    score: float | None
    grade: str | None
    passed: bool | None
    dimensions: dict[str, float | None]  # dimension id -> score
    error: str | None = None


def leaderboard_rows(standards: Sequence[Standard], cards: Mapping[tuple[str, str], Path],
                     errors: Mapping[tuple[str, str], str]) -> list[Row]:
    """The ranked rows of every (dataset, standard id) in ``cards`` (card paths) and ``errors``
    (messages), standard by standard in the given order."""
    from dsbench.cards.card import CardError, ScoreCard

    rows = []
    for standard in standards:
        unranked = []
        for (dataset, standard_id), path in cards.items():
            if standard_id != standard.id:
                continue
            try:
                card = ScoreCard.load(path).document
            except CardError as error:
                unranked.append(Row(standard.id, dataset, None, None, None, None, {}, str(error)))
                continue
            dimensions = {d["id"]: card_number(d.get("score")) for d in card.get("dimensions", [])}
            unranked.append(Row(standard.id, dataset, None, card_number(card.get("score")), card.get("grade"),
                                card.get("passed"), dimensions))
        unranked += [Row(standard.id, dataset, None, None, None, None, {}, message)
                     for (dataset, standard_id), message in errors.items() if standard_id == standard.id]
        rows.extend(_ranked(unranked))
    return rows


def _ranked(rows: list[Row]) -> list[Row]:
    scored = sorted((r for r in rows if r.score is not None), key=lambda r: (-r.score, r.dataset))
    ranked = []
    for position, row in enumerate(scored, 1):
        tied = ranked and ranked[-1].score == row.score
        ranked.append(replace(row, rank=ranked[-1].rank if tied else position))
    rest = sorted((r for r in rows if r.score is None), key=lambda r: (r.error is not None, r.dataset))
    return ranked + rest


def write_leaderboard(out_dir: Path, rows: Sequence[Row], standards: Sequence[Standard],
                      lang: str = "en") -> list[Path]:
    """Render all three (:func:`dsbench.render.leaderboard.render_leaderboard`), then write each
    atomically."""
    from dsbench.render import write_all
    from dsbench.render.leaderboard import render_leaderboard

    return write_all(out_dir, render_leaderboard(rows, standards, lang))


__all__ = ["Row", "leaderboard_rows", "write_leaderboard"]
