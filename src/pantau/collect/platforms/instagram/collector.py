"""Instagram: profile timeline (GraphQL / v1), media info with top likers and comments; the full
likers list and following lists only with a logged-in monitoring session."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from pantau.collect.base import Act, Capability, Collector, Fetched, PostRef

if TYPE_CHECKING:
    from pantau.collect.browser import CapturePage

_USER = r"/(?!p/|reel/|tv/|explore\b|accounts\b|api/|graphql\b)[A-Za-z0-9_.]{1,30}"


class InstagramCollector(Collector):
    platform = "instagram"
    real_hosts = ("instagram.com", "www.instagram.com")
    path_patterns = (
        _USER + r"/?",
        _USER + r"/following/?",
        r"/(?:p|reel|tv)/[A-Za-z0-9_-]+(?:/liked_by)?/?",
    )
    api_patterns = (r"/api/v1/", r"/graphql/query", r"/api/graphql")
    capabilities: ClassVar = {
        Act.POSTS: Capability(True),
        Act.COMMENTS: Capability(False, note="comments by an account are not exposed"),
        Act.SHARES: Capability(False, note="Instagram has no native repost on the web"),
        Act.LIKES_GIVEN: Capability(
            False, note="not exposed; found by reverse lookup among watched posts' likers"
        ),
        Act.LIKERS_OF_POST: Capability(True, needs_login=True),
        Act.FOLLOWING: Capability(True, needs_login=True),
    }
    leading_ops = frozenset({"users/web_profile_info"})  # then the feed / following by user id
    example_urls = (
        "https://www.instagram.com/kpu_ri/",
        "https://www.instagram.com/p/C1a2B3c4D5e/",
        "https://www.instagram.com/p/C1a2B3c4D5e/liked_by/",
        "https://instagram.com/kpu_ri/following/",
    )

    def profile_url(self, handle: str) -> str:
        return f"{self.base_url}/{handle}/"

    def following_url(self, handle: str) -> str:
        return f"{self.base_url}/{handle}/following/"

    async def _post_engagement(self, page: CapturePage, post: PostRef, logged_in: bool) -> Fetched:
        fetched = Fetched(self.platform, "engagement", post.url, subject_id=post.post_id)
        await page.open(post.url, fetched=fetched, collector=self)  # media info + comments
        if logged_in:
            await page.open(post.url.rstrip("/") + "/liked_by/", fetched=fetched, collector=self)
        return fetched
