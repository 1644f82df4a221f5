"""Conformance kits as downloads: the kit ``dsbench conformance export`` writes for an offered
standard, zipped once per standard version and kept in the data directory (``kits/``). It is built
by that command in a subprocess, with the workers' time limit, so the server never evaluates data in
its own process; the zip's entries are sorted and dated 1980-01-01, so a kit is the same bytes
wherever it is built from the same versions."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import zipfile
from pathlib import Path
from typing import Any

from dsbench.errors import DsbenchError, shortened

_LOCKS: dict[str, threading.Lock] = {}
_GUARD = threading.Lock()


def kit_zip(config: Any, standard: Any) -> Path:
    """The zipped kit of ``standard`` (an offered standard), built on the first request for it."""
    directory = config.data_dir / "kits"
    target = directory / f"{standard.id}-{standard.digest.split(':')[-1][:16]}.zip"
    if target.exists():
        return target
    with _GUARD:
        lock = _LOCKS.setdefault(target.name, threading.Lock())
    with lock:  # one build per kit, however many ask at once
        if not target.exists():
            directory.mkdir(parents=True, exist_ok=True)
            _build(config, standard.id, target, directory)
    return target


def _build(config: Any, standard_id: str, target: Path, directory: Path) -> None:
    # Not in the work directory: workers remove what they find there that is not theirs.
    with tempfile.TemporaryDirectory(dir=directory, prefix=".build-") as scratch:
        kit = Path(scratch) / "kit"
        done = subprocess.run([sys.executable, "-m", "dsbench", "conformance", "export", "--standard", standard_id,
                               "-o", str(kit)], capture_output=True, text=True, cwd=scratch,
                              timeout=config.limits.evaluation_timeout_s)
        if done.returncode != 0:
            raise DsbenchError(shortened(done.stderr.strip() or f"exit code {done.returncode}"),
                               source=f"conformance kit of {standard_id}")
        partial = Path(scratch) / target.name
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(p for p in kit.rglob("*") if p.is_file()):
                entry = zipfile.ZipInfo(f"{standard_id}-conformance-kit/{path.relative_to(kit).as_posix()}",
                                        date_time=(1980, 1, 1, 0, 0, 0))
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o644 << 16
                archive.writestr(entry, path.read_bytes())
        os.replace(partial, target)
