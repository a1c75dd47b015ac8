"""Write a :class:`~pantau.review.insight.weekly.WeeklyReport` as self-contained HTML (inline
SVG charts and CSS: opens offline) or as a PDF (fpdf2, DejaVu, charts drawn as vectors)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from pantau.review.insight.charts import to_svg
from pantau.review.insight.pdf import add_fonts, clean, draw_chart
from pantau.review.insight.ranking import RankRow
from pantau.review.insight.weekly import WeeklyReport

TEMPLATES = Path(__file__).resolve().parent / "templates"
PAGE_W, MARGIN = 210.0, 15.0
CONTENT_W = PAGE_W - 2 * MARGIN
HEADINGS = FontFace(emphasis="BOLD", fill_color=(238, 242, 245))


def _generated(report: WeeklyReport) -> str:
    return report.generated_at.astimezone(report.period.zone).strftime("%Y-%m-%d %H:%M %Z")


def render_html(report: WeeklyReport) -> str:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html",), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Our SVG writer escapes every label, so its output may be inlined as markup.
    svgs = [Markup(to_svg(chart)) for chart in report.charts]  # noqa: S704
    return env.get_template("weekly.html").render(r=report, svgs=svgs, generated=_generated(report))


class _ReportPdf(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(91, 107, 124)
        self.cell(0, 6, f"pantau · laporan mingguan · halaman {self.page_no()}/{{nb}}", align="C")


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 12)
    pdf.set_text_color(29, 39, 51)
    pdf.multi_cell(CONTENT_W, 6, clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def _para(pdf: FPDF, text: str, size: float = 9) -> None:
    pdf.set_font("DejaVu", "", size)
    pdf.set_text_color(29, 39, 51)
    pdf.multi_cell(CONTENT_W, 4.6, clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _table(pdf: FPDF, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    pdf.set_font("DejaVu", "", 8)
    with pdf.table(
        width=CONTENT_W,
        line_height=4.6,
        first_row_as_headings=True,
        text_align="LEFT",
        headings_style=HEADINGS,
    ) as table:
        for cells in [header, *rows]:
            row = table.row()
            for cell in cells:
                row.cell(clean(str(cell)))


def _rank_table(pdf: FPDF, rows: Sequence[RankRow]) -> None:
    if not rows:
        _para(pdf, "Belum ada data.")
        return
    body = [(r.rank, r.label, r.confirmed, r.registered, f"{r.rate:.2f}") for r in rows[:20]]
    _table(pdf, ("#", "Nama", "Terkonfirmasi", "ASN terdaftar", "per 1.000"), body)


def render_pdf(report: WeeklyReport) -> bytes:
    pdf = _ReportPdf(orientation="P", unit="mm", format="A4")
    add_fonts(pdf)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    period = f"{report.period.first:%d/%m/%Y} – {report.period.last:%d/%m/%Y} (WIB)"
    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(0, 9, "Laporan mingguan netralitas ASN", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _para(pdf, f"Periode {period} · dibuat {_generated(report)} · peran {report.role_label}")
    _para(
        pdf,
        "Memuat nama dan NIP ASN (peran ini berwenang melihat data pribadi)."
        if report.personal
        else "Tanpa data pribadi: peran ini tidak berwenang melihat nama atau NIP ASN.",
    )
    t = report.totals
    _para(
        pdf,
        f"Penanda baru {t['raised']} · terkonfirmasi {t['confirmed']} · ditolak "
        f"{t['dismissed']} · dalam antrean {report.backlog.total}",
        10,
    )
    _heading(pdf, "Grafik")
    for chart in report.charts:
        height = chart.height * CONTENT_W / chart.width
        if pdf.get_y() + height > pdf.h - 18:
            pdf.add_page()
        pdf.set_y(pdf.get_y() + draw_chart(pdf, chart, x=MARGIN, y=pdf.get_y(), width=CONTENT_W))
        pdf.ln(3)
    _heading(pdf, "Peringkat instansi (terkonfirmasi per 1.000 ASN terdaftar)")
    _rank_table(pdf, report.agencies)
    _heading(pdf, "Peringkat wilayah (terkonfirmasi per 1.000 ASN terdaftar)")
    _rank_table(pdf, report.regions)
    _backlog(pdf, report)
    _fairness(pdf, report)
    return bytes(pdf.output())


def _backlog(pdf: FPDF, report: WeeklyReport) -> None:
    _heading(pdf, "Antrean dan tenggat berisiko")
    _para(pdf, " · ".join(f"{b}: {sum(s.values())}" for b, s in report.backlog.buckets.items()))
    if not report.at_risk:
        _para(pdf, "Tidak ada penanda yang tenggatnya dekat.")
        return
    header = ["Penanda", "Perbuatan", "Platform", "Instansi", "Status", "Tenggat"]
    rows: list[list[object]] = []
    for f in report.at_risk:
        row: list[object] = [f"#{f.flag_id}", f.act_code, f.platform, f.agency, f.status]
        rows.append([*row, f.deadline, *((f.name, f.nip) if report.personal else ())])
    _table(pdf, header + (["Nama ASN", "NIP"] if report.personal else []), rows)


def _fairness(pdf: FPDF, report: WeeklyReport) -> None:
    fair = report.fairness
    _heading(pdf, "Keadilan antarpihak")
    if fair.warnings:
        pdf.set_text_color(164, 22, 26)
        for w in fair.warnings:
            _para(pdf, f"PERINGATAN: {w.message()}")
    else:
        _para(pdf, f"Tidak ada pihak yang menyimpang melebihi ambang {fair.threshold:.2f}.")
    rows = [
        (
            s.name,
            s.raised,
            s.confirmed,
            s.dismissed,
            "-" if s.precision is None else f"{s.precision:.2f}",
            "-" if s.flag_rate is None else f"{s.flag_rate:.3f}",
        )
        for s in fair.sides
    ]
    if rows:
        header = ("Pihak", "Penanda", "Terkonfirmasi", "Ditolak", "Presisi", "Tingkat")
        _table(pdf, header, rows)
    cf = "; ".join(
        f"{v['name']}: keputusan berubah {v['decision_change_rate']} ({v['pairs']} pasangan)"
        for v in fair.counterfactual.values()
    )
    _para(pdf, f"Uji tukar nama model terpasang: {cf or 'tidak tersedia'}.")
