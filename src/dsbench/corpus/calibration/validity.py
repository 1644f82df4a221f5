"""Validity of a standard's indicators on a corpus: does each move with its defects, and only with them?

For each dataset of the corpus (a card in the corpus is listed as skipped: injecting defects needs
the data), in a worker process:

- each defect family of :mod:`dsbench.corpus.inject` (nulls, duplicates, out-of-range values, label flips)
  is injected on its own, at one rate (default DEFAULT_RATE) and seed, into a temporary directory,
  and the copy is evaluated under the draft standard;
- the dataset is evaluated again with every generated check duplicated (a copy of each generated
  suite under another name, DUPLICATE_PREFIX + its name).

Both are compared with the dataset's card of the calibration run. Per indicator and family, on each
dataset where the family could be injected, the indicator is **lowered** (scored on both, a lower
score), **raised** (a higher score), **made applicable or not applicable** (scored on one side
only) or **unchanged**. Over the corpus an indicator is **insensitive to** a family when the family
changed it on no dataset it was injected into; a family injected into no dataset is *untested*
and appears in no list. **Raised by a defect** (flag ``raised_by_defect``) is a validity failure:
the data got worse and the indicator says it got better. **Moved by duplicated checks** (flag
``moved_by_duplicated_checks``) is one too: an exact copy of a check must change nothing (status,
A, B, score, coverage). The overall score of every run is reported as well, and an overall score
raised by an injected defect is listed.

Datasets whose corpus entry gives a separate manifest, an encoding or missing-value tokens are
skipped with that reason: :func:`dsbench.corpus.inject.inject` reads a dataset with its own manifest and
default options only, so its copy would not be the same data with one defect more.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Any, Sequence

from dsbench.corpus.calibration.items import CardItem
from dsbench.corpus.calibration.numbers import report_number
from dsbench.errors import DsbenchError

FAMILIES = ("nulls", "duplicates", "out_of_range", "label_flips")
DEFAULT_RATE = 0.05
SEED = 0
DUPLICATE_PREFIX = "duplicate-of-"
DUPLICATED = "duplicated_checks"  # the run with every generated check duplicated
FIELDS = ("status", "passed", "evaluated", "score", "coverage")  # what a duplicated check may not move


def check_rate(rate: Any) -> float:
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not math.isfinite(rate) or not 0 < rate <= 1:
        raise DsbenchError(f"--validity-rate must be a rate above 0 and at most 1, got {rate!r}")
    return float(rate)


def duplicated_suites(suites: Sequence[Any]) -> list[Any]:
    """A copy of each suite under another name: every check exactly once more."""
    return [suite.model_copy(update={"name": DUPLICATE_PREFIX + suite.name}, deep=True) for suite in suites]


def indicator_values(card: dict) -> dict[str, dict[str, Any]]:
    """Per indicator code: status, A, B, score and coverage of a card document."""
    return {i["code"]: {key: i.get(key) for key in FIELDS} for d in card["dimensions"] for i in d["indicators"]}


def _run(card: dict) -> dict[str, Any]:
    return {"score": card["score"], "grade": card["grade"], "passed": card["passed"],
            "indicators": indicator_values(card)}


def injected_data(data: str, output: Path) -> Path:
    """What to evaluate of an injected copy: the directory when the data was one (its manifest came
    along), else the one table file written."""
    if Path(data).is_dir():
        return output
    truth = json.loads((output / "injection.json").read_text(encoding="utf-8"))
    files = [table["file"] for table in truth["tables"].values() if "file" in table]
    return output / files[0] if len(files) == 1 else output


def skip_reason(entry: Any) -> str | None:
    """Why a corpus entry cannot be injected faithfully, or None."""
    given = [name for name, value in (("a separate manifest", entry.manifest), ("an encoding", entry.encoding),
                                      ("missing-value tokens", entry.missing_values)) if value is not None]
    if given:
        return (f"the corpus gives {' and '.join(given)}; defects are injected into a dataset read with its "
                "own manifest and default options only")
    return None


def probe_entry(entry: Any, standard: Any, rate: float, seed: int,
                threads: int | None) -> tuple[dict | None, str | None]:
    """The runs of one dataset (see the module docstring), or the one-line reason they could not be
    made (returned, not raised: an error crossing a process boundary loses its type and fields)."""
    from dsbench.backends import load_dataset
    from dsbench.data.dataset import LoadOptions
    from dsbench.evaluation import evaluate_many
    from dsbench.suites.generated import generated_suites
    from dsbench.corpus.inject import inject

    try:
        with load_dataset(entry.path, options=LoadOptions(threads=threads)) as dataset:
            generated = generated_suites(dataset)
        runs = {DUPLICATED: _run(evaluate_many(entry.path, [standard], suites=duplicated_suites(generated),
                                               threads=threads)[0].document)}
        injected, not_injected = {}, {}
        with tempfile.TemporaryDirectory(prefix="dsbench-validity-") as scratch:
            for family in FAMILIES:
                output = Path(scratch) / family
                try:
                    done = inject(entry.path, output, seed=seed, threads=threads, **{family: rate})
                except DsbenchError as error:  # the dataset has nothing this family can go into
                    not_injected[family] = " ".join(str(error).split())
                    continue
                injected[family] = done.counts.get(family, 0)
                card = evaluate_many(injected_data(entry.path, output), [standard], threads=threads)[0].document
                runs[family] = _run(card)
    except DsbenchError as error:
        return None, str(error) if error.source else f"{entry.path}: {error}"
    except Exception as error:  # noqa: BLE001 - reported as this dataset's problem, on one line
        return None, f"{entry.path}: cannot probe validity: {type(error).__name__}: {' '.join(str(error).split())}"
    return {"runs": runs, "injected": injected, "not_injected": not_injected}, None


def probe_items(items: Sequence[Any], standard: Any, rate: float, seed: int = SEED,
                jobs: int | None = None) -> list[dict | None]:
    """The runs of each corpus item that can be probed (None for the others), in order, in ``jobs``
    worker processes like :func:`dsbench.corpus.calibration.items.evaluate_items`."""
    from dsbench.corpus.bench import spawn_pool, worker_share

    todo = [item for item in items if not isinstance(item, CardItem) and skip_reason(item) is None]
    workers, threads = worker_share(jobs, len(todo))
    if workers > 1:
        with spawn_pool(workers) as pool:
            outcomes = list(pool.map(probe_entry, todo, [standard] * len(todo), [rate] * len(todo),
                                     [seed] * len(todo), [threads] * len(todo)))
    else:
        outcomes = [probe_entry(item, standard, rate, seed, None) for item in todo]
    problem = next((message for _, message in outcomes if message), None)
    if problem:
        raise DsbenchError(problem)
    made = {id(item): probed for item, (probed, _) in zip(todo, outcomes)}
    return [made.get(id(item)) for item in items]


def _effect(before: dict[str, Any], after: dict[str, Any]) -> str:
    """lowered | raised | applicability | unchanged, of one indicator between two runs."""
    counted = ("scored", "external")
    was, now = before["status"] in counted, after["status"] in counted
    if was != now:
        return "applicability"
    if not was or after["score"] == before["score"]:
        return "unchanged"
    return "lowered" if after["score"] < before["score"] else "raised"


def validity_section(standard: Any, names: Sequence[str], clean: Sequence[dict | None],
                     probed: Sequence[dict | None], skipped: Sequence[dict[str, str]], rate: float,
                     seed: int = SEED) -> dict[str, Any]:
    """The JSON section: ``clean`` (the calibration's cards) and ``probed`` (from
    :func:`probe_items`) per dataset name, None where the item was not probed; ``skipped`` lists
    those, with why."""
    rows = [(name, card, runs) for name, card, runs in zip(names, clean, probed) if runs is not None]
    datasets = []
    for name, card, runs in rows:
        base = _run(card)
        scores = {"clean": report_number(base["score"]), DUPLICATED: report_number(runs["runs"][DUPLICATED]["score"])}
        scores.update({family: report_number(runs["runs"][family]["score"]) if family in runs["runs"] else None
                       for family in FAMILIES})
        datasets.append({"name": name, "injected": runs["injected"], "not_injected": runs["not_injected"],
                         "scores": scores,
                         "overall_raised": [f for f in FAMILIES if f in runs["runs"] and base["score"] is not None
                                            and runs["runs"][f]["score"] is not None
                                            and runs["runs"][f]["score"] > base["score"]]})
    tested = [f for f in FAMILIES if any(f in runs["runs"] for _, _, runs in rows)]
    indicators = []
    for dimension, indicator in standard.indicators():
        code = indicator.code
        by_family: dict[str, dict[str, list[str]]] = {
            f: {"lowered": [], "raised": [], "applicability": []} for f in FAMILIES}
        moved, per_dataset = [], {}
        for name, card, runs in rows:
            before = indicator_values(card)[code]
            values = {"clean": report_number(before["score"])}
            duplicated = runs["runs"][DUPLICATED]["indicators"][code]
            if any(duplicated[key] != before[key] for key in FIELDS):
                moved.append(name)
            values[DUPLICATED] = report_number(duplicated["score"])
            for family in FAMILIES:
                if family not in runs["runs"]:
                    values[family] = None
                    continue
                after = runs["runs"][family]["indicators"][code]
                values[family] = report_number(after["score"])
                effect = _effect(before, after)
                if effect != "unchanged":
                    by_family[family][effect].append(name)
            per_dataset[name] = values
        flags = []
        if any(by_family[f]["raised"] for f in FAMILIES):
            flags.append("raised_by_defect")
        if moved:
            flags.append("moved_by_duplicated_checks")
        indicators.append({
            "code": code, "dimension": dimension.code, "concerns": list(indicator.concerns),
            "external": indicator.external,
            "lowered_by": [f for f in tested if by_family[f]["lowered"]],
            "raised_by": [f for f in tested if by_family[f]["raised"]],
            "applicability_changed_by": [f for f in tested if by_family[f]["applicability"]],
            "insensitive_to": [f for f in tested if not any(by_family[f].values())],
            "effects": {f: by_family[f] for f in tested},
            "moved_by_duplicated_checks": moved,
            "scores": per_dataset,
            "flags": flags,
        })
    return {
        "rate": rate, "seed": seed, "families": list(FAMILIES), "untested": [f for f in FAMILIES if f not in tested],
        "datasets": datasets, "skipped": list(skipped), "indicators": indicators,
        "flagged": {
            "raised_by_defect": [i["code"] for i in indicators if "raised_by_defect" in i["flags"]],
            "moved_by_duplicated_checks": [i["code"] for i in indicators
                                           if "moved_by_duplicated_checks" in i["flags"]],
            "insensitive_to_all": [i["code"] for i in indicators
                                   if tested and len(i["insensitive_to"]) == len(tested)],
            "overall_raised": [{"dataset": d["name"], "family": f} for d in datasets for f in d["overall_raised"]],
        },
    }


def validity_report(standard: Any, items: Sequence[Any], cards: Sequence[dict], rate: float = DEFAULT_RATE,
                    seed: int = SEED, jobs: int | None = None) -> dict[str, Any]:
    """The validity section of a calibration over ``items`` (from
    :func:`dsbench.corpus.calibration.items.corpus_items`), whose cards under ``standard`` are ``cards``."""

    rate = check_rate(rate)
    skipped = []
    for item in items:
        if isinstance(item, CardItem):
            skipped.append({"name": item.name, "reason": "a card: injecting defects needs the data"})
        elif skip_reason(item) is not None:
            skipped.append({"name": item.name, "reason": skip_reason(item)})
    probed = probe_items(items, standard, rate, seed, jobs)
    return validity_section(standard, [item.name for item in items], cards, probed, skipped, rate, seed)


__all__ = ["DEFAULT_RATE", "FAMILIES", "check_rate", "duplicated_suites", "probe_entry", "validity_report",
           "validity_section"]
