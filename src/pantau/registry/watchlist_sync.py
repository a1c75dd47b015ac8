"""Writing validated watch lists into the registry tables (Election, Contest, Side, WatchedAccount).

The watch-list files are the source of truth: a sync makes the tables equal to the given watch
lists, so elections, contests, sides and watched accounts that are no longer listed are
removed. It writes through the caller's session and flushes; the caller's transaction
(``session_scope``) commits it, so a sync is all or nothing. Running it twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pantau.registry.models import Contest, Election, Side, WatchedAccount
from pantau.registry.watchlist import PAIR_CUE_KINDS, AccountEntry, Party, Watchlist
from pantau.store.db import utcnow


@dataclass
class SyncReport:
    """What a sync changed, as ``"<table> <key>"`` entries."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def __str__(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
            f"{self.unchanged} unchanged"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
        }


def _assign(obj: object, values: dict[str, Any]) -> bool:
    """Set the attributes that differ; True when any did."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


class _Sync:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.report = SyncReport()
        self.elections = {e.key: e for e in session.scalars(select(Election))}
        self.contests = {(c.election.key, c.key): c for c in session.scalars(select(Contest))}
        self.sides = {s.key: s for s in session.scalars(select(Side))}
        self.accounts = {
            (a.platform, a.handle.lower()): a for a in session.scalars(select(WatchedAccount))
        }
        self.seen: set[tuple[str, object]] = set()

    def upsert(self, table: str, key: Any, existing: Any, new: Any, values: dict[str, Any]) -> Any:
        label = f"{table} {key if isinstance(key, str) else '/'.join(key)}"
        self.seen.add((table, key))
        if existing is None:
            _assign(new, values)
            self.session.add(new)
            self.report.added.append(label)
            return new
        if _assign(existing, values):
            self.report.updated.append(label)
        else:
            self.report.unchanged += 1
        return existing

    def election(self, wl: Watchlist) -> Election:
        e = wl.election
        values = {
            "name": e.name,
            "kind": e.kind,
            "voting_date": e.voting_date,
            "campaign_start": e.campaign_start,
            "campaign_end": e.campaign_end,
            "source_file": wl.source_file,
            "source_sha256": wl.source_sha256,
        }
        old = self.elections.get(e.key)
        row: Election = self.upsert("election", e.key, old, Election(key=e.key), values)
        if old is not None and f"election {e.key}" in self.report.updated:
            row.loaded_at = utcnow()
        return row

    def side(self, key: str, contest: Contest | None, values: dict[str, Any]) -> Side:
        values = {"contest": contest, **values}
        row: Side = self.upsert("side", key, self.sides.get(key), Side(key=key), values)
        return row

    def account(self, side: Side, a: AccountEntry) -> None:
        key = (a.platform, a.handle.lower())
        values = {
            "side": side,
            "handle": a.handle,
            "native_id": a.native_id,
            "kind": a.kind,
            "official": a.official,
            "campaign_related": a.campaign_related,
            "note": a.note,
        }
        self.upsert(
            "watched_account",
            (a.platform, "@" + a.handle.lower()),
            self.accounts.get(key),
            WatchedAccount(platform=a.platform),
            values,
        )

    def party(self, party: Party) -> None:
        cues = {"names": list(party.cues.names), "hashtags": list(party.cues.hashtags)}
        values: dict[str, Any] = {
            "kind": "party",
            "name": party.name,
            "ballot_number": party.ballot_number,
            "members": [],
            "parties": [],
            "cues": cues,
            "notes": "",
        }
        row = self.side(party.key, None, values)
        for a in party.accounts:
            self.account(row, a)

    def watchlist(self, wl: Watchlist) -> None:
        election = self.election(wl)
        for party in wl.parties:
            self.party(party)
        for c in wl.contests:
            values: dict[str, Any] = {
                "election": election,
                "office": c.office,
                "region_code": c.region_code,
                "region_name": c.region_name,
            }
            key = (wl.election.key, c.key)
            contest: Contest = self.upsert(
                "contest", key, self.contests.get(key), Contest(key=c.key), values
            )
            for p in c.pairs:
                cues = {kind: list(p.cues.phrases(kind)) for kind in PAIR_CUE_KINDS}
                pair_values = {
                    "kind": "pair",
                    "name": p.name,
                    "ballot_number": p.ballot_number,
                    "members": list(p.members),
                    "parties": list(p.parties),
                    "cues": cues,
                    "notes": "",
                }
                row = self.side(p.key, contest, pair_values)
                for a in p.accounts:
                    self.account(row, a)

    def remove_unlisted(self) -> None:
        # Children first, so that no cascade removes something that was only moved.
        for (platform, handle), row in sorted(self.accounts.items()):
            if ("watched_account", (platform, "@" + handle)) not in self.seen:
                self._delete(row, f"watched_account {platform}/@{handle}")
        for key, side in sorted(self.sides.items()):
            if ("side", key) not in self.seen:
                self._delete(side, f"side {key}")
        for (ekey, ckey), contest in sorted(self.contests.items()):
            if ("contest", (ekey, ckey)) not in self.seen:
                self._delete(contest, f"contest {ekey}/{ckey}")
        for key, election in sorted(self.elections.items()):
            if ("election", key) not in self.seen:
                self._delete(election, f"election {key}")

    def _delete(self, row: object, label: str) -> None:
        self.session.delete(row)
        self.session.flush()
        self.report.removed.append(label)


def sync_watchlists(*, session: Session, watchlists: list[Watchlist]) -> SyncReport:
    """Make the registry's watch-list tables equal to ``watchlists`` (flushed, not committed)."""
    sync = _Sync(session)
    for wl in watchlists:
        sync.watchlist(wl)
    session.flush()
    sync.remove_unlisted()
    session.flush()
    return sync.report
