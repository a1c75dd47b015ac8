"""FOLLOW: the ASN follows a campaign-team (or candidate, party, volunteer) account.

Observed as a watched account in the ASN's following list. No model is needed. Each follow is
flagged once (the flag's unique key): a follow first seen in an earlier sweep and already
flagged is not flagged again. Accounts the watch list marks ``campaign_related: false`` are not
flags.
"""

from __future__ import annotations

from dataclasses import replace

from pantau.detect.rules.common import watched_candidate
from pantau.detect.rules.context import FlagCandidate, ObservationContext

ACT = "FOLLOW"


def detect(ctx: ObservationContext) -> list[FlagCandidate]:
    edge = ctx.edge
    if edge is None or edge.verb != "follow" or edge.target_type != "account":
        return []
    w = ctx.watch.campaign(edge.platform, edge.target_id, ctx.target_handle or None)
    if w is None:
        return []
    candidate = watched_candidate(ACT, w, "mengikuti", edge.event_time)
    if edge.gone_since_run is not None:
        note = f"tidak lagi terlihat di daftar mengikuti sejak run {edge.gone_since_run}"
        candidate = replace(candidate, reasons=(*candidate.reasons, note))
    return [candidate]
