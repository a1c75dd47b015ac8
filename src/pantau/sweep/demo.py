"""The main job on embedded defaults, after the demo registry is loaded (``pantau demo``):
the replica in-process on 127.0.0.1:0 serving ``data/demo/scenario.yaml``, a sweep of the demo
roster (resumed if a previous demo was interrupted), demo review users, then the review app.

Idempotent: a second demo finds the users there and the sweep finds nothing new.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pantau.collect.browser import MonitoringSession
from pantau.collect.replica import Replica, run_replica
from pantau.collect.settings import PLATFORMS, replica_collect_settings
from pantau.config import PROJECT_ROOT, Settings
from pantau.errors import ConfigError
from pantau.store.db import engine_for, session_scope
from pantau.sweep.service import LogReporter, Reporter, resume_sweep, run_sweep, unfinished_sweep

DEMO_SCENARIO = PROJECT_ROOT / "data" / "demo" / "scenario.yaml"
# Development-mode demo logins, printed by the demo (refused outside development).
DEMO_PASSWORD = "demo-pantau-2029"  # noqa: S105
DEMO_USERS: tuple[tuple[str, str], ...] = (
    ("demo-admin", "admin"),
    ("demo-reviewer1", "reviewer"),
    ("demo-reviewer2", "reviewer"),
    ("demo-officer", "referral_officer"),
)


def demo_sessions(replica: Replica) -> dict[str, MonitoringSession]:
    """A logged-in monitoring session on the replica (its own cookies; nothing real)."""
    cookies = [
        {
            **replica.session_cookie(p),
            "domain": "127.0.0.1",
            "expires": -1,
            "httpOnly": True,
            "secure": False,
            "sameSite": "Lax",
        }
        for p in PLATFORMS
    ]
    mon = MonitoringSession(
        name="demo-monitor",
        logged_in_platforms=frozenset(PLATFORMS),
        storage_state={"cookies": cookies, "origins": []},
    )
    return dict.fromkeys(PLATFORMS, mon)


def demo_settings(settings: Settings, replica: Replica) -> Settings:
    """Collection pointed at (and opted in for) the replica only, without real-site pacing."""
    collect = replica_collect_settings(settings.collect, replica.base_urls).model_copy(
        update={
            "platform_rate_per_minute": 6000.0,
            "session_rate_per_minute": 6000.0,
            "rate_burst": 100,
            "rate_jitter_s": 0.0,
        }
    )
    return settings.model_copy(update={"collect": collect})


def ensure_demo_users(settings: Settings) -> list[tuple[str, str]]:
    """Create the demo logins if missing; returns (username, role) of each."""
    from pantau.review.permissions import Operator
    from pantau.review.users import add_user, get_user

    if settings.mode != "development":
        raise ConfigError("demo users with a printed password exist only in mode=development")
    with session_scope(engine_for(settings.db_url)) as session:
        for username, role in DEMO_USERS:
            if get_user(session=session, username=username) is None:
                add_user(
                    session=session,
                    actor=Operator("demo"),
                    username=username,
                    role=role,
                    password=DEMO_PASSWORD,
                    display_name=username.replace("-", " ").title(),
                )
    return list(DEMO_USERS)


def demo_sweep(
    settings: Settings,
    *,
    scenario: Path = DEMO_SCENARIO,
    reporter: Reporter | None = None,
    model_dir: Path | None = None,
) -> dict[str, Any]:
    """Serve the replica in-process, run (or resume) a sweep against it; returns the summary."""
    if model_dir is None and settings.sweep.model_dir is None:
        from pantau.classify.build import ensure_default_model

        model_dir = ensure_default_model(progress=True, settings=settings)
    if model_dir is not None:
        settings = settings.model_copy(
            update={"sweep": settings.sweep.model_copy(update={"model_dir": model_dir})}
        )
    engine = engine_for(settings.db_url)
    with run_replica(scenario) as replica:
        cfg = demo_settings(settings, replica)
        with session_scope(engine) as session:
            pending = unfinished_sweep(session) is not None
        reporter = reporter or LogReporter()
        if pending:
            return resume_sweep(
                engine=engine, settings=cfg, sessions=demo_sessions(replica), reporter=reporter
            )
        return run_sweep(
            engine=engine,
            settings=cfg,
            trigger="demo",
            sessions=demo_sessions(replica),
            reporter=reporter,
        )


def serve_requested() -> bool:
    """``PANTAU_DEMO_SERVE=0`` makes the demo exit after the sweep (tests, CI)."""
    return os.environ.get("PANTAU_DEMO_SERVE", "1").strip().lower() not in ("0", "false", "no")


def serve_review_app(
    settings: Settings, *, host: str = "127.0.0.1", port: int = 8000, say: Callable[[str], None]
) -> None:
    import uvicorn

    from pantau.review.web import create_app

    say(f"review app on http://{host}:{port}/ (Ctrl-C stops it)")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
