"""Small helpers shared by the ingestion modules: dialect upserts, chunking, merging."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import Any, TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

CHUNK = 500
K = TypeVar("K")


def insert_for(session: Session, table: Any) -> Any:
    """The dialect's INSERT (PostgreSQL or SQLite), which offers ``ON CONFLICT``."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def expire(session: Session, rows: Iterable[Any]) -> None:
    """Bulk UPDATEs bypass the identity map: make loaded objects re-read their row."""
    for row in rows:
        session.expire(row)


def chunks(items: Sequence[K], size: int = CHUNK) -> Iterable[Sequence[K]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def overlay(old: Any, new: Any) -> Any:
    """A record whose fields are ``new``'s where it knows them, else ``old``'s."""
    values = {
        name: (value if value not in (None, "", ()) else getattr(old, name))
        for name, value in asdict(new).items()
        if name != "media"
    }
    if hasattr(new, "media"):
        values["media"] = new.media or old.media
    return type(new)(**values)
