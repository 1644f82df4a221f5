"""Writing output files atomically: a reader sees the previous file or the complete new one."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from dsbench.errors import DsbenchError


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_atomic(path: str | Path, text: str) -> None:
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise DsbenchError(f"cannot write output: {error.strerror or error}", source=str(path)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes it private; outputs are ordinary files
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def dump_json(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False, allow_nan=False) + "\n"
