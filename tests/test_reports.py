"""The golden cards in reports/ are what dsbench computes today, byte for byte (`make reports`
regenerates them). Cards record engine versions, so this holds with the pinned constraints."""

from __future__ import annotations

import pytest

from dsbench.evaluation import evaluate, evaluate_many
from dsbench.scoring.standard import shipped_standards
from tests.conftest import DATASETS, ROOT

BUNDLED = sorted(p.name for p in DATASETS.iterdir() if p.is_dir())
STANDARDS = sorted(shipped_standards())
PAIRS = [(d, s) for d in BUNDLED for s in STANDARDS]


def test_every_bundled_dataset_and_standard_has_a_golden_card():
    missing = [f"{d}/{s}" for d, s in PAIRS if not (ROOT / "reports" / d / s / "card.json").is_file()]
    assert not missing, f"run `make reports`: missing {missing}"


@pytest.mark.parametrize("dataset", BUNDLED)
def test_golden_cards_are_reproduced_byte_for_byte(dataset):
    """All standards at once (the suites run once; `evaluate_many` is what `bench` uses), and one
    standard through `evaluate`, which `make reports` runs: both give the golden bytes."""
    fresh = evaluate_many(DATASETS / dataset, STANDARDS)
    for standard, card in zip(STANDARDS, fresh):
        golden = (ROOT / "reports" / dataset / standard / "card.json").read_text(encoding="utf-8")
        assert card.to_json() == golden, f"reports/{dataset}/{standard}/card.json differs: run `make reports`"
    alone = evaluate(DATASETS / dataset, STANDARDS[0]).to_json()
    assert alone == fresh[0].to_json()
