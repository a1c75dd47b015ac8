"""Facebook: public page/profile timelines (Relay preloads, ``/api/graphql/``); reactions,
comments and following lists need a logged-in monitoring session."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from pantau.collect.base import Act, Capability, Collector, Fetched, PostRef

if TYPE_CHECKING:
    from pantau.collect.browser import CapturePage

_NAME = r"/(?!login\b|groups/|watch\b|api/|permalink\.php|story\.php)[A-Za-z0-9.]{3,50}"


class FacebookCollector(Collector):
    platform = "facebook"
    real_hosts = ("facebook.com", "www.facebook.com", "web.facebook.com", "m.facebook.com")
    path_patterns = (
        _NAME + r"/?",
        _NAME + r"/following/?",
        _NAME + r"/posts/[A-Za-z0-9]+/?",
        r"/(?:permalink|story)\.php",
    )
    api_patterns = (r"/api/graphql/?",)
    capabilities: ClassVar = {
        Act.POSTS: Capability(True),
        Act.COMMENTS: Capability(False, note="comments by an account are not exposed"),
        Act.SHARES: Capability(True, note="shared stories on the timeline"),
        Act.LIKES_GIVEN: Capability(
            False, note="not exposed; found by reverse lookup among watched posts' reactors"
        ),
        Act.LIKERS_OF_POST: Capability(True, needs_login=True, note="reactions dialog"),
        Act.FOLLOWING: Capability(
            False,
            note="friends/following tabs need login, follow each user's privacy setting and "
            "have no parser yet: not collected",
        ),
    }
    example_urls = (
        "https://www.facebook.com/kpu.ri",
        "https://www.facebook.com/kpu.ri/posts/pfbid02abcDEF",
        "https://web.facebook.com/permalink.php?story_fbid=1&id=2",
        "https://www.facebook.com/kpu.ri/following",
    )

    def _has_empty_list(self, fetched: Fetched) -> bool:
        # Facebook names the profile only inside its stories: a profile without posts still
        # carries the (empty) timeline preload, which is not a broken page.
        return any(
            capture.kind == "page" and b'"timeline_list_feed_units"' in capture.body
            for capture, _ in fetched.captures
        )

    def profile_url(self, handle: str) -> str:
        return f"{self.base_url}/{handle}"

    async def _post_engagement(self, page: CapturePage, post: PostRef, logged_in: bool) -> Fetched:
        fetched = Fetched(self.platform, "engagement", post.url, subject_id=post.post_id)
        await page.open(post.url, fetched=fetched, collector=self)  # counts, comments (partial)
        return fetched
