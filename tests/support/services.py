"""Find or start the services some tests need: PostgreSQL and Redis.

Order for PostgreSQL: ``PANTAU_TEST_POSTGRES_URL``; the server every machine of this project runs
on 127.0.0.1:5432 (trust auth, database ``test``); a throw-away cluster started from Debian's
``postgresql`` binaries on a free loopback port. Each test session gets its own fresh database,
dropped at the end. Where none works, the tests that need it skip and say why.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"


def _reachable(url: str) -> str | None:
    """None if a connection works, else the reason."""
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _throwaway_cluster() -> Iterator[str]:
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not bins:
        raise RuntimeError("no Debian postgresql binaries (/usr/lib/postgresql/*/bin/initdb)")
    bindir = Path(bins[-1]).parent
    root = Path(tempfile.mkdtemp(prefix="pantau-pg-"))
    port = free_port()
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data = root / "data"
    subprocess.run(
        [*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"],
        check=True,
        capture_output=True,
    )
    opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [
            *prefix,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            opts,
            "-w",
            "start",
            "-l",
            str(root / "log"),
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def postgres_server() -> Iterator[tuple[str | None, str]]:
    """Yield (server URL or None, reasons tried)."""
    reasons: list[str] = []
    candidates = (
        [os.environ["PANTAU_TEST_POSTGRES_URL"]]
        if os.environ.get("PANTAU_TEST_POSTGRES_URL")
        else [DEFAULT_PG]
    )
    for url in candidates:
        why = _reachable(url)
        if why is None:
            yield url, ""
            return
        reasons.append(f"{make_url(url).render_as_string(hide_password=True)}: {why}")
    try:
        with _throwaway_cluster() as url:
            yield url, ""
            return
    except Exception as exc:
        reasons.append(f"throw-away cluster: {exc}")
    yield None, "; ".join(reasons)


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """Create a uniquely named database on the server, yield its URL, drop it afterwards."""
    name = f"pantau_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        from pantau.store.db import dispose_engines

        dispose_engines()
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :n AND pid <> pg_backend_pid()"
                ),
                {"n": name},
            )
            with suppress(Exception):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def redis_url() -> tuple[str | None, str]:
    url = os.environ.get("PANTAU_TEST_REDIS_URL", DEFAULT_REDIS)
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.ping()
        client.close()
        return url, ""
    except Exception as exc:
        return None, f"{url}: {type(exc).__name__}: {exc}"


def wait_for_port(host: str, port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex((host, port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"{host}:{port} did not open within {timeout}s")
