"""The cue matcher on hand-written realistic sentences, near-misses, swaps and masks."""

from __future__ import annotations

from pathlib import Path

import pytest

from pantau.config import PROJECT_ROOT, reset_settings
from pantau.errors import WatchlistError
from pantau.registry.cues import CueHit, CueMatcher, default_matcher
from pantau.registry.watchlist import load_watchlists

AM, PG, GM = "anies-muhaimin", "prabowo-gibran", "ganjar-mahfud"
RK, DK, PR = "ridwankamil-suswono", "dharma-kun", "pramono-rano"


@pytest.fixture(scope="module")
def matcher() -> CueMatcher:
    return CueMatcher.from_watchlists(load_watchlists(PROJECT_ROOT / "config" / "watchlists"))


REALISTIC: list[tuple[str, list[str], bool]] = [
    ("Bismillah, besok kita coblos nomor urut 2 ya gaes! #PrabowoGibran2024", [PG], False),
    ("Abah Anies dan Gus Imin siap bawa perubahan 🔥 #AMIN", [AM], False),
    ("Sat set sat set! Pak Ganjar dan Prof Mahfud paling cepat", [GM], False),
    ("Warga Jakarta, ayo menangkan Mas Pram dan Bang Doel! salam 3 jari", [PR], False),
    ("RIDO untuk Jakarta! coblos 1 tanggal 27 November", [RK], False),
    ("Dukung paslon 02 di pilkada DKI, Pak Dharma tegas!", [DK], False),
    ("coblos 02", [DK, PG], True),
    ("salam dua jari 🤘", [DK, PG], True),
    ("salam metal buat capres idola", [GM], False),
    ("PRABOWOOO PRESIDENKUUU!!! 02 menang", [PG], False),
    ("prabowo gibran satu putaran, lanjutkan!", [PG], False),
    ("yg penting pilih no.3 aja, Ganjar-Mahfud", [GM], False),
    ("# AMIN # AMIN, ayo ke TPS", [AM], False),
    ("Mantap #Prabowo_Gibran2024", [PG], False),
    ("Partai Gerindra dan PDI-P sama-sama kampanye hari ini", ["gerindra", "pdip"], False),
    ("Debat cagub: RK vs Mas Pram", [PR, RK], False),
    ("Anies atau Ganjar? nomor 1 aja deh", [AM, GM], False),
    ("nmr 2 gk ada lawan, Gemoy!", [PG], False),
    ("Kang Emil keren, #RIDO", [RK], False),
    ("bapak prabowo pilihanku, nomor dua!", [PG], False),
    ("pilihhhh nmr tigaaa, Mas Ganjar!", [GM], False),
    ("coblos 02 di pilgub dki", [DK], False),
    ("Pilpres: coblos 3\ufe0f\u20e3 ya! Pak Ganjar 🙏", [GM], False),
    ("Kader Gerindra siap coblos 02", ["gerindra", PG], False),
    ("Kader PDI-P: salam 3 jari!", [GM, "pdip", PR], True),
    ("Ayo dukung AMIN, coblos 1!", [AM], False),
]


@pytest.mark.parametrize(("text", "sides", "ambiguous"), REALISTIC)
def test_realistic_sentences(
    matcher: CueMatcher, text: str, sides: list[str], ambiguous: bool
) -> None:
    result = matcher.match(text)
    assert list(result.sides) == sides
    assert result.ambiguous is ambiguous


NEAR_MISSES = [
    "Rapat dimulai jam 2 siang, tanggal 02 Februari 2024",
    "Pukul 03.00 WIB laporan bulan 01 sudah dikirim",
    "Tahun 2024 ada 2 agenda besar di kantor",
    "Alamat: RT 02 RW 03 Kelurahan Menteng",
    "perubahan iklim makin terasa di kota kami",
    "Pemilu 2024: perubahan iklim belum jadi isu utama",
    "amin ya rabbal alamin",
    "Semoga lancar semua urusan, AMIN YA ALLAH",
    "Semoga sehat selalu AAMIIN",
    "Dharma Wanita Persatuan mengadakan arisan",
    "Bayar PBB sebelum jatuh tempo ya",
    "Selamat untuk PPPK yang baru dilantik",
    "Kabinet Indonesia Maju rapat terbatas hari ini",
    "Lanjutkan pekerjaan setelah istirahat",
    "Gerak cepat tanggap bencana banjir",
    "sat set kerjanya, mantap",
    "Jakarta baru saja diguyur hujan deras",
    "saya pilih 2024 sebagai tahun terbaik",
    "Terima kasih pak, nomor antrian 02",
    "Ruang 01 lantai 2",
    "tanggal 2024-02-14 libur nasional",
    "skor akhir 2-1, juara 1 lomba",
    "Menu baru: bisa pilih dua macam kuah",
    "Kantor kami di Jalan Merdeka no. 2, Bandung",
    "Rapat Senin, 01 Juni 2025 di aula",
    "Diskon 02 % untuk pegawai",
    "Sate kambing muda nomor 1 di Bandung",
    "Televisi nomor 1 dihati pemirsa",
]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_find_nothing(matcher: CueMatcher, text: str) -> None:
    result = matcher.match(text)
    assert result.hits == ()
    assert result.sides == ()


@pytest.mark.parametrize(
    "text",
    [
        "Anies teman sekantor saya, orangnya penuh perubahan",
        "Pak Anies guru olahraga kami juara 1 lomba lari, lanjutkan!",
    ],
)
def test_a_namesake_is_only_a_name_hit(matcher: CueMatcher, text: str) -> None:
    result = matcher.match(text)
    assert result.sides == (AM,)
    assert {h.kind for h in result.hits} == {"name"}


def test_hits_point_into_the_original_text(matcher: CueMatcher) -> None:
    text = "Yg plh nmr 2 pasti Prabowooo! #Prabowo_Gibran2024"
    result = matcher.match(text)
    assert result.hits == (
        CueHit(PG, "ballot_number", "02", "2", 11, 12),
        CueHit(PG, "name", "Prabowo", "Prabowooo", 19, 28),
        CueHit(PG, "hashtag", "#PrabowoGibran2024", "#Prabowo_Gibran2024", 30, 49),
    )
    assert result.to_dict() == {
        "sides": [PG],
        "ambiguous": False,
        "hits": [h.to_dict() for h in result.hits],
    }


COMPOUND_HASHTAGS: list[tuple[str, list[tuple[str, str, str, str]]]] = [
    # text, hits as (side, kind, cue, matched text)
    ("Pokoknya #TolakAnies", [(AM, "name", "Anies", "Anies")]),
    ("#GanjarMenang!!", [(GM, "name", "Ganjar", "Ganjar")]),
    ("#GemoyForPresiden", [(PG, "nickname", "Gemoy", "Gemoy")]),
    ("#RidwanKamilGubernur", [(RK, "name", "Ridwan Kamil", "RidwanKamil")]),
    ("#TolakPakPrabowo", [(PG, "nickname", "Pak Prabowo", "PakPrabowo")]),
    ("Ayo #Pramono2024", [(PR, "name", "Pramono Anung", "Pramono")]),
    ("#TolakPrabowoGibran", [(PG, "name", "Prabowo-Gibran", "PrabowoGibran")]),
    (
        "#GibranNo #CakIminYes",
        [(PG, "name", "Gibran", "Gibran"), (AM, "nickname", "Cak Imin", "CakImin")],
    ),
    ("#AsalBukanMUHAIMIN", [(AM, "name", "Muhaimin", "MUHAIMIN")]),
]


@pytest.mark.parametrize(("text", "expected"), COMPOUND_HASHTAGS)
def test_names_run_together_in_a_hashtag_are_name_hits(
    matcher: CueMatcher, text: str, expected: list[tuple[str, str, str, str]]
) -> None:
    result = matcher.match(text)
    assert [(h.side, h.kind, h.cue, h.matched_text) for h in result.hits] == expected
    assert all(text[h.start : h.end] == h.matched_text for h in result.hits)
    assert result.sides == tuple(sorted({side for side, *_ in expected}))
    assert result.ambiguous is False


@pytest.mark.parametrize(
    "text",
    [
        "#DharmaWanita arisan bulan ini",  # a common word, not Dharma Pongrekun
        "#Muslimin bersatu",  # "imin" glued inside another word
        "#KataSandi harus diganti tiap bulan",
        "#AMINajaDulu",  # AMIN is a prayer word too: only the listed forms count
        "#Agustusan di kantor",
    ],
)
def test_hashtags_holding_no_distinctive_name_find_nothing(matcher: CueMatcher, text: str) -> None:
    assert matcher.match(text).sides == ()


def test_a_listed_hashtag_is_not_also_split_into_names(matcher: CueMatcher) -> None:
    result = matcher.match("#PrabowoPresiden2024 #AniesMuhaimin2024Menang")
    assert [(h.kind, h.cue, h.matched_text) for h in result.hits] == [
        ("hashtag", "#PrabowoPresiden2024", "#PrabowoPresiden2024"),
        ("name", "Anies-Muhaimin", "AniesMuhaimin"),
    ]


def test_mask_keeps_the_other_words_of_a_hashtag(matcher: CueMatcher) -> None:
    text = "Ingat ya #TolakAnies, Pak Prabowo! #RidwanKamilGubernur"
    assert matcher.mask(text) == "Ingat ya #Tolak[CALON], [CALON]! #[CALON]Gubernur"


@pytest.mark.parametrize(
    ("text", "a", "b", "swapped"),
    [
        ("Ingat ya #TolakAnies, Pak Prabowo!", AM, PG, "Ingat ya #TolakPrabowo, Abah Anies!"),
        ("#TolakPrabowoGibran", PG, GM, "#TolakGanjarMahfud"),
        ("#tolakprabowogibran", PG, GM, "#tolakganjarmahfud"),
        ("#RidwanKamilGubernur", RK, PR, "#PramonoAnungGubernur"),
        ("#GemoyForPresiden", PG, GM, "#MasGanjarForPresiden"),
        ("#TOLAKGANJAR", GM, AM, "#TOLAKANIES"),
        # an acronym's capitals say nothing about how to write the other side's name
        ("#TolakRIDO", RK, DK, "#TolakDharmaKun"),
    ],
)
def test_swap_exchanges_names_inside_hashtags(
    matcher: CueMatcher, text: str, a: str, b: str, swapped: str
) -> None:
    assert matcher.swap(text, a, b) == swapped
    exchanged = {b if s == a else a if s == b else s for s in matcher.match(text).sides}
    assert set(matcher.match(swapped).sides) == exchanged
    assert matcher.swap(swapped, a, b) == text


def test_ambiguous_ballot_number_reports_every_candidate(matcher: CueMatcher) -> None:
    result = matcher.match("coblos 02")
    assert [(h.side, h.kind, h.cue) for h in result.hits] == [
        (DK, "ballot_number", "02"),
        (PG, "ballot_number", "02"),
    ]


def test_swap_reads_naturally(matcher: CueMatcher) -> None:
    text = "Ayo coblos 02! #PrabowoGibran2024 bersama Pak Prabowo dan Mas Gibran, salam 2 jari"
    assert matcher.swap(text, PG, AM) == (
        "Ayo coblos 01! #AniesMuhaimin2024 bersama Abah Anies dan Gus Imin, salam 1 jari"
    )
    assert matcher.swap("nomor dua, PRABOWO!", PG, GM) == "nomor tiga, GANJAR!"
    assert matcher.swap("Anies atau Prabowo? coblos 02", AM, PG) == (
        "Prabowo atau Anies? coblos 01"
    )


# Spellings that are not a listed form (elongated, other separators, honorific variants) come
# back from a double swap in the listed form; every other sentence comes back unchanged.
VARIANT_SPELLINGS = {
    "PRABOWOOO PRESIDENKUUU!!! 02 menang": "PRABOWO PRESIDENKUUU!!! 02 menang",
    "prabowo gibran satu putaran, lanjutkan!": "prabowo-gibran satu putaran, lanjutkan!",
    "# AMIN # AMIN, ayo ke TPS": "#AMIN #AMIN, ayo ke TPS",
    "Mantap #Prabowo_Gibran2024": "Mantap #PrabowoGibran2024",
    "bapak prabowo pilihanku, nomor dua!": "pak prabowo pilihanku, nomor dua!",
    "pilihhhh nmr tigaaa, Mas Ganjar!": "pilihhhh nmr tiga, Mas Ganjar!",
}


def _names_a_party(sides: list[str]) -> bool:
    # Party names are not swapped, and they place shared numbers: no exact round trip.
    return any("-" not in side for side in sides)


@pytest.mark.parametrize(("text", "sides", "ambiguous"), REALISTIC)
def test_swap_round_trips_on_realistic_sentences(
    matcher: CueMatcher, text: str, sides: list[str], ambiguous: bool
) -> None:
    expected = VARIANT_SPELLINGS.get(text, text)
    for contest in [(AM, PG, GM), (RK, DK, PR)]:
        for a in contest:
            for b in contest:
                if a != b and set(sides) & {a, b} and not _names_a_party(sides):
                    assert matcher.swap(matcher.swap(text, a, b), a, b) == expected, (a, b)


def test_swap_refuses_unknown_sides(matcher: CueMatcher) -> None:
    with pytest.raises(WatchlistError, match="unknown side 'nobody'"):
        matcher.swap("coblos 02", PG, "nobody")


def test_mask_uses_neutral_placeholders(matcher: CueMatcher) -> None:
    text = "Ayo coblos 02! #PrabowoGibran2024 bareng Pak Prabowo, salam 2 jari, Gerindra, lanjutkan"
    assert matcher.mask(text) == (
        "Ayo coblos [NOMOR]! [TAGAR] bareng [CALON], [SALAM], [PARTAI], [SLOGAN]"
    )
    assert matcher.mask("rapat jam 2 siang") == "rapat jam 2 siang"


def test_default_matcher_reads_the_configured_directory() -> None:
    first = default_matcher()
    assert first is default_matcher()  # cached
    assert {PG, RK, "gerindra"} <= set(first.sides)


def test_default_matcher_follows_the_setting_and_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = PROJECT_ROOT / "tests" / "data" / "watchlists" / "valid" / "contoh-2029.yaml"
    target = tmp_path / "contoh-2029.yaml"
    target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("PANTAU_WATCHLIST_DIR", str(tmp_path))
    reset_settings()
    assert default_matcher().match("Bang Budiman!").sides == ("budi-sari",)
    changed = source.read_text(encoding="utf-8").replace("Bang Budiman", "Bang Budi Oke")
    target.write_text(changed + "\n", encoding="utf-8")
    assert default_matcher().match("Bang Budiman!").sides == ()
    assert default_matcher().match("Bang Budi Oke!").sides == ("budi-sari",)
