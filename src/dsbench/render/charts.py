"""dsbench's matplotlib charts: their look, a CJK font, inline SVG, a card's score bars, a history's trend.

Matplotlib is imported on first use. The same numbers give the same bytes: the SVG ids are salted
with a constant, glyphs are drawn as paths, and neither SVG nor PNG carries a date or the
software's version.
"""

from __future__ import annotations

import functools
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from dsbench.render import _shared as s

CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "Source Han Sans CN",
             "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei", "PingFang SC", "Hiragino Sans GB", "Heiti SC",
             "Droid Sans Fallback", "AR PL UMing CN")
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts", "/Library/Fonts",
             "/System/Library/Fonts", "~/Library/Fonts", "C:/Windows/Fonts")
CJK_FILE_NAMES = re.compile(r"wqy|cjk|sourcehan|notosanssc|notoserifsc|msyh|simhei|simsun|pingfang|hiragino|"
                            r"stheiti|droidsansfallback|uming|ukai", re.I)
CJK_INSTALL_HINT = ("dsbench: the Chinese charts show codes, not names: matplotlib knows no CJK font. Install one "
                    "(Debian/Ubuntu: apt-get install fonts-wqy-microhei; Fedora: dnf install wqy-microhei-fonts) "
                    "and render again.")
CJK_STALE_HINT = ("dsbench: matplotlib's font cache predates the CJK font {font}, which this run added. To refresh "
                  "the cache for good, delete {cache}.")
CJK_UNUSABLE_HINT = ("dsbench: the Chinese charts show codes, not names: the CJK font {path} is installed but "
                     "matplotlib cannot load it. Delete {cache} to rebuild matplotlib's font cache.")
# Okabe-Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#8C7A00", "#555555")
MUTED = "#8a8f98"
FLAG_COLOR = "#C62828"
SVG_SALT = "dsbench-card"


def matplotlib_available() -> bool:
    import importlib

    try:
        importlib.import_module("matplotlib")
    except ImportError:
        return False
    return True


# -- a font for Chinese ------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The CJK font of Chinese charts, None when there is none (the charts then show codes). Found
    once per process by :func:`find_cjk_font` in matplotlib's font manager, which gains a font that
    is installed but missing from its cache; a hint saying what to do goes to stderr, once."""
    from matplotlib import font_manager

    font, hint = find_cjk_font(font_manager.fontManager)
    if hint:
        print(hint, file=sys.stderr)
    return font


def find_cjk_font(manager: Any, system_fonts: list[str] | None = None) -> tuple[str | None, str | None]:
    """(font, hint) for Chinese charts, from ``manager`` (a matplotlib FontManager): a CJK font it
    knows and no hint; else, when the system has one (``system_fonts``, default
    :func:`system_cjk_fonts`) that matplotlib's font cache predates, that font added to ``manager``
    and a hint that the cache is stale and how to refresh it; else None and how to install one."""
    known = {entry.name for entry in manager.ttflist}
    font = next((name for name in CJK_FONTS if name in known), None)
    if font is not None:
        return font, None
    files = system_cjk_fonts() if system_fonts is None else list(system_fonts)
    if not files:
        return None, CJK_INSTALL_HINT
    by_path = {os.path.realpath(entry.fname): entry.name for entry in manager.ttflist}
    font = next((by_path[os.path.realpath(f)] for f in files if os.path.realpath(f) in by_path), None)
    if font is not None:  # known to matplotlib under a name not in CJK_FONTS
        return font, None
    for path in files:
        try:
            manager.addfont(path)
        except (OSError, RuntimeError, ValueError):
            continue
    added = [entry.name for entry in manager.ttflist if os.path.realpath(entry.fname) in
             {os.path.realpath(f) for f in files}]
    import matplotlib

    cache = Path(matplotlib.get_cachedir()) / "fontlist-*.json"
    if not added:
        return None, CJK_UNUSABLE_HINT.format(path=files[0], cache=cache)
    font = next((name for name in CJK_FONTS if name in added), added[0])
    return font, CJK_STALE_HINT.format(font=font, cache=cache)


def system_cjk_fonts() -> list[str]:
    """Font files (TrueType, OpenType) installed on the system that cover Chinese, sorted: as
    fontconfig lists them (``fc-list :lang=zh``), or without fontconfig, the files of the usual font
    directories named like common CJK fonts."""
    try:
        listed = subprocess.run(["fc-list", "--format=%{file}\\n", ":lang=zh"], capture_output=True,
                                text=True, timeout=20, check=True).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        listed = [str(path) for folder in FONT_DIRS if Path(folder).expanduser().is_dir()
                  for path in Path(folder).expanduser().rglob("*") if CJK_FILE_NAMES.search(path.name)]
    return sorted({f.strip() for f in listed if f.strip().lower().endswith((".ttf", ".otf", ".ttc"))})


# -- the look, and SVG for a page --------------------------------------------------------------------

def chart_settings(font: str | None) -> dict[str, Any]:
    """matplotlib settings of dsbench's SVG charts: reproducible ids and glyphs drawn as paths (the
    same bytes on every run), DejaVu Sans with ``font`` (a CJK font) as fallback, quiet axes."""
    return {"svg.hashsalt": SVG_SALT, "svg.fonttype": "path", "font.family": ["DejaVu Sans"] + ([font] if font else []),
            "font.size": 9.0, "axes.edgecolor": "#8a8f98", "axes.linewidth": 0.8, "path.simplify": True}


def plain_axes(axes: Any, axis: str = "x") -> None:
    """Light grid lines on ``axis`` ("x", "y" or "both") behind the data, no top or right frame."""
    axes.grid(True, axis=axis, color="#e3e6ea", linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def figure_svg(figure: Any, prefix: str, label: str) -> str:
    """The figure as an inline <svg> element: no XML prologue, no comments, ids made unique per chart."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<!--.*?-->\s*", "", text, flags=re.S)
    text = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', text)
    text = text.replace('xlink:href="#', f'xlink:href="#{prefix}-').replace("url(#", f"url(#{prefix}-")
    from markupsafe import escape

    return text.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" class="chart" ', 1)


# -- the score bars of a card -------------------------------------------------------------------------

def status_label(status: str, lang: str, cjk: bool) -> str:
    """The word written in place of a bar that has no score; in English when Chinese has no font."""
    if lang == "zh" and not cjk:
        return {"not_applicable": "n/a", "not_evaluated": "not evaluated"}.get(status, status)
    return s.status_word(status, lang)


def score_bars(figure_class: Any, labels: list[str], scores: list[Any], colors: list[str], statuses: list[str],
               scale: float, lang: str, cjk: bool, bar_height: float, texts: list[str] | None = None) -> Any:
    """Horizontal bars of ``scores``; ``texts`` are the values written beside them (as the tables
    write them: never the full scale unless exact)."""
    count = max(1, len(labels))
    figure = figure_class(figsize=(8.0, 0.55 + bar_height * count), layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(len(labels)))
    scores = [s.card_number(v) for v in scores]
    values = [0.0 if v is None else v for v in scores]
    axes.barh(positions, values, color=colors, height=0.68)
    texts = texts or [s.score_text(v) for v in scores]
    for y, value, status, text in zip(positions, scores, statuses, texts):
        if value is None:
            axes.text(scale * 0.01, y, status_label(status, lang, cjk), va="center", ha="left",
                      color=MUTED, fontstyle="italic")
        else:
            axes.text(value + scale * 0.01, y, text, va="center", ha="left", color="#1f2328")
    axes.set_yticks(positions, labels)
    axes.set_ylim(len(labels) - 0.5, -0.5)
    axes.set_xlim(0, scale * 1.09)  # room for the value of a full bar
    axes.set_xticks([scale * k / 5 for k in range(6)])
    axes.spines["bottom"].set_bounds(0, scale)
    plain_axes(axes)
    axes.tick_params(axis="y", length=0)
    return figure


# -- the trend of a history ---------------------------------------------------------------------------

def trend_png(found: Any, last: int | None = None) -> bytes:
    """A PNG of the overall and dimension scores of the (last ``last``) runs of ``found`` (a
    dsbench.store.history.HistoryReport): the band of the overall score shaded, and each flagged
    score of the latest run circled in red."""
    import matplotlib
    from matplotlib.figure import Figure

    shown = found.runs[-last:] if last else found.runs
    positions = list(range(len(shown)))
    series = [("overall", "overall")] + [("dimension", m.code) for m in found.latest.metrics if m.kind == "dimension"]
    checks = {(c.kind, c.code): c for c in found.checks}
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"], "font.size": 9.0}):
        figure = Figure(figsize=(9.0, 4.8), layout="constrained")
        axes = figure.add_subplot()
        for index, (kind, code) in enumerate(series):
            color = "#1f2328" if kind == "overall" else PALETTE[(index - 1) % len(PALETTE)]
            scores = [(m.score if (m := run.metric(kind, code)) else None) for run in shown]
            points = [(x, y) for x, y in zip(positions, scores) if y is not None]
            if not points:
                continue
            axes.plot([x for x, _ in points], [y for _, y in points], marker="o", markersize=3.5, color=color,
                      linewidth=2.2 if kind == "overall" else 1.2,
                      label="overall" if kind == "overall" else f"dimension {code}")
            check = checks.get((kind, code))
            if check is not None and check.verdict == "flagged":
                axes.plot([positions[-1]], [check.score], marker="o", markersize=13, markerfacecolor="none",
                          markeredgecolor=FLAG_COLOR, markeredgewidth=2, linestyle="none")
        overall = checks.get(("overall", "overall"))
        if overall is not None and overall.band is not None:
            axes.axhspan(overall.band.low, overall.band.high, color="#1f2328", alpha=0.08, linewidth=0,
                         label=f"band of the overall score\n({overall.band.runs} earlier runs)")
        axes.set_xticks(positions, [f"{run.run_id}\n{run.recorded_at:%Y-%m-%d}" for run in shown],
                        fontsize=7 if len(shown) > 12 else 9)
        axes.set_xlim(-0.5, positions[-1] + 0.5)
        axes.set_xlabel("run (recorded, UTC)")
        axes.set_ylabel(f"score (of {found.latest.scale:g})")
        flagged = len(found.flagged)
        axes.set_title(f"{found.dataset} × {found.standard_id}: "
                       + (f"{flagged} metric(s) of the latest run outside their band" if flagged
                          else "latest run inside its bands"), loc="left",
                       color=FLAG_COLOR if flagged else "#1f2328")
        plain_axes(axes, "both")
        axes.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    return buffer.getvalue()
