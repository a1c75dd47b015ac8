"""Ranking agencies or regions by confirmed acts per 1,000 registered civil servants.

Like Bawaslu's election vulnerability index ranks provinces, the rate (not the raw count) is
compared, so a large ministry is not ranked above a small district office for its size alone.
Units with no registered civil servant have no rate and are left out (a count over nobody is
not a rate). Equal rates share a rank ("1, 2, 2, 4"); ties are listed by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

PER = 1000


@dataclass(frozen=True)
class RankRow:
    rank: int
    key: str
    label: str
    confirmed: int
    registered: int
    rate: float  # confirmed acts per 1,000 registered civil servants


def rank_per_thousand(
    *,
    confirmed: Mapping[str, int],
    registered: Mapping[str, int],
    labels: Mapping[str, str] | None = None,
) -> list[RankRow]:
    """Rank every unit with registered civil servants, highest rate first.

    ``confirmed`` may name units absent from ``registered`` (a flag whose agency was removed):
    they have no denominator and are left out, like units with 0 registered.
    """
    labels = labels or {}
    rows = [
        (key, labels.get(key, key), int(confirmed.get(key, 0)), int(n))
        for key, n in registered.items()
        if n > 0
    ]
    # Compare rates as exact fractions (c1/n1 vs c2/n2) so that equal rates tie exactly.
    rows.sort(key=lambda r: (-r[2] / r[3], r[1], r[0]))
    ranked: list[RankRow] = []
    for position, (key, label, count, n) in enumerate(rows, start=1):
        previous = ranked[-1] if ranked else None
        tie = previous is not None and count * previous.registered == previous.confirmed * n
        rank = previous.rank if tie and previous is not None else position
        ranked.append(RankRow(rank, key, label, count, n, PER * count / n))
    return ranked
