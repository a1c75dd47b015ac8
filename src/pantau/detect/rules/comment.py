"""COMMENT: the ASN comments in support of or against a side.

Observed as an own comment or reply classified partisan (or, without a label, with campaign
cues), or ANY comment on a campaign account's post: the comment itself is the engagement,
whatever it says. A comment on an account the watch list marks ``campaign_related: false``
(an institution a candidate led) is judged on its text alone.
"""

from __future__ import annotations

from datetime import datetime

from pantau.detect.rules.common import (
    label_or_cue_candidates,
    merge_candidates,
    watched_candidate,
)
from pantau.detect.rules.context import COMMENT_KINDS, FlagCandidate, ObservationContext

ACT = "COMMENT"


def detect(ctx: ObservationContext) -> list[FlagCandidate]:
    if ctx.post is not None:
        if ctx.post.kind not in COMMENT_KINDS:
            return []
        when = ctx.post.created_at
        text = label_or_cue_candidates(ctx, ACT, ctx.suggestion, "komentar sendiri", when)
        return merge_candidates(_on_campaign_post(ctx, when), text)
    edge = ctx.edge
    if edge is None or edge.verb != "comment" or edge.target_type != "post":
        return []
    return _on_campaign_post(ctx, edge.event_time)


def _on_campaign_post(ctx: ObservationContext, when: datetime | None) -> list[FlagCandidate]:
    for target in ctx.target_posts:
        w = ctx.watch.campaign(target.platform, target.author_id, target.author_handle)
        if w is not None:
            reason = f"berkomentar pada unggahan {target.post_id} milik"
            return [watched_candidate(ACT, w, reason, when)]
    return []
