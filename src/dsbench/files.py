"""Files dsbench reads and writes itself: YAML and JSON documents read safely (errors name the file
and line), output files written atomically, JSON dumped with one spelling of non-finite numbers,
and where the shipped suites and datasets are.

An output file is written to a hidden temporary file beside it (``.<name>.<pid>.<random>.tmp``),
flushed to disk and renamed over the target. A process killed mid-write can leave only such a
temporary file, never a partial output; the next write of that output removes the temporaries of
processes that no longer exist."""

from __future__ import annotations

import glob
import json
import math
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable

import yaml

from dsbench.errors import DsbenchError, SuiteError

MAX_YAML_CHARS = 5_000_000


class _NoAliasLoader(yaml.SafeLoader):
    """Refuses anchors and aliases: they are never needed in suites or manifests, and
    alias expansion is how a small file becomes a huge document."""

    def compose_node(self, parent, index):  # noqa: D401
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.constructor.ConstructorError(
                None, None, "YAML aliases are not allowed", event.start_mark)
        return super().compose_node(parent, index)


def load_yaml(text: str, source: str, error: type[Exception] = SuiteError) -> Any:
    if len(text) > MAX_YAML_CHARS:
        raise error(f"file is larger than {MAX_YAML_CHARS} characters", source=source)
    try:
        return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        raise error(f"invalid YAML: {problem}", source=source, location=where) from None
    except RecursionError:
        raise error("invalid YAML: nested too deeply", source=source) from None
    except ValueError as problem:  # a value the constructors refuse: 2024-02-30, a 5,000-digit integer
        raise error(f"invalid YAML: {_one_line(problem)}", source=source) from None


def _one_line(problem: Exception) -> str:
    text = " ".join(str(problem).split()) or type(problem).__name__
    return text.split("; use sys.set_int_max_str_digits()")[0]  # advice for Python programmers


def read_document(path: Path, error: type[Exception] = SuiteError, what: str = "file") -> Any:
    """Parse a ``.json`` file as JSON and anything else as YAML; unreadable, missing or malformed
    files raise ``error`` naming the file (and line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"no such {what}", source=str(path)) from None
    except (OSError, UnicodeDecodeError) as problem:
        raise error(f"cannot read {what}: {problem}", source=str(path)) from None
    if path.suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as problem:
            raise error(f"invalid JSON: {problem.msg}", source=str(path),
                        location=f"line {problem.lineno}, column {problem.colno}") from None
        except RecursionError:
            raise error("invalid JSON: nested too deeply", source=str(path)) from None
        except ValueError as problem:  # an integer beyond Python's digit limit
            raise error(f"invalid JSON: {_one_line(problem)}", source=str(path)) from None
    return load_yaml(text, str(path), error)


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
    """Remove the temporary files (or staging directories) of ``path`` left by writers that were killed."""
    for leftover in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        pid = leftover.name[len(path.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)


def write_atomic(path: str | Path, text: str | bytes) -> None:
    """``text`` (UTF-8 with LF line ends, or bytes as they are) written to a temporary file beside
    ``path`` and renamed over it: a reader sees the old file or the new one, never a part."""
    write_files({Path(path): text})


def write_files(files: dict[Path, str | bytes]) -> list[Path]:
    """Every file written atomically, all or none: each is written in full to a temporary file
    beside it first, and only when all are written are they renamed over their targets (in order;
    a rename fails only when a target cannot be replaced, a directory say, and then keeps those
    before it)."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in files.items():
            staged.append((_staged(Path(path), text), Path(path)))
        for temporary, path in staged:
            os.replace(temporary, path)
    except BaseException:
        for temporary, _ in staged:
            Path(temporary).unlink(missing_ok=True)
        raise
    return [Path(path) for path in files]


def _staged(path: Path, text: str | bytes) -> str:
    """The name of a complete temporary copy of ``text`` beside ``path``."""
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
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary


def staging_directory(output: Path) -> Path:
    """A hidden sibling of the directory ``output`` to build it in, named like a temporary file (so a
    later write of ``output`` removes it when its process is dead); see :func:`move_into_place`."""
    parent = output.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(output)
        return Path(tempfile.mkdtemp(prefix=f".{output.name}.{os.getpid()}.", suffix=".tmp", dir=parent))
    except OSError as error:
        raise DsbenchError(f"cannot write output: {error.strerror or error}", source=str(output)) from None


def move_into_place(staging: Path, output: Path) -> None:
    """Move the finished directory into place; an existing output (checked empty, or --force) is
    moved aside first and removed only once the new one is in place."""
    os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes it private; the output is an ordinary directory
    aside = None
    if output.exists():
        aside = Path(tempfile.mkdtemp(prefix=f".{output.name}.{os.getpid()}.", suffix=".tmp",
                                      dir=output.absolute().parent))
        os.rename(output, aside / "old")
    try:
        os.rename(staging, output)
    except BaseException:
        if aside is not None:
            os.rename(aside / "old", output)
        raise
    finally:
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)


def non_finite_text(value: float) -> str:
    """The one spelling of NaN and the infinities in dsbench's JSON (JSON has no such numbers):
    "NaN", "Infinity", "-Infinity", as GX and JavaScript write them."""
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


def map_floats(value: Any, change: Callable[[float], Any]) -> Any:
    """``value`` (JSON-like: dicts, lists, tuples) with every float replaced by ``change(float)``."""
    if isinstance(value, float):
        return change(value)
    if isinstance(value, dict):
        return {key: map_floats(item, change) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [map_floats(item, change) for item in value]
    return value


def finite(value: Any) -> Any:
    """``value`` with every non-finite float (a suite's ``max_value: .inf``, say) as its text."""
    return map_floats(value, lambda number: number if math.isfinite(number) else non_finite_text(number))


def dump_json(document: Any) -> str:
    text = json.dumps(finite(document), ensure_ascii=False, indent=2, sort_keys=False, allow_nan=False)
    return text + "\n"


PACKAGE_DIR = Path(__file__).resolve().parent


def shipped(kind: str) -> Path:
    """The directory of shipped ``suites`` or ``datasets``."""
    packaged = PACKAGE_DIR / "_shipped" / kind
    if packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parent.parent / kind
