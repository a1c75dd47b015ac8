"""Shared pieces of the browser tests: Chromium's path and an app served on a free port."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from pantau.config import get_settings
from tests.support.services import free_port


def require_chromium() -> str:
    """The configured Chromium executable, or skip the test and say how to install it."""
    path = Path(get_settings().collect.chromium_path)
    if not path.is_file():
        pytest.skip(f"Chromium not installed at {path} (run scripts/install-system-deps.sh)")
    return str(path)


@contextmanager
def serve_app(app: Any, *, start_timeout_s: float = 30.0) -> Iterator[str]:
    """Serve an ASGI app with uvicorn in a thread on 127.0.0.1; yield its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout_s
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
