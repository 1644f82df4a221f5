"""Score cards: the canonical, digested record of one dataset evaluated against one standard.

A card is a pure function of the data bytes, manifest, standard, suites, evidence, options and the
versions of dsbench, DuckDB and pyarrow. Its JSON is canonical: keys sorted, UTF-8, floats rounded
to a fixed number of significant digits, every list in a stable order. ``digest`` is the sha256 of
the canonical bytes of the card without ``digest``. Timings never enter the card.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict
from pathlib import Path
from typing import Any

from dsbench.data.files import file_digest
from dsbench.errors import DsbenchError
from dsbench.files import map_floats, non_finite_text

CARD_VERSION = "2"
SIGNIFICANT_DIGITS = 10


class CardError(DsbenchError):
    """A card file is unreadable or not a dsbench card."""


def rounded(value: Any) -> Any:
    """Round every float to SIGNIFICANT_DIGITS so that last-bit differences of parallel float
    reductions cannot change the bytes of a card."""
    return map_floats(value, _rounded)


def _rounded(number: float) -> float | str:
    if not math.isfinite(number):
        return non_finite_text(number)
    return float(f"{number:.{SIGNIFICANT_DIGITS}g}") + 0.0  # + 0.0 turns -0.0 into 0.0


def canonical_bytes(document: dict) -> bytes:
    return _dumped(rounded(document))


def digest_of(document: dict) -> str:
    return _digest_of_rounded(rounded(document))


def _dumped(rounded_document: dict) -> bytes:
    return (json.dumps(rounded_document, sort_keys=True, ensure_ascii=False, indent=1,
                       allow_nan=False) + "\n").encode("utf-8")


def _digest_of_rounded(rounded_document: dict) -> str:
    body = {k: v for k, v in rounded_document.items() if k != "digest"}
    return "sha256:" + hashlib.sha256(_dumped(body)).hexdigest()


def file_sha256(path: Path) -> str:
    """The file's sha256 as a card records it: ``sha256:<hex>``."""
    return "sha256:" + file_digest(path)


class ScoreCard:
    """A card document with convenient accessors. ``to_json()`` gives the canonical bytes."""

    def __init__(self, document: dict):
        self.document = rounded(document)
        self.document["digest"] = _digest_of_rounded(self.document)

    @property
    def score(self) -> float | None:
        return self.document["score"]

    @property
    def grade(self) -> str | None:
        return self.document["grade"]

    @property
    def passed(self) -> bool:
        return self.document["passed"]

    @property
    def digest(self) -> str:
        return self.document["digest"]

    def to_json(self) -> str:
        return _dumped(self.document).decode("utf-8")

    def save(self, path: str | Path) -> Path:
        from dsbench.files import write_atomic

        write_atomic(path, self.to_json())
        return Path(path)

    @classmethod
    def load(cls, path: str | Path) -> "ScoreCard":
        """Read a card as written, without recomputing its digest (see :func:`check_digest`)."""
        try:
            document = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise CardError(f"cannot read card: {error}", source=str(path)) from None
        except json.JSONDecodeError as error:
            raise CardError(f"invalid JSON at line {error.lineno}: {error.msg}", source=str(path)) from None
        except RecursionError:
            raise CardError("invalid JSON: nested too deeply", source=str(path)) from None
        except ValueError as error:  # an integer beyond Python's digit limit
            raise CardError(f"invalid JSON: {' '.join(str(error).split())}", source=str(path)) from None
        if not isinstance(document, dict) or document.get("card_version") != CARD_VERSION:
            raise CardError(f"not a dsbench card (card_version {CARD_VERSION})", source=str(path))
        card = cls.__new__(cls)
        card.document = document
        return card

    def _repr_html_(self) -> str:
        """A compact summary for Jupyter."""
        from dsbench.render.html import compact

        return compact(self.document, "en")


def check_digest(card: ScoreCard) -> bool:
    return card.document.get("digest") == digest_of(card.document)


def scores_document(scores: Any, standard: Any) -> dict[str, Any]:
    """The score part of a card, from scoring.Scores, with what explains it: the standard's grade
    bands, each gate's threshold and observed value, weights and their effective shares."""
    return {
        "scale": scores.scale,
        "score": scores.score,
        "grade": scores.grade,
        "score_grade": scores.score_grade,
        "passed": scores.passed,
        "levels": [{"grade": level.grade, "name": level.name, "min_score": level.min_score,
                    "min_indicator_score": level.min_indicator_score} for level in standard.levels],
        "gates": [asdict(g) for g in scores.gates],
        "dimensions": [
            {"code": d.code, "id": d.id, "name": d.name, "weight": d.weight, "effective_weight": d.effective_weight,
             "status": d.status, "score": d.score, "indicators": [asdict(i) for i in d.indicators]}
            for d in scores.dimensions],
    }
