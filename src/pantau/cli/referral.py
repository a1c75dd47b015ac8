"""``pantau referral``: check an exported referral package (for whoever receives one).

Creating and exporting referrals needs a named referral officer, so it happens in the review
app (``/rujukan``), never from the command line.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import typer
from rich.text import Text

from pantau.cli.common import console, err_console, fail, handled
from pantau.errors import EvidenceError
from pantau.review.referral_package import MANIFEST_NAME, check_manifest, file_sha256

app = typer.Typer(help="Referral packages (one act per package).", no_args_is_help=True)


@app.command("verify")
def verify(
    package: Path = typer.Argument(..., help="The exported ZIP (rujukan-....zip)."),
) -> None:
    """Check every file of a package against its MANIFEST.sha256; exit 1 on any problem."""
    with handled():
        if not package.is_file():
            raise EvidenceError(f"{package}: no such file")
        try:
            problems = check_manifest(package)
            with zipfile.ZipFile(package) as archive:
                files = len([n for n in archive.namelist() if n != MANIFEST_NAME])
        except zipfile.BadZipFile as exc:
            raise EvidenceError(f"{package}: not a ZIP package ({exc})") from exc
    for problem in problems:
        err_console.print(Text(f"{package.name}: {problem}", style="red"))
    if problems:
        fail(f"{package.name}: {len(problems)} problem(s); do not rely on this package")
    console.print(
        Text(f"{package.name}: {files} files match {MANIFEST_NAME}; package SHA-256 ")
        + Text(file_sha256(package))
    )
