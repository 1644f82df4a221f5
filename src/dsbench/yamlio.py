"""Reading YAML and JSON documents (suites, standards, manifests, evidence) safely, with errors
that name the file and line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from dsbench.errors import SuiteError

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
