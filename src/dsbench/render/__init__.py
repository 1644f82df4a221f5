"""Renderings of a score card. Each renderer reads only the card document (never the data) and is
deterministic: the same card and language give the same bytes.

A renderer is a module with ``FILENAME`` (the file written beside card.json), ``MEDIA_TYPE`` and
``render(card: dict, lang: str) -> str`` (a format may take keyword arguments beside, as the JUnit
format's ``fail_on``; see :func:`render_all`). Built-in formats: html, md, junit, badge, dqv. Other
packages add formats through the entry-point group ``dsbench.renderers`` (name -> module).
"""

from __future__ import annotations

import functools
import importlib
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any, Iterable, Mapping

from dsbench.errors import DsbenchError

ENTRY_POINT_GROUP = "dsbench.renderers"
BUILTIN = {"html": "dsbench.render.html", "md": "dsbench.render.markdown", "junit": "dsbench.render.junit",
           "badge": "dsbench.render.badge", "dqv": "dsbench.render.dqv"}
LANGUAGES = ("en", "zh")


@functools.lru_cache(maxsize=1)
def formats() -> dict[str, str]:
    """Format name -> module path, built-in first, then plugins (sorted by name)."""
    found = dict(BUILTIN)
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        found.setdefault(entry.name, entry.value)
    return found


def renderer(name: str) -> ModuleType:
    known = formats()
    if name not in known:
        raise DsbenchError(f"unknown format {name!r} (formats: {', '.join(known)})", location="--format")
    return importlib.import_module(known[name])


def parse_formats(text: str | None) -> list[str]:
    """``"html,md"`` -> ["html", "md"]; None or "all" -> every format; "none" or "" -> none."""
    if text is None or text.strip() == "all":
        return list(formats())
    names = [part.strip() for part in text.split(",") if part.strip() and part.strip() != "none"]
    for name in names:
        renderer(name)
    return names


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise DsbenchError(f"unknown language {lang!r} (languages: {', '.join(LANGUAGES)})", location="--lang")
    return lang


def render_all(card: dict, names: Iterable[str], lang: str,
               options: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, str]:
    """File name -> text for every requested format; nothing is written here. ``options`` gives
    keyword arguments of some formats' ``render`` (format name -> {argument: value}), e.g.
    ``{"junit": {"fail_on": "critical"}}``."""
    check_language(lang)
    options = options or {}
    return {renderer(name).FILENAME: renderer(name).render(card, lang, **dict(options.get(name) or {}))
            for name in names}


def write_all(directory: Path, files: dict[str, str]) -> list[Path]:
    """Write every rendering into ``directory``, all or none (see dsbench.files.write_files)."""
    from dsbench.files import write_files

    return write_files({Path(directory) / name: text for name, text in files.items()})


@functools.lru_cache(maxsize=1)
def page_templates() -> Any:
    """The Jinja2 environment of every page template (``templates/``: the card, its compact summary,
    the leaderboard): HTML-escaped, strict about undefined names."""
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
                              autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True, keep_trailing_newline=True)
