"""PHOTO: the ASN publishes a photo (or video) with a candidate, campaign team or material.

Observed as an own post with media that tags a watched campaign account, or whose caption or
alt text names a candidate together with campaign cues (a hashtag, slogan, ballot number, hand
sign, or an election word such as "kampanye" or "coblos"). A lone first name is not naming a
candidate: a photo with a colleague who shares a candidate's name is not a flag.
"""

from __future__ import annotations

from pantau.detect.rules.common import (
    CAMPAIGN_CUE_KINDS,
    describe_hits,
    severity,
    watched_candidate,
)
from pantau.detect.rules.context import (
    OWN_POST_KINDS,
    FlagCandidate,
    ObservationContext,
    PostView,
)
from pantau.registry.cuepatterns import ELECTION_CONTEXT
from pantau.registry.cues import CueHit
from pantau.registry.textnorm import normalize

ACT = "PHOTO"
MEDIA_PLATFORMS = frozenset({"instagram", "tiktok"})  # every post there is a photo or video
NAME_KINDS = frozenset({"name", "nickname"})
CONFIDENCE = 0.8


def detect(ctx: ObservationContext) -> list[FlagCandidate]:
    post = ctx.post
    if post is None or post.kind not in OWN_POST_KINDS or not _has_media(post):
        return []
    found: dict[str, FlagCandidate] = {}
    for handle in post.mentions:
        w = ctx.watch.campaign(post.platform, None, handle)
        if w is not None and w.side not in found:
            found[w.side] = watched_candidate(ACT, w, "foto/video menandai", post.created_at)
    for side, names, cues in _named_with_cues(ctx, post):
        if side in found:
            continue
        frame = describe_hits(cues) if cues else "kata pemilu dalam keterangan"
        found[side] = FlagCandidate(
            act_code=ACT,
            target_side=side,
            reasons=(
                f"foto/video yang keterangannya menyebut {describe_hits(names)} "
                f"bersama isyarat kampanye ({frame})",
            ),
            severity=severity(ACT),
            confidence=CONFIDENCE,
            act_time=post.created_at,
        )
    return list(found.values())


def _has_media(post: PostView) -> bool:
    return post.media_count > 0 or post.platform in MEDIA_PLATFORMS or post.kind == "reel"


def _named_with_cues(
    ctx: ObservationContext, post: PostView
) -> list[tuple[str, list[CueHit], list[CueHit]]]:
    if ctx.cues is None:
        return []
    names: dict[str, list[CueHit]] = {}
    cues: dict[str, list[CueHit]] = {}
    for hit in ctx.cues.hits:
        if hit.kind in NAME_KINDS and not _lone_name(hit):
            names.setdefault(hit.side, []).append(hit)
        elif hit.kind in CAMPAIGN_CUE_KINDS:
            cues.setdefault(hit.side, []).append(hit)
    caption = "\n".join((post.text, *post.alt_texts))
    election_words = ELECTION_CONTEXT.search(normalize(caption).text) is not None
    return [
        (side, hits, cues.get(side, []))
        for side, hits in sorted(names.items())
        if side in cues or election_words
    ]


def _lone_name(hit: CueHit) -> bool:
    """A one-word name ("Anies") is shared by many people; it never names a candidate alone."""
    return hit.kind == "name" and len(hit.cue.replace("-", " ").split()) == 1
