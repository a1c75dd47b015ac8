"""What Alembic's autogenerate compares: pantau's tables, not other libraries'."""

from __future__ import annotations

# Tables in our database that pantau's migrations do not own: APScheduler's job store.
FOREIGN_TABLES = frozenset({"apscheduler_jobs"})


def include_object(obj: object, name: str | None, type_: str, reflected: bool, _: object) -> bool:
    """Keep autogenerate from proposing to drop tables that other libraries own."""
    return not (type_ == "table" and reflected and name in FOREIGN_TABLES)
