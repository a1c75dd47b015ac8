"""POST: the ASN's own post promotes or attacks a side.

Observed as an own post (original, reel, story) classified ``support``/``oppose``; without a
model label, campaign cues in the text (hashtag, slogan, ballot number, hand sign). A
``neutral`` or ``unrelated`` label never makes a POST flag.
"""

from __future__ import annotations

from pantau.detect.rules.common import label_or_cue_candidates
from pantau.detect.rules.context import OWN_POST_KINDS, FlagCandidate, ObservationContext

ACT = "POST"


def detect(ctx: ObservationContext) -> list[FlagCandidate]:
    post = ctx.post
    if post is None or post.kind not in OWN_POST_KINDS:
        return []
    return label_or_cue_candidates(ctx, ACT, ctx.suggestion, "unggahan sendiri", post.created_at)
