"""A corpus: many datasets, each evaluated against several standards into a directory of cards.

Reading a corpus (:func:`load_corpus`) takes dataset directories, data files and YAML lists of
entries, and refuses a missing path, a malformed list or a name used twice before anything runs.
Evaluating it (:func:`evaluate_corpus`) runs one task per dataset in worker processes; a task loads
the dataset and runs its suites once, then scores them against every standard whose card is out of
date (:func:`dsbench.evaluation.evaluate_many`).

A card is up to date when ``cards/<dataset>/<standard>/inputs.json`` records the same inputs as
now (:func:`pair_inputs`): the relative path and sha256 of every file of the dataset (every file
under its directory, or the one data file), the separate manifest's sha256 if one is given, the
load options, the standard's id and content digest, and the dsbench, DuckDB and pyarrow versions;
and when ``card.json`` is intact and is the card that record was written for. Cards are written
first, their inputs last, so a run killed between the two re-evaluates that pair next time.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from pydantic import BaseModel, ConfigDict, ValidationError

from dsbench.data.dataset import LoadOptions
from dsbench.errors import DsbenchError, shortened
from dsbench.store.directory import CARD_FILE, write_card

CORPUS_LISTS = (".yaml", ".yml")
INPUTS_FILE = "inputs.json"
# A name becomes a directory of the output: one path component, printable, not hidden.
_NAME = re.compile(r"[^/\\.][^/\\]*")
MAX_NAME_CHARS = 200


class CorpusError(DsbenchError):
    """A corpus item or list is malformed, missing, or names a dataset twice."""


@dataclass(frozen=True)
class CorpusEntry:
    """One dataset of a corpus: its unique ``name`` (the directory of its cards), where it is, and
    how to load it."""

    name: str
    path: str  # a dataset directory, a data file, or FILE.duckdb#TABLE
    encoding: str | None = None
    missing_values: tuple[str, ...] | None = None
    manifest: Path | None = None  # a manifest kept apart from the data

    def reading(self, **engine: Any) -> LoadOptions:
        """How to read this dataset (its encoding and missing values) with the run's ``engine``
        settings (threads, memory_limit, timeout)."""
        return LoadOptions(encoding=self.encoding, missing_values=self.missing_values).given(**engine)


@dataclass(frozen=True)
class PairStatus:
    """What happened to one dataset × standard: ``skipped`` (its card is up to date),
    ``evaluated`` or ``error`` (with a one-line ``message``)."""

    dataset: str
    standard: str
    status: str
    message: str | None = None


class CorpusCards(dict):
    """(dataset name, standard id) -> path of its card.json, for every pair that has an up-to-date
    card after the run; ``statuses`` says for every pair whether it was skipped, evaluated or
    failed (failed pairs have no card here)."""

    def __init__(self) -> None:
        super().__init__()
        self.statuses: dict[tuple[str, str], PairStatus] = {}

    @property
    def errors(self) -> dict[tuple[str, str], str]:
        return {key: s.message or "" for key, s in self.statuses.items() if s.status == "error"}


# ------------------------------------------------------------------------------------------ reading


class _ListedEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    path: str
    name: str | None = None
    encoding: str | None = None
    missing_values: list[str] | None = None
    manifest: str | None = None


def load_corpus(items: Iterable[str | Path]) -> list[CorpusEntry]:
    """The entries of the corpus named by ``items``: dataset directories and data files (named after
    the directory or the file's stem) and YAML lists (``.yaml``/``.yml``) of entries, each a path
    or a mapping with ``path`` (relative to the list's directory), optional ``name``, ``encoding``,
    ``missing_values`` (a list) and ``manifest``. Raises :class:`CorpusError` on a missing path, a
    malformed list, an unknown encoding, or a name used twice (names differing only in case
    included: they would share a directory on some file systems)."""
    entries: list[tuple[CorpusEntry, str]] = []
    for item in items:
        path = Path(item)
        if path.suffix.lower() in CORPUS_LISTS and path.is_file():
            entries.extend(_read_list(path))
        else:
            entries.append((_entry(str(item), None, None, None, None, str(item), None), str(item)))
    if not entries:
        raise CorpusError("the corpus is empty")
    check_unique_names((entry.name, where) for entry, where in entries)
    return [entry for entry, _ in entries]


def check_unique_names(named: Iterable[tuple[str, str]]) -> None:
    """Refuse a dataset name given twice, ignoring case (it names a directory of cards, and some
    file systems do not tell case apart); ``named`` holds (name, where it was given)."""
    first_seen: dict[str, str] = {}
    for name, where in named:
        key = name.casefold()
        if key in first_seen:
            raise CorpusError(f"two datasets are named {name!r} (also {first_seen[key]}); "
                              "give one a `name` in a corpus list", source=where)
        first_seen[key] = where


def _read_list(path: Path) -> list[tuple[CorpusEntry, str]]:
    from dsbench.errors import pydantic_location
    from dsbench.files import read_document

    document = read_document(path, CorpusError, "corpus list")
    if not isinstance(document, list) or not document:
        raise CorpusError("a corpus list is a non-empty YAML list of paths or of mappings with `path`",
                          source=str(path))
    found = []
    for index, item in enumerate(document):
        where = f"[{index}]"
        try:
            listed = _ListedEntry.model_validate({"path": item} if isinstance(item, str) else item)
        except ValidationError as error:
            location, message = pydantic_location(error)
            location = where + (f".{location}" if location else "")
            raise CorpusError(message, source=str(path), location=location) from None
        base = path.parent
        manifest = None if listed.manifest is None else base / listed.manifest
        entry = _entry(str(base / listed.path), listed.name, listed.encoding, listed.missing_values,
                       manifest, str(path), where)
        found.append((entry, f"{path}: {where}"))
    return found


def _entry(path: str, name: str | None, encoding: str | None, missing_values: list[str] | None,
           manifest: Path | None, source: str, where: str | None) -> CorpusEntry:
    from dsbench.data.encoding import canonical_codec

    def problem(text: str, field_name: str | None = None) -> CorpusError:
        location = ".".join(part for part in (where, field_name) if part) or None
        return CorpusError(text, source=source, location=location)

    data_file = _data_file(path)
    if data_file is None:
        raise problem(f"no such file or directory: {path}", "path" if where else None)
    if manifest is not None and not manifest.is_file():
        raise problem(f"no such manifest: {manifest}", "manifest")
    if encoding is not None:
        try:
            canonical_codec(encoding, source)
        except DsbenchError:
            raise problem(f"unknown encoding {encoding!r}", "encoding") from None
    name = _default_name(path) if name is None else name
    if not _NAME.fullmatch(name) or not name.isprintable() or len(name) > MAX_NAME_CHARS:
        raise problem(f"{name!r} cannot name a dataset: it names the directory of its cards (one "
                      "printable path component, not starting with a dot)", "name" if where else None)
    return CorpusEntry(name, path, encoding, None if missing_values is None else tuple(missing_values),
                       manifest)


def _data_file(path: str) -> Path | None:
    """The file or directory that holds the data of ``path`` (the database of FILE.duckdb#TABLE), or
    None when there is none."""
    from dsbench.data.files import DUCKDB, path_exists

    if path_exists(path):
        return Path(path)
    database, hash_sign, _ = path.rpartition("#")
    if hash_sign and Path(database).suffix.lower() in DUCKDB and Path(database).is_file():
        return Path(database)
    return None


def _default_name(path: str) -> str:
    target = Path(path)
    if not target.exists() and "#" in path:  # FILE.duckdb#TABLE
        return path.rpartition("#")[2]
    if target.is_dir():
        return target.resolve().name
    return target.name.split(".")[0] or target.name


# ------------------------------------------------------------------------------------------- inputs


def dataset_inputs(entry: CorpusEntry, exclude: Path | None = None,
                   hasher: ThreadPoolExecutor | None = None) -> dict[str, Any]:
    """The part of a pair's inputs that depends on the dataset alone: the data's name (cards name a
    dataset without a manifest after it), the relative path and sha256 of every file under the
    dataset's directory (of the data file alone, for a file) except those under ``exclude`` (an
    output directory inside a dataset would otherwise change its inputs on every run), the separate
    manifest's sha256, and the load options."""
    from dsbench.cards.card import file_sha256

    data = _data_file(entry.path)
    if data is None:
        raise DsbenchError("no such file or directory", source=entry.path)
    if data.is_dir():
        files = {f.relative_to(data).as_posix(): f for f in _files_under(data, exclude.resolve() if exclude else None)}
    else:
        files = {data.name: data}
    digests = (hasher.map if hasher else map)(file_sha256, files.values())
    manifest = None
    if entry.manifest is not None:
        manifest = {"name": entry.manifest.name, "sha256": file_sha256(entry.manifest)}
    return {"data": data.resolve().name if data.is_dir() else Path(entry.path).name,
            "files": dict(sorted(zip(files, digests))), "manifest": manifest,
            "options": {"encoding": entry.encoding,
                        "missing_values": None if entry.missing_values is None else list(entry.missing_values)}}


def _files_under(directory: Path, exclude: Path | None) -> list[Path]:
    found = []
    for root, subdirectories, names in os.walk(directory):
        here = Path(root)
        if exclude is not None:
            subdirectories[:] = [d for d in subdirectories if (here / d).resolve() != exclude]
        found.extend(here / n for n in names if (here / n).is_file())
    return found


def pair_inputs(dataset: dict[str, Any], standard: Any, versions: dict[str, str]) -> dict[str, Any]:
    """Everything a card of ``dataset`` (from :func:`dataset_inputs`) and ``standard`` depends on."""
    return {**dataset, "standard": {"id": standard.id, "digest": standard.digest}, "versions": versions}


def card_is_current(card_dir: Path, inputs: dict[str, Any]) -> bool:
    """Whether ``card_dir`` holds an intact card recorded as made from ``inputs``."""
    import json

    from dsbench.cards.card import CardError, ScoreCard, check_digest

    try:
        recorded = json.loads((card_dir / INPUTS_FILE).read_text(encoding="utf-8"))
        card = ScoreCard.load(card_dir / CARD_FILE)
    except (OSError, ValueError, CardError):
        return False
    return (isinstance(recorded, dict) and recorded.get("inputs") == inputs and check_digest(card)
            and recorded.get("card_digest") == card.digest)


# --------------------------------------------------------------------------------------- evaluating


@dataclass
class DatasetTask:
    """One dataset to evaluate in a worker against the standards whose cards are out of date."""

    entry: CorpusEntry
    standards: list[Any]
    inputs: list[dict[str, Any]]  # per standard
    card_dirs: list[Path]  # per standard
    threads: int | None
    memory_limit: str | None
    timeout: float | None
    outcomes: list[str | None] = field(default_factory=list)


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def worker_share(jobs: int | None, tasks: int) -> tuple[int, int]:
    """(worker processes, DuckDB threads in each): ``jobs`` (default one per CPU), no more than
    there are tasks, and the CPUs divided among them so that the pool does not oversubscribe."""
    cpus = available_cpus()
    workers = min(jobs or cpus, tasks)
    return workers, max(1, cpus // max(1, workers))


def spawn_pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes started by "spawn": a forked DuckDB may deadlock on locks held by threads
    that the fork did not copy."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"))


def evaluate_corpus(entries: Sequence[CorpusEntry], standards: Sequence[Any], out_dir: str | Path,
                    jobs: int | None = None, progress: Callable[[PairStatus], None] | None = None, *,
                    force: bool = False, memory_limit: str | None = None,
                    timeout: float | None = None) -> CorpusCards:
    """Evaluate every entry against every standard (ids, paths or :class:`~dsbench.scoring.standard.Standard`)
    into ``out_dir/cards/<dataset>/<standard id>/card.json`` and return the cards.

    Pairs whose card is up to date are skipped unless ``force``. The datasets are evaluated by
    ``jobs`` worker processes (default: one per CPU; DuckDB in each gets the CPUs divided among
    them), or in this process with one job. ``progress`` is called once per pair as it is settled.
    A dataset that cannot be loaded or evaluated fails its pairs only; the others complete.
    ``memory_limit`` (per worker) and ``timeout`` (per query) are as for ``evaluate``.
    """
    from dsbench.evaluation import engine_versions
    from dsbench.scoring.standard import load_standard

    loaded = [load_standard(s) for s in standards]
    ids = [s.id for s in loaded]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise CorpusError(f"two standards have the id {twice[0]!r}; their cards would share a directory",
                          location="--standard")
    if jobs is not None and jobs < 1:
        raise CorpusError("jobs must be at least 1", location="--jobs")
    out_dir = Path(out_dir)
    for entry in entries:
        data = _data_file(entry.path)
        if data is not None and data.is_dir() and data.resolve() == out_dir.resolve():
            raise CorpusError("the output directory is the directory of dataset "
                              f"{entry.name!r}: its cards would become part of the dataset", source=str(out_dir))
    report = progress or (lambda status: None)
    cards = CorpusCards()

    def settle(entry_name: str, standard_id: str, status: str, message: str | None = None) -> None:
        state = PairStatus(entry_name, standard_id, status, message)
        cards.statuses[(entry_name, standard_id)] = state
        if status != "error":
            cards[(entry_name, standard_id)] = out_dir / "cards" / entry_name / standard_id / CARD_FILE
        report(state)

    versions = engine_versions()
    tasks = []
    with ThreadPoolExecutor(max_workers=min(8, available_cpus())) as hasher:
        for entry in entries:
            try:
                dataset = dataset_inputs(entry, out_dir, hasher)
            except (OSError, DsbenchError) as error:
                for standard in loaded:
                    settle(entry.name, standard.id, "error", f"cannot read the dataset's files: {_message(error)}")
                continue
            task = DatasetTask(entry, [], [], [], None, memory_limit, timeout)
            for standard in loaded:
                inputs = pair_inputs(dataset, standard, versions)
                card_dir = out_dir / "cards" / entry.name / standard.id
                if not force and card_is_current(card_dir, inputs):
                    settle(entry.name, standard.id, "skipped")
                else:
                    task.standards.append(standard)
                    task.inputs.append(inputs)
                    task.card_dirs.append(card_dir)
            if task.standards:
                tasks.append(task)

    workers, threads = worker_share(jobs, len(tasks))
    for task in tasks:
        task.threads = threads
    for task in _run(tasks, workers):
        for standard, message in zip(task.standards, task.outcomes):
            settle(task.entry.name, standard.id, "error" if message else "evaluated", message)
    return cards


def _run(tasks: list[DatasetTask], workers: int) -> Iterable[DatasetTask]:
    """The tasks with their outcomes, as they finish: in this process for one worker, otherwise in
    :func:`spawn_pool` workers."""
    if workers <= 1:
        for task in tasks:
            yield evaluate_task(task)
        return
    executor = spawn_pool(workers)
    try:
        # Largest first: a big dataset started last would keep one worker busy while the rest idle.
        futures = {executor.submit(evaluate_task, task): task
                   for task in sorted(tasks, key=lambda t: -_size(t.entry))}
        for future in as_completed(futures):
            task = futures[future]
            try:
                yield future.result()
            except Exception as error:  # noqa: BLE001 - a worker that died (killed, out of memory)
                task.outcomes = [f"the worker process failed: {_message(error)}"] * len(task.standards)
                yield task
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _size(entry: CorpusEntry) -> int:
    """Bytes of the dataset's files; 0 for one that has gone since it was hashed (its task says so)."""
    data = _data_file(entry.path)
    try:
        files = [] if data is None else _files_under(data, None) if data.is_dir() else [data]
        return sum(f.stat().st_size for f in files)
    except OSError:
        return 0


def evaluate_task(task: DatasetTask) -> DatasetTask:
    """Evaluate one dataset against the task's standards and write each card with its inputs (both
    or neither); the task's ``outcomes`` hold, per standard, None or the one-line reason it failed."""
    from dsbench.evaluation import evaluate_many
    from dsbench.files import dump_json

    entry = task.entry
    try:
        scored = evaluate_many(entry.path, task.standards, manifest=entry.manifest,
                               options=entry.reading(threads=task.threads, memory_limit=task.memory_limit,
                                                     timeout=task.timeout))
    except Exception as error:  # noqa: BLE001 - any failure is this dataset's row, not the run's end
        task.outcomes = [_message(error)] * len(task.standards)
        return task
    task.outcomes = []
    for card, inputs, card_dir in zip(scored, task.inputs, task.card_dirs):
        changed = _changed_files(card.document, inputs)
        if changed:
            task.outcomes.append(f"the data changed while it was evaluated ({changed[0]}); run again")
            continue
        try:
            write_card(card, card_dir, beside={INPUTS_FILE: dump_json({"card_digest": card.digest, "inputs": inputs})})
        except DsbenchError as error:
            task.outcomes.append(_message(error))
            continue
        task.outcomes.append(None)
    return task


def _changed_files(card: dict, inputs: dict[str, Any]) -> list[str]:
    """Files the card read whose sha256 is not the one its inputs were computed from: the inputs
    recorded beside a card must be the card's own."""
    digests = inputs["files"]
    changed = [f["path"] for table in card["dataset"]["tables"] for f in table["files"]
               if digests.get(f["path"]) != f["sha256"]]
    manifests = set(digests.values()) | ({inputs["manifest"]["sha256"]} if inputs["manifest"] else set())
    if card.get("manifest_digest") is not None and card["manifest_digest"] not in manifests:
        changed.append("the manifest")
    return sorted(changed)


def _message(error: BaseException) -> str:
    """An error as one line: dsbench errors as they read, others with their type."""
    if isinstance(error, DsbenchError):
        return shortened(str(error))
    return shortened(f"{type(error).__name__}: {error}".rstrip(": "))


__all__ = ["CorpusCards", "CorpusEntry", "CorpusError", "PairStatus", "card_is_current", "check_unique_names",
           "dataset_inputs", "evaluate_corpus", "load_corpus", "pair_inputs", "spawn_pool", "worker_share"]
