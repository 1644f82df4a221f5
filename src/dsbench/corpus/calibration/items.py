"""The corpus of a calibration: its items and the card of each.

Items are card.json files (used as they are) and everything a bench corpus holds (evaluated in
worker processes)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from dsbench.errors import DsbenchError, shortened
from dsbench.scoring.standard import Standard


@dataclass(frozen=True)
class CardItem:
    """A corpus item that is already a card (from evaluate or bench): used as it is."""

    name: str
    path: str
    card: dict


def corpus_items(items: Sequence[str]) -> list:
    """The corpus, sorted by name: card.json files (:class:`CardItem`) and everything
    :func:`dsbench.corpus.bench.load_corpus` reads (dataset directories and files, YAML lists). A
    name may appear once."""
    from dsbench.corpus.bench import CorpusError, check_unique_names, load_corpus

    paths = [item for item in items if not _is_card(item)]
    found = [_card_item(item) for item in items if _is_card(item)] + (load_corpus(paths) if paths else [])
    if not found:
        raise CorpusError("the corpus is empty")
    check_unique_names((item.name, item.path) for item in found)
    return sorted(found, key=lambda item: item.name)


def _is_card(item: str) -> bool:
    return Path(item).name.endswith("card.json") and Path(item).is_file()


def _card_item(path: str) -> CardItem:
    from dsbench.cards.compare import load_card
    from dsbench.cards.card import CardError, check_digest

    card = load_card(path)
    if not check_digest(card):
        raise CardError("the card was edited after it was written (digest mismatch)", source=path)
    # In the layouts of evaluate (reports/<dataset>/<standard>/) and bench (cards/<dataset>/<standard>/)
    # the directory names the dataset; it tells apart copies whose manifests share a name.
    where = Path(path).resolve().parent
    named_by_directory = where.name == card.document["standard"]["id"] and where.parent.name
    return CardItem(where.parent.name if named_by_directory else card.document["dataset"]["name"], path,
                    card.document)


def _evaluate_entry(entry, standard: Standard, threads: int | None) -> tuple[dict | None, str | None]:
    """The card of one corpus entry, or the one-line reason it could not be made (returned, not
    raised: an error crossing a process boundary loses its type and fields)."""
    from dsbench.evaluation import evaluate

    try:
        card = evaluate(entry.path, standard, manifest=entry.manifest, options=entry.reading(threads=threads))
    except DsbenchError as error:
        return None, shortened(str(error) if error.source else f"{entry.path}: {error}")
    except Exception as error:  # noqa: BLE001 - reported as this dataset's problem, on one line
        return None, shortened(f"{entry.path}: cannot evaluate: {type(error).__name__}: {error}")
    return card.document, None


def evaluate_items(items: Sequence, standard: Standard,
                   jobs: int | None = None) -> list[tuple[dict | None, str | None]]:
    """Per corpus item, in order, (card, None) or (None, the one-line reason it could not be made):
    a card item's own card, or a fresh evaluation under ``standard`` (in ``jobs`` worker processes,
    default one per CPU, each with its share of the CPUs). A dataset that cannot be loaded or
    evaluated does not stop the others, as in ``dsbench bench``."""
    from dsbench.corpus.bench import spawn_pool, worker_share

    todo = [item for item in items if not isinstance(item, CardItem)]
    workers, threads = worker_share(jobs, len(todo))
    if workers > 1:
        outcomes = []
        with spawn_pool(workers) as pool:
            futures = [pool.submit(_evaluate_entry, item, standard, threads) for item in todo]
            for item, future in zip(todo, futures):
                try:
                    outcomes.append(future.result())
                except Exception as error:  # noqa: BLE001 - a worker that died (killed, out of memory)
                    outcomes.append((None, shortened(f"{item.path}: the worker process failed: "
                                                     f"{type(error).__name__}: {error}")))
    else:
        outcomes = [_evaluate_entry(item, standard, None) for item in todo]
    made = iter(outcomes)
    return [(item.card, None) if isinstance(item, CardItem) else next(made) for item in items]
