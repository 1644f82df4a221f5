"""Every concern a shipped standard binds is produced by some generated or shipped suite, so that
no data indicator is not-applicable merely because nothing could ever measure it."""

from __future__ import annotations

import dsbench
from dsbench.expectations.registry import get_expectation_type
from dsbench.suites.generated import generated_suites
from dsbench.scoring.standard import concern_vocabulary, load_standard, shipped_standards
from dsbench.suites.model import Suite, shipped_suites
from tests.conftest import DATASETS
from tests.test_splits import SPLITS

# Concerns whose checks belong to later work, with the issue that brings them. The test fails when
# one of them starts being produced (remove it here) or when another concern is left unproduced.
LATER = {
    "compliance.content_safety": "#7 AI training data: illegal or harmful content (TC609 0202) needs a "
                                 "reviewed lexicon or sampled review (external evidence)",
    "consistency.crossmodal": "#7 AI training data: consistency across modalities (TC609 0206) needs "
                              "multimodal records and a model",
    "timeliness.update": "#8 history: update frequency needs the record of earlier versions",
}


def produced_concerns() -> set[str]:
    suites = [Suite.from_file(path) for path in shipped_suites().values()]
    # The bundled datasets, and a fixture with train/validation/test splits (which none of them has).
    for path in sorted(p for p in DATASETS.iterdir() if p.is_dir()) + [SPLITS]:
        with dsbench.load_dataset(path) as dataset:
            suites += generated_suites(dataset)
    return {e.concern or get_expectation_type(e.type).default_concern for s in suites for e in s.expectations}


def bound_concerns() -> dict[str, list[str]]:
    bound: dict[str, list[str]] = {}
    for name in shipped_standards():
        for _, indicator in load_standard(name).indicators():
            if not indicator.external:
                for concern in indicator.concerns:
                    bound.setdefault(concern, []).append(f"{name}:{indicator.code}")
    return bound


def test_every_bound_concern_is_produced_or_planned():
    produced, bound = produced_concerns(), bound_concerns()
    unproduced = {c: where for c, where in bound.items() if c not in produced}
    assert set(unproduced) == set(LATER), {c: unproduced.get(c) for c in set(unproduced) ^ set(LATER)}


def test_every_concern_used_is_in_the_vocabulary():
    vocabulary = concern_vocabulary()
    assert produced_concerns() <= set(vocabulary)
    assert set(bound_concerns()) <= set(vocabulary)
    for name in shipped_standards():
        assert load_standard(name).concerns() <= set(vocabulary)
