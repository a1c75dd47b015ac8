"""Charts drawn on the server, without JavaScript or a CDN: a chart is a list of primitives
(rectangles, lines, text) in pixel coordinates, written out as SVG for the web and the HTML
report, or drawn with fpdf2 in the PDF report (:mod:`pantau.review.insight.pdf`).

Labels can come from scraped or imported data (agency names, handles): the SVG writer escapes
every text and attribute, so a label like ``<script>`` is shown as those characters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

PALETTE = (
    "#0b5c8c",
    "#e07b00",
    "#1b6e3a",
    "#a4161a",
    "#6a4c93",
    "#4f772d",
    "#8d6e63",
    "#2a9d8f",
)
INK, MUTED, GRID = "#1d2733", "#5b6b7c", "#d5dde5"
FONT = "DejaVu Sans, Verdana, sans-serif"
LABEL_MAX = 40


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = GRID


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    size: float = 11
    anchor: str = "start"  # start | middle | end
    fill: str = INK
    bold: bool = False


Shape = Rect | Line | Label


@dataclass
class Chart:
    title: str
    width: float
    height: float
    shapes: list[Shape] = field(default_factory=list)
    empty: bool = False


def _drawable(c: str) -> bool:
    """Characters XML 1.0 allows and that draw (no controls, surrogates, U+FFFE/U+FFFF)."""
    n = ord(c)
    return not (n < 32 or 0x7F <= n < 0xA0 or 0xD800 <= n < 0xE000 or n in (0xFFFE, 0xFFFF))


def flatten(text: str) -> str:
    """``text`` on one line with only characters an SVG document may hold."""
    return "".join(c if _drawable(c) else " " for c in text)


def shorten(text: str, limit: int = LABEL_MAX) -> str:
    """One line of at most ``limit`` characters (see :func:`flatten`)."""
    flat = flatten(text)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _ticks(top: float, *, integer: bool = False) -> list[float]:
    """About five round gridline values from 0 to at least ``top`` (whole steps for counts)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / 5
    magnitude = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 0.1
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if integer:
        step = float(max(1, round(step)))
    values, v = [], 0.0
    while v < top + step * 0.999:
        values.append(round(v, 6))
        v += step
    return values


def _fmt(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


def _frame(title: str, width: float, height: float) -> Chart:
    chart = Chart(title, width, height)
    chart.shapes.append(Label(8, 18, shorten(title, 90), size=13, bold=True))
    return chart


def _empty(chart: Chart) -> Chart:
    chart.empty = True
    chart.shapes.append(
        Label(chart.width / 2, chart.height / 2, "Belum ada data", anchor="middle", fill=MUTED)
    )
    return chart


def _legend(chart: Chart, names: Sequence[str], y: float) -> None:
    x = 60.0
    for i, name in enumerate(names):
        chart.shapes.append(Rect(x, y - 9, 10, 10, PALETTE[i % len(PALETTE)]))
        text = shorten(name, 24)
        chart.shapes.append(Label(x + 14, y, text, size=10))
        x += 24 + 6.5 * len(text)


def stacked_bars(
    title: str,
    categories: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    width: float = 720,
    height: float = 300,
) -> Chart:
    """Vertical bars per category (x), stacked by series; a legend names the series."""
    chart = _frame(title, width, height)
    totals = [sum(values[i] for values in series.values()) for i in range(len(categories))]
    if not categories or not any(totals):
        return _empty(chart)
    left, right, top, bottom = 50.0, width - 10, 48.0, height - 46
    ticks = _ticks(max(totals), integer=True)
    scale = (bottom - top) / ticks[-1]
    for t in ticks:
        y = bottom - t * scale
        chart.shapes += [Line(left, y, right, y), Label(left - 4, y + 4, _fmt(t), 10, "end", MUTED)]
    slot = (right - left) / len(categories)
    bar = max(min(slot * 0.7, 48), 1.0)
    every = max(1, int(len(categories) / ((right - left) / 56)) + 1)  # labels must not overlap
    for i, category in enumerate(categories):
        x = left + slot * i + (slot - bar) / 2
        y = bottom
        for k, values in enumerate(series.values()):
            h = values[i] * scale
            if h > 0:
                y -= h
                chart.shapes.append(Rect(x, y, bar, h, PALETTE[k % len(PALETTE)]))
        if i % every == 0:
            label = shorten(category, 12)
            chart.shapes.append(Label(x + bar / 2, bottom + 14, label, 10, "middle", MUTED))
    chart.shapes.append(Line(left, bottom, right, bottom, INK))
    _legend(chart, list(series), height - 10)
    return chart


def horizontal_bars(
    title: str,
    rows: Sequence[tuple[str, float, str]],
    *,
    width: float = 720,
    row_height: float = 22,
) -> Chart:
    """One bar per (label, value, note) row, longest first as given; the note follows the bar."""
    height = 40 + max(len(rows), 1) * row_height + 10
    chart = _frame(title, width, height)
    if not rows:
        return _empty(chart)
    left, right, top = 250.0, width - 120, 34.0
    top_value = max((value for _, value, _ in rows), default=0) or 1
    for i, (label, value, note) in enumerate(rows):
        y = top + i * row_height
        w = (right - left) * value / top_value
        chart.shapes.append(Label(left - 6, y + row_height * 0.65, shorten(label, 38), 10, "end"))
        if w > 0:
            chart.shapes.append(Rect(left, y + 3, w, row_height - 6, PALETTE[0]))
        chart.shapes.append(Label(left + w + 4, y + row_height * 0.65, shorten(note, 30), 10))
    return chart


def _attrs(**values: object) -> str:
    return " ".join(f"{k.replace('_', '-')}={quoteattr(str(v))}" for k, v in values.items())


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def to_svg(chart: Chart) -> str:
    """The chart as a standalone SVG document (every text escaped)."""
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" '
        + _attrs(
            width=_num(chart.width),
            height=_num(chart.height),
            viewBox=f"0 0 {_num(chart.width)} {_num(chart.height)}",
            role="img",
            font_family=FONT,
        )
        + ">",
        f"<title>{escape(flatten(chart.title))}</title>",
        '<rect width="100%" height="100%" fill="#ffffff"/>',
    ]
    for shape in chart.shapes:
        if isinstance(shape, Rect):
            geometry = _attrs(x=_num(shape.x), y=_num(shape.y), width=_num(shape.w))
            parts.append(f"<rect {geometry} {_attrs(height=_num(shape.h), fill=shape.fill)}/>")
        elif isinstance(shape, Line):
            ends = _attrs(
                x1=_num(shape.x1), y1=_num(shape.y1), x2=_num(shape.x2), y2=_num(shape.y2)
            )
            parts.append(f"<line {ends} {_attrs(stroke=shape.stroke)}/>")
        else:
            weight = ' font-weight="bold"' if shape.bold else ""
            place = _attrs(x=_num(shape.x), y=_num(shape.y), font_size=_num(shape.size))
            style = _attrs(text_anchor=shape.anchor, fill=shape.fill)
            parts.append(f"<text {place} {style}{weight}>{escape(shape.text)}</text>")
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
