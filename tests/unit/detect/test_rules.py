"""Each rule, table-driven: the acts it finds (side by side) and the near-misses it must not."""

from __future__ import annotations

import pytest

from pantau.detect.rules import (
    RULES,
    attribute,
    comment,
    detect_all,
    follow,
    like,
    photo,
    post,
    share,
)
from pantau.detect.rules.context import FlagCandidate, ObservationContext
from tests.unit.detect.support import (
    ASN_IG,
    CAMPAIGN_POST,
    CANDIDATE_POST,
    INSTITUTION_POST,
    NAMESAKE_POST,
    NEWS_POST,
    WHEN,
    ctx,
    edge,
    sug,
)
from tests.unit.detect.support import post as mkpost

Case = tuple[ObservationContext, set[str]]


def sides(found: list[FlagCandidate]) -> set[str]:
    return {c.target_side for c in found}


POST_CASES = {
    "support-label-with-model-target": (
        ctx(mkpost("Pilih beliau, pemimpin tegas!"), sug("support", 0.93, ("prabowo-gibran",))),
        {"prabowo-gibran"},
    ),
    "oppose-label-side-from-cues": (
        ctx(mkpost("Jangan pilih Ganjar Pranowo, janji kosong"), sug("oppose", 0.81)),
        {"ganjar-mahfud"},
    ),
    "partisan-label-no-side-known": (
        ctx(mkpost("Pokoknya calon kita harus menang"), sug("support", 0.7)),
        {""},
    ),
    "pair-preferred-over-its-party": (
        ctx(mkpost("Gerindra dan Prabowo Subianto menang!"), sug("support", 0.9)),
        {"prabowo-gibran"},
    ),
    "no-label-campaign-hashtag": (ctx(mkpost("Semangat pagi #AMIN")), {"anies-muhaimin"}),
    "neutral-label-never-alone": (
        ctx(mkpost("Debat capres ketiga malam ini"), sug("neutral", 0.95)),
        set(),
    ),
    "neutral-label-even-with-ballot-cue": (
        ctx(mkpost("KPU: paslon 02 kampanye di Bandung hari ini"), sug("neutral", 0.88)),
        set(),
    ),
    "unrelated-label": (ctx(mkpost("Rapat dinas pukul 09.00"), sug("unrelated", 0.99)), set()),
    "no-label-namesake-only": (ctx(mkpost("Selamat ulang tahun Pak Anies, tetangga baik")), set()),
    "no-label-year-is-not-ballot-number": (ctx(mkpost("Laporan keuangan tahun 2024")), set()),
    "comment-is-not-a-post": (
        ctx(mkpost("Mantap!", kind="reply"), sug("support", 0.9, ("prabowo-gibran",))),
        set(),
    ),
    "repost-is-not-a-post": (
        ctx(mkpost("coblos 02", kind="repost", reposted_post_id="p900"), sug("support", 0.9)),
        set(),
    ),
}


@pytest.mark.parametrize(("case", "expected"), POST_CASES.values(), ids=POST_CASES.keys())
def test_post_rule(case: ObservationContext, expected: set[str]) -> None:
    found = post.detect(case)
    assert sides(found) == expected
    assert all(c.act_code == "POST" and c.reasons for c in found)


def test_post_flag_carries_model_score_and_time() -> None:
    [found] = post.detect(ctx(mkpost("Pilih 02!"), sug("support", 0.87, ("prabowo-gibran",))))
    assert found.confidence == 0.87
    assert found.uses_model is True
    assert found.severity == 3
    assert found.act_time == WHEN
    assert "support" in found.reasons[0] and "0.87" in found.reasons[0]


COMMENT_CASES = {
    "any-comment-on-campaign-post": (
        ctx(mkpost("Hadir!", kind="reply", parent_post_id="p900"), None, (CAMPAIGN_POST,)),
        {"prabowo-gibran"},
    ),
    "neutral-comment-on-candidate-post-still-flag": (
        ctx(
            mkpost("Terima kasih infonya", kind="reply", parent_post_id="p901"),
            sug("neutral", 0.9),
            (CANDIDATE_POST,),
        ),
        {"anies-muhaimin"},
    ),
    "partisan-comment-anywhere": (
        ctx(
            mkpost("Prabowo pasti menang, coblos 02", kind="reply", parent_post_id="p500"),
            sug("support", 0.8),
            (NEWS_POST,),
        ),
        {"prabowo-gibran"},
    ),
    "partisan-comment-shared-ballot-number-names-no-side": (
        ctx(
            mkpost("Pasti menang, coblos 02", kind="reply", parent_post_id="p500"),
            sug("support", 0.8),
            (NEWS_POST,),
        ),
        {""},
    ),
    "partisan-comment-without-side-joins-campaign-side": (
        ctx(
            mkpost("Setuju, lanjut menang!", kind="comment", parent_post_id="p901"),
            sug("support", 0.8),
            (CANDIDATE_POST,),
        ),
        {"anies-muhaimin"},
    ),
    "neutral-comment-on-news": (
        ctx(
            mkpost("Semoga debatnya lancar", kind="reply", parent_post_id="p500"),
            sug("neutral", 0.9),
            (NEWS_POST,),
        ),
        set(),
    ),
    "comment-on-non-campaign-institution-account": (
        ctx(
            mkpost("Dirgahayu TNI", kind="reply", parent_post_id="p902"),
            sug("unrelated", 0.9),
            (INSTITUTION_POST,),
        ),
        set(),
    ),
    "comment-on-namesake-account": (
        ctx(mkpost("Buka jam berapa?", kind="reply"), sug("unrelated", 0.9), (NAMESAKE_POST,)),
        set(),
    ),
    "comment-edge-on-campaign-post": (
        ctx(edge("comment", "p900"), targets=(CAMPAIGN_POST,)),
        {"prabowo-gibran"},
    ),
    "comment-edge-target-unknown": (ctx(edge("comment", "p404")), set()),
    "original-post-is-not-a-comment": (
        ctx(mkpost("coblos 02"), sug("support", 0.9)),
        set(),
    ),
}


@pytest.mark.parametrize(("case", "expected"), COMMENT_CASES.values(), ids=COMMENT_CASES.keys())
def test_comment_rule(case: ObservationContext, expected: set[str]) -> None:
    found = comment.detect(case)
    assert sides(found) == expected
    assert all(c.act_code == "COMMENT" and c.reasons for c in found)


def test_comment_on_official_account_names_it_and_raises_severity() -> None:
    [found] = comment.detect(
        ctx(mkpost("Hadir!", kind="reply", parent_post_id="p900"), None, (CAMPAIGN_POST,))
    )
    assert found.target_handle == "TKNPrabowoGibran"
    assert found.target_is_official is True
    assert found.severity == 3  # COMMENT 2, +1 for an official campaign account
    assert "@TKNPrabowoGibran" in found.reasons[0]


SHARE_CASES = {
    "repost-of-campaign-account": (
        ctx(mkpost("", kind="repost", reposted_post_id="p900"), None, (CAMPAIGN_POST,)),
        {"prabowo-gibran"},
    ),
    "quote-of-candidate-with-neutral-words": (
        ctx(
            mkpost("Menarik", kind="quote", quoted_post_id="p901"),
            sug("neutral", 0.7),
            (CANDIDATE_POST,),
        ),
        {"anies-muhaimin"},
    ),
    "repost-of-partisan-text": (
        ctx(
            mkpost("Pilih Ganjar Pranowo!", kind="repost", reposted_post_id="p77"),
            None,
            (),
            sug("support", 0.9, ("ganjar-mahfud",)),
        ),
        {"ganjar-mahfud"},
    ),
    "neutral-news-share-is-not-a-flag": (
        ctx(
            mkpost("Debat capres: Prabowo Subianto dan Anies Baswedan", kind="repost"),
            None,
            (NEWS_POST,),
            sug("neutral", 0.92),
        ),
        set(),
    ),
    "neutral-news-quote-with-ballot-number": (
        ctx(
            mkpost("KPU tetapkan nomor urut 2", kind="quote", quoted_post_id="p500"),
            sug("neutral", 0.9),
            (NEWS_POST,),
        ),
        set(),
    ),
    "repost-of-non-campaign-institution": (
        ctx(
            mkpost("", kind="repost", reposted_post_id="p902"),
            None,
            (INSTITUTION_POST,),
            sug("unrelated", 0.9),
        ),
        set(),
    ),
    "repost-edge-of-campaign-post": (
        ctx(edge("repost", "p900"), targets=(CAMPAIGN_POST,)),
        {"prabowo-gibran"},
    ),
    "repost-edge-of-partisan-text": (
        ctx(edge("repost", "p77"), targets=(NEWS_POST,), target_suggestion=sug("oppose", 0.8)),
        {""},
    ),
    "repost-edge-of-neutral-news": (
        ctx(edge("repost", "p500"), targets=(NEWS_POST,), target_suggestion=sug("neutral")),
        set(),
    ),
}


@pytest.mark.parametrize(("case", "expected"), SHARE_CASES.values(), ids=SHARE_CASES.keys())
def test_share_rule(case: ObservationContext, expected: set[str]) -> None:
    found = share.detect(case)
    assert sides(found) == expected
    assert all(c.act_code == "SHARE" and c.reasons for c in found)


LIKE_CASES = {
    "like-of-campaign-post": (
        ctx(edge("like", "p900"), targets=(CAMPAIGN_POST,)),
        {"prabowo-gibran"},
    ),
    "like-of-candidate-post": (
        ctx(edge("like", "p901"), targets=(CANDIDATE_POST,)),
        {"anies-muhaimin"},
    ),
    "like-on-non-campaign-account-marked-so": (
        ctx(edge("like", "p902"), targets=(INSTITUTION_POST,)),
        set(),
    ),
    "like-of-namesake-account": (ctx(edge("like", "p501"), targets=(NAMESAKE_POST,)), set()),
    "like-of-news": (ctx(edge("like", "p500"), targets=(NEWS_POST,)), set()),
    "like-target-not-collected": (ctx(edge("like", "p404")), set()),
    "follow-edge-is-not-a-like": (ctx(edge("follow", "900", "account")), set()),
}


@pytest.mark.parametrize(("case", "expected"), LIKE_CASES.values(), ids=LIKE_CASES.keys())
def test_like_rule(case: ObservationContext, expected: set[str]) -> None:
    found = like.detect(case)
    assert sides(found) == expected
    assert all(c.act_code == "LIKE" and not c.uses_model for c in found)


FOLLOW_CASES = {
    "follow-official-by-id": (ctx(edge("follow", "900", "account")), {"prabowo-gibran"}),
    "follow-party-by-id": (ctx(edge("follow", "903", "account")), {"gerindra"}),
    "follow-by-handle-when-id-unknown-to-watchlist": (
        ctx(
            edge("follow", "777", "account", platform="instagram"),
            target_handle="TPN.GanjarMahfud",
            account=ASN_IG,
        ),
        {"ganjar-mahfud"},
    ),
    "follow-non-campaign-institution": (ctx(edge("follow", "902", "account")), set()),
    "follow-namesake": (
        ctx(edge("follow", "501", "account"), target_handle="prabowo_bengkel"),
        set(),
    ),
    "follow-unwatched": (ctx(edge("follow", "500", "account"), target_handle="kompascom"), set()),
}


@pytest.mark.parametrize(("case", "expected"), FOLLOW_CASES.values(), ids=FOLLOW_CASES.keys())
def test_follow_rule(case: ObservationContext, expected: set[str]) -> None:
    found = follow.detect(case)
    assert sides(found) == expected
    assert all(c.act_code == "FOLLOW" and c.severity >= 1 for c in found)


def test_follow_that_is_gone_says_so() -> None:
    [found] = follow.detect(ctx(edge("follow", "900", "account", gone_since_run=7)))
    assert any("run 7" in r for r in found.reasons)


PHOTO = {"media_count": 1}
PHOTO_CASES = {
    "tags-campaign-account": (
        ctx(mkpost("Bersama tim", mentions=("TKNPrabowoGibran",), **PHOTO)),
        {"prabowo-gibran"},
    ),
    "caption-names-candidate-with-hashtag": (
        ctx(mkpost("Foto bareng Ganjar Pranowo #GanjarMahfud2024", **PHOTO)),
        {"ganjar-mahfud"},
    ),
    "caption-names-candidate-with-election-word": (
        ctx(mkpost("Hadir di kampanye Anies Baswedan", **PHOTO)),
        {"anies-muhaimin"},
    ),
    "alt-text-names-candidate-with-hand-sign": (
        ctx(mkpost("Sore ini", alt_texts=("Prabowo Subianto dan saya, salam 2 jari",), **PHOTO)),
        {"prabowo-gibran"},
    ),
    "namesake-colleague": (ctx(mkpost("Foto bareng Anies, rekan kantor saya", **PHOTO)), set()),
    "candidate-name-without-campaign-cues": (
        ctx(mkpost("Prabowo Subianto meresmikan jembatan", **PHOTO)),
        set(),
    ),
    "tags-non-campaign-institution": (
        ctx(mkpost("Upacara", mentions=("Kemhan_RI",), **PHOTO)),
        set(),
    ),
    "no-media-on-x": (ctx(mkpost("Hadir di kampanye Anies Baswedan")), set()),
    "instagram-posts-are-media": (
        ctx(
            mkpost(
                "Bersama", platform="instagram", author_id="200", mentions=("tpn.ganjarmahfud",)
            ),
            account=ASN_IG,
        ),
        {"ganjar-mahfud"},
    ),
}


@pytest.mark.parametrize(("case", "expected"), PHOTO_CASES.values(), ids=PHOTO_CASES.keys())
def test_photo_rule(case: ObservationContext, expected: set[str]) -> None:
    found = photo.detect(case)
    assert sides(found) == expected
    assert all(c.act_code == "PHOTO" and c.reasons for c in found)


ATTRIBUTE_CASES = {
    "campaign-hashtag": (ctx(mkpost("Pagi semua #PrabowoGibran2024")), {"prabowo-gibran"}),
    "hand-sign": (ctx(mkpost("Salam 3 jari untuk Mas Ganjar")), {"ganjar-mahfud"}),
    "ballot-number-in-ballot-context": (
        ctx(mkpost("Jangan lupa coblos 01 ya, pilpres tinggal seminggu")),
        {"anies-muhaimin"},
    ),
    # "01" is Anies-Muhaimin in Pilpres and Ridwan Kamil-Suswono in Pilkada DKI: no side.
    "shared-ballot-number-without-context": (ctx(mkpost("Jangan lupa coblos 01 ya")), {""}),
    "party-hashtag": (ctx(mkpost("Bangga #Gerindra")), {"gerindra"}),
    "party-name-is-not-an-attribute": (ctx(mkpost("Rapat PDIP di gedung DPRD")), set()),
    "year-2024-is-not-a-ballot-number": (ctx(mkpost("Pemilu 2024 sudah dekat")), set()),
    "time-is-not-a-ballot-number": (ctx(mkpost("Apel jam 02.00 dini hari")), set()),
    "namesake": (ctx(mkpost("Anies, teman SMA saya, menikah hari ini")), set()),
    "neutral-news-ballot-number-only": (
        ctx(mkpost("KPU tetapkan nomor urut 2"), sug("neutral", 0.9)),
        set(),
    ),
    "neutral-label-keeps-hashtag": (
        ctx(mkpost("Info debat #AMIN"), sug("neutral", 0.6)),
        {"anies-muhaimin"},
    ),
    "plain-repost-is-not-own-text": (
        ctx(mkpost("#AMIN", kind="repost", reposted_post_id="p5")),
        set(),
    ),
    "comment-text-counts": (ctx(mkpost("#AMIN", kind="reply")), {"anies-muhaimin"}),
}


@pytest.mark.parametrize(("case", "expected"), ATTRIBUTE_CASES.values(), ids=ATTRIBUTE_CASES.keys())
def test_attribute_rule(case: ObservationContext, expected: set[str]) -> None:
    found = attribute.detect(case)
    assert sides(found) == expected
    assert all(c.act_code == "ATTRIBUTE" and c.reasons for c in found)


def test_every_act_code_has_one_rule() -> None:
    from pantau.detect.models import ACT_CODES

    assert tuple(RULES) == ACT_CODES


def test_an_attribute_in_a_partisan_post_is_one_act_not_two() -> None:
    found = detect_all(ctx(mkpost("Pilih Prabowo! #PrabowoGibran2024"), sug("support", 0.9)))
    assert [(c.act_code, c.target_side) for c in found] == [("POST", "prabowo-gibran")]
    assert any("tagar '#PrabowoGibran2024'" in r for r in found[0].reasons)


def test_an_attribute_in_a_neutral_post_stays_its_own_flag() -> None:
    found = detect_all(ctx(mkpost("Info debat #AMIN"), sug("neutral", 0.6)))
    assert [(c.act_code, c.target_side) for c in found] == [("ATTRIBUTE", "anies-muhaimin")]


SWAP_TEXTS = (
    ("Pilih Prabowo Subianto, pemimpin tegas! #PrabowoGibran2024", "support"),
    ("Jangan lupa coblos 02 di pilpres, salam 2 jari", None),
    ("Hadir di kampanye Prabowo Subianto #PrabowoGibran", None),
    ("Prabowo Subianto meresmikan jembatan", "neutral"),
    ("Selamat ulang tahun Pak Prabowo, tetangga baik", None),
)
SWAPS = (("prabowo-gibran", "anies-muhaimin"), ("prabowo-gibran", "ganjar-mahfud"))


@pytest.mark.parametrize(("a", "b"), SWAPS)
@pytest.mark.parametrize(("text", "label"), SWAP_TEXTS)
def test_swapping_candidates_swaps_the_side_and_nothing_else(
    text: str, label: str | None, a: str, b: str
) -> None:
    """DOMAIN.md safeguard 7: the same text with the candidates swapped, the same decision."""
    from pantau.registry.cues import default_matcher

    swapped = default_matcher().swap(text, a, b)
    assert swapped != text

    def acts(body: str, side: str) -> list[tuple[str, str]]:
        s = sug(label, 0.9, (side,)) if label else None
        item = mkpost(body, media_count=1)
        return sorted((c.act_code, c.target_side) for c in detect_all(ctx(item, s)))

    before = acts(text, a)
    after = acts(swapped, b)
    assert after == sorted((act, b if side == a else side) for act, side in before)
