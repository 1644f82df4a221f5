"""Writing output files atomically: a reader sees the previous file or the complete new one.

Each file is written to a hidden temporary file beside it (``.<name>.<pid>.<random>.tmp``), flushed
to disk and renamed over the target. A process killed mid-write can leave only such a temporary
file, never a partial output; the next write of that output removes the temporaries of processes
that no longer exist."""

from __future__ import annotations

import glob
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from dsbench.errors import DsbenchError


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def remove_stale_temporaries(path: Path) -> None:
    """Remove the temporary files of ``path`` left by writers that were killed."""
    for leftover in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        pid = leftover.name[len(path.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            leftover.unlink(missing_ok=True)


def write_atomic(path: str | Path, text: str | bytes) -> None:
    """``text`` (UTF-8 with LF line ends, or bytes as they are) written to a temporary file beside
    ``path`` and renamed over it: a reader sees the old file or the new one, never a part."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(path)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise DsbenchError(f"cannot write output: {error.strerror or error}", source=str(path)) from None
    try:
        binary = isinstance(text, bytes)
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="\n")) as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes it private; outputs are ordinary files
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _finite(value: Any) -> Any:
    """NaN and infinities (a suite's ``max_value: .inf``) as the text results use for them: JSON
    has no such numbers."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def dump_json(document: Any) -> str:
    text = json.dumps(_finite(document), ensure_ascii=False, indent=2, sort_keys=False, allow_nan=False)
    return text + "\n"
