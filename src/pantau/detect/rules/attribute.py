"""ATTRIBUTE: partisan symbols in the ASN's own text.

Campaign hashtags, ballot numbers in a ballot context ("coblos 02"; a year such as "2024" is
not one: the cue matcher decides), hand signs ("salam 2 jari", "salam metal"), slogans and
party hashtags. A plain repost carries someone else's text and is judged by SHARE. When the
model calls the text ``neutral``/``unrelated`` and the only symbol is a ballot number, it is
a report about the ballot (news), not a symbol worn: no flag.
"""

from __future__ import annotations

from pantau.detect.rules.common import (
    CUE_CONFIDENCE,
    cue_groups,
    describe_hits,
    prefer_pairs,
    severity,
)
from pantau.detect.rules.context import OWN_TEXT_KINDS, FlagCandidate, ObservationContext
from pantau.registry.cues import CueHit

ACT = "ATTRIBUTE"
ATTRIBUTE_KINDS = ("hashtag", "slogan", "ballot_number", "hand_sign", "party")


def detect(ctx: ObservationContext) -> list[FlagCandidate]:
    post = ctx.post
    if post is None or post.kind not in OWN_TEXT_KINDS:
        return []
    groups: dict[str, list[CueHit]] = {}
    for side, hits in cue_groups(ctx.cues, ATTRIBUTE_KINDS).items():
        symbols = [h for h in hits if _symbol(h)]
        if symbols:
            groups[side] = symbols
    if ctx.suggestion is not None and not ctx.suggestion.partisan:
        groups = {s: h for s, h in groups.items() if any(x.kind != "ballot_number" for x in h)}
    sides = list(prefer_pairs((s for s in groups if s), ctx.watch.side_kinds))
    if "" in groups:
        sides.append("")
    return [
        FlagCandidate(
            act_code=ACT,
            target_side=side,
            reasons=(
                f"atribut partisan dalam teks sendiri: {describe_hits(groups[side])}"
                + (" (isyarat bersama beberapa pihak)" if side == "" else ""),
            ),
            severity=severity(ACT),
            confidence=CUE_CONFIDENCE,
            act_time=post.created_at,
        )
        for side in sides
    ]


def _symbol(hit: CueHit) -> bool:
    """Party names are news as often as symbols; only party hashtags count as attributes."""
    return hit.kind != "party" or hit.matched_text.lstrip().startswith("#")
