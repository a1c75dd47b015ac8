"""X (Twitter): profile timelines, conversations, retweeters and following via GraphQL."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from pantau.collect.base import Act, Capability, Collector, Fetched, PostRef

if TYPE_CHECKING:
    from pantau.collect.browser import CapturePage

_HANDLE = r"/(?!i/|home\b|explore\b|search\b|settings\b|login\b)[A-Za-z0-9_]{1,15}"


class XCollector(Collector):
    platform = "x"
    real_hosts = ("x.com", "www.x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com")
    path_patterns = (
        _HANDLE + r"/?",
        _HANDLE + r"/(?:with_replies|following)/?",
        _HANDLE + r"/status/\d+(?:/retweets)?/?",
    )
    api_patterns = (r"/i/api/graphql/[^/]+/\w+", r"/graphql/[^/]+/\w+")
    capabilities: ClassVar = {
        Act.POSTS: Capability(True),
        Act.COMMENTS: Capability(
            True, needs_login=True, note="replies: the with_replies tab needs a login"
        ),
        Act.SHARES: Capability(True, note="reposts and quotes on the account's timeline"),
        Act.LIKES_GIVEN: Capability(False, note="likes are private since June 2024"),
        Act.LIKERS_OF_POST: Capability(False, note="only the author sees likers since 2024"),
        Act.FOLLOWING: Capability(True, needs_login=True),
    }
    leading_ops = frozenset({"UserByScreenName"})  # then UserTweets / Following by user id
    example_urls = (
        "https://x.com/kpu_ri",
        "https://twitter.com/kpu_ri/status/1790000000000000001",
        "https://x.com/kpu_ri/status/1790000000000000001/retweets",
        "https://x.com/kpu_ri/following",
    )

    def profile_url(self, handle: str) -> str:
        return f"{self.base_url}/{handle}"

    def posts_url(self, handle: str, *, logged_in: bool) -> str:
        # UserTweetsAndReplies (posts, reposts and replies) is only served to a logged-in
        # session; logged out, the profile's UserTweets still gives posts and reposts.
        return f"{self.base_url}/{handle}/with_replies" if logged_in else self.profile_url(handle)

    async def _post_engagement(self, page: CapturePage, post: PostRef, logged_in: bool) -> Fetched:
        fetched = Fetched(self.platform, "engagement", post.url, subject_id=post.post_id)
        await page.open(post.url, fetched=fetched, collector=self)  # TweetDetail: commenters
        await page.open(post.url.rstrip("/") + "/retweets", fetched=fetched, collector=self)
        return fetched
