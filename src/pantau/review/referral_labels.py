"""Indonesian wording for the referral letter: acts, SKB items, ownership bases, verdicts.

The SKB items are this project's paraphrase of the annex of SKB No. 2/2022 (joint decree of
KemenPAN-RB, Kemendagri, BKN, KASN and Bawaslu), list of code-of-ethics violations (moral
sanction, PP 42/2004). The same acts may also be disciplinary violations (PP 94/2021); the
system names the act and the item, never a sanction: the authorities decide. Keep the item
numbers in this one table so that a legal reviewer can correct them in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

SKB_BASIS = (
    "Lampiran SKB No. 2 Tahun 2022 (Pedoman Pembinaan dan Pengawasan Netralitas Pegawai ASN), "
    "jenis pelanggaran kode etik/kode perilaku (PP 42/2004); dapat pula merupakan pelanggaran "
    "disiplin (PP 94/2021) menurut penilaian pejabat yang berwenang"
)


@dataclass(frozen=True)
class SkbItem:
    number: str
    text: str


_CAMPAIGN_ONLINE = SkbItem(
    "2",
    "Melakukan sosialisasi atau kampanye bagi bakal calon/peserta pemilu melalui media sosial "
    "atau media daring",
)
_SOCIAL_ACTIVITY = SkbItem(
    "4",
    "Membuat unggahan, memberi komentar, membagikan, menyukai, atau bergabung/mengikuti grup "
    "atau akun pemenangan bakal calon/peserta pemilu",
)
_PHOTO = SkbItem(
    "5",
    "Mengunggah ke media sosial atau media lain yang dapat diakses publik foto bersama bakal "
    "calon/peserta pemilu atau tim suksesnya dengan simbol keberpihakan, atribut partai, atau "
    "latar gambar terkait calon",
)

SKB_ITEMS: dict[str, tuple[SkbItem, ...]] = {
    "POST": (_CAMPAIGN_ONLINE, _SOCIAL_ACTIVITY),
    "COMMENT": (_SOCIAL_ACTIVITY,),
    "SHARE": (_SOCIAL_ACTIVITY,),
    "LIKE": (_SOCIAL_ACTIVITY,),
    "FOLLOW": (_SOCIAL_ACTIVITY,),
    "PHOTO": (_PHOTO,),
    "ATTRIBUTE": (_CAMPAIGN_ONLINE,),
}

ACT_LABELS: dict[str, str] = {
    "POST": "Mengunggah konten yang mendukung atau menolak peserta pemilu di media sosial",
    "COMMENT": "Memberi komentar yang mendukung atau menolak peserta pemilu",
    "SHARE": "Membagikan ulang konten kampanye",
    "LIKE": "Menyukai unggahan calon atau tim kampanye",
    "FOLLOW": "Mengikuti atau bergabung dengan akun/grup tim pemenangan",
    "PHOTO": "Mengunggah foto bersama calon, tim kampanye atau alat peraga kampanye",
    "ATTRIBUTE": "Menampilkan simbol keberpihakan (tagar kampanye, nomor urut, salam jari, "
    "atribut partai)",
}

OWNERSHIP_LABELS: dict[str, str] = {
    "self_registered": "Didaftarkan sendiri oleh ASN dengan persetujuan tertulis",
    "hr_record": "Tercatat dalam data kepegawaian (SDM) instansi",
    "officer_verified": "Diverifikasi oleh petugas",
}

PLATFORM_LABELS: dict[str, str] = {
    "x": "X (Twitter)",
    "instagram": "Instagram",
    "facebook": "Facebook",
    "tiktok": "TikTok",
}

VERDICT_LABELS: dict[str, str] = {
    "confirm": "Konfirmasi",
    "dismiss": "Tolak",
    "clarify": "Minta klarifikasi",
}

EVIDENCE_KIND_LABELS: dict[str, str] = {
    "payload": "Data mentah dari platform",
    "page": "Halaman HTML",
    "screenshot": "Tangkapan layar",
}

ELECTION_KIND_LABELS: dict[str, str] = {
    "pilpres": "Pemilihan Presiden",
    "pileg": "Pemilihan Legislatif",
    "pilkada": "Pemilihan Kepala Daerah",
}


def skb_items(act_code: str) -> tuple[SkbItem, ...]:
    return SKB_ITEMS.get(act_code, ())
