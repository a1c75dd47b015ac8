"""Helpers the rules share: which side a text favours, cue grouping, reason wording."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from pantau.detect.rules.context import (
    FlagCandidate,
    ObservationContext,
    Suggestion,
    WatchedView,
)
from pantau.registry.cues import CueHit, CueMatch

# Base severity per act (1 low .. 3 high); a target that is an official campaign account
# raises it by one (capped). Severity orders the queue; it is not a sanction.
SEVERITY = {
    "POST": 3,
    "PHOTO": 3,
    "SHARE": 2,
    "COMMENT": 2,
    "ATTRIBUTE": 2,
    "LIKE": 1,
    "FOLLOW": 1,
}
MAX_SEVERITY = 3
# Cues that put a text in a campaign frame; a bare name is not one (namesakes, news).
CAMPAIGN_CUE_KINDS = frozenset({"hashtag", "slogan", "ballot_number", "hand_sign"})
ALL_CUE_KINDS = frozenset({*CAMPAIGN_CUE_KINDS, "name", "nickname", "party"})
# Confidence of a flag made from cues alone, without a partisan model label.
CUE_CONFIDENCE = 0.6

KIND_WORDS = {
    "name": "nama",
    "nickname": "julukan",
    "hashtag": "tagar",
    "slogan": "slogan",
    "ballot_number": "nomor urut",
    "hand_sign": "salam jari",
    "party": "atribut partai",
}


def severity(act_code: str, official: bool = False) -> int:
    return min(MAX_SEVERITY, SEVERITY[act_code] + (1 if official else 0))


def describe_suggestion(s: Suggestion) -> str:
    targets = f" untuk {', '.join(s.targets)}" if s.targets else ""
    return f"model menyarankan label '{s.label}' (skor {s.score:.2f}){targets}; hanya saran"


def describe_hits(hits: Iterable[CueHit]) -> str:
    seen: list[str] = []
    for h in hits:
        text = f"{KIND_WORDS.get(h.kind, h.kind)} '{h.matched_text}'"
        if text not in seen:
            seen.append(text)
    return ", ".join(seen)


def describe_watched(w: WatchedView) -> str:
    official = "akun kampanye resmi" if w.official else f"akun {w.kind}"
    return f"@{w.handle} ({official}, pihak {w.side})"


def prefer_pairs(sides: Iterable[str], side_kinds: dict[str, str]) -> tuple[str, ...]:
    """Pair sides when any are named, else party sides: a text naming a pair and its party
    is one act towards the pair, not two."""
    unique = sorted(set(sides))
    pairs = [s for s in unique if side_kinds.get(s, "pair") == "pair"]
    return tuple(pairs or unique)


def cue_groups(match: CueMatch | None, kinds: Iterable[str]) -> dict[str, list[CueHit]]:
    """Hits of ``kinds`` by side; a shared cue the matcher could not resolve goes to ""."""
    wanted = set(kinds)
    spans: dict[tuple[int, int], list[CueHit]] = {}
    for hit in match.hits if match is not None else ():
        if hit.kind in wanted:
            spans.setdefault((hit.start, hit.end), []).append(hit)
    groups: dict[str, list[CueHit]] = {}
    for hits in spans.values():
        owners = {h.side for h in hits}
        key = "" if len(owners) > 1 else hits[0].side
        groups.setdefault(key, []).extend(hits[:1] if key == "" else hits)
    return groups


def suggestion_sides(ctx: ObservationContext, s: Suggestion) -> tuple[str, ...]:
    """The sides a partisan label is about: the model's targets, else the text's cues (a
    shared cue the matcher left open, "02" in Pilpres and Pilkada DKI, names no side)."""
    sides = s.targets or tuple(k for k in cue_groups(ctx.cues, ALL_CUE_KINDS) if k)
    return prefer_pairs(sides, ctx.watch.side_kinds) or ("",)


def label_or_cue_candidates(
    ctx: ObservationContext,
    act_code: str,
    suggestion: Suggestion | None,
    what: str,
    act_time: datetime | None,
) -> list[FlagCandidate]:
    """The text test shared by POST, COMMENT and SHARE.

    A partisan label makes a flag per side it names. Without any label, campaign cues
    (hashtag, slogan, ballot number, hand sign) do. A ``neutral``/``unrelated`` label never
    makes a flag here, cues or not (news about a campaign is not campaigning).
    """
    if suggestion is not None:
        if not suggestion.partisan:
            return []
        reason = f"{what}: {describe_suggestion(suggestion)}"
        cue_note = _cue_note(ctx.cues)
        return [
            FlagCandidate(
                act_code=act_code,
                target_side=side,
                reasons=(reason, *cue_note),
                severity=severity(act_code),
                confidence=suggestion.score,
                uses_model=True,
                act_time=act_time,
            )
            for side in suggestion_sides(ctx, suggestion)
        ]
    groups = cue_groups(ctx.cues, CAMPAIGN_CUE_KINDS)
    sides = prefer_pairs((k for k in groups if k), ctx.watch.side_kinds)
    if not sides and "" in groups:
        sides = ("",)
    return [
        FlagCandidate(
            act_code=act_code,
            target_side=side,
            reasons=(
                f"{what} memuat isyarat kampanye: {describe_hits(groups[side])} "
                "(belum ada label model)",
            ),
            severity=severity(act_code),
            confidence=CUE_CONFIDENCE,
            act_time=act_time,
        )
        for side in sides
    ]


def watched_candidate(
    act_code: str, w: WatchedView, reason: str, act_time: datetime | None
) -> FlagCandidate:
    """A flag towards a watched account's side (like, follow, comment on, share of it)."""
    return FlagCandidate(
        act_code=act_code,
        target_side=w.side,
        target_handle=w.handle,
        target_is_official=w.official,
        reasons=(f"{reason} {describe_watched(w)}",),
        severity=severity(act_code, w.official),
        confidence=1.0,
        act_time=act_time,
    )


def _cue_note(match: CueMatch | None) -> tuple[str, ...]:
    if match is None or not match.hits:
        return ()
    return (f"isyarat dalam teks: {describe_hits(match.hits)}",)


def merge_candidates(
    engagement: list[FlagCandidate], text: list[FlagCandidate]
) -> list[FlagCandidate]:
    """One candidate per side when an item is both an engagement with a campaign account and
    partisan text: reasons are joined; a text candidate with no side joins the engagement's."""
    out = {c.target_side: c for c in engagement}
    for c in text:
        key = c.target_side
        if key == "" and out and key not in out:
            key = next(iter(out))  # a side-less partisan text is about the engaged side
        kept = out.get(key)
        out[key] = c if kept is None else _joined(kept, c)
    return list(out.values())


def _joined(kept: FlagCandidate, other: FlagCandidate) -> FlagCandidate:
    return replace(
        kept,
        reasons=kept.reasons + other.reasons,
        confidence=max(kept.confidence, other.confidence),
        uses_model=kept.uses_model or other.uses_model,
    )
