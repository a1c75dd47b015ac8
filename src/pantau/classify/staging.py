"""Model folders are read by every account that classifies (sweep workers, the review app), not
only by the one that built them, and nothing in them is secret (weights, tokenizer, card).
``tempfile.mkdtemp``, where they are staged, makes folders owner-only (0700), and safetensors
writes its files owner-only (0600): :func:`share_folder` opens them to reading."""

from __future__ import annotations

import os
from pathlib import Path

FOLDER_BITS = 0o755
FILE_BITS = 0o644


def share_folder(folder: Path) -> None:
    """Make ``folder`` and everything in it readable (folders also listable) by every account;
    no permission is taken away."""
    for root, _dirs, files in os.walk(folder):
        here = Path(root)
        here.chmod(here.stat().st_mode | FOLDER_BITS)
        for name in files:
            path = here / name
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | FILE_BITS)
