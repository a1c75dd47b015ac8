"""A local replica of X, Instagram, TikTok and Facebook for the collectors, tests and the demo.

``run_replica(scenario)`` serves a scenario on ``127.0.0.1:0``; ``Replica.base_urls`` gives the
per-platform base URLs the collectors are configured with. Routes and formats: docs/replica.md.
"""

from __future__ import annotations

from pantau.collect.replica.app import SESSION_COOKIES, Replica, run_replica, serve
from pantau.collect.replica.faults import MODES, FaultRule
from pantau.collect.replica.scenario import (
    Account,
    Follow,
    Like,
    Post,
    Scenario,
    load_scenario,
    scenario_from_dict,
)

__all__ = [
    "MODES",
    "SESSION_COOKIES",
    "Account",
    "FaultRule",
    "Follow",
    "Like",
    "Post",
    "Replica",
    "Scenario",
    "load_scenario",
    "run_replica",
    "scenario_from_dict",
    "serve",
]
