"""The referral letter's content: the record (``referral_record``) as titled sections of
label/value rows in Indonesian, shared by the PDF and the web page.

Who, what, when, where, witnesses and evidence: the order follows what Bawaslu checks when it
registers a report (DOMAIN.md). Absent values are said plainly ("tidak diketahui"), never left
blank, so that a reader can tell "not recorded" from a printing error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

UNKNOWN = "tidak diketahui"
SIDE_KINDS = {"pair": "pasangan calon", "party": "partai politik"}
CUSTODY_LABELS = {
    "captured": "direkam",
    "verified": "diperiksa keutuhannya",
    "exported": "diekspor",
    "purged": "dihapus",
}
NONE_TEXT = "-"


@dataclass
class Section:
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    # Long unbroken values (SHA-256, URLs) printed in a monospaced line of their own.
    mono: list[tuple[str, str]] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)
    # A screenshot in the package (its path) to show under the rows.
    image: str = ""


def when(value: dict[str, str] | None, missing: str = UNKNOWN) -> str:
    """``23-11-2026 14:58:07 WIB (2026-11-23T07:58:07Z)``: local time first, UTC beside it."""
    if not value:
        return missing
    return f"{value['wib']} ({value['utc']})"


def yes_no(value: bool) -> str:
    return "Ya" if value else "Tidak"


def text_or(value: Any, missing: str = NONE_TEXT) -> str:
    if value is None or value == "" or value == []:
        return missing
    return str(value)


def letter_sections(record: dict[str, Any]) -> list[Section]:
    return [
        _who(record),
        _account(record),
        _what(record),
        _when(record),
        _where(record),
        Section("F. Kronologi (ditulis petugas penerusan)", paragraphs=[record["chronology"]]),
        _evidence(record),
        _witnesses(record),
        _review(record),
        _clarification(record),
    ]


def _who(r: dict[str, Any]) -> Section:
    p = r["civil_servant"]
    return Section(
        "A. Identitas ASN (siapa)",
        rows=[
            ("Nama", p["name"]),
            ("NIP", p["nip"]),
            ("Status kepegawaian", p["status"]),
            ("Jabatan", text_or(p["position"])),
            ("Unit kerja", text_or(p["unit"])),
            ("Instansi", f"{p['agency']} ({p['agency_code']})"),
            ("Wilayah (kode)", text_or(p["region_code"])),
            ("Pejabat Pembina Kepegawaian (PPK)", text_or(p["ppk"])),
        ],
    )


def _account(r: dict[str, Any]) -> Section:
    a = r["account"]
    return Section(
        "B. Akun media sosial",
        rows=[
            ("Platform", a["platform_label"]),
            ("Nama akun (handle)", a["handle"]),
            ("ID akun tetap", text_or(a["stable_id"], UNKNOWN)),
            ("Dasar kepemilikan akun", a["ownership_label"]),
            ("Tanggal persetujuan", text_or(a["consent_date"])),
            ("Didaftarkan oleh", text_or(a["registered_by"])),
        ],
        mono=[("URL akun", text_or(a["url"]))],
    )


def _what(r: dict[str, Any]) -> Section:
    act, t = r["act"], r["target"]
    items = "; ".join(f"butir {i['number']}: {i['text']}" for i in act["skb_items"])
    side = t["side_name"] or t["side_key"] or UNKNOWN
    details = [SIDE_KINDS[t["side_kind"]]] if t["side_kind"] in SIDE_KINDS else []
    details += [f"nomor urut {t['ballot_number']}"] if t["ballot_number"] is not None else []
    details += [f"kode {t['side_key']}"] if t["side_key"] else []
    if details:
        side += f" ({'; '.join(details)})"
    return Section(
        "C. Perbuatan dan pihak yang diuntungkan (apa)",
        rows=[
            ("Kode perbuatan", act["code"]),
            ("Uraian perbuatan", act["label"]),
            ("Butir SKB No. 2/2022", text_or(items)),
            ("Dasar", act["skb_basis"]),
            ("Pihak (paslon/partai)", side),
            ("Calon", text_or(", ".join(t["candidates"]))),
            ("Partai", text_or(", ".join(t["parties"]))),
            ("Pemilu", _election(t)),
            ("Kontestasi", text_or(t["contest"])),
            ("Akun sasaran", text_or(t["target_account"])),
            ("Akun kampanye resmi (KPU)", yes_no(t["official_campaign_account"])),
        ],
        paragraphs=([f"Teks yang terekam: {act['captured_text']}"] if act["captured_text"] else []),
    )


def _election(t: dict[str, Any]) -> str:
    text = " - ".join(x for x in (t["election"], t["election_kind"]) if x)
    return f"{text} (kode {t['election_key']})" if t["election_key"] else text_or(text)


def _when(r: dict[str, Any]) -> Section:
    t, ref = r["times"], r["referral"]
    late = (
        "YA - DITERUSKAN SETELAH BATAS 7 HARI (tetap diteruskan dan dicatat terlambat)"
        if ref["late"]
        else "Tidak"
    )
    return Section(
        "D. Waktu (kapan)",
        rows=[
            ("Waktu perbuatan", when(t["act_time"], "tidak ditampilkan oleh platform")),
            ("Waktu perekaman bukti", when(t["capture_time"], "belum ada bukti terekam")),
            ("Pertama terdeteksi", when(t["first_detected"])),
            ("Batas penerusan (7 hari)", when(t["deadline"])),
            ("Dasar batas", t["deadline_rule"]),
            ("Rujukan dibuat", when(ref["created_at"])),
            ("Diekspor", when(ref["exported_at"], "belum")),
            ("Terlambat", late),
        ],
    )


def _where(r: dict[str, Any]) -> Section:
    act = r["act"]
    return Section(
        "E. Tempat (di mana)",
        rows=[
            ("Platform", r["account"]["platform_label"]),
            ("ID unggahan", text_or(act["post_id"])),
            ("ID butir", f"{act['item_id']} ({act['item_type']})"),
        ],
        mono=[("URL", text_or(act["url"]))],
    )


def _evidence(r: dict[str, Any]) -> Section:
    section = Section("G. Bukti")
    if not r["evidence"]:
        section.paragraphs.append("Tidak ada berkas bukti yang terekam.")
    for i, e in enumerate(r["evidence"], start=1):
        custody = [
            f"{when(c['at'])}: {CUSTODY_LABELS.get(c['action'], c['action'])} "
            f"({c['action']}) oleh {c['actor']}" + (f" ({c['detail']})" if c["detail"] else "")
            for c in e["custody"]
        ]
        section.subsections.append(
            Section(
                f"Bukti {i}: {e['kind_label']}",
                rows=[
                    ("Berkas dalam paket", e["file"]),
                    ("Jenis", f"{e['kind']} ({e['content_type']}, {e['size_bytes']} bita)"),
                    ("Waktu perekaman", when(e["captured_at"])),
                    ("Versi alat perekam", text_or(e["capture_tool_version"], UNKNOWN)),
                    ("Petugas perekam", text_or(e["captured_by"], UNKNOWN)),
                ],
                mono=[("SHA-256", e["sha256"]), ("Sumber", text_or(e["source_url"]))],
                paragraphs=["Log lacak (chain of custody):", *custody],
                image=e["file"] if e["content_type"].startswith("image/") else "",
            )
        )
    return section


def _witnesses(r: dict[str, Any]) -> Section:
    rows = []
    for i, w in enumerate(r["witnesses"], start=1):
        name = f"{w['display_name']} ({w['username']})" if w["display_name"] else w["username"]
        rows.append((f"Saksi {i} (peninjau)", name))
        rows.append((f"Saksi {i} mengonfirmasi", when(w["confirmed_at"])))
    return Section("H. Dua petugas verifikasi (saksi)", rows=rows)


def _review(r: dict[str, Any]) -> Section:
    section = Section("I. Riwayat peninjauan")
    for d in r["review_record"]:
        reason = f" Alasan: {d['reason']}" if d["reason"] else ""
        section.paragraphs.append(
            f"{when(d['at'])} - {d['reviewer']}: {d['verdict_label']} "
            f"(putaran {d['round']}).{reason}"
        )
    return section


def _clarification(r: dict[str, Any]) -> Section:
    section = Section("J. Klarifikasi ASN (hak jawab)")
    if not r["clarifications"]:
        section.paragraphs.append("ASN tidak dimintai klarifikasi sebelum penerusan ini.")
    for c in r["clarifications"]:
        section.subsections.append(
            Section(
                f"Klarifikasi putaran {c['round']}",
                rows=[
                    ("Diminta", f"{when(c['asked_at'])} oleh {c['asked_by']}"),
                    ("Pertanyaan", text_or(c["question"])),
                    ("Saluran", text_or(c["channel"])),
                    ("Jawaban ASN", text_or(c["reply_text"])),
                    ("Jawaban diterima", when(c["reply_at"], NONE_TEXT)),
                    ("Klaim akun diretas/dipalsukan", c["claim_label"]),
                    ("Pemeriksaan yang dilakukan", text_or(c["checks_made"])),
                    ("Hasil", c["outcome_label"]),
                    ("Dicatat oleh", text_or(c["recorded_by"])),
                ],
            )
        )
    return section
