"""SHARE: the ASN shares (reposts, quotes) campaign content.

Observed as a repost or quote of a campaign account's post, or a share whose text is
partisan: the quote's own words, or for a plain repost the shared text, classified
``support``/``oppose`` (without any label: campaign cues). A share of a news account's neutral
report is not a flag, even when it names a candidate.
"""

from __future__ import annotations

from datetime import datetime

from pantau.detect.rules.common import (
    label_or_cue_candidates,
    merge_candidates,
    watched_candidate,
)
from pantau.detect.rules.context import SHARE_KINDS, FlagCandidate, ObservationContext

ACT = "SHARE"
VERB_WORDS = {"repost": "membagikan ulang", "quote": "mengutip"}


def detect(ctx: ObservationContext) -> list[FlagCandidate]:
    post, edge = ctx.post, ctx.edge
    if post is not None:
        if post.kind not in SHARE_KINDS:
            return []
        engaged = _of_campaign_post(ctx, post.kind, post.created_at)
        # A quote is judged on its own words; a plain repost on the text it passes on.
        suggestion = ctx.suggestion
        if suggestion is None and post.kind == "repost":
            suggestion = ctx.target_suggestion
        what = "kutipan sendiri" if post.kind == "quote" else "teks yang dibagikan"
        text = label_or_cue_candidates(ctx, ACT, suggestion, what, post.created_at)
        return merge_candidates(engaged, text)
    if edge is None or edge.verb not in SHARE_KINDS or edge.target_type != "post":
        return []
    engaged = _of_campaign_post(ctx, edge.verb, edge.event_time)
    if ctx.target_suggestion is None or not ctx.target_suggestion.partisan:
        return engaged
    text = label_or_cue_candidates(
        ctx, ACT, ctx.target_suggestion, "teks yang dibagikan", edge.event_time
    )
    return merge_candidates(engaged, text)


def _of_campaign_post(
    ctx: ObservationContext, verb: str, when: datetime | None
) -> list[FlagCandidate]:
    for target in ctx.target_posts:
        w = ctx.watch.campaign(target.platform, target.author_id, target.author_handle)
        if w is not None:
            reason = f"{VERB_WORDS[verb]} unggahan {target.post_id} milik"
            return [watched_candidate(ACT, w, reason, when)]
    return []
