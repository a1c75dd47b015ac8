"""Detection rules: one small module per act code, each a pure function of an
:class:`~pantau.detect.rules.context.ObservationContext` returning zero or more
:class:`~pantau.detect.rules.context.FlagCandidate` with human-readable reasons.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from pantau.detect.rules import attribute, comment, follow, like, photo, post, share
from pantau.detect.rules.context import FlagCandidate, ObservationContext

Rule = Callable[[ObservationContext], list[FlagCandidate]]

# In DOMAIN.md's order; every act code has exactly one rule.
RULES: dict[str, Rule] = {
    post.ACT: post.detect,
    comment.ACT: comment.detect,
    share.ACT: share.detect,
    like.ACT: like.detect,
    follow.ACT: follow.detect,
    photo.ACT: photo.detect,
    attribute.ACT: attribute.detect,
}
# Acts whose flag already records the item's text: an ATTRIBUTE of the same item and side
# adds its reasons to that flag instead of making a second flag for one act.
TEXT_ACTS = frozenset({"POST", "COMMENT", "SHARE", "PHOTO"})


def detect_all(ctx: ObservationContext) -> list[FlagCandidate]:
    """Every rule's candidates for one observation, one per (act, side)."""
    found: list[FlagCandidate] = []
    for rule in RULES.values():
        found.extend(rule(ctx))
    return fold_attributes(found)


def fold_attributes(found: list[FlagCandidate]) -> list[FlagCandidate]:
    by_side = {c.target_side: i for i, c in enumerate(found) if c.act_code in TEXT_ACTS}
    out = list(found)
    dropped: set[int] = set()
    for i, c in enumerate(found):
        if c.act_code == "ATTRIBUTE" and c.target_side in by_side:
            j = by_side[c.target_side]
            out[j] = replace(out[j], reasons=out[j].reasons + c.reasons)
            dropped.add(i)
    return [c for i, c in enumerate(out) if i not in dropped]


__all__ = ["RULES", "FlagCandidate", "ObservationContext", "Rule", "detect_all"]
