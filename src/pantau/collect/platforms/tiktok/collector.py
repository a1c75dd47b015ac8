"""TikTok: profile page data (``__UNIVERSAL_DATA_FOR_REHYDRATION__`` / ``SIGI_STATE``) and
``/api/post/item_list/``; comments on a video; likers are never shown."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from pantau.collect.base import Act, Capability, Collector, Fetched, PostRef

if TYPE_CHECKING:
    from pantau.collect.browser import CapturePage

_USER = r"/@[A-Za-z0-9_.-]{1,30}"


class TikTokCollector(Collector):
    platform = "tiktok"
    real_hosts = ("tiktok.com", "www.tiktok.com", "m.tiktok.com")
    path_patterns = (_USER + r"/?", _USER + r"/following/?", _USER + r"/video/\d+/?")
    api_patterns = (
        r"/api/(?:post/item_list|comment/list|comment/list/reply|user/list|repost/item_list"
        r"|favorite/item_list|user/detail|item/detail)/?",
    )
    capabilities: ClassVar = {
        Act.POSTS: Capability(True),
        Act.COMMENTS: Capability(False, note="comments by an account are not exposed"),
        Act.SHARES: Capability(True, note="the account's repost list"),
        Act.LIKES_GIVEN: Capability(
            False, note="liked videos only when the user made them public (openFavorite)"
        ),
        Act.LIKERS_OF_POST: Capability(False, note="TikTok never shows who liked a video"),
        Act.FOLLOWING: Capability(True, needs_login=True, note="respects followingVisibility"),
    }
    example_urls = (
        "https://www.tiktok.com/@kpu_ri",
        "https://www.tiktok.com/@kpu_ri/video/7300000000000000001",
        "https://www.tiktok.com/@kpu_ri/following",
    )

    def profile_url(self, handle: str) -> str:
        return f"{self.base_url}/@{handle}"

    async def _post_engagement(self, page: CapturePage, post: PostRef, logged_in: bool) -> Fetched:
        fetched = Fetched(self.platform, "engagement", post.url, subject_id=post.post_id)
        await page.open(post.url, fetched=fetched, collector=self)  # comments
        return fetched
