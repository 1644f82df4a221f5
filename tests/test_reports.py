"""The golden cards in reports/ are what dsbench computes today, byte for byte (`make reports`
regenerates them). Cards record engine versions, so this holds with the pinned constraints."""

from __future__ import annotations

import pytest

from dsbench.evaluation import evaluate
from dsbench.standard import shipped_standards
from tests.conftest import DATASETS, ROOT

BUNDLED = sorted(p.name for p in DATASETS.iterdir() if p.is_dir())
PAIRS = [(d, s) for d in BUNDLED for s in shipped_standards()]


def test_every_bundled_dataset_and_standard_has_a_golden_card():
    missing = [f"{d}/{s}" for d, s in PAIRS if not (ROOT / "reports" / d / s / "card.json").is_file()]
    assert not missing, f"run `make reports`: missing {missing}"


@pytest.mark.parametrize("dataset, standard", PAIRS)
def test_golden_card_is_reproduced_byte_for_byte(dataset, standard):
    golden = (ROOT / "reports" / dataset / standard / "card.json").read_text(encoding="utf-8")
    fresh = evaluate(DATASETS / dataset, standard).to_json()
    assert fresh == golden, f"reports/{dataset}/{standard}/card.json differs: run `make reports`"
