"""Import every stage's models so that ``Base.metadata`` knows all tables (Alembic, tests).

Each stage owns its tables in its own ``models.py``; add the module here when a stage gains one.
"""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

from pantau.store.db import Base

MODEL_MODULES: tuple[str, ...] = (
    "pantau.registry.models",
    "pantau.collect.models",
    "pantau.classify.models",
    "pantau.review.models",
    "pantau.detect.models",
    "pantau.review.decisions_models",
    "pantau.review.referral_models",
    "pantau.sweep.models",
    "pantau.review.tokens_models",
)


def load_all_models() -> MetaData:
    """Import every stage's ``models`` module and return the complete metadata."""
    for name in MODEL_MODULES:
        importlib.import_module(name)
    return Base.metadata
