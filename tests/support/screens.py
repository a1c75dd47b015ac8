"""Where browser tests write screenshots.

``docs/screenshots/`` only when ``PANTAU_UPDATE_SCREENSHOTS=1`` (a person refreshing the
committed pictures); otherwise the test's own temporary directory, so that running the suite
never modifies tracked files.
"""

from __future__ import annotations

import os
from pathlib import Path

from pantau.config import PROJECT_ROOT

DOCS_SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"


def screenshot_dir(tmp_path: Path) -> Path:
    target = DOCS_SCREENSHOTS if os.environ.get("PANTAU_UPDATE_SCREENSHOTS") == "1" else tmp_path
    target.mkdir(parents=True, exist_ok=True)
    return target
