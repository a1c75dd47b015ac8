"""The referral letter as a PDF (fpdf2, DejaVu fonts from Debian's ``fonts-dejavu-core``).

DejaVu covers Indonesian and most scripts that scraped text brings; characters it lacks (emoji)
are left out of the drawing by fpdf2 but the exact text stays in ``referral.json``. Control
characters are removed so a hostile post cannot break the layout.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import Align, TableBordersLayout, WrapMode, XPos, YPos
from fpdf.fonts import FontFace
from PIL import Image

from pantau.errors import ConfigError
from pantau.review.referral_letter import Section, letter_sections

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = {
    ("DejaVu", ""): "DejaVuSans.ttf",
    ("DejaVu", "B"): "DejaVuSans-Bold.ttf",
    ("DejaVuMono", ""): "DejaVuSansMono.ttf",
}
LABEL_WIDTH = 58.0
PICTURE_MAX_W, PICTURE_MAX_H = 120.0, 110.0
MM_PER_PX = 25.4 / 96
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

INTRO = (
    "Dengan ini kami meneruskan SATU dugaan pelanggaran netralitas Aparatur Sipil Negara "
    "(ASN) dalam penyelenggaraan pemilihan umum/pemilihan, sebagaimana diatur dalam SKB "
    "No. 2 Tahun 2022, untuk ditindaklanjuti sesuai kewenangan Bawaslu dan Satuan Tugas "
    "Bersama BKN. Surat ini mencatat perbuatan; penentuan pelanggaran dan sanksi sepenuhnya "
    "menjadi kewenangan pejabat yang berwenang."
)
CLOSING = (
    "Perbuatan ini telah diperiksa dan dikonfirmasi oleh dua peninjau yang berbeda. Penanda "
    "otomatis sistem hanya dipakai untuk mengurutkan antrean pemeriksaan dan bukan merupakan "
    "bukti. Keutuhan setiap berkas dalam paket ini dapat diperiksa dengan MANIFEST.sha256 "
    "(perintah: sha256sum -c MANIFEST.sha256)."
)


def clean(text: str) -> str:
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\t", "    "))


class LetterPdf(FPDF):
    """A4 portrait with the reference number and page count in the footer."""

    def __init__(self, reference: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.reference = reference
        for (family, style), name in FONTS.items():
            path = FONT_DIR / name
            if not path.is_file():
                raise ConfigError(
                    f"font {path} is missing: install Debian's fonts-dejavu-core "
                    "(scripts/install-system-deps.sh)"
                )
            self.add_font(family, style, str(path))
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(auto=True, margin=18)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", size=7)
        self.set_text_color(90)
        self.cell(0, 5, f"{self.reference} - halaman {self.page_no()}/{{nb}}", align=Align.C)
        self.set_text_color(0)

    def heading(self, text: str, size: float = 11) -> None:
        if self.get_y() > self.h - 40:
            self.add_page()
        self.ln(2)
        self.set_font("DejaVu", "B", size)
        self.multi_cell(0, 6, clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("DejaVu", size=9)

    def paragraph(self, text: str) -> None:
        self.set_font("DejaVu", size=9)
        self.multi_cell(0, 4.6, clean(text), align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def rows(self, rows: list[tuple[str, str]]) -> None:
        if not rows:
            return
        self.set_font("DejaVu", size=9)
        label_style = FontFace(emphasis="B", fill_color=(238, 241, 245))
        with self.table(
            col_widths=(LABEL_WIDTH, self.epw - LABEL_WIDTH),
            first_row_as_headings=False,
            borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            text_align=(Align.L, Align.L),
            line_height=4.6,
            wrapmode=WrapMode.WORD,
            padding=(1, 1.5),
        ) as table:
            for label, value in rows:
                row = table.row()
                row.cell(clean(label), style=label_style)
                row.cell(clean(value))
        self.ln(1)

    def picture(self, data: bytes, name: str) -> None:
        """A screenshot, at most 120 x 110 mm; one that cannot be decoded is named, not shown."""
        try:
            picture = Image.open(io.BytesIO(data))
            picture.load()
        except (OSError, ValueError, Image.DecompressionBombError):  # broken or hostile bytes
            self.paragraph(f"(Gambar {name} tidak dapat ditampilkan; berkasnya ada di paket.)")
            return
        width, height = float(picture.width), float(picture.height)
        # Pixels at 96 dpi, shrunk to fit the box but never enlarged (no blurred blow-ups).
        w, h = width * MM_PER_PX, height * MM_PER_PX
        scale = min(1.0, PICTURE_MAX_W / w, PICTURE_MAX_H / h)
        w, h = w * scale, h * scale
        if self.get_y() + h > self.h - 20:
            self.add_page()
        self.image(picture, x=self.l_margin, w=w, h=h)
        self.ln(2)

    def mono(self, rows: list[tuple[str, str]]) -> None:
        for label, value in rows:
            self.set_font("DejaVu", "B", 8)
            self.cell(LABEL_WIDTH, 4.4, clean(label))
            self.set_font("DejaVuMono", size=8)
            self.multi_cell(
                0, 4.4, clean(value), wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
        if rows:
            self.ln(1)


def _section(pdf: LetterPdf, section: Section, images: Mapping[str, bytes], level: int = 0) -> None:
    pdf.heading(section.title, size=11 if level == 0 else 9.5)
    pdf.rows(section.rows)
    pdf.mono(section.mono)
    if section.image and section.image in images:
        pdf.picture(images[section.image], section.image)
    for text in section.paragraphs:
        pdf.paragraph(text)
    for sub in section.subsections:
        _section(pdf, sub, images, level + 1)


def render_letter(
    record: dict[str, Any], *, created: datetime, images: Mapping[str, bytes] | None = None
) -> bytes:
    """The letter for ``record`` as PDF bytes (``created`` is the document's creation date);
    ``images`` maps a screenshot's path in the package to its bytes, shown with its evidence."""
    ref = record["referral"]
    pdf = LetterPdf(ref["reference"])
    pdf.set_title(f"Surat penerusan {ref['reference']}")
    pdf.set_author("pantau")
    pdf.set_lang("id")
    pdf.set_creation_date(created)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(
        0,
        7,
        "SURAT PENERUSAN DUGAAN PELANGGARAN NETRALITAS ASN",
        align=Align.C,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_font("DejaVu", size=9)
    pdf.cell(0, 5, f"Nomor: {ref['reference']}", align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.paragraph(
        "Kepada Yth.: Badan Pengawas Pemilihan Umum (Bawaslu) dan Satuan Tugas Bersama "
        "Pengawasan Netralitas ASN (Badan Kepegawaian Negara)"
    )
    pdf.paragraph(INTRO)
    if ref["late"]:
        pdf.set_fill_color(253, 226, 226)
        pdf.set_font("DejaVu", "B", 10)
        pdf.multi_cell(
            0,
            6,
            "TERLAMBAT: diteruskan setelah batas 7 hari sejak perbuatan diketahui.",
            fill=True,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    for section in letter_sections(record):
        _section(pdf, section, images or {})
    pdf.heading("K. Penutup")
    pdf.paragraph(CLOSING)
    name = ref["officer_name"] or ref["officer"]
    pdf.paragraph(f"Petugas penerusan: {name} ({ref['officer']})")
    return bytes(pdf.output())
