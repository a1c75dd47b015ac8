"""Builders for detection tests: a small watch index, an ASN account, posts, edges, contexts."""

from __future__ import annotations

from datetime import UTC, datetime

from pantau.detect.rules.context import (
    AccountView,
    EdgeView,
    ObservationContext,
    PostView,
    Suggestion,
    WatchedView,
    WatchIndex,
)
from pantau.registry.cues import default_matcher

WHEN = datetime(2024, 1, 20, 3, 0, tzinfo=UTC)
SIDE_KINDS = {
    "anies-muhaimin": "pair",
    "prabowo-gibran": "pair",
    "ganjar-mahfud": "pair",
    "gerindra": "party",
    "pdip": "party",
}
WATCHED = (
    WatchedView("x", "TKNPrabowoGibran", "prabowo-gibran", "official_campaign", "900", True),
    WatchedView("x", "aniesbaswedan", "anies-muhaimin", "candidate", "901"),
    # An institution a candidate led: the watch list marks it not campaign-related.
    WatchedView("x", "Kemhan_RI", "prabowo-gibran", "candidate", "902", campaign_related=False),
    WatchedView("x", "Gerindra", "gerindra", "party", "903"),
    WatchedView("instagram", "tpn.ganjarmahfud", "ganjar-mahfud", "official_campaign", None, True),
)
WATCH = WatchIndex.build(WATCHED, SIDE_KINDS)
ASN = AccountView(id=1, civil_servant_id=10, platform="x", handle="budi_asn", native_id="100")
ASN_IG = AccountView(id=2, civil_servant_id=10, platform="instagram", handle="budi.asn")

# Posts by others that ASN items point at.
CAMPAIGN_POST = PostView("x", "p900", "900", "TKNPrabowoGibran", text="Ayo coblos 02!")
CANDIDATE_POST = PostView("x", "p901", "901", "aniesbaswedan", text="Terima kasih relawan")
INSTITUTION_POST = PostView("x", "p902", "902", "Kemhan_RI", text="Upacara HUT TNI")
NEWS_POST = PostView("x", "p500", "500", "kompascom", text="Debat capres malam ini di JCC")
NAMESAKE_POST = PostView("x", "p501", "501", "prabowo_bengkel", text="Servis motor murah")


def post(text: str = "", kind: str = "original", **fields: object) -> PostView:
    values: dict[str, object] = {
        "platform": "x",
        "post_id": "p1",
        "author_id": "100",
        "author_handle": "budi_asn",
        "kind": kind,
        "text": text,
        "created_at": WHEN,
    }
    values.update(fields)
    return PostView(**values)  # type: ignore[arg-type]


def edge(verb: str, target_id: str, target_type: str = "post", **fields: object) -> EdgeView:
    values: dict[str, object] = {
        "platform": "x",
        "actor_id": "100",
        "verb": verb,
        "target_type": target_type,
        "target_id": target_id,
    }
    values.update(fields)
    return EdgeView(**values)  # type: ignore[arg-type]


def sug(label: str, score: float = 0.9, targets: tuple[str, ...] = ()) -> Suggestion:
    return Suggestion(label, score, "test-model-1", targets)


def ctx(
    item: PostView | EdgeView,
    suggestion: Suggestion | None = None,
    targets: tuple[PostView, ...] = (),
    target_suggestion: Suggestion | None = None,
    target_handle: str = "",
    account: AccountView = ASN,
) -> ObservationContext:
    if isinstance(item, PostView):
        text = "\n".join((item.text, *item.alt_texts))
        return ObservationContext(
            account=account,
            watch=WATCH,
            post=item,
            suggestion=suggestion,
            cues=default_matcher().match(text),
            target_posts=targets,
            target_suggestion=target_suggestion,
        )
    return ObservationContext(
        account=account,
        watch=WATCH,
        edge=item,
        target_posts=targets,
        target_suggestion=target_suggestion,
        target_handle=target_handle,
    )
