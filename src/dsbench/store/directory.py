"""A card directory: ``card.json`` and its renderings, rendered first and written all or none, so a
rendering that fails, or a write that fails, leaves the directory as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Mapping

CARD_FILE = "card.json"


def write_card(card: Any, directory: str | Path, formats: Iterable[str] = (), lang: str = "en",
               options: Mapping[str, Mapping[str, Any]] | None = None,
               beside: Mapping[str, str] | None = None) -> list[Path]:
    """Write ``card`` (a ScoreCard) and its renderings in ``formats`` into ``directory``; ``options``
    are the renderers' (see dsbench.render.render_all); ``beside``: other files that belong with the
    card (file name -> text, such as the inputs bench records). Returns the paths written, the card
    first."""
    from dsbench.files import write_files
    from dsbench.render import render_all

    files = {CARD_FILE: card.to_json(), **render_all(card.document, formats, lang, options), **(beside or {})}
    return write_files({Path(directory) / name: text for name, text in files.items()})
