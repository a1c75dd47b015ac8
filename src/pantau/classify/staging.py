"""Model folders are written beside their final place and renamed into it when whole."""

from __future__ import annotations

import tempfile
from pathlib import Path

# Model folders are read by every account that classifies (sweep workers, the review app), not
# only by the one that built them; nothing in them is secret (weights, tokenizer, card).
FOLDER_MODE = 0o755


def staging_dir(parent: Path, prefix: str) -> Path:
    """A new empty folder in ``parent`` to write a model folder into, then rename into place:
    ``tempfile.mkdtemp``'s, but with :data:`FOLDER_MODE` instead of its owner-only 0700."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    path.chmod(FOLDER_MODE)
    return path
