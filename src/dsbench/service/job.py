"""One evaluation in a process of its own: ``python -m dsbench.service.job SPEC.json``.

The worker starts it with a wall-clock timeout and an address-space limit, so a dataset that
explodes takes down this process, never the worker. It does what ``dsbench evaluate DATA --standard
S -o OUT`` does (the same card, byte for byte; a version of one file is evaluated as that file),
keeping each failed expectation's rows apart when the spec names a ``failing_rows`` directory, and
reports through its exit code: 0 done, 2 the data or standard was refused (one line on stderr), 3 out
of memory, 1 anything else.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUT_OF_MEMORY = 3
INDEX = "index.json"  # in the failing-rows directory: result id -> its file


def run(spec: dict) -> None:
    from dsbench.evaluation import evaluate
    from dsbench.store.directory import write_card

    data = Path(spec["data"])
    entries = list(data.iterdir())
    if len(entries) == 1 and entries[0].is_file():  # one file: scored as `dsbench evaluate FILE` scores it
        data = entries[0]
    rows = spec.get("failing_rows")
    card = evaluate(str(data), spec["standard"], suites=spec.get("suites") or None,
                    memory_limit=spec.get("memory_limit"),  # a resource, not recorded: the card is the same
                    **({"failing_rows": rows} if rows else {}))
    if rows:
        card = rows_apart(card, Path(rows))
    write_card(card, spec["output"], spec["formats"], spec.get("lang", "en"))


def rows_apart(card: Any, directory: Path) -> Any:
    """The card without what locates its failing-rows files — the card ``dsbench evaluate`` makes
    without ``--failing-rows``, digest and all, so the service's cards stay the CLI's — and what each
    failed result wrote, by result id, in ``directory/index.json`` (its file, rows, capped)."""
    from dsbench.cards.card import ScoreCard
    from dsbench.cards.failing_rows import without_failing_rows

    written = {result["id"]: result["failing_rows"] for result in card.document.get("results", [])
               if isinstance(result.get("failing_rows"), dict) and result["failing_rows"].get("file")}
    directory.mkdir(parents=True, exist_ok=True)
    (directory / INDEX).write_text(json.dumps(written, sort_keys=True), encoding="utf-8")
    return ScoreCard(without_failing_rows(card.document))


def main(argv: list[str]) -> int:
    from dsbench.errors import DsbenchError, shortened

    try:
        with open(argv[1], encoding="utf-8") as handle:
            run(json.load(handle))
    except DsbenchError as error:
        print(shortened(str(error)), file=sys.stderr)
        return 2
    except MemoryError:
        print("the evaluation ran out of memory (the service's limit per evaluation)", file=sys.stderr)
        return OUT_OF_MEMORY
    except Exception as error:  # noqa: BLE001 - the worker records one line, not a traceback
        print(shortened(f"{type(error).__name__}: {error}"), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
