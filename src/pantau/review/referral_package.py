"""The export package: one ZIP per act with the letter, the JSON record, the evidence files and
``MANIFEST.sha256`` (``sha256sum -c`` format) listing the SHA-256 of every other file.

The ZIP is written to a temporary file beside its target and moved into place only when
complete, so a reader never sees half a package.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

LETTER_NAME = "surat-rujukan.pdf"
RECORD_NAME = "referral.json"
MANIFEST_NAME = "MANIFEST.sha256"


def manifest_text(files: Sequence[tuple[str, bytes]]) -> str:
    """``<sha256>  <path>`` per file, sorted by path (what ``sha256sum -c`` reads)."""
    ordered = sorted(files, key=lambda item: item[0])
    return "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in ordered)


def record_json(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode()


def write_zip(*, target: Path, files: Sequence[tuple[str, bytes]], stamp: datetime) -> str:
    """Write ``files`` plus their manifest to ``target`` atomically; return the ZIP's SHA-256."""
    names = [name for name, _ in files]
    if len(set(names)) != len(names) or MANIFEST_NAME in names:
        raise ValueError(f"duplicate or reserved file names in a package: {names}")
    entries = [*files, (MANIFEST_NAME, manifest_text(files).encode())]
    date_time = stamp.timetuple()[:6]
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".zip")
    try:
        with os.fdopen(fd, "wb") as handle:
            with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for name, data in entries:
                    info = zipfile.ZipInfo(name, date_time=date_time)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o644 << 16
                    archive.writestr(info, data)
            handle.flush()
            os.fsync(handle.fileno())
        digest = file_sha256(Path(tmp))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_manifest(path: Path) -> list[str]:
    """Problems with a package's manifest (empty when every file matches and is listed)."""
    problems: list[str] = []
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if MANIFEST_NAME not in names:
            return [f"{MANIFEST_NAME} is missing"]
        listed: dict[str, str] = {}
        for line in archive.read(MANIFEST_NAME).decode().splitlines():
            sha, _, name = line.partition("  ")
            listed[name] = sha
        for name in sorted(names - {MANIFEST_NAME}):
            if name not in listed:
                problems.append(f"{name} is not in the manifest")
            elif hashlib.sha256(archive.read(name)).hexdigest() != listed[name]:
                problems.append(f"{name} does not match its manifest hash")
        problems += [f"{n} is listed but absent" for n in sorted(set(listed) - names)]
    return problems
