"""verify: re-run a card's evaluation from its recorded inputs and list every difference, the
differences in content (data, inputs, scores, results) before those that only name or locate the data."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dsbench.cards.compare import Difference, card_differences, load_card
from dsbench.data.files import path_exists
from dsbench.errors import DsbenchError
from dsbench.files import shipped
from dsbench.cards.failing_rows import without_failing_rows
from dsbench.cards.card import check_digest
from dsbench.scoring.score import Evidence

MAX_LISTED = 50
EDITED = "digest: the card was edited after it was written"


@dataclass
class Verification:
    """What verify found: whether the card was edited after it was written, and every field that
    differs from a re-evaluation (content first, see :func:`dsbench.cards.compare.card_differences`)."""
    edited: bool = False
    differences: list[Difference] = field(default_factory=list)

    def __bool__(self) -> bool:
        """True when the card is verified: not edited, and nothing differs."""
        return not self.edited and not self.differences

    @property
    def content(self) -> list[Difference]:
        return [d for d in self.differences if not d.naming]

    def lines(self, limit: int = MAX_LISTED) -> list[str]:
        """One line per problem: the edit first, then at most ``limit`` differences and how many more."""
        lines = [EDITED] if self.edited else []
        for difference in self.differences[:limit]:
            lines.append(f"{difference.path}: card has {_short(difference.old)}, "
                         f"re-evaluation gives {_short(difference.new)}")
        if len(self.differences) > limit:
            lines.append(f"… and {len(self.differences) - limit} more differences")
        return lines


def verify(card_path: str | Path, *, data: str | None = None, standard: str | None = None,
           suites: list[str] | None = None) -> Verification:
    """Re-evaluate a card from its recorded inputs (dataset, standard, suites, evidence, options)."""
    from dsbench.evaluation import EvaluationOptions, evaluate

    card = load_card(card_path)
    document = card.document
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
    # The suites a person gave; the generated ones (generated-data-<table>, generated-manifest-…) are
    # generated again.
    recorded = [s["id"] for s in document.get("suites", []) if not s["id"].startswith("generated-")]
    again = evaluate(data, standard or document["standard"]["id"], evidence=evidence,
                     suites=list(suites or recorded), options=EvaluationOptions.from_record(options))
    # Written failing rows only locate files: a re-evaluation writes none.
    recorded_content = without_failing_rows(document)
    return Verification(edited=not check_digest(card), differences=card_differences(recorded_content, again.document))


def verify_card(card_path: str | Path, *, data: str | None = None, standard: str | None = None,
                suites: list[str] | None = None) -> list[str]:
    """The problems :func:`verify` found, as lines (empty when the card is verified)."""
    return verify(card_path, data=data, standard=standard, suites=suites).lines()


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:79] + "…"
