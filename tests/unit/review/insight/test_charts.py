"""The SVG writer: well-formed documents, escaped labels, empty charts say so."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pantau.review.insight.charts import horizontal_bars, stacked_bars, to_svg

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script> & \"x\" 'y' ]]>"


def _texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)  # noqa: S314
    assert root.tag == f"{SVG}svg"
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def _bars(svg: str) -> list[ET.Element]:
    return [r for r in ET.fromstring(svg).iter(f"{SVG}rect") if r.get("width") != "100%"]  # noqa: S314


def test_empty_charts_are_valid_and_say_no_data() -> None:
    for chart in (
        stacked_bars("Kosong", [], {}),
        stacked_bars("Nol", ["01/11", "02/11"], {"POST": [0, 0]}),
        horizontal_bars("Kosong", []),
    ):
        svg = to_svg(chart)
        assert chart.empty
        assert "Belum ada data" in _texts(svg)
        assert _bars(svg) == []


def test_stacked_bars_heights_follow_the_values() -> None:
    chart = stacked_bars("Penanda", ["a", "b"], {"POST": [2, 4], "LIKE": [2, 0]})
    svg = to_svg(chart)
    heights = [float(r.get("height", "0")) for r in _bars(svg) if r.get("width") != "10"]
    # three bar segments (a: POST 2 + LIKE 2, b: POST 4), all the same height per unit
    assert len(heights) == 3
    assert heights[0] == heights[1]
    assert abs(heights[2] - 2 * heights[0]) < 0.2
    assert "POST" in _texts(svg) and "LIKE" in _texts(svg)


def test_hostile_labels_are_escaped_text() -> None:
    svg = to_svg(horizontal_bars(HOSTILE, [(HOSTILE, 3.0, "3.00"), ("Dinas\x07B\nC", 1.0, "1.00")]))
    assert "<script>" not in svg
    texts = _texts(svg)
    assert any(t.startswith('<script>alert(1)</script> & "x"') for t in texts)
    assert "Dinas B C" in texts  # control characters do not reach the drawing
    root = ET.fromstring(svg)  # noqa: S314
    assert root.find(f"{SVG}title") is not None
    assert root.find(f"{SVG}title").text == HOSTILE  # type: ignore[union-attr]


def test_long_labels_are_shortened() -> None:
    svg = to_svg(horizontal_bars("t", [("x" * 200, 1.0, "1")]))
    assert max(len(t) for t in _texts(svg)) <= 90


def test_characters_xml_forbids_never_reach_the_document() -> None:
    hostile = "a\x00b\ud800c\ufffed\x1be"
    svg = to_svg(horizontal_bars(hostile, [(hostile, 1.0, hostile)]))
    texts = _texts(svg)
    assert "a b c d e" in texts
    assert ET.fromstring(svg).find(f"{SVG}title").text == "a b c d e"  # type: ignore[union-attr]  # noqa: S314
