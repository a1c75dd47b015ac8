"""Insight web tests hash passwords cheaply, like the other review tests."""

from __future__ import annotations

import pytest

from tests.support.review_app import use_cheap_hasher


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    use_cheap_hasher(monkeypatch)
