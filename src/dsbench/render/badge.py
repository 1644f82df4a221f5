"""A score card as an SVG badge in the two-part "flat" style of shields.io: the standard's id on the
left, the score and grade on the right, coloured by the score.

Colour: a card that passed its standard's gates is green from 90, yellow-green from 80, yellow from
60 and red below; a card that did not pass is orange (score 60 or more) or red; a card without a
score is grey. Text widths are estimated from character counts (a wide East Asian character counts
as two), so no font is needed to render the badge. The words (grade, no grade, "pass gate not met" and
the ``<title>`` read by screen readers, which also gives the grade bands and the verdict) are in
``lang``. Built with :mod:`xml.etree.ElementTree`.
"""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ET

from dsbench.render import _gates as gate_text

from dsbench.render import _shared as s
from dsbench.i18n import t
from dsbench.render.junit import xml_safe

FILENAME = "badge.svg"
MEDIA_TYPE = "image/svg+xml"

HEIGHT = 20
UNIT = 7  # px per narrow character of Verdana 11px, rounded up; a wide character is two units
PADDING = 10  # px, 5 each side
FONT = "Verdana,Geneva,DejaVu Sans,Noto Sans CJK SC,Microsoft YaHei,sans-serif"
LABEL_COLOUR = "#555"
COLOURS = {"brightgreen": "#4c1", "yellowgreen": "#a4a61d", "yellow": "#dfb317", "orange": "#fe7d37",
           "red": "#e05d44", "lightgrey": "#9f9f9f"}


def colour(score: float | None, passed: bool) -> str:
    """The colour name for a score (0..100) and the card's ``passed``."""
    if score is None:
        return "lightgrey"
    if not passed:
        return "orange" if score >= 60 else "red"
    if score >= 90:
        return "brightgreen"
    if score >= 80:
        return "yellowgreen"
    if score >= 60:
        return "yellow"
    return "red"


def text_width(text: str) -> int:
    """Estimated width in px of ``text`` at 11px: wide (CJK) characters count double."""
    units = sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
                for ch in text if not unicodedata.combining(ch))
    return units * UNIT


def texts(card: dict, lang: str) -> tuple[str, str, str]:
    """(left label, right message, title) of the badge. The score is written as the other renderings
    write it: never the full scale unless every counted element passed."""
    grade = card.get("grade")
    passed = bool(card.get("passed"))
    standard = card["standard"]["id"]
    score = s.overall_score(card)
    message = [score]
    message.append(f"{t('grade', lang).lower()} {grade}" if grade else t("no_grade", lang))
    if not passed:
        message.append(t("badge_fail", lang))
    colon, comma, stop = t("colon", lang), t("comma", lang), t("full_stop", lang)
    space = " " if lang == "en" else ""
    title = (f"{t('title', lang)}{colon}{card['dataset']['name']} × {standard}{stop}{space}"
             f"{t('score', lang)} {score} / {s.scale_text(card)}{comma}"
             f"{t('grade', lang)} {grade if grade else t('no_grade', lang)} ({gate_text.grade_bands(card, lang)}){comma}"
             f"{s.verdict(card, lang)}{stop}")
    return xml_safe(standard), xml_safe(" · ".join(message)), xml_safe(title)


def _text(parent: ET.Element, x: int, content: str) -> None:
    shadow = ET.SubElement(parent, "text", {"aria-hidden": "true", "x": str(x), "y": "15",
                                            "fill": "#010101", "fill-opacity": ".3"})
    shadow.text = content
    text = ET.SubElement(parent, "text", {"x": str(x), "y": "14"})
    text.text = content


def render(card: dict, lang: str) -> str:
    label, message, title = texts(card, lang)
    scale = card.get("scale") or 100.0
    score = card.get("score")
    fill = COLOURS[colour(None if score is None else score * 100.0 / scale, bool(card.get("passed")))]
    left = text_width(label) + PADDING
    right = text_width(message) + PADDING
    width = left + right
    svg = ET.Element("svg", {"xmlns": "http://www.w3.org/2000/svg", "width": str(width),
                             "height": str(HEIGHT), "role": "img", "aria-label": title})
    ET.SubElement(svg, "title").text = title
    gradient = ET.SubElement(svg, "linearGradient", {"id": "s", "x2": "0", "y2": "100%"})
    ET.SubElement(gradient, "stop", {"offset": "0", "stop-color": "#bbb", "stop-opacity": ".1"})
    ET.SubElement(gradient, "stop", {"offset": "1", "stop-opacity": ".1"})
    clip = ET.SubElement(svg, "clipPath", {"id": "r"})
    ET.SubElement(clip, "rect", {"width": str(width), "height": str(HEIGHT), "rx": "3", "fill": "#fff"})
    shapes = ET.SubElement(svg, "g", {"clip-path": "url(#r)"})
    ET.SubElement(shapes, "rect", {"width": str(left), "height": str(HEIGHT), "fill": LABEL_COLOUR})
    ET.SubElement(shapes, "rect", {"x": str(left), "width": str(right), "height": str(HEIGHT), "fill": fill})
    ET.SubElement(shapes, "rect", {"width": str(width), "height": str(HEIGHT), "fill": "url(#s)"})
    words = ET.SubElement(svg, "g", {"fill": "#fff", "text-anchor": "middle", "font-family": FONT,
                                     "text-rendering": "geometricPrecision", "font-size": "11"})
    _text(words, left // 2, label)
    _text(words, left + right // 2, message)
    ET.indent(svg, space="  ")
    return ET.tostring(svg, encoding="unicode") + "\n"
