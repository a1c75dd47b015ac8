"""Draw a :class:`~pantau.review.insight.charts.Chart` on an fpdf2 page (vector, no images), so
the PDF report shows the same charts as the web page without an SVG rasteriser."""

from __future__ import annotations

import re
from pathlib import Path

from fpdf import FPDF

from pantau.errors import ConfigError
from pantau.review.insight.charts import Chart, Label, Line, Rect

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
PT_PER_MM = 72 / 25.4
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def add_fonts(pdf: FPDF) -> None:
    """DejaVu (covers Indonesian and most scraped scripts); a clear error when it is missing."""
    for style, name in FONTS.items():
        path = FONT_DIR / name
        if not path.is_file():
            raise ConfigError(f"font {path} not found: install Debian's fonts-dejavu-core")
        pdf.add_font("DejaVu", style, str(path))


def clean(text: str) -> str:
    return _CONTROL.sub("", text)


def _rgb(color: str) -> tuple[int, int, int]:
    value = color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def draw_chart(pdf: FPDF, chart: Chart, *, x: float, y: float, width: float) -> float:
    """Draw ``chart`` with its top-left corner at (x, y) mm, ``width`` mm wide; return its
    height in mm."""
    k = width / chart.width
    pdf.set_draw_color(213, 221, 229)
    pdf.set_line_width(0.2)
    pdf.rect(x, y, width, chart.height * k)
    for shape in chart.shapes:
        if isinstance(shape, Rect):
            pdf.set_fill_color(*_rgb(shape.fill))
            pdf.rect(x + shape.x * k, y + shape.y * k, shape.w * k, shape.h * k, style="F")
        elif isinstance(shape, Line):
            pdf.set_draw_color(*_rgb(shape.stroke))
            pdf.line(x + shape.x1 * k, y + shape.y1 * k, x + shape.x2 * k, y + shape.y2 * k)
        elif isinstance(shape, Label):
            _label(pdf, shape, x, y, k)
    pdf.set_text_color(0, 0, 0)
    pdf.set_fill_color(255, 255, 255)  # later tables must not inherit a bar's colour
    return chart.height * k


def _label(pdf: FPDF, shape: Label, x: float, y: float, k: float) -> None:
    pdf.set_font("DejaVu", "B" if shape.bold else "", shape.size * k * PT_PER_MM)
    pdf.set_text_color(*_rgb(shape.fill))
    text = clean(shape.text)
    w = pdf.get_string_width(text)
    shift = {"middle": w / 2, "end": w}.get(shape.anchor, 0.0)
    pdf.text(x + shape.x * k - shift, y + shape.y * k, text)
