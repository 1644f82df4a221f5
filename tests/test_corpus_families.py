"""The issue's demonstration: a corpus of a bundled dataset and its injected variants (families of
one defect kind at increasing rates, made by `dsbench inject`), benchmarked by `dsbench bench`: each
family ranks in order of its defect rate, under both standards; and `calibrate` on that corpus
flags an indicator made non-discriminating on purpose."""

from __future__ import annotations

import csv
import json

import pytest

from dsbench.corpus.calibration import calibrate_cards
from dsbench.corpus.inject import inject
from tests.conftest import DATASETS, ROOT, run_cli

RATES = (0.02, 0.1, 0.3)
KINDS = ("nulls", "duplicates", "out_of_range")
STANDARDS = ("gbt-36344-2018", "iso-iec-5259-2")


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    root = tmp_path_factory.mktemp("families")
    names = ["penguins"]
    for kind in KINDS:
        for rate in RATES:
            name = f"penguins-{kind}-{rate}"
            inject(DATASETS / "penguins", root / name, seed=11, **{kind: rate})
            names.append(name)
    listing = root / "corpus.yaml"
    listing.write_text(f"- {DATASETS / 'penguins'}\n" + "".join(f"- {n}\n" for n in names[1:]), encoding="utf-8")
    out = root / "bench"
    done = run_cli("bench", str(listing), *[a for s in STANDARDS for a in ("--standard", s)], "-o", str(out),
                   "--jobs", "2")
    assert done.code == 0, done.err
    return out


@pytest.mark.parametrize("standard", STANDARDS)
@pytest.mark.parametrize("kind", KINDS)
def test_each_family_ranks_in_order_of_defect_rate(bench, standard, kind):
    with open(bench / "leaderboard.csv", encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["standard"] == standard]
    family = ["penguins"] + [f"penguins-{kind}-{rate}" for rate in RATES]
    ranked = [r["dataset"] for r in rows if r["dataset"] in family]
    assert ranked == family
    scores = [float(r["score"]) for r in rows if r["dataset"] in family]
    assert all(a > b for a, b in zip(scores, scores[1:]))


def test_calibrate_flags_the_indicator_made_non_discriminating(bench):
    """The test standard binds one indicator to completeness.field, which every variant meets in
    full (injection keeps every column): calibrate names it, and no other indicator."""
    cards = {p.parent.parent.name: json.loads(p.read_text(encoding="utf-8"))
             for p in sorted((bench / "cards").glob("*/gbt-36344-2018/card.json"))}
    assert len(cards) == 1 + len(KINDS) * len(RATES)
    report = calibrate_cards(ROOT / "tests" / "data" / "standards" / "draft-nondiscriminating.yaml", cards)
    flagged = [i["code"] for i in report.document["indicators"] if "non_discriminating" in i["flags"]]
    assert flagged == ["C-FLD"]
