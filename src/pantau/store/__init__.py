"""Infrastructure: engine, sessions, declarative base, column types and Alembic migrations."""

from pantau.store.db import Base, UTCDateTime, make_engine, session_scope, utcnow

__all__ = ["Base", "UTCDateTime", "make_engine", "session_scope", "utcnow"]
