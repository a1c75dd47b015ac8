"""LIKE: the ASN likes a candidate's or campaign team's post.

Observed as the ASN among the likers of a watched account's post (or the post in the ASN's
public liked list). No model is needed: the like is the act. Not a flag when the watch list
marks the post's author ``campaign_related: false`` (an institutional account a candidate led),
nor for an account that merely shares a candidate's name (only watched accounts count).
"""

from __future__ import annotations

from pantau.detect.rules.common import watched_candidate
from pantau.detect.rules.context import FlagCandidate, ObservationContext

ACT = "LIKE"


def detect(ctx: ObservationContext) -> list[FlagCandidate]:
    edge = ctx.edge
    if edge is None or edge.verb != "like" or edge.target_type != "post":
        return []
    for target in ctx.target_posts[:1]:  # the liked post itself
        w = ctx.watch.campaign(target.platform, target.author_id, target.author_handle)
        if w is not None:
            reason = f"menyukai unggahan {target.post_id} milik"
            return [watched_candidate(ACT, w, reason, edge.event_time)]
    return []
