"""The scripts of the replica's pages: each fetches the same JSON routes, with the same query
parameters, as the real web app does, and asks for the next page when scrolled to the end.

``R`` (the runtime in :mod:`pantau.collect.replica.pages`) provides ``R.get``, ``R.item`` and
``R.more``; ``BASE`` is the platform prefix and ``PAGE`` the page's parameters.
"""

from __future__ import annotations

# Query ids the replica's pages use; the routes accept any id, as ids rotate on the real site.
X_QUERY_IDS = {
    "UserByScreenName": "rePl1caUsrByScrnName01",
    "UserTweets": "rePl1caUserTweets00001",
    "UserTweetsAndReplies": "rePl1caUsrTwtsReplies1",
    "TweetDetail": "rePl1caTweetDetail0001",
    "Retweeters": "rePl1caRetweeters00001",
    "Following": "rePl1caFollowing000001",
}

X_FEATURES = {
    "responsive_web_graphql_exclude_directive_enabled": True,
    "verified_phone_label_enabled": False,
    "responsive_web_graphql_timeline_navigation_enabled": True,
}

X_COMMON = """
const QID = PAGE.qids;
async function gql(op, variables) {
  const u = BASE + '/i/api/graphql/' + QID[op] + '/' + op + '?variables=' +
    encodeURIComponent(JSON.stringify(variables)) + '&features=' +
    encodeURIComponent(JSON.stringify(PAGE.features));
  return R.get(u, {headers: {'x-twitter-active-user': 'yes'}});
}
function entriesOf(instructions) {
  let out = [];
  for (const ins of instructions || []) {
    if (ins.entries) out = out.concat(ins.entries);
    if (ins.entry) out.push(ins.entry);
  }
  return out;
}
function showEntries(entries) {
  let bottom = null, shown = 0;
  for (const e of entries) {
    const c = e.content || {};
    if (c.cursorType === 'Bottom') bottom = c.value;
    const items = c.items ? c.items.map(i => i.item.itemContent) : [c.itemContent];
    for (const ic of items) {
      if (!ic) continue;
      const t = ic.tweet_results && ic.tweet_results.result;
      const u = ic.user_results && ic.user_results.result;
      if (t) { R.item('tweet', t.rest_id, t.core.user_results.result.core.screen_name,
                      t.legacy.full_text); shown++; }
      if (u) { R.item('UserCell', u.rest_id, u.core.screen_name, u.core.name); shown++; }
    }
  }
  return {bottom, shown};
}
"""

X_PROFILE = (
    X_COMMON
    + """
let userId = null, cursor = null;
R.more = async () => {
  if (userId === null) {
    const r = await gql('UserByScreenName', {screen_name: PAGE.handle});
    const res = r.body && r.body.data && r.body.data.user && r.body.data.user.result;
    if (!res) { document.body.dataset.state = 'not_found'; return false; }
    userId = res.rest_id;
  }
  const vars = {userId: userId, count: 20, includePromotedContent: true,
                withQuickPromoteEligibilityTweetFields: true, withVoice: true};
  if (cursor) vars.cursor = cursor;
  const r = await gql(PAGE.op, vars);
  const res = r.body && r.body.data && r.body.data.user && r.body.data.user.result;
  if (!res) return false;
  const got = showEntries(entriesOf(res.timeline.timeline.instructions));
  cursor = got.bottom;
  return got.shown > 0 && !!cursor;
};
"""
)

X_FOLLOWING = (
    X_COMMON
    + """
let userId = null, cursor = null;
R.more = async () => {
  if (userId === null) {
    const r = await gql('UserByScreenName', {screen_name: PAGE.handle});
    const res = r.body && r.body.data && r.body.data.user && r.body.data.user.result;
    if (!res) return false;
    userId = res.rest_id;
  }
  const vars = {userId: userId, count: 20, includePromotedContent: false};
  if (cursor) vars.cursor = cursor;
  const r = await gql('Following', vars);
  const res = r.body && r.body.data && r.body.data.user && r.body.data.user.result;
  if (!res) return false;
  const got = showEntries(entriesOf(res.timeline.timeline.instructions));
  cursor = got.bottom;
  return got.shown > 0 && !!cursor;
};
"""
)

X_STATUS = (
    X_COMMON
    + """
let cursor = null;
R.more = async () => {
  const vars = {focalTweetId: PAGE.post_id, with_rux_injections: false, rankingMode: 'Relevance',
                includePromotedContent: true, withCommunity: true, withVoice: true};
  if (cursor) vars.cursor = cursor;
  const r = await gql('TweetDetail', vars);
  const conv = r.body && r.body.data && r.body.data.threaded_conversation_with_injections_v2;
  if (!conv) return false;
  const got = showEntries(entriesOf(conv.instructions));
  cursor = got.bottom;
  return !!cursor;
};
"""
)

X_RETWEETS = (
    X_COMMON
    + """
let cursor = null;
R.more = async () => {
  const vars = {tweetId: PAGE.post_id, count: 20, includePromotedContent: true};
  if (cursor) vars.cursor = cursor;
  const r = await gql('Retweeters', vars);
  const tl = r.body && r.body.data && r.body.data.retweeters_timeline;
  if (!tl) return false;
  const got = showEntries(entriesOf(tl.timeline.instructions));
  cursor = got.bottom;
  return got.shown > 0 && !!cursor;
};
"""
)

IG_HEADERS = "{headers: {'x-ig-app-id': '936619743392459', 'x-requested-with': 'XMLHttpRequest'}}"

IG_PROFILE = """
let userId = null, maxId = null;
R.more = async () => {
  if (userId === null) {
    const r = await R.get(BASE + '/api/v1/users/web_profile_info/?username=' +
                          encodeURIComponent(PAGE.handle), IG_HDR);
    const u = r.body && r.body.data && r.body.data.user;
    if (!u) { document.body.dataset.state = 'not_found'; return false; }
    userId = u.id;
    if (u.is_private) { document.body.dataset.state = 'private'; return false; }
  }
  let url = BASE + '/api/v1/feed/user/' + userId + '/?count=12';
  if (maxId) url += '&max_id=' + encodeURIComponent(maxId);
  const r = await R.get(url, IG_HDR);
  if (!r.body || !r.body.items) return false;
  for (const it of r.body.items) R.item('post', it.id.split('_')[0], it.user.username,
                                        it.caption ? it.caption.text : '');
  maxId = r.body.next_max_id || null;
  return !!r.body.more_available && !!maxId;
};
""".replace("IG_HDR", IG_HEADERS)

IG_POST = """
let minId = null, started = false;
R.more = async () => {
  if (!started) {
    started = true;
    const r = await R.get(BASE + '/api/v1/media/' + PAGE.media_id + '/info/', IG_HDR);
    const it = r.body && r.body.items && r.body.items[0];
    if (!it) return false;
    R.item('post', it.id.split('_')[0], it.user.username, it.caption ? it.caption.text : '');
    if (PAGE.likers) {
      const l = await R.get(BASE + '/api/v1/media/' + PAGE.media_id + '/likers/', IG_HDR);
      for (const u of (l.body && l.body.users) || []) {
        R.item('liker', String(u.pk_id || u.id), u.username, u.full_name);
      }
    }
  }
  let url = BASE + '/api/v1/media/' + PAGE.media_id + '/comments/?can_support_threading=true';
  if (minId) url += '&min_id=' + encodeURIComponent(minId);
  const r = await R.get(url, IG_HDR);
  if (!r.body || !r.body.comments) return false;
  for (const c of r.body.comments) R.item('comment', String(c.pk), c.user.username, c.text);
  minId = r.body.next_min_id || null;
  return !!r.body.has_more_comments && !!minId;
};
""".replace("IG_HDR", IG_HEADERS)

IG_FOLLOWING = """
let userId = null, maxId = null;
R.more = async () => {
  if (userId === null) {
    const r = await R.get(BASE + '/api/v1/users/web_profile_info/?username=' +
                          encodeURIComponent(PAGE.handle), IG_HDR);
    const u = r.body && r.body.data && r.body.data.user;
    if (!u) return false;
    userId = u.id;
  }
  let url = BASE + '/api/v1/friendships/' + userId + '/following/?count=12';
  if (maxId) url += '&max_id=' + encodeURIComponent(maxId);
  const r = await R.get(url, IG_HDR);
  if (!r.body || !r.body.users) return false;
  for (const u of r.body.users) {
    R.item('UserCell', String(u.pk_id || u.id), u.username, u.full_name);
  }
  maxId = r.body.next_max_id || null;
  return !!maxId;
};
""".replace("IG_HDR", IG_HEADERS)

TT_PROFILE = """
let cursor = '0';
R.more = async () => {
  if (!PAGE.sec_uid) return false;
  const r = await R.get(BASE + '/api/post/item_list/?aid=1988&count=30&coverFormat=2&cursor=' +
                        cursor + '&secUid=' + encodeURIComponent(PAGE.sec_uid));
  if (!r.body || !r.body.itemList) return false;
  for (const it of r.body.itemList) R.item('post', it.id, it.author.uniqueId, it.desc);
  cursor = String(r.body.cursor);
  return !!r.body.hasMore;
};
"""

TT_VIDEO = """
let cursor = 0;
R.more = async () => {
  const r = await R.get(BASE + '/api/comment/list/?aid=1988&aweme_id=' + PAGE.post_id +
                        '&count=20&cursor=' + cursor);
  if (!r.body || !r.body.comments) return false;
  for (const c of r.body.comments) R.item('comment', c.cid, c.user.unique_id, c.text);
  cursor = r.body.cursor;
  return r.body.has_more === 1;
};
"""

TT_FOLLOWING = """
let minCursor = 0;
R.more = async () => {
  if (!PAGE.sec_uid) return false;
  const r = await R.get(BASE + '/api/user/list/?aid=1988&count=30&maxCursor=0&minCursor=' +
                        minCursor + '&scene=21&secUid=' + encodeURIComponent(PAGE.sec_uid));
  if (!r.body || !r.body.userList) return false;
  for (const e of r.body.userList) {
    R.item('UserCell', e.user.id, e.user.uniqueId, e.user.nickname);
  }
  minCursor = r.body.minCursor;
  return !!r.body.hasMore;
};
"""

FB_PROFILE = """
let cursor = PAGE.end_cursor, more = PAGE.has_next_page;
for (const s of document.querySelectorAll('script[data-sjs]')) {
  const txt = s.textContent;
  if (txt.indexOf('timeline_list_feed_units') < 0 || txt.indexOf('"edges"') < 0) continue;
  const doc = JSON.parse(txt);
  const res = doc.require[0][3][0].__bbox.require[0][3][1].__bbox.result;
  for (const e of res.data.user.timeline_list_feed_units.edges) {
    const st = e.node.comet_sections.content.story;
    R.item('story', e.node.post_id, st.actors[0].name, st.message ? st.message.text : '');
  }
}
let preloaded = true;  // the first page came with the HTML: fetch only when scrolled
R.more = async () => {
  if (preloaded) { preloaded = false; return more && !!cursor; }
  if (!more || !cursor) return false;
  const form = new URLSearchParams({
    av: '0', __user: '0', fb_api_caller_class: 'RelayModern',
    fb_api_req_friendly_name: 'ProfileCometTimelineFeedRefetchQuery',
    variables: JSON.stringify({count: 3, cursor: cursor, id: PAGE.user_id,
                               feedLocation: 'TIMELINE', renderLocation: 'timeline', scale: 1}),
    server_timestamps: 'true', doc_id: PAGE.doc_id});
  const r = await R.get(BASE + '/api/graphql/', {method: 'POST', body: form,
    headers: {'content-type': 'application/x-www-form-urlencoded',
              'x-fb-friendly-name': 'ProfileCometTimelineFeedRefetchQuery'}});
  const lines = r.text.split('\\r\\n').map(l => {
    try { return JSON.parse(l); } catch (e) { return null; }
  });
  const node = lines[0] && lines[0].data && lines[0].data.node;
  if (!node) return false;
  for (const e of node.timeline_list_feed_units.edges) {
    const st = e.node.comet_sections.content.story;
    R.item('story', e.node.post_id, st.actors[0].name, st.message ? st.message.text : '');
  }
  const info = lines[1] && lines[1].data && lines[1].data.page_info;
  more = !!(info && info.has_next_page); cursor = info ? info.end_cursor : null;
  return more;
};
"""

FB_POST = """
let started = false;
async function gqlq(name, variables) {
  const form = new URLSearchParams({av: '0', fb_api_caller_class: 'RelayModern',
    fb_api_req_friendly_name: name, variables: JSON.stringify(variables),
    server_timestamps: 'true', doc_id: PAGE.doc_ids[name]});
  return R.get(BASE + '/api/graphql/', {method: 'POST', body: form,
    headers: {'content-type': 'application/x-www-form-urlencoded', 'x-fb-friendly-name': name}});
}
R.more = async () => {
  if (started) return false;
  started = true;
  const c = await gqlq('CommentsListComponentsPaginationQuery',
                       {id: PAGE.feedback_id, commentsAfterCount: -1, first: 50});
  const conn = c.body && c.body.data && c.body.data.node &&
    c.body.data.node.comment_rendering_instance_for_feed_location;
  for (const e of (conn ? conn.comments.edges : [])) R.item('comment', e.node.legacy_fbid,
                                                           e.node.author.name, e.node.body.text);
  if (PAGE.reactors) {
    const r = await gqlq('CometUFIReactionsDialogQuery', {feedbackTargetID: PAGE.feedback_id,
                                                          reactionID: null, count: 50});
    const node = r.body && r.body.data && r.body.data.node;
    for (const e of (node ? node.reactors.edges : [])) {
      R.item('reactor', e.node.id, e.node.name, '');
    }
  }
  return false;
};
"""
